"""mesocourse.date_entry: a date as day, month name and year, never in the browser's locale order."""

from datetime import date

import pytest

from mesocourse.date_entry import DateEntry


def test_parts_read_day_month_name_year_and_give_the_date():
    """The lists show the day, then the month in words, then the year; their choice is the date."""
    entry = DateEntry("Treatment date:", date(2026, 3, 5), today=date(2026, 1, 1))
    labels = [part.label for part in (entry.day, entry.month, entry.year)]
    assert labels == ["5", "March", "2026"]
    assert entry.value == date(2026, 3, 5)
    entry.day.value, entry.month.value = 20, 12
    assert entry.value == date(2026, 12, 20)


def test_blank_part_is_no_date_and_an_impossible_day_is_said_in_words():
    """A blank part gives None; 31 February is refused in a sentence, not with a traceback."""
    entry = DateEntry("Treatment date:", None, today=date(2026, 1, 1))
    assert entry.value is None
    entry.day.value, entry.month.value, entry.year.value = 31, 2, 2026
    with pytest.raises(ValueError, match="There is no 31 February 2026"):
        _ = entry.value


def test_a_date_outside_the_years_listed_is_added():
    """Setting a date from code in a year the list lacks adds that year rather than failing."""
    entry = DateEntry("Treatment date:", date(2031, 7, 1), today=date(2026, 1, 1))
    assert entry.value == date(2031, 7, 1)
