"""Pre-treatment screening: a patient intake in; treat, defer, doctor review or do not treat out, with every reason.

The rules, the intake form's wording and the four decisions live in assets/screening.yaml. The strictest finding
decides; the order, and why doctor review ranks above defer, is written there (`order_reason`) and taught in module 04.
"""

import dataclasses
import difflib
import html
from dataclasses import dataclass
from functools import cache

import ipywidgets as widgets
from IPython.display import HTML

from mesocourse.assets import AssetError, load_asset
from mesocourse.look import FORM_STYLE, QUIZ_STYLE, explanation_html, feedback_box, unavailable

DATA_FILE, SCHEMA_FILE = "screening.yaml", "screening.schema.json"
TREAT = "treat"
# The sex value that pregnancy and breastfeeding contradict on the form.
MALE = "male"
DESCRIPTION_WIDTH = "55%"


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
    prescribed_blood_thinner: bool = False
    recent_isotretinoin: bool = False
    # Days or hours since the last dose or drink; None means "not in the last weeks".
    aspirin_days_ago: int | None = None
    nsaid_days_ago: int | None = None
    allergy_to_product_component: bool = False
    product_contains_organic_silicon: bool = False
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


def condition_holds(condition: dict, intake: Intake) -> bool:
    """One trigger condition: equals, one_of, below (never for an empty value) or any of several conditions."""
    if "any" in condition:
        return any(condition_holds(part, intake) for part in condition["any"])
    value = getattr(intake, condition["field"])
    if "equals" in condition:
        return value == condition["equals"]
    if "one_of" in condition:
        return value in condition["one_of"]
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
    values = [condition["equals"]] if "equals" in condition else condition.get("one_of", [])
    for value in values:
        allowed = [True] if spec.kind == "yes-no" else [key for key, _ in spec.choices]
        if value not in allowed:
            raise _problem(where, f"{value!r} is not a possible answer to {name!r} (possible: {allowed})")


def _field_spec(item: dict) -> FieldSpec:
    choices = tuple((str(key), label) for key, label in item.get("choices", {}).items())
    return FieldSpec(item["name"], item["group"], item["kind"], item["label"], item.get("help", ""), choices)


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
        youngest, oldest = data.checks["pregnancy_age"]["youngest"], data.checks["pregnancy_age"]["oldest"]
        if not youngest <= intake.age <= oldest:
            raise IntakeError(
                f"“{label}” is ticked for a patient aged {intake.age}. Check the age and the answer "
                "with the patient; if both are right, a doctor must decide.",
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


def _precare(intake: Intake, data: ScreeningData, fired: set[str]) -> tuple[PrecareAdvice, ...]:
    advice = []
    for rule in data.rules:
        instruction = rule.patient_instruction
        if instruction is None or (instruction.given == "when-found" and rule.id not in fired):
            continue
        if _withheld(rule, intake):
            continue
        wait = rule.waiting_time.text() if rule.waiting_time else ""
        advice.append(
            PrecareAdvice(rule.id, instruction.text.replace("{wait}", wait), rule.references, rule.id in fired)
        )
    return tuple(advice)


def _withheld(rule: Rule, intake: Intake) -> bool:
    """Pause-your-painkiller advice must never reach a patient on a prescribed blood thinner: they could stop it."""
    instruction = rule.patient_instruction
    return bool(instruction) and any(getattr(intake, name) for name in instruction.withheld_if)


def screen(intake) -> Decision:
    """Screen an intake (Intake or dict): every rule is checked and the strictest finding decides."""
    intake = as_intake(intake)
    data = screening_data()
    findings = []
    for rule in data.rules:
        if rule.applies(intake):
            wait = rule.waiting_time
            remaining = wait.safer - getattr(intake, wait.field) if wait else None
            note = rule.patient_instruction.withheld_note if _withheld(rule, intake) else ""
            findings.append(Finding(rule, remaining, note))
    outcome = strictest(finding.rule.decision for finding in findings)
    info = data.decisions[outcome]
    return Decision(
        outcome=outcome,
        label=info["label"],
        meaning=info["meaning"].strip(),
        findings=tuple(findings),
        precare=_precare(intake, data, {finding.rule.id for finding in findings}),
        before_treatment=data.before_every_treatment if outcome == TREAT else (),
    )


def decision_label(outcome: str) -> str:
    """The words for a decision id, e.g. "Doctor review first"."""
    return screening_data().decisions[outcome]["label"]


# ---- Views --------------------------------------------------------------------------------------------------------


class WidgetView:
    """A course widget object that shows itself when it is the last value of a notebook cell."""

    widget: widgets.Widget

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def _folded(summary: str, body: str) -> str:
    """A section staff can open when they need it, so the decision itself stays short enough to see at a glance."""
    return f"<details><summary style='cursor:pointer'>{summary}</summary>{body}</details>"


def findings_html(decision: Decision, folded: bool = False) -> str:
    """Each finding with what staff do, its details and its explanation with sources; then when to come back."""
    data = screening_data()
    parts = []
    for finding in decision.findings:
        rule = finding.rule
        category = data.categories[rule.category]["title"]
        detail = f" {html.escape(finding.detail)}" if finding.detail else ""
        evidence = (
            f'<div style="margin-top:2px"><em>How strong the evidence is:</em> {html.escape(rule.evidence)}</div>'
            if rule.evidence
            else ""
        )
        why = explanation_html(rule) + evidence
        leads_to = decision_label(rule.decision)
        kind = category if category == leads_to else f"{category} → {leads_to}"
        parts.append(
            f'<li style="margin-bottom:8px"><strong>{html.escape(rule.title)}</strong> ({html.escape(kind)}). '
            f"<em>What you do:</em> {html.escape(finding.action)}{detail}"
            f"{_folded('Why, and the sources', why) if folded else why}</li>"
        )
    found = (
        f"<div><strong>What was found:</strong></div><ul>{''.join(parts)}</ul>"
        if parts
        else ("<div>Nothing on the form stops the treatment.</div>")
    )
    come_back = decision.come_back()
    if come_back:
        lines = "".join(f"<li>{html.escape(line)}</li>" for line in come_back)
        found += f"<div><strong>When the patient can come back:</strong></div><ul>{lines}</ul>"
    return found


def decision_html(decision: Decision) -> str:
    """The whole decision for staff: what to do, why (with sources), before-treatment checks and pre-care."""
    extra = findings_html(decision, folded=True)
    if decision.before_treatment:
        checks = "".join(
            f"<li>{html.escape(item['text'])} <small>[{', '.join(item['references'])}]</small></li>"
            for item in decision.before_treatment
        )
        extra += f"<div><strong>Before you inject:</strong></div><ul>{checks}</ul>"
    if decision.precare:
        advice = "".join(
            f"<li>{html.escape(item.text)} <small>[{', '.join(item.references)}]</small>"
            f"{' <strong>(not kept this time)</strong>' if item.broken_today else ''}</li>"
            for item in decision.precare
        )
        extra += _folded("<strong>Pre-care to tell the patient before the appointment</strong>", f"<ul>{advice}</ul>")
    headline = (
        f"<div style='font-size:115%;margin:2px 0'><strong>Decision: {html.escape(decision.label)}.</strong></div>"
        f"<div>{html.escape(decision.meaning)}</div>"
    )
    return feedback_box("info", [], headline + extra)


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


class ScreeningForm(WidgetView):
    """The intake form: staff tick what the patient reports and see the decision and its reasons at once."""

    def __init__(self):
        data = screening_data()
        self.checkboxes: dict[str, widgets.Checkbox] = {}
        self.choices: dict[str, widgets.Dropdown] = {}
        self.numbers: dict[str, widgets.Text] = {}
        self.result: Decision | None = None
        self.problem: str | None = None
        sections = []
        for group_id, group_title in data.groups.items():
            items = [widgets.HTML(f"<h4 style='margin:10px 0 2px 0'>{html.escape(group_title)}</h4>")]
            for spec in data.fields.values():
                if spec.group != group_id or spec.kind == "text":
                    continue
                control = self._control(spec)
                control.observe(self._on_answer_changed, names="value")
                items.append(control)
                if spec.help:
                    items.append(widgets.HTML(f"<small style='margin-left:4px'>{html.escape(spec.help)}</small>"))
            sections.append(widgets.VBox(items))
        self.decision = widgets.HTML()
        self.reset_button = widgets.Button(description="Clear the form", tooltip="Start again with a new patient")
        self.reset_button.on_click(self._on_reset)
        intro = widgets.HTML(
            f"{QUIZ_STYLE}{FORM_STYLE}<p>Tick what the patient reports. The decision beside the form updates at "
            "once.</p>"
        )
        answers = widgets.VBox([*sections, self.reset_button], layout=widgets.Layout(width="55%", min_width="22em"))
        # Beside the form (below it on a narrow screen), so the decision is in view while staff tick.
        verdict = widgets.VBox(
            [self.decision],
            layout=widgets.Layout(width="42%", min_width="18em", align_self="flex-start", margin="0 0 0 2%"),
        )
        self.widget = widgets.VBox(
            [intro, widgets.HBox([answers, verdict], layout=widgets.Layout(flex_flow="row wrap"))]
        )
        self.widget.add_class("mesocourse-quiz")
        self.widget.add_class("mesocourse-screening")
        self._on_answer_changed()

    def _control(self, spec: FieldSpec) -> widgets.Widget:
        layout = widgets.Layout(width="100%")
        if spec.kind == "yes-no":
            box = widgets.Checkbox(value=False, description=spec.label, indent=False, layout=layout)
            self.checkboxes[spec.name] = box
        elif spec.kind == "choice":
            box = widgets.Dropdown(
                options=[(label, key) for key, label in spec.choices],
                value=spec.choices[0][0],
                description=spec.label,
                style={"description_width": DESCRIPTION_WIDTH},
                layout=layout,
            )
            self.choices[spec.name] = box
        else:
            box = widgets.Text(
                value="",
                placeholder="empty = none recently" if spec.kind != "age" else "years",
                description=spec.label,
                style={"description_width": DESCRIPTION_WIDTH},
                layout=layout,
            )
            self.numbers[spec.name] = box
        return box

    def answers(self) -> dict:
        """The form as an intake dict (numbers parsed; IntakeError for text that is not a whole number)."""
        data = screening_data()
        values = {name: box.value for name, box in self.checkboxes.items()}
        values.update({name: box.value for name, box in self.choices.items()})
        values.update({name: number_from_text(box.value, data.fields[name]) for name, box in self.numbers.items()})
        return values

    def _on_answer_changed(self, change=None) -> None:
        """Screen again and show the decision, or say plainly what on the form needs fixing."""
        try:
            self.result = screen(self.answers())
            self.problem = None
            self.decision.value = decision_html(self.result)
        except IntakeError as problem:
            self.result = None
            self.problem = str(problem)
            self.decision.value = feedback_box("info", ["No decision yet: the form needs checking.", str(problem)])

    def _on_reset(self, _button=None) -> None:
        """Clear every answer for the next patient."""
        for box in self.checkboxes.values():
            box.value = False
        for name, box in self.choices.items():
            box.value = screening_data().fields[name].choices[0][0]
        for box in self.numbers.values():
            box.value = ""


def screening_form():
    """The intake form for the notebook; broken screening data shows a plain message instead of a traceback."""
    try:
        return ScreeningForm()
    except AssetError as problem:
        return unavailable("screening form", problem)


def describe_trigger(rule: Rule) -> str:
    """A rule's trigger in the words of the intake form, e.g. "Diabetes: Yes, not well controlled..."."""
    fields = screening_data().fields

    def words(condition: dict) -> str:
        if "any" in condition:
            return "(" + " or ".join(words(part) for part in condition["any"]) + ")"
        spec = fields[condition["field"]]
        if "below" in condition:
            return f"{spec.label}: less than {condition['below']}"
        values = [condition["equals"]] if "equals" in condition else condition["one_of"]
        if spec.kind == "yes-no":
            return spec.label
        return f"{spec.label}: " + " or ".join(spec.choice_label(value) for value in values)

    return " and ".join(words(condition) for condition in rule.trigger)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:left;vertical-align:top'>{cell}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _refs(keys) -> str:
    return f"<small>[{', '.join(keys)}]</small>"


def decision_order_html() -> str:
    """The four decisions, strictest first, with what each means and why doctor review outranks defer."""
    data = screening_data()
    rows = [
        [
            str(rank),
            f"<strong>{html.escape(data.decisions[d]['label'])}</strong>",
            html.escape(data.decisions[d]["meaning"]),
        ]
        for rank, d in enumerate(data.order, start=1)
    ]
    return _table(["Rank", "Decision", "What it means"], rows) + f"<p>{html.escape(data.order_reason)}</p>"


def rules_table_html(category: str) -> str:
    """The rules of one category: when each applies, what staff do, and the sources."""
    data = screening_data()
    if category not in data.categories:
        raise KeyError(f"no rule category {category!r}; known: {', '.join(data.categories)}")
    rows = []
    for rule in data.rules:
        if rule.category != category:
            continue
        evidence = f"<br><em>{html.escape(rule.evidence)}</em>" if rule.evidence else ""
        rows.append(
            [
                f"<strong>{html.escape(rule.title)}</strong>",
                html.escape(describe_trigger(rule)),
                f"{html.escape(decision_label(rule.decision))}: {html.escape(rule.staff_action)}{evidence}",
                _refs(rule.references),
            ]
        )
    return _table(["Finding", "On the form", "Decision and what you do", "Sources"], rows)


def precare_table_html() -> str:
    """Pre-care given to every patient: what the sources say, what the course teaches, what the patient is told."""
    rows = []
    for rule in screening_data().rules:
        instruction = rule.patient_instruction
        if instruction is None or instruction.given != "always":
            continue
        wait = rule.waiting_time
        if wait:
            says = (
                "<ul style='margin:0'>"
                + "".join(f"<li>{html.escape(text)} {_refs(keys)}</li>" for text, keys in wait.sources)
                + "</ul>"
            )
            course = f"<strong>{html.escape(wait.text())}</strong>"
        else:
            says = f"{html.escape(rule.explanation)} {_refs(rule.references)}"
            course = html.escape(rule.staff_action)
        told = html.escape(instruction.text.replace("{wait}", wait.text() if wait else ""))
        rows.append([f"<strong>{html.escape(rule.title)}</strong>", says, course, told])
    return _table(
        ["Before the visit", "What the sources say", "What the course teaches", "What the patient is told"], rows
    )


def _shown(make_html, what: str) -> HTML:
    try:
        return HTML(make_html())
    except AssetError as problem:
        return unavailable(what, problem)


def decision_order() -> HTML:
    """The decision order table for the notebook."""
    return _shown(decision_order_html, "decision order")


def rules_table(category: str) -> HTML:
    """One category's rules as a table for the notebook."""
    return _shown(lambda: rules_table_html(category), "rules table")


def precare_table() -> HTML:
    """The pre-care table for the notebook."""
    return _shown(precare_table_html, "pre-care table")
