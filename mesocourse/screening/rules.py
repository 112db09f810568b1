"""Pre-treatment screening: a patient intake in; treat, defer, doctor review or do not treat out, with every reason.

The rules, the intake form's wording and the four decisions live in assets/screening.yaml. The strictest finding
decides; the order, and why doctor review ranks above defer, is written there (`order_reason`) and taught in module 04.
"""

import dataclasses
import difflib
import re
from dataclasses import dataclass
from functools import cache

from mesocourse.assets import AssetError, load_asset

DATA_FILE, SCHEMA_FILE = "screening.yaml", "screening.schema.json"
TREAT = "treat"
DO_NOT_TREAT = "do-not-treat"
NO_COUNTDOWN_NOTE = (
    "No waiting time is given: the patient is not treated now. If they come back later, they are screened again from "
    "the start."
)
# The sex value that pregnancy and breastfeeding contradict on the form.
MALE = "male"


class IntakeError(ValueError):
    """An intake that cannot be screened (unknown field, impossible value, contradiction), said in plain words."""

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class Intake:
    """What the patient reports at the pre-treatment check; every field except age defaults to "nothing reported"."""

    age: int | None = None
    sex: str = "not stated"
    earlier_site_problem: bool = False
    earlier_reaction: bool = False
    pregnant: bool = False
    breastfeeding: bool = False
    bleeding_disorder: bool = False
    diabetes: str = "none"
    high_blood_pressure: str = "none"
    heart_disease: str = "none"
    kidney_disease: bool = False
    pathological_oedema: bool = False
    autoimmune_disease: bool = False
    cancer_treatment: bool = False
    keloid_tendency: bool = False
    weakened_immunity: bool = False
    prescribed_blood_thinner: bool = False
    prescribed_nsaid: bool = False
    recent_isotretinoin: bool = False
    # Days or hours since the last dose or drink; None means "not in the last weeks".
    aspirin_days_ago: int | None = None
    nsaid_days_ago: int | None = None
    supplement_days_ago: int | None = None
    allergy_to_product_component: bool = False
    allergy_to_cream_or_antiseptic: bool = False
    product_contains_organic_silicon: bool = False
    product_not_traceable: bool = False
    unwell_today: bool = False
    infection_at_site: bool = False
    inflammation_at_site: bool = False
    acne_at_site: bool = False
    dermatitis_at_site: bool = False
    wound_at_site: bool = False
    herpes_at_site: bool = False
    alcohol_hours_ago: int | None = None
    makeup_or_perfume: bool = False
    area: str = ""
    product: str = ""


INTAKE_FIELDS = tuple(f.name for f in dataclasses.fields(Intake))
# The Intake default each kind of form field must have, so the dataclass and screening.yaml cannot drift apart.
KIND_DEFAULTS = {"age": None, "yes-no": False, "days-ago": None, "hours-ago": None, "text": ""}


@dataclass(frozen=True)
class FieldSpec:
    """One question of the intake form: its label, help and, for choices, the allowed values and their labels."""

    name: str
    group: str
    kind: str
    label: str
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    # A prescribed medicine: never paused for the treatment, so no waiting time may be given while it is ticked.
    prescribed: bool = False

    def choice_label(self, value) -> str:
        """The words shown for a choice value."""
        return dict(self.choices).get(value, str(value))


@dataclass(frozen=True)
class WaitingTime:
    """How long the patient avoids something before treatment: what each source says and the course's safer wait."""

    field: str
    safer: int
    unit: str
    sources: tuple[tuple[str, tuple[str, ...]], ...]

    def text(self, amount: int | None = None) -> str:
        """An amount in this wait's unit, e.g. "14 days" (the safer wait by default)."""
        amount = self.safer if amount is None else amount
        unit = self.unit[:-1] if amount == 1 else self.unit
        return f"{amount} {unit}"


@dataclass(frozen=True)
class PatientInstruction:
    """Pre-care the patient is told before the visit; withheld when a field makes the advice unsafe."""

    text: str
    given: str
    withheld_if: tuple[str, ...] = ()
    withheld_note: str = ""


@dataclass(frozen=True)
class Rule:
    """A contraindication or pre-care rule: when it applies, what staff do, why, and the sources."""

    id: str
    category: str
    decision: str
    title: str
    trigger: tuple
    staff_action: str
    explanation: str
    references: tuple[str, ...]
    evidence: str = ""
    come_back: str = ""
    # What staff must do today, before anything else (a same-day doctor review, safeguarding), shown at the top.
    act_now: str = ""
    waiting_time: WaitingTime | None = None
    patient_instruction: PatientInstruction | None = None

    def applies(self, intake: Intake) -> bool:
        """Whether every condition of the trigger holds for this intake."""
        return all(condition_holds(condition, intake) for condition in self.trigger)


@dataclass(frozen=True)
class ScreeningData:
    """Everything in assets/screening.yaml, checked."""

    decisions: dict[str, dict]
    order: tuple[str, ...]
    order_reason: str
    categories: dict[str, dict]
    groups: dict[str, str]
    fields: dict[str, FieldSpec]
    checks: dict
    rules: tuple[Rule, ...]
    before_every_treatment: tuple[dict, ...]

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (KeyError when absent)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def mentions(text: str, words) -> bool:
    """Whether free text names any of the words, as whole words and whatever the case ("eye" in "Eyes", not "key")."""
    lowered = text.lower()
    return any(re.search(rf"(?<![a-z]){re.escape(word.lower())}s?(?![a-z])", lowered) for word in words)


def condition_holds(condition: dict, intake: Intake) -> bool:
    """One trigger condition: equals, one_of, below (never for an empty value), mentions, or any of several."""
    if "any" in condition:
        return any(condition_holds(part, intake) for part in condition["any"])
    value = getattr(intake, condition["field"])
    if "equals" in condition:
        return value == condition["equals"]
    if "one_of" in condition:
        return value in condition["one_of"]
    if "mentions" in condition:
        return mentions(value, condition["mentions"])
    return value is not None and value < condition["below"]


def _fields_in(condition: dict) -> list[str]:
    if "any" in condition:
        return [name for part in condition["any"] for name in _fields_in(part)]
    return [condition["field"]]


def _problem(where: str, message: str) -> AssetError:
    return AssetError(f"assets/{DATA_FILE}, {where}: {message}")


def _check_condition(condition: dict, fields: dict[str, FieldSpec], where: str) -> None:
    if "any" in condition:
        for part in condition["any"]:
            _check_condition(part, fields, where)
        return
    name = condition["field"]
    if name not in fields:
        raise _problem(where, f"the trigger names an unknown intake field {name!r}")
    spec = fields[name]
    if "below" in condition and spec.kind not in ("age", "days-ago", "hours-ago"):
        raise _problem(where, f"'below' needs a number field, but {name!r} is {spec.kind}")
    if ("mentions" in condition) != (spec.kind == "text"):
        raise _problem(where, f"'mentions' is for text fields and a text field needs 'mentions' ({name!r})")
    values = [condition["equals"]] if "equals" in condition else condition.get("one_of", [])
    for value in values:
        allowed = [True] if spec.kind == "yes-no" else [key for key, _ in spec.choices]
        if value not in allowed:
            raise _problem(where, f"{value!r} is not a possible answer to {name!r} (possible: {allowed})")


def _field_spec(item: dict) -> FieldSpec:
    choices = tuple((str(key), label) for key, label in item.get("choices", {}).items())
    return FieldSpec(
        item["name"],
        item["group"],
        item["kind"],
        item["label"],
        item.get("help", ""),
        choices,
        item.get("prescribed", False),
    )


def _rule(item: dict) -> Rule:
    wait = item.get("waiting_time")
    instruction = item.get("patient_instruction")
    return Rule(
        id=item["id"],
        category=item["category"],
        decision=item["decision"],
        title=item["title"],
        trigger=tuple(item["trigger"]),
        staff_action=item["staff_action"].strip(),
        explanation=item["explanation"].strip(),
        references=tuple(item["references"]),
        evidence=item.get("evidence", ""),
        come_back=item.get("come_back", ""),
        act_now=item.get("act_now", "").strip(),
        waiting_time=WaitingTime(
            wait["field"],
            wait["safer"],
            wait["unit"],
            tuple((source["says"], tuple(source["references"])) for source in wait["sources"]),
        )
        if wait
        else None,
        patient_instruction=PatientInstruction(
            instruction["text"].strip(),
            instruction["given"],
            tuple(instruction.get("withheld_if", ())),
            instruction.get("withheld_note", "").strip(),
        )
        if instruction
        else None,
    )


def _check_no_countdown_on_prescribed(rule: Rule, fields: dict[str, FieldSpec], where: str) -> None:
    """A waiting time on a medicine must be withheld for every prescribed medicine: it would mean stopping it."""
    wait = rule.waiting_time
    if not wait or fields[wait.field].group != "medicines":
        return
    prescribed = {name for name, spec in fields.items() if spec.prescribed}
    withheld = set(rule.patient_instruction.withheld_if) if rule.patient_instruction else set()
    if not prescribed <= withheld:
        raise _problem(
            where,
            f"a waiting time on a medicine must be withheld for every prescribed medicine; add "
            f"{sorted(prescribed - withheld)} to withheld_if",
        )


def parse_screening(raw: dict) -> ScreeningData:
    """Build and cross-check the screening data: fields match Intake, triggers name real fields and answers."""
    fields = {item["name"]: _field_spec(item) for item in raw["intake_fields"]}
    if set(fields) != set(INTAKE_FIELDS):
        missing = sorted(set(INTAKE_FIELDS) - set(fields))
        extra = sorted(set(fields) - set(INTAKE_FIELDS))
        raise _problem("intake_fields", f"must describe every Intake field once (missing {missing}, unknown {extra})")
    groups = {item["id"]: item["title"] for item in raw["groups"]}
    defaults = {f.name: f.default for f in dataclasses.fields(Intake)}
    for name, spec in fields.items():
        if spec.group not in groups:
            raise _problem(f"intake field {name!r}", f"unknown group {spec.group!r}")
        expected = spec.choices[0][0] if spec.kind == "choice" else KIND_DEFAULTS[spec.kind]
        if defaults[name] != expected:
            raise _problem(
                f"intake field {name!r}", f"kind {spec.kind!r} does not fit the Intake default {defaults[name]!r}"
            )
    order = tuple(item["id"] for item in raw["decisions"])
    if order[-1] != TREAT or len(set(order)) != len(order):
        raise _problem("decisions", "list each decision once, strictest first, ending with 'treat'")
    rules = []
    for item in raw["rules"]:
        where = f"rule {item['id']!r}"
        if any(rule.id == item["id"] for rule in rules):
            raise _problem(where, "this id is used twice")
        for condition in item["trigger"]:
            _check_condition(condition, fields, where)
        rule = _rule(item)
        wait = rule.waiting_time
        if wait and rule.trigger != ({"field": wait.field, "below": wait.safer},):
            raise _problem(where, "the trigger must be {field: <waiting_time.field>, below: <waiting_time.safer>}")
        instruction = rule.patient_instruction
        if instruction and "{wait}" in instruction.text and not wait:
            raise _problem(where, "the patient instruction uses {wait} but the rule has no waiting_time")
        for name in instruction.withheld_if if instruction else ():
            if name not in fields:
                raise _problem(where, f"withheld_if names an unknown intake field {name!r}")
        if instruction and bool(instruction.withheld_if) != bool(instruction.withheld_note):
            raise _problem(where, "withheld_if and withheld_note go together: say what staff do instead")
        _check_no_countdown_on_prescribed(rule, fields, where)
        rules.append(rule)
    return ScreeningData(
        decisions={item["id"]: item for item in raw["decisions"]},
        order=order,
        order_reason=raw["order_reason"].strip(),
        categories={item["id"]: item for item in raw["categories"]},
        groups=groups,
        fields=fields,
        checks=raw["intake_checks"],
        rules=tuple(rules),
        before_every_treatment=tuple(raw["before_every_treatment"]),
    )


@cache
def screening_data() -> ScreeningData:
    """The course's screening data, loaded and checked once per kernel."""
    return parse_screening(load_asset(DATA_FILE, SCHEMA_FILE))


# ---- The intake ---------------------------------------------------------------------------------------------------


def _is_whole_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_field(spec: FieldSpec, value, checks: dict) -> None:
    label = f"“{spec.label}”"
    if spec.kind == "age":
        if value is None:
            raise IntakeError(
                f"{label} is missing: the form cannot give a decision without the patient's age.", spec.name
            )
        if not _is_whole_number(value):
            raise IntakeError(f"{label} must be a whole number of years, not {value!r}.", spec.name)
        if value < 0:
            raise IntakeError(f"{label} cannot be negative ({value}). Check the date of birth.", spec.name)
        if value > checks["oldest_age"]:
            raise IntakeError(f"{label} of {value} cannot be right. Check the date of birth.", spec.name)
    elif spec.kind == "yes-no":
        if not isinstance(value, bool):
            raise IntakeError(f"{label} must be ticked or not (True or False), not {value!r}.", spec.name)
    elif spec.kind == "choice":
        if value not in dict(spec.choices):
            allowed = ", ".join(repr(key) for key, _ in spec.choices)
            raise IntakeError(f"{label} cannot be {value!r}; choose one of {allowed}.", spec.name)
    elif spec.kind in ("days-ago", "hours-ago"):
        unit = "days" if spec.kind == "days-ago" else "hours"
        if value is None:
            return
        if not _is_whole_number(value):
            raise IntakeError(f"{label} must be a whole number of {unit} (or empty), not {value!r}.", spec.name)
        if value < 0:
            raise IntakeError(
                f"{label} cannot be negative ({value} {unit}): it counts {unit} since it happened, "
                "so 0 means today. Check with the patient.",
                spec.name,
            )
        if value > checks[f"longest_{unit}_ago"]:
            raise IntakeError(
                f"{label} of {value} {unit} is more than the form counts; leave it empty if the "
                "patient has not taken it recently.",
                spec.name,
            )
    elif not isinstance(value, str):
        raise IntakeError(f"{label} must be text, not {value!r}.", spec.name)


def _check_contradictions(intake: Intake, data: ScreeningData) -> None:
    """Answers that cannot all be true: a slip on the form that must be corrected, never screened as it stands."""
    for name in ("pregnant", "breastfeeding"):
        if not getattr(intake, name):
            continue
        label = data.fields[name].label
        if intake.sex == MALE:
            raise IntakeError(
                f"“{label}” is ticked but the sex is recorded as male. Check with the patient and correct the form.",
                name,
            )


def check_intake(intake: Intake) -> Intake:
    """Every field holds a possible value and no answers contradict each other; IntakeError says what to fix."""
    data = screening_data()
    for name in INTAKE_FIELDS:
        _check_field(data.fields[name], getattr(intake, name), data.checks)
    _check_contradictions(intake, data)
    return intake


def as_intake(value) -> Intake:
    """An Intake from an Intake or a dict of field values, checked; unknown fields are an error, never ignored."""
    if isinstance(value, Intake):
        return check_intake(value)
    if not isinstance(value, dict):
        raise IntakeError(f"An intake must be an Intake or a dict of answers, not {type(value).__name__}.")
    for key in value:
        if key not in INTAKE_FIELDS:
            close = difflib.get_close_matches(str(key), INTAKE_FIELDS, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise IntakeError(
                f"The intake has an unknown field {key!r}.{hint} Known fields: {', '.join(INTAKE_FIELDS)}.", str(key)
            )
    return check_intake(Intake(**value))


def number_from_text(text: str, spec: FieldSpec):
    """A typed whole number for a number field; empty gives None (nothing to report)."""
    cleaned = str(text).strip()
    if not cleaned:
        return None
    try:
        return int(cleaned)
    except ValueError:
        raise IntakeError(
            f"“{spec.label}”: type a whole number such as 3, or leave it empty; {cleaned!r} is not one.", spec.name
        ) from None


# ---- The decision -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A rule that applies to this patient, with the wait still to go when the rule has a waiting time."""

    rule: Rule
    remaining: int | None = None
    # Set when another answer (a prescribed blood thinner) makes a waiting time unsafe to give: the note replaces it.
    withheld_note: str = ""

    @property
    def action(self) -> str:
        """What staff do: the rule's action, or the note that replaces an unsafe waiting time."""
        return self.withheld_note or self.rule.staff_action

    @property
    def detail(self) -> str:
        """For a waiting time: when it happened, the course's wait, and how much longer to wait."""
        wait = self.rule.waiting_time
        if wait is None or self.withheld_note:
            return ""
        return (
            f"Last time: {wait.text(wait.safer - self.remaining)} ago. The course's safer wait is {wait.text()}, "
            f"so at least {wait.text(self.remaining)} more before the treatment."
        )


@dataclass(frozen=True)
class PrecareAdvice:
    """A pre-care instruction for the patient, and whether it is already broken today."""

    rule_id: str
    text: str
    references: tuple[str, ...]
    broken_today: bool


@dataclass(frozen=True)
class Decision:
    """The screening outcome: the strictest decision, every finding with its sources, and the pre-care to give."""

    outcome: str
    label: str
    meaning: str
    findings: tuple[Finding, ...]
    precare: tuple[PrecareAdvice, ...]
    before_treatment: tuple[dict, ...]

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The ids of the rules that applied, in rule order."""
        return tuple(finding.rule.id for finding in self.findings)

    @property
    def references(self) -> tuple[str, ...]:
        """Every source behind this decision, each once."""
        keys = [key for finding in self.findings for key in finding.rule.references]
        keys += [key for item in self.before_treatment for key in item["references"]]
        return tuple(dict.fromkeys(keys))

    @property
    def act_now(self) -> tuple[str, ...]:
        """What staff must do today before anything else (same-day doctor review, safeguarding), each once."""
        return tuple(dict.fromkeys(finding.rule.act_now for finding in self.findings if finding.rule.act_now))

    def come_back(self) -> list[str]:
        """When the patient may be screened again: one line per finding that says so."""
        lines = []
        for finding in self.findings:
            if finding.withheld_note:
                lines.append(f"{finding.rule.title}: {finding.withheld_note}")
            elif finding.rule.waiting_time:
                lines.append(f"{finding.rule.title}: {finding.detail}")
            elif finding.rule.come_back:
                lines.append(f"{finding.rule.title}: {finding.rule.come_back}")
        return lines


def strictest(outcomes) -> str:
    """The strictest of several decisions (do not treat > doctor review > defer > treat); treat when none."""
    order = screening_data().order
    ranked = sorted(set(outcomes) | {TREAT}, key=order.index)
    return ranked[0]


def _precare(intake: Intake, data: ScreeningData, fired: set[str], outcome: str) -> tuple[PrecareAdvice, ...]:
    """Pre-care for the next appointment; none of the every-patient advice when there is no appointment to prepare."""
    advice = []
    for rule in data.rules:
        instruction = rule.patient_instruction
        if instruction is None or (instruction.given == "when-found" and rule.id not in fired):
            continue
        # A patient who is not treated (a child, a pregnancy) gets no "before your appointment" advice at all.
        if instruction.given == "always" and outcome == DO_NOT_TREAT:
            continue
        if _withheld(rule, intake):
            continue
        wait = rule.waiting_time.text() if rule.waiting_time else ""
        # Only advice about what to avoid can be broken; "keep taking your medicine" is kept by being given.
        broken = instruction.given == "always" and rule.id in fired
        advice.append(PrecareAdvice(rule.id, instruction.text.replace("{wait}", wait), rule.references, broken))
    return tuple(advice)


def _withheld(rule: Rule, intake: Intake) -> bool:
    """Pause-your-painkiller advice must never reach a patient on a prescribed blood thinner: they could stop it."""
    instruction = rule.patient_instruction
    return bool(instruction) and any(getattr(intake, name) for name in instruction.withheld_if)


def screen(intake) -> Decision:
    """Screen an intake (Intake or dict): every rule is checked and the strictest finding decides."""
    intake = as_intake(intake)
    data = screening_data()
    fired = [rule for rule in data.rules if rule.applies(intake)]
    outcome = strictest(rule.decision for rule in fired)
    findings = []
    for rule in fired:
        wait = rule.waiting_time
        remaining = wait.safer - getattr(intake, wait.field) if wait else None
        note = rule.patient_instruction.withheld_note if _withheld(rule, intake) else ""
        if wait and not note and outcome == DO_NOT_TREAT:
            # A countdown "before the treatment" would promise a treatment that is not going to happen.
            note = NO_COUNTDOWN_NOTE
        findings.append(Finding(rule, remaining, note))
    info = data.decisions[outcome]
    return Decision(
        outcome=outcome,
        label=info["label"],
        meaning=info["meaning"].strip(),
        findings=tuple(findings),
        precare=_precare(intake, data, {finding.rule.id for finding in findings}, outcome),
        before_treatment=data.before_every_treatment if outcome == TREAT else (),
    )


def decision_label(outcome: str) -> str:
    """The words for a decision id, e.g. "Doctor review first"."""
    return screening_data().decisions[outcome]["label"]


def describe_trigger(rule: Rule) -> str:
    """A rule's trigger in the words of the intake form, e.g. "Diabetes: Yes, not well controlled..."."""
    fields = screening_data().fields

    def words(condition: dict) -> str:
        if "any" in condition:
            return "(" + " or ".join(words(part) for part in condition["any"]) + ")"
        spec = fields[condition["field"]]
        if "below" in condition:
            return f"{spec.label}: less than {condition['below']}"
        if "mentions" in condition:
            return f"{spec.label} mentions " + ", ".join(f"“{word}”" for word in condition["mentions"])
        values = [condition["equals"]] if "equals" in condition else condition["one_of"]
        if spec.kind == "yes-no":
            return spec.label
        return f"{spec.label}: " + " or ".join(spec.choice_label(value) for value in values)

    return " and ".join(words(condition) for condition in rule.trigger)
