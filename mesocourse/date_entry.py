"""A date entered as day, month name and year in three lists: the same order and words whatever the browser's locale.

ipywidgets' DatePicker is the browser's own date box, which shows the date in the browser's locale (month first on an
American-English system), so "03/05" can mean two days. Three lists need no typing and cannot be read two ways.
"""

from datetime import date

import ipywidgets as widgets

# English month names, written out so no computer's locale changes them (the certificate prints them too).
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
BLANK = ("–", None)
# A treatment date is near today: last year to two years ahead; a date set from code outside that is added.
YEARS_BEFORE, YEARS_AFTER = 1, 2
LABEL_WIDTH = "11em"


class DateEntry:
    """Day, month and year lists under one label; `value` is the date, None while a part is blank."""

    def __init__(self, description: str, value: date | None = None, today: date | None = None):
        this_year = (today or date.today()).year
        # The label is the day list's own description, so it lines up with the form's other labels (11em, right).
        self.day = widgets.Dropdown(
            options=[BLANK, *((str(n), n) for n in range(1, 32))],
            description=description,
            style={"description_width": LABEL_WIDTH},
            layout={"width": f"calc({LABEL_WIDTH} + 5em)"},
        )
        self.month = widgets.Dropdown(
            options=[BLANK, *((name, n) for n, name in enumerate(MONTHS, start=1))], layout={"width": "9em"}
        )
        self.year = widgets.Dropdown(
            options=[BLANK, *((str(y), y) for y in range(this_year - YEARS_BEFORE, this_year + YEARS_AFTER + 1))],
            layout={"width": "6em"},
        )
        for part, name in ((self.day, "Day"), (self.month, "Month"), (self.year, "Year")):
            part.tooltip = name
        self.widget = widgets.HBox([self.day, self.month, self.year])
        self.widget.add_class("mesocourse-date-entry")
        self.value = value

    @property
    def value(self) -> date | None:
        """The chosen date; None while a part is blank; ValueError in words for a day the month does not have."""
        day, month, year = self.day.value, self.month.value, self.year.value
        if day is None or month is None or year is None:
            return None
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueError(f"There is no {day} {MONTHS[month - 1]} {year}: please check the day.") from None

    @value.setter
    def value(self, chosen: date | None) -> None:
        if chosen is None:
            self.day.value = self.month.value = self.year.value = None
            return
        years = {year for _, year in self.year.options[1:]} | {chosen.year}
        self.year.options = [BLANK, *((str(year), year) for year in sorted(years))]
        self.day.value, self.month.value, self.year.value = chosen.day, chosen.month, chosen.year
