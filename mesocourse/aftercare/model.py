"""Aftercare after mesotherapy as plain data: the day-by-day instructions, red flags, the call lookup, handout dates.

The content lives in assets/aftercare.yaml and assets/complications.yaml; this module turns it into answers
(`advice_for`) and dated instructions (`handout_instructions`), which the figure (`figures.timeline_figure`), the
patient handout (`handout.handout`), the tables and the notebook's widgets show.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from mesocourse.assets import AssetError, load_asset

AFTERCARE_FILE, AFTERCARE_SCHEMA = "aftercare.yaml", "aftercare.schema.json"
COMPLICATIONS_FILE, COMPLICATIONS_SCHEMA = "complications.yaml", "complications.schema.json"
HOURS_PER_UNIT = {"hours": 1, "days": 24, "weeks": 24 * 7}
# Plain English names, so a handout never depends on the computer's language settings.
MONTHS = ("January February March April May June July August September October November December").split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


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
    """How urgent a call is: a word and a symbol (never colour alone), what staff do, what the handout says."""

    name: str
    label: str
    symbol: str
    action: str
    tone: str
    patient: str
    boxed: bool = False

    @property
    def title(self) -> str:
        """The level as every view names it: symbol and label ('‼ Urgent, now')."""
        return f"{self.symbol} {self.label}"

    def patient_heading(self, phone: str, when: str = "") -> str:
        """The handout's heading for this level: its title (and when), then what the patient does, {phone} filled in."""
        return f"{self.title}{when}: {self.patient.replace('{phone}', phone)}"


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
    limit: str = ""
    limit_sourced: bool = True

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
    urgency_levels: dict[str, UrgencyLevel]
    red_flags: tuple[RedFlag, ...]
    symptoms: tuple[Symptom, ...]
    scenarios: tuple[CallScenario, ...]
    until_healed_words: str

    @property
    def urgency_order(self) -> tuple[str, ...]:
        """The urgency ids, least urgent first, as the data lists them."""
        return tuple(self.urgency_levels)

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
            " ".join(w.get("limit", {}).get("text", "").split()),
            w.get("limit", {}).get("sourced", True),
        )
        for w in raw["windows"]
    )
    return Symptom(raw["id"], raw["label"], windows)


def _check_rules(data: Aftercare) -> None:
    """Course rules a schema cannot say: times in order, windows without gaps, scenarios that exist."""
    where = f"assets/{AFTERCARE_FILE}"
    levels = data.urgency_levels
    for flag in data.red_flags:
        if flag.urgency not in levels:
            raise AssetError(f"{where}, red flag {flag.id!r}: unknown urgency {flag.urgency!r} (see urgency_levels)")
    for symptom in data.symptoms:
        for number, window in enumerate(symptom.windows, start=1):
            if window.urgency not in levels:
                raise AssetError(
                    f"{where}, symptom {symptom.id!r}, window {number}: unknown urgency {window.urgency!r} "
                    "(see urgency_levels)"
                )
            if window.to_day is not None and not window.limit:
                raise AssetError(
                    f"{where}, symptom {symptom.id!r}, window {number}: it ends on day {window.to_day} but its "
                    "`limit` does not say why (a source, or the course's choice)"
                )
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
    levels = {}
    for level in raw["urgency_levels"]:
        if level["id"] in levels:
            raise AssetError(f"assets/{AFTERCARE_FILE}: urgency level {level['id']!r} is listed twice")
        levels[level["id"]] = UrgencyLevel(
            level["id"],
            level["label"],
            level["symbol"],
            " ".join(level["action"].split()),
            level["tone"],
            " ".join(level["patient"].split()),
            level.get("boxed", False),
        )
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
    limit: str = ""
    limit_sourced: bool = True


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
    number = next(n for n, w in enumerate(entry.windows) if w.covers(day))
    window = entry.windows[number]
    # Why the advice changes on a given day: this window's end, or else the end of the window before it.
    bounded = window if window.limit or number == 0 else entry.windows[number - 1]
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
        limit=bounded.limit,
        limit_sourced=bounded.limit_sourced,
    )


def urgency_levels() -> tuple[UrgencyLevel, ...]:
    """The urgency levels, least urgent first: the one list every view names them from."""
    return tuple(aftercare().urgency_levels.values())


def check_call_answer(scenario: CallScenario, chosen: str | None) -> tuple[bool, Advice]:
    """Whether the urgency chosen for a practice call is right, with the lookup's advice; ValueError if none chosen."""
    if chosen is None:
        raise ValueError("Please choose how urgent this call is first.")
    order = aftercare().urgency_order
    if chosen not in order:
        raise ValueError(f"Unknown urgency {chosen!r}; choose one of: {', '.join(order)}.")
    advice = advice_for(scenario.day, scenario.symptom)
    return chosen == advice.urgency, advice


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
