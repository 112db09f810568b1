"""Aftercare after mesotherapy: the day-by-day instructions, red flags, the call lookup, a timeline and a handout.

The content lives in assets/aftercare.yaml and assets/complications.yaml; this module turns it into answers
(`advice_for`), a figure (`timeline_figure`), a dated patient handout (`handout`) and the notebook's widgets.
"""

import html
import math
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import ipywidgets as widgets
from IPython.display import HTML
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from mesocourse.assets import AssetError, load_asset
from mesocourse.figures import figure_html, figure_maker
from mesocourse.look import TONES, feedback_box, status_box
from mesocourse.pdf import add_course_fonts, download_link_html
from mesocourse.references import cite

AFTERCARE_FILE, AFTERCARE_SCHEMA = "aftercare.yaml", "aftercare.schema.json"
COMPLICATIONS_FILE, COMPLICATIONS_SCHEMA = "complications.yaml", "complications.schema.json"
HOURS_PER_UNIT = {"hours": 1, "days": 24, "weeks": 24 * 7}
URGENCY_ORDER = ("expected", "call", "emergency")
# Plain English names, so a handout never depends on the computer's language settings.
MONTHS = ("January February March April May June July August September October November December").split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
PHONE_CHARACTERS = re.compile(r"^[0-9+()./\- ]+$")
MIN_PHONE_DIGITS = 5


# ---------------------------------------------------------------------------------------------------------------
# The data
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duration:
    """A time after treatment, as the sources give it (48 hours, 2 weeks)."""

    amount: float
    unit: str

    @property
    def hours(self) -> float:
        """The duration in hours."""
        return self.amount * HOURS_PER_UNIT[self.unit]

    @property
    def days(self) -> float:
        """The duration in days (48 hours is 2.0)."""
        return self.hours / 24

    @property
    def calendar_days(self) -> int:
        """Whole days to add to the treatment date; part days round up, so the patient waits long enough."""
        return math.ceil(self.days - 1e-9)

    def text(self) -> str:
        """Readable form: '48 hours', '1 day', '2 weeks'."""
        amount = f"{self.amount:g}"
        unit = self.unit[:-1] if self.amount == 1 else self.unit
        return f"{amount} {unit}"


@dataclass(frozen=True)
class SourceRange:
    """What the sources say when they disagree: the shortest and longest times, with their references."""

    shortest: Duration
    longest: Duration
    shortest_references: tuple[str, ...]
    longest_references: tuple[str, ...]
    note: str = ""

    def text(self) -> str:
        """'6 hours to 48 hours'."""
        return f"{self.shortest.text()} to {self.longest.text()}"


@dataclass(frozen=True)
class AftercareItem:
    """One instruction for the patient, with when it starts, when it ends (None: until healed) and its sources."""

    id: str
    kind: str
    title: str
    handout: str
    why: str
    start: Duration
    end: Duration | None
    references: tuple[str, ...]
    sources_say: SourceRange | None = None
    choice: str = ""

    @property
    def until_healed(self) -> bool:
        """True when the instruction has no fixed end: it lasts until the injection points have healed."""
        return self.end is None

    def end_date(self, treatment_date: date) -> date | None:
        """The calendar date the instruction ends (None when it lasts until healed)."""
        if self.end is None:
            return None
        return treatment_date + timedelta(days=self.end.calendar_days)

    def course_choice_text(self) -> str:
        """The course's time in words: '48 hours' or 'until healed'."""
        return "until healed" if self.end is None else self.end.text()


@dataclass(frozen=True)
class UrgencyLevel:
    """How urgent a patient's call is, as a word and a symbol (never colour alone) and what staff do."""

    name: str
    label: str
    symbol: str
    action: str


@dataclass(frozen=True)
class RedFlag:
    """A group of signs (expected, call the clinic, emergency, weeks later) and when they usually appear."""

    id: str
    urgency: str
    title: str
    signs: tuple[str, ...]
    from_day: int
    to_day: int | None
    appears: str
    references: tuple[str, ...]
    typical_from_day: int | None = None
    typical_to_day: int | None = None


@dataclass(frozen=True)
class AdviceWindow:
    """What to advise for one symptom from one day to another after treatment."""

    from_day: int
    to_day: int | None
    urgency: str
    tell: str
    staff: str
    references: tuple[str, ...]

    def covers(self, day: int) -> bool:
        """True when this window holds the given day after treatment."""
        return self.from_day <= day and (self.to_day is None or day <= self.to_day)


@dataclass(frozen=True)
class Symptom:
    """Something a patient may report, with the advice for each window of days."""

    id: str
    label: str
    windows: tuple[AdviceWindow, ...]


@dataclass(frozen=True)
class CallScenario:
    """A practice call: the day after treatment, the symptom and the patient's own words."""

    day: int
    symptom: str
    words: str


@dataclass(frozen=True)
class Aftercare:
    """Everything in assets/aftercare.yaml, checked."""

    items: tuple[AftercareItem, ...]
    urgency_levels: dict
    red_flags: tuple[RedFlag, ...]
    symptoms: tuple[Symptom, ...]
    scenarios: tuple[CallScenario, ...]
    until_healed_words: str

    def item(self, item_id: str) -> AftercareItem:
        """The instruction with this id (KeyError when absent)."""
        return _by_id(self.items, item_id)

    def red_flag(self, flag_id: str) -> RedFlag:
        """The red-flag group with this id (KeyError when absent)."""
        return _by_id(self.red_flags, flag_id)

    def symptom(self, symptom_id: str) -> Symptom:
        """The symptom with this id (KeyError when absent)."""
        return _by_id(self.symptoms, symptom_id)


def _by_id(entries, wanted: str):
    for entry in entries:
        if entry.id == wanted:
            return entry
    raise KeyError(wanted)


def _duration(raw) -> Duration | None:
    return None if raw == "until healed" else Duration(raw["amount"], raw["unit"])


def _item(raw: dict) -> AftercareItem:
    said = raw.get("sources_say")
    sources_say = None
    if said:
        sources_say = SourceRange(
            shortest=_duration(said["shortest"]),
            longest=_duration(said["longest"]),
            shortest_references=tuple(said["shortest"]["references"]),
            longest_references=tuple(said["longest"]["references"]),
            note=said.get("note", ""),
        )
    return AftercareItem(
        id=raw["id"],
        kind=raw["kind"],
        title=raw["title"],
        handout=" ".join(raw["handout"].split()),
        why=" ".join(raw["why"].split()),
        start=_duration(raw["start"]),
        end=_duration(raw["end"]),
        references=tuple(raw["references"]),
        sources_say=sources_say,
        choice=raw.get("choice", ""),
    )


def _red_flag(raw: dict) -> RedFlag:
    appears = raw["appears"]
    return RedFlag(
        id=raw["id"],
        urgency=raw["urgency"],
        title=raw["title"],
        signs=tuple(raw["signs"]),
        from_day=appears["from_day"],
        to_day=appears["to_day"],
        appears=" ".join(appears["text"].split()),
        references=tuple(raw["references"]),
        typical_from_day=appears.get("typical_from_day"),
        typical_to_day=appears.get("typical_to_day"),
    )


def _symptom(raw: dict) -> Symptom:
    windows = tuple(
        AdviceWindow(
            w["from_day"],
            w["to_day"],
            w["urgency"],
            " ".join(w["tell"].split()),
            " ".join(w["staff"].split()),
            tuple(w["references"]),
        )
        for w in raw["windows"]
    )
    return Symptom(raw["id"], raw["label"], windows)


def _check_rules(data: Aftercare) -> None:
    """Course rules a schema cannot say: times in order, windows without gaps, scenarios that exist."""
    where = f"assets/{AFTERCARE_FILE}"
    for item in data.items:
        if item.end is not None and item.end.hours < item.start.hours:
            raise AssetError(f"{where}, item {item.id!r}: it ends ({item.end.text()}) before it starts")
        said = item.sources_say
        if said and said.longest.hours < said.shortest.hours:
            raise AssetError(f"{where}, item {item.id!r}: sources_say.longest is shorter than sources_say.shortest")
    for flag in data.red_flags:
        if flag.to_day is not None and flag.to_day < flag.from_day:
            raise AssetError(f"{where}, red flag {flag.id!r}: appears.to_day is before appears.from_day")
        if flag.typical_from_day is not None:
            inside = flag.from_day <= flag.typical_from_day <= flag.typical_to_day
            if not inside or (flag.to_day is not None and flag.typical_to_day > flag.to_day):
                raise AssetError(f"{where}, red flag {flag.id!r}: the typical window must lie inside from_day..to_day")
    for symptom in data.symptoms:
        expected_start = 0
        for number, window in enumerate(symptom.windows):
            if window.from_day != expected_start:
                raise AssetError(
                    f"{where}, symptom {symptom.id!r}, window {number + 1}: starts on day {window.from_day}, "
                    f"expected day {expected_start} (windows must cover every day without gaps or overlaps)"
                )
            if window.to_day is None:
                if number != len(symptom.windows) - 1:
                    raise AssetError(f"{where}, symptom {symptom.id!r}: only the last window may be open-ended")
                break
            if window.to_day < window.from_day:
                raise AssetError(f"{where}, symptom {symptom.id!r}, window {number + 1}: to_day is before from_day")
            expected_start = window.to_day + 1
        if symptom.windows[-1].to_day is not None:
            raise AssetError(f"{where}, symptom {symptom.id!r}: the last window must be open-ended (to_day: null)")
    known = {symptom.id for symptom in data.symptoms}
    for number, scenario in enumerate(data.scenarios, start=1):
        if scenario.symptom not in known:
            raise AssetError(f"{where}, call scenario {number}: unknown symptom {scenario.symptom!r}")
    for kind, entries in (("item", data.items), ("red flag", data.red_flags), ("symptom", data.symptoms)):
        ids = [entry.id for entry in entries]
        doubles = sorted({i for i in ids if ids.count(i) > 1})
        if doubles:
            raise AssetError(f"{where}: {kind} id {doubles[0]!r} is used twice")


def parse_aftercare(raw: dict) -> Aftercare:
    """Build and check the aftercare data from the parsed (schema-valid) YAML."""
    levels = {
        name: UrgencyLevel(
            name,
            raw["urgency_levels"][name]["label"],
            raw["urgency_levels"][name]["symbol"],
            " ".join(raw["urgency_levels"][name]["action"].split()),
        )
        for name in URGENCY_ORDER
    }
    data = Aftercare(
        items=tuple(_item(item) for item in raw["items"]),
        urgency_levels=levels,
        red_flags=tuple(_red_flag(flag) for flag in raw["red_flags"]),
        symptoms=tuple(_symptom(symptom) for symptom in raw["symptoms"]),
        scenarios=tuple(CallScenario(s["day"], s["symptom"], s["words"]) for s in raw["call_scenarios"]),
        until_healed_words=raw["until_healed_words"],
    )
    _check_rules(data)
    return data


@cache
def aftercare() -> Aftercare:
    """The course's aftercare data, loaded and checked once per kernel."""
    return parse_aftercare(load_asset(AFTERCARE_FILE, AFTERCARE_SCHEMA))


@cache
def complications() -> dict:
    """The complications, mycobacterial facts, outbreaks and prevention rules (assets/complications.yaml)."""
    return load_asset(COMPLICATIONS_FILE, COMPLICATIONS_SCHEMA)


# ---------------------------------------------------------------------------------------------------------------
# The call lookup: a patient calls on day N saying X
# ---------------------------------------------------------------------------------------------------------------


class UnknownSymptom(ValueError):
    """A symptom the lookup does not know; the message lists the ones it does."""


@dataclass(frozen=True)
class Advice:
    """What to do when a patient calls on a given day with a given symptom."""

    day: int
    symptom: str
    symptom_label: str
    urgency: str
    urgency_label: str
    symbol: str
    action: str
    tell: str
    staff: str
    references: tuple[str, ...]


def symptom_choices() -> list[tuple[str, str]]:
    """(label, id) pairs of every known symptom, for a dropdown."""
    return [(symptom.label, symptom.id) for symptom in aftercare().symptoms]


def _find_symptom(symptom: str) -> Symptom:
    wanted = " ".join(str(symptom).split()).lower()
    for entry in aftercare().symptoms:
        if wanted in (entry.id, entry.label.lower()):
            return entry
    known = "; ".join(f"{entry.id} ({entry.label})" for entry in aftercare().symptoms)
    raise UnknownSymptom(f"Unknown symptom {symptom!r}. Known symptoms: {known}.")


def check_day(day) -> int:
    """The day after treatment as a whole number from 0 (the treatment day), or a plain ValueError."""
    if isinstance(day, bool) or not isinstance(day, int):
        if isinstance(day, float) and day.is_integer():
            day = int(day)
        else:
            raise ValueError(
                f"The day must be a whole number of days after treatment (0 = treatment day), not {day!r}."
            )
    if day < 0:
        raise ValueError(f"The day must be 0 (the treatment day) or later, not {day}.")
    return day


def advice_for(day, symptom: str) -> Advice:
    """Urgency, what to tell the patient and the references, for a symptom reported on a day after treatment."""
    day = check_day(day)
    entry = _find_symptom(symptom)
    window = next(w for w in entry.windows if w.covers(day))
    level = aftercare().urgency_levels[window.urgency]
    return Advice(
        day=day,
        symptom=entry.id,
        symptom_label=entry.label,
        urgency=window.urgency,
        urgency_label=level.label,
        symbol=level.symbol,
        action=level.action,
        tell=window.tell,
        staff=window.staff,
        references=window.references,
    )


# Text and background pairs reuse the quiz's accessible tones; "call" gets a dark amber of the same contrast.
URGENCY_TONES = {
    "expected": TONES["right"][:2],
    "call": ("#6b3d00", "#fff4e0"),
    "emergency": TONES["wrong"][:2],
}


def advice_html(advice: Advice) -> str:
    """The advice as a box: urgency in words and symbol first, what to tell the patient, the staff note, sources."""
    colour, background = URGENCY_TONES[advice.urgency]
    day_text = "the day of treatment" if advice.day == 0 else f"day {advice.day} after treatment"
    return status_box(
        colour,
        background,
        f"<strong>{html.escape(advice.symbol)} {html.escape(advice.urgency_label)}</strong> "
        f"({html.escape(advice.symptom_label.lower())}, {day_text})"
        f"<div><strong>What to do:</strong> {html.escape(advice.action)}</div>"
        f"<div><strong>Tell the patient:</strong> “{html.escape(advice.tell)}”</div>"
        f"<div><strong>For staff:</strong> {html.escape(advice.staff)}</div>"
        f'<div style="font-size:90%;margin-top:4px"><em>Sources:</em> {html.escape(cite(advice.references))}</div>',
    )


# ---------------------------------------------------------------------------------------------------------------
# Dates for the handout
# ---------------------------------------------------------------------------------------------------------------


def parse_treatment_date(value) -> date:
    """The treatment date from a date, a datetime or an ISO text such as '2026-11-22'; a plain ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("Please give the treatment date, for example 2026-11-22.")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"The treatment date {value!r} is not a date in the form YEAR-MONTH-DAY, for example 2026-11-22."
            ) from None
    raise ValueError(f"The treatment date must be a date or a text such as 2026-11-22, not {value!r}.")


def long_date(day: date) -> str:
    """'Sunday 6 December 2026', in English whatever the computer's language."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def handout_instructions(treatment_date) -> list[str]:
    """The instructions as dated sentences for this treatment date ('No sauna ... until Sunday 6 December 2026.')."""
    treated = parse_treatment_date(treatment_date)
    data = aftercare()
    lines = []
    for item in data.items:
        ends = item.end_date(treated)
        until = data.until_healed_words if ends is None else long_date(ends)
        lines.append(item.handout.replace("{until}", until))
    return lines


def late_watch_until(treatment_date) -> date:
    """The last day of the reported window for late (mycobacterial) infection after this treatment date."""
    late = aftercare().red_flag("late-infection")
    return parse_treatment_date(treatment_date) + timedelta(days=late.to_day)


# ---------------------------------------------------------------------------------------------------------------
# The patient handout (PDF)
# ---------------------------------------------------------------------------------------------------------------


def _checked_clinic_name(clinic_name) -> str:
    if clinic_name is None or not str(clinic_name).strip():
        raise ValueError("Please give the clinic's name: the patient needs to know who to call.")
    name = " ".join(str(clinic_name).split())
    if len(name) > 120:
        raise ValueError("The clinic's name is too long for the handout (120 characters at most).")
    return name


def _checked_phone(phone) -> str:
    if phone is None or not str(phone).strip():
        raise ValueError(
            "Please give the clinic's phone number: the patient must be able to call if anything is wrong."
        )
    number = " ".join(str(phone).split())
    digits = sum(character.isdigit() for character in number)
    if not PHONE_CHARACTERS.match(number) or digits < MIN_PHONE_DIGITS:
        raise ValueError(
            f"The phone number {number!r} does not look like a phone number: use digits, spaces and + - ( ) only."
        )
    return number


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "clinic"


def handout_filename(clinic_name: str, treatment_date: date) -> str:
    """The default file name: aftercare-<clinic>-<date>.pdf."""
    return f"aftercare-{_slug(clinic_name)}-{treatment_date.isoformat()}.pdf"


def _new_pdf(clinic: str, phone: str):
    from fpdf import FPDF

    class HandoutPDF(FPDF):
        def footer(self):
            self.set_y(-14)
            self.set_font("DejaVu", size=8)
            self.cell(0, 5, f"{clinic} · {phone} · page {self.page_no()} of {{nb}}", align="C")

    pdf = HandoutPDF(format="A4")
    # A Unicode font, so clinic names with accents (Clinique Hélène) print correctly.
    add_course_fonts(pdf)
    pdf.set_margins(16, 14, 16)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(f"Aftercare after your mesotherapy treatment - {clinic}")
    pdf.set_author(clinic)
    pdf.set_lang("en")
    pdf.add_page()
    return pdf


BODY_SIZE, LINE = 9.5, 4.7


def _paragraph(pdf, text: str, size: float = BODY_SIZE, bold: bool = False, line: float = LINE) -> None:
    pdf.set_font("DejaVu", "B" if bold else "", size)
    pdf.multi_cell(0, line, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _heading(pdf, text: str) -> None:
    pdf.ln(1.5)
    _paragraph(pdf, text, size=11.5, bold=True, line=6)


def _bullets(pdf, lines) -> None:
    pdf.set_font("DejaVu", "", BODY_SIZE)
    for line in lines:
        pdf.set_x(pdf.l_margin)
        pdf.cell(4.5, LINE, "•")
        pdf.multi_cell(0, LINE, line, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.4)


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def handout(clinic_name=None, phone=None, treatment_date=None, path=None) -> Path:
    """Write the patient's dated aftercare handout as a one- or two-page PDF and return where it was written."""
    clinic = _checked_clinic_name(clinic_name)
    number = _checked_phone(phone)
    treated = parse_treatment_date(treatment_date)
    target = Path(path) if path is not None else Path.cwd() / handout_filename(clinic, treated)
    if target.suffix.lower() != ".pdf":
        raise ValueError(f"The handout is a PDF: the file name must end in .pdf, not {target.name!r}.")
    flags = {flag.id: flag for flag in aftercare().red_flags}

    pdf = _new_pdf(clinic, number)
    _paragraph(pdf, clinic, size=15, bold=True, line=7.5)
    _paragraph(pdf, "After your mesotherapy treatment", size=12.5, bold=True, line=7)
    _paragraph(pdf, f"Treatment date: {long_date(treated)}")
    _paragraph(pdf, f"Questions or worries? Call {clinic} on {number}.")

    _heading(pdf, "What to do, and until when")
    _bullets(pdf, handout_instructions(treated))

    expected = flags["expected-effects"]
    _heading(pdf, "What is normal")
    _bullets(pdf, [_sentence(", ".join(expected.signs)) + ".", expected.appears])

    _heading(pdf, f"Call us on {number} if you notice")
    _bullets(pdf, [_sentence(sign) for sign in flags["call-the-clinic"].signs])

    # The emergency signs sit in a box so they stand out on a printed page, in colour or not.
    emergency = flags["emergency-allergy"]
    pdf.ln(1.5)
    top = pdf.get_y()
    pdf.set_x(pdf.l_margin + 2)
    _paragraph(pdf, "EMERGENCY: call your local emergency number at once if you have", size=11.5, bold=True, line=6)
    _bullets(pdf, [_sentence(sign) for sign in emergency.signs])
    pdf.ln(0.8)
    pdf.set_line_width(0.6)
    pdf.rect(pdf.l_margin - 2, top - 1, pdf.epw + 4, pdf.get_y() - top + 1.5)

    late = flags["late-infection"]
    _heading(pdf, f"Weeks later: call us on {number} if you notice")
    _bullets(pdf, [_sentence(sign) for sign in late.signs])
    _paragraph(
        pdf,
        f"These can appear weeks after the treatment: usually within {late.typical_from_day // 7} to "
        f"{late.typical_to_day // 7} weeks, and they have been seen up to {late.to_day // 7} weeks later "
        f"(until about {long_date(late_watch_until(treated))}). Call us even if it is long after "
        f"your treatment, and tell any doctor you see that you had mesotherapy on {long_date(treated)}.",
    )

    pdf.ln(2)
    _paragraph(
        pdf,
        "This sheet gives general advice. Follow any other instructions from your clinic, and keep this sheet until "
        "your skin has fully healed.",
        size=8,
        line=4,
    )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        pdf.output(str(target))
    except OSError as error:
        raise ValueError(f"The handout could not be saved to {target} ({error.strerror or error}).") from None
    return target


# ---------------------------------------------------------------------------------------------------------------
# The timeline figure
# ---------------------------------------------------------------------------------------------------------------

LEFT_DAYS = 14.5
RIGHT_END_DAY = 210
SOLID, RANGE_FILL, EDGE = "#3a3a3a", "#d9d9d9", "#555555"
FLAG_STYLE = {
    # urgency: (face, hatch): words in the row labels carry the meaning; the hatch tells the rows apart in grey.
    "expected": ("#eeeeee", "..."),
    "call": ("#bdbdbd", "xx"),
    "emergency": ("#8c8c8c", "\\\\\\"),
}
FLAG_LABELS = {
    "expected-effects": "Expected: swelling, redness, tenderness",
    "call-the-clinic": "Call the clinic, any day",
    "emergency-allergy": "Emergency, any time",
    "late-infection": "Late infection (mycobacteria)",
}


def _bar_label(axes, x_end: float, y: float, text: str, inside: bool, size: float = 8) -> None:
    if inside:
        axes.text(x_end - 0.15, y, text, ha="right", va="center", fontsize=size, color="white", fontweight="bold")
    else:
        axes.text(x_end + 0.15, y, text, ha="left", va="center", fontsize=size, color="black")


def _timeline_alt(data: Aftercare) -> str:
    parts = []
    for item in data.items:
        text = f"{item.title}: from the treatment, {item.course_choice_text()}"
        if item.sources_say:
            text += f" (sources: {item.sources_say.text()})"
        parts.append(text)
    flags = []
    for flag in data.red_flags:
        window = "any day from the treatment" if flag.to_day is None else f"day {flag.from_day} to day {flag.to_day}"
        if flag.typical_from_day is not None:
            window = (
                f"usually day {flag.typical_from_day} to day {flag.typical_to_day} "
                f"(weeks {flag.typical_from_day // 7} to {flag.typical_to_day // 7}), reported from day "
                f"{flag.from_day} to day {flag.to_day} (week {flag.to_day // 7})"
            )
        flags.append(f"{FLAG_LABELS.get(flag.id, flag.title)}: {window}")
    return (
        "Aftercare timeline. Days 0 to 14 after treatment on the left, weeks 2 to 30 on the right. Instructions as "
        "bars, the course's choice solid and the range in the sources hatched: " + "; ".join(parts) + ". "
        "Warning-sign windows shaded: " + "; ".join(flags) + "."
    )


@figure_maker("aftercare_timeline")
def timeline_figure(highlight_day: int | None = None):
    """The aftercare instructions and the warning-sign windows on a days-then-weeks axis; returns (Figure, alt text)."""
    data = aftercare()
    items, flags = data.items, data.red_flags
    rows = len(items) + 1 + len(flags)
    figure = Figure(figsize=(12, 0.42 * rows + 1.9))
    grid = figure.add_gridspec(1, 2, width_ratios=[3.2, 1.6], wspace=0.04)
    days_axes = figure.add_subplot(grid[0])
    weeks_axes = figure.add_subplot(grid[1], sharey=days_axes)

    labels, positions = [], []
    for row, item in enumerate(items):
        y = row
        labels.append(item.title)
        positions.append(y)
        start = item.start.days
        if item.sources_say:
            low, high = item.sources_say.shortest.days, item.sources_say.longest.days
            days_axes.barh(
                y + 0.22,
                max(high - low, 0.08),
                left=low,
                height=0.22,
                color=RANGE_FILL,
                hatch="////",
                edgecolor=EDGE,
                linewidth=0.6,
            )
            # The weeks panel is empty on instruction rows, so it holds the sources' range as a readable column.
            weeks_axes.text(
                LEFT_DAYS + 3,
                y + 0.22,
                f"sources: {item.sources_say.text()}",
                ha="left",
                va="center",
                fontsize=7.5,
                bbox=dict(facecolor="white", edgecolor="none", pad=0.5),
            )
        if item.end is None:
            days_axes.barh(y - 0.08, LEFT_DAYS - start, left=start, height=0.42, color=SOLID, edgecolor=SOLID)
            _bar_label(days_axes, LEFT_DAYS, y - 0.08, f"until {data.until_healed_words} →", inside=True)
        else:
            end = item.end.days
            days_axes.barh(y - 0.08, max(end - start, 0.08), left=start, height=0.42, color=SOLID, edgecolor=SOLID)
            _bar_label(days_axes, end, y - 0.08, item.end.text(), inside=end > 9)

    separator = len(items)
    for axes in (days_axes, weeks_axes):
        axes.axhline(separator, color="black", linewidth=0.8)
    days_axes.text(
        -0.3, separator, "Warning signs", ha="left", va="center", fontsize=9, fontweight="bold", backgroundcolor="white"
    )

    for offset, flag in enumerate(flags, start=1):
        y = separator + offset
        labels.append(FLAG_LABELS.get(flag.id, flag.title))
        positions.append(y)
        face, hatch = FLAG_STYLE[flag.urgency]
        end = RIGHT_END_DAY if flag.to_day is None else flag.to_day
        if flag.typical_from_day is not None:
            # Reported range light and hatched; the usual window darker and solid, on both panels.
            for axes in (days_axes, weeks_axes):
                axes.barh(
                    y,
                    end - flag.from_day,
                    left=flag.from_day,
                    height=0.6,
                    color=RANGE_FILL,
                    hatch="////",
                    edgecolor=EDGE,
                    linewidth=0.6,
                )
                axes.barh(
                    y,
                    flag.typical_to_day - flag.typical_from_day,
                    left=flag.typical_from_day,
                    height=0.6,
                    color="#7a7a7a",
                    edgecolor=EDGE,
                    linewidth=0.6,
                )
            usual = f"usually weeks {flag.typical_from_day // 7}–{flag.typical_to_day // 7}"
            days_axes.text(
                (flag.typical_from_day + LEFT_DAYS) / 2,
                y,
                usual,
                ha="center",
                va="center",
                fontsize=7.5,
                color="white",
                fontweight="bold",
            )
            weeks_axes.text(
                (flag.typical_to_day + end) / 2,
                y,
                f"up to {end // 7} weeks",
                ha="center",
                va="center",
                fontsize=7.5,
                bbox=dict(facecolor="white", edgecolor="none", pad=0.5),
            )
            days_axes.text(
                flag.from_day + 0.1,
                y,
                f"from day {flag.from_day}",
                ha="left",
                va="center",
                fontsize=7.5,
                bbox=dict(facecolor="white", edgecolor="none", pad=0.5),
            )
        else:
            for axes in (days_axes, weeks_axes):
                axes.barh(
                    y,
                    end - flag.from_day,
                    left=flag.from_day,
                    height=0.6,
                    color=face,
                    hatch=hatch,
                    edgecolor=EDGE,
                    linewidth=0.6,
                )
            if flag.to_day is not None:
                days_axes.text(flag.to_day + 0.15, y, f"first {flag.to_day} days", ha="left", va="center", fontsize=7)

    days_axes.set_xlim(-0.3, LEFT_DAYS)
    days_axes.set_xticks(range(0, 15))
    days_axes.set_xlabel("Days after treatment (0 = the day of treatment)")
    weeks_axes.set_xlim(LEFT_DAYS, RIGHT_END_DAY)
    week_ticks = [2, 4, 8, 12, 16, 20, 24, 29]
    weeks_axes.set_xticks([7 * week for week in week_ticks])
    weeks_axes.set_xticklabels([str(week) for week in week_ticks])
    weeks_axes.set_xlabel("Weeks after treatment")
    days_axes.set_yticks(positions)
    days_axes.set_yticklabels(labels, fontsize=9)
    days_axes.set_ylim(rows - 0.4, -0.7)
    weeks_axes.tick_params(axis="y", left=False, labelleft=False)
    for axes in (days_axes, weeks_axes):
        axes.grid(axis="x", color="#cccccc", linewidth=0.5)
        axes.set_axisbelow(True)
        axes.spines["top"].set_visible(False)
    days_axes.spines["right"].set_visible(False)
    weeks_axes.spines["left"].set_visible(False)
    # Slanted marks where the axis changes from days to weeks (a broken axis).
    marks = dict(marker=[(-1, -1.5), (1, 1.5)], markersize=10, linestyle="none", color="black", clip_on=False)
    days_axes.plot([1], [0], transform=days_axes.transAxes, **marks)
    weeks_axes.plot([0], [0], transform=weeks_axes.transAxes, **marks)

    if highlight_day is not None:
        day = check_day(highlight_day)
        axes = days_axes if day <= LEFT_DAYS else weeks_axes
        axes.axvline(day, color="black", linestyle="--", linewidth=1.4)
        axes.text(day, -0.65, f" day {day}", ha="left", va="bottom", fontsize=8, fontweight="bold")

    legend = [
        Patch(facecolor=SOLID, edgecolor=SOLID, label="The course's choice"),
        Patch(facecolor=RANGE_FILL, hatch="////", edgecolor=EDGE, label="Range in the sources"),
        Patch(facecolor="#7a7a7a", edgecolor=EDGE, label="Late infection: usual window"),
        Patch(
            facecolor=FLAG_STYLE["expected"][0],
            hatch=FLAG_STYLE["expected"][1],
            edgecolor=EDGE,
            label="Expected effects",
        ),
        Patch(facecolor=FLAG_STYLE["call"][0], hatch=FLAG_STYLE["call"][1], edgecolor=EDGE, label="Call the clinic"),
        Patch(
            facecolor=FLAG_STYLE["emergency"][0], hatch=FLAG_STYLE["emergency"][1], edgecolor=EDGE, label="Emergency"
        ),
    ]
    figure.legend(handles=legend, loc="lower center", ncol=6, frameon=False, fontsize=8, bbox_to_anchor=(0.55, 0.0))
    figure.suptitle("Aftercare day by day, and when warning signs appear", fontsize=12, x=0.55)
    figure.subplots_adjust(bottom=0.1, top=0.94)
    alt = _timeline_alt(data)
    if highlight_day is not None:
        alt += f" A dashed line marks day {highlight_day}."
    return figure, alt


def aftercare_timeline(highlight_day: int | None = None) -> HTML:
    """The timeline as an accessible image for the notebook."""
    return HTML(figure_html(*timeline_figure(highlight_day)))


# ---------------------------------------------------------------------------------------------------------------
# Tables for the notebook
# ---------------------------------------------------------------------------------------------------------------


def _keys(references) -> str:
    return html.escape(" ".join(f"[{key}]" for key in references))


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th style='text-align:left'>{header}</th>" for header in headers)
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:left;vertical-align:top'>{cell}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def aftercare_table_html() -> str:
    """Each instruction: what, for how long (the course's choice), what the sources say, why, and the sources."""
    rows = []
    for item in aftercare().items:
        said = "—"
        if item.sources_say:
            said = html.escape(item.sources_say.text())
            if item.sources_say.note:
                said += f"<br><small>{html.escape(item.sources_say.note)}</small>"
        choice = f"<strong>{html.escape(item.course_choice_text())}</strong>"
        if item.choice:
            choice += f"<br><small>{html.escape(item.choice)}</small>"
        rows.append([html.escape(item.title), choice, said, html.escape(item.why), _keys(item.references)])
    return _table(["Instruction", "How long (course)", "What the sources say", "Why", "Sources"], rows)


def aftercare_table() -> HTML:
    """The instructions table for display in a notebook."""
    return HTML(aftercare_table_html())


def red_flags_table_html() -> str:
    """The warning-sign groups: urgency in words and symbol, the signs, when they usually appear, the sources."""
    data = aftercare()
    rows = []
    for flag in data.red_flags:
        level = data.urgency_levels[flag.urgency]
        signs = "<ul style='margin:0'>" + "".join(f"<li>{html.escape(s)}</li>" for s in flag.signs) + "</ul>"
        rows.append(
            [
                f"<strong>{html.escape(level.symbol)} {html.escape(flag.title)}</strong>",
                signs,
                html.escape(flag.appears),
                html.escape(level.action),
                _keys(flag.references),
            ]
        )
    return _table(["", "Signs", "When", "What staff do", "Sources"], rows)


def red_flags_table() -> HTML:
    """The warning-sign table for display in a notebook."""
    return HTML(red_flags_table_html())


def complications_table_html() -> str:
    """Common effects with how long they last, then uncommon complications; unsourced ones are marked as such."""
    data = complications()
    common = _table(
        ["Common effect", "How long it lasts", "Sources"],
        [[html.escape(c["name"]), html.escape(c["how_long"]), _keys(c["references"])] for c in data["common"]],
    )
    rows = []
    for entry in data["uncommon"]:
        sources = _keys(entry["references"]) if entry["references"] else "<em>no source in the course's fact base</em>"
        text = html.escape(" ".join(entry["description"].split()))
        if entry.get("management"):
            text += f"<br><small>Reported treatment (doctor's decision): {html.escape(entry['management'])}</small>"
        rows.append([f"<strong>{html.escape(entry['name'])}</strong>", text, sources])
    uncommon = _table(["Uncommon or rare", "What it is", "Sources"], rows)
    return common + "<p></p>" + uncommon


def complications_table() -> HTML:
    """The complications tables for display in a notebook."""
    return HTML(complications_table_html())


def outbreaks_table_html() -> str:
    """The documented mycobacterial outbreaks after mesotherapy: where, when, how many, germ, cause, source."""
    rows = [
        [
            html.escape(o["place"]),
            html.escape(o["when"]),
            html.escape(o["how_many"]),
            html.escape(o["organism"]),
            html.escape(o["cause"]),
            _keys(o["references"]),
        ]
        for o in complications()["outbreaks"]
    ]
    return _table(["Where", "When", "How many", "Germ (mycobacterium)", "Cause found", "Source"], rows)


def outbreaks_table() -> HTML:
    """The outbreaks table for display in a notebook."""
    return HTML(outbreaks_table_html())


def prevention_html() -> str:
    """The rules that prevent mycobacterial infection, each with why and its sources."""
    items = "".join(
        f"<li><strong>{html.escape(rule['rule'])}</strong> {html.escape(' '.join(rule['why'].split()))} "
        f"<small>{_keys(rule['references'])}</small></li>"
        for rule in complications()["prevention"]
    )
    return f"<ul>{items}</ul>"


def prevention_rules() -> HTML:
    """The prevention rules for display in a notebook."""
    return HTML(prevention_html())


# ---------------------------------------------------------------------------------------------------------------
# Widgets
# ---------------------------------------------------------------------------------------------------------------


class AdviceExplorer:
    """Pick a day and a symptom; the advice updates at once."""

    def __init__(self, day: int = 1, symptom: str = "swelling"):
        self.day = widgets.BoundedIntText(
            value=day,
            min=0,
            max=365,
            description="Day after treatment:",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="16em"),
        )
        self.symptom = widgets.Dropdown(
            options=symptom_choices(),
            value=symptom,
            description="The patient reports:",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="44em"),
        )
        self.output = widgets.HTML()
        self.day.observe(self._on_day, names="value")
        self.symptom.observe(self._on_symptom, names="value")
        self.widget = widgets.VBox([widgets.HBox([self.day]), self.symptom, self.output])
        self._refresh()

    def _refresh(self) -> None:
        try:
            self.output.value = advice_html(advice_for(self.day.value, self.symptom.value))
        except ValueError as problem:
            self.output.value = feedback_box("info", [str(problem)])

    def _on_day(self, change) -> None:
        self._refresh()

    def _on_symptom(self, change) -> None:
        self._refresh()


def advice_explorer() -> widgets.VBox:
    """The day-and-symptom lookup as a widget for the notebook."""
    return AdviceExplorer().widget


def check_call_answer(scenario: CallScenario, chosen: str | None) -> tuple[bool, Advice]:
    """Whether the urgency chosen for a practice call is right, with the lookup's advice; ValueError if none chosen."""
    if chosen is None:
        raise ValueError("Please choose how urgent this call is first.")
    if chosen not in URGENCY_ORDER:
        raise ValueError(f"Unknown urgency {chosen!r}; choose one of: {', '.join(URGENCY_ORDER)}.")
    advice = advice_for(scenario.day, scenario.symptom)
    return chosen == advice.urgency, advice


class CallExercise:
    """Practice calls: 'a patient calls on day N saying X'; choose the urgency, check, then see the full advice."""

    def __init__(self, scenarios=None):
        self.scenarios = tuple(scenarios if scenarios is not None else aftercare().scenarios)
        self.position = 0
        self.correct_first_try = 0
        self.checked_once = False
        levels = aftercare().urgency_levels
        self.call = widgets.HTML()
        self.choice = widgets.RadioButtons(
            options=[(f"{levels[name].symbol} {levels[name].label}", name) for name in URGENCY_ORDER],
            value=None,
            description="",
            layout=widgets.Layout(width="100%"),
        )
        self.check_button = widgets.Button(
            description="Check my answer", button_style="primary", tooltip="Check the urgency you chose"
        )
        self.next_button = widgets.Button(description="Next call", tooltip="Go to the next practice call")
        self.feedback = widgets.HTML()
        self.score = widgets.HTML()
        self.check_button.on_click(self._on_check)
        self.next_button.on_click(self._on_next)
        self.choice.observe(self._on_choice, names="value")
        self.widget = widgets.VBox(
            [
                self.call,
                widgets.HTML("<em>How urgent is this call?</em>"),
                self.choice,
                widgets.HBox([self.check_button, self.next_button]),
                self.feedback,
                self.score,
            ]
        )
        self.widget.add_class("mesocourse-quiz")
        self._show_call()

    @property
    def scenario(self) -> CallScenario:
        """The call on screen now."""
        return self.scenarios[self.position]

    def call_html(self) -> str:
        """The call as staff hear it: the day and the patient's words."""
        scenario = self.scenario
        when = "on the day of treatment" if scenario.day == 0 else f"on day {scenario.day} after treatment"
        return (
            f"<p><strong>Call {self.position + 1} of {len(self.scenarios)}.</strong> A patient calls {when} and says:"
            f"</p><blockquote>“{html.escape(scenario.words)}”</blockquote>"
        )

    def _show_call(self) -> None:
        self.call.value = self.call_html()
        self.choice.value = None
        self.feedback.value = ""
        self.checked_once = False

    def _on_choice(self, change) -> None:
        self.feedback.value = ""

    def _on_check(self, _button=None) -> None:
        """Compare the chosen urgency with the lookup and show the advice to give."""
        try:
            right, advice = check_call_answer(self.scenario, self.choice.value)
        except ValueError as problem:
            self.feedback.value = feedback_box("info", [str(problem)])
            return
        if not self.checked_once and right:
            self.correct_first_try += 1
        self.checked_once = True
        verdict = "right" if right else "wrong"
        line = (
            f"This call is: {advice.symbol} {advice.urgency_label}."
            if right
            else f"This call is: {advice.symbol} {advice.urgency_label}, not what you chose."
        )
        self.feedback.value = feedback_box(verdict, [line], advice_html(advice))
        self.score.value = (
            f"<small>Right at the first try: {self.correct_first_try} of {len(self.scenarios)} calls.</small>"
        )

    def _on_next(self, _button=None) -> None:
        """Move to the next call (after the last one, start again)."""
        self.position = (self.position + 1) % len(self.scenarios)
        self._show_call()


def call_exercise() -> widgets.VBox:
    """The practice-call exercise as a widget for the notebook."""
    return CallExercise().widget


class HandoutMaker:
    """Type the clinic's name and phone and pick the treatment date; get the patient's dated handout as a PDF."""

    def __init__(self, output_dir: Path | None = None):
        self.output_dir = Path(output_dir) if output_dir is not None else None
        self.last_path: Path | None = None
        style = {"description_width": "11em"}
        self.clinic = widgets.Text(
            description="Clinic name:",
            placeholder="e.g. Clinique Sainte-Hélène",
            style=style,
            layout=widgets.Layout(width="36em"),
        )
        self.phone = widgets.Text(
            description="Clinic phone:",
            placeholder="e.g. +33 1 23 45 67 89",
            style=style,
            layout=widgets.Layout(width="36em"),
        )
        self.treatment_date = widgets.DatePicker(description="Treatment date:", value=date.today(), style=style)
        self.make_button = widgets.Button(
            description="Make the handout",
            button_style="primary",
            tooltip="Write the patient's aftercare handout as a PDF",
        )
        self.output = widgets.HTML()
        self.make_button.on_click(self._on_make)
        self.widget = widgets.VBox([self.clinic, self.phone, self.treatment_date, self.make_button, self.output])

    def _folder(self) -> Path:
        # A private temporary folder: handouts hold a clinic's details and should not land in the course files.
        if self.output_dir is None:
            self.output_dir = Path(tempfile.mkdtemp(prefix="aftercare-handouts-"))
        return self.output_dir

    def _on_make(self, _button=None) -> None:
        """Write the PDF and show a download link, or say plainly what is missing."""
        try:
            treated = parse_treatment_date(self.treatment_date.value)
            clinic = _checked_clinic_name(self.clinic.value)
            path = handout(clinic, self.phone.value, treated, self._folder() / handout_filename(clinic, treated))
        except ValueError as problem:
            self.output.value = feedback_box("info", [str(problem)])
            return
        self.last_path = path
        dated = "".join(f"<li>{html.escape(line)}</li>" for line in handout_instructions(treated))
        self.output.value = feedback_box(
            "info",
            [f"Handout ready for {clinic}, treatment on {long_date(treated)}."],
            f"<div style='margin-top:6px'>{download_link_html(path.read_bytes(), path.name, 'the handout')}</div>"
            f"<details><summary>Check the dates</summary><ul>{dated}</ul></details>",
        )


def handout_maker() -> widgets.VBox:
    """The handout form as a widget for the notebook."""
    return HandoutMaker().widget
