"""Patient case scenarios (assets/cases.yaml) played in steps: read the intake, decide, see why, answer a follow-up.

The right decision of a case is never typed in by hand: the screening engine decides it from the case's intake, and
loading fails if the author's expectation disagrees, so the cases and the rules can never teach different answers.
"""

import html
from dataclasses import dataclass
from functools import cache

import ipywidgets as widgets

from mesocourse.assets import AssetError, load_asset
from mesocourse.bank import BankError, Option, Question, parse_bank
from mesocourse.look import QUIZ_STYLE, unavailable
from mesocourse.progress import ProgressStore, current_learner
from mesocourse.quiz.checking import EXPLAIN_AFTER_WRONG
from mesocourse.quiz.widgets import QuestionView
from mesocourse.screening import (
    Decision,
    Intake,
    IntakeError,
    WidgetView,
    as_intake,
    decision_label,
    findings_html,
    screen,
)

DATA_FILE, SCHEMA_FILE = "cases.yaml", "cases.schema.json"
# Case attempts are kept apart from module 06's quiz bank so they never change its quiz score or the certificate.
CASES_BANK = "06-case-scenarios-cases"
DECISION_OBJECTIVE = "Screen a patient and choose the decision"
FOLLOW_UP_OBJECTIVE = "Tell the patient what happens next"
# The decisions from the mildest to the strictest, as options of the decision question.
CHOICE_ORDER = ("treat", "defer", "doctor-review", "do-not-treat")


@dataclass(frozen=True)
class Case:
    """A patient scenario: what staff hear, the same intake as form answers, and the feedback for every choice."""

    id: str
    title: str
    patient: str
    story: str
    history: tuple[str, ...]
    medicines: tuple[str, ...]
    skin_today: str
    area: str
    product: str
    intake: Intake
    expected_decision: str
    expected_rules: tuple[str, ...]
    decision_feedback: dict[str, str]
    follow_ups: tuple[Question, ...]

    def decision(self) -> Decision:
        """What the screening engine decides for this patient: the one source of the right answer."""
        return screen(self.intake)

    def decision_question(self) -> Question:
        """Step 2 as a question: the four decisions, right as the engine decides, each with this case's feedback."""
        decision = self.decision()
        findings = "; ".join(f"{f.rule.title} ({decision_label(f.rule.decision)})" for f in decision.findings)
        explanation = f"The screening rules decide: {decision.label}. " + (
            f"Findings: {findings}. The strictest finding decides."
            if findings
            else "Nothing on the intake stops the treatment."
        )
        return Question(
            id=f"{self.id}-decision",
            kind="single",
            objective=DECISION_OBJECTIVE,
            prompt=f"What do you decide for {self.patient}?",
            explanation=explanation,
            references=decision.references,
            options=tuple(
                Option(decision_label(outcome), outcome == decision.outcome, self.decision_feedback[outcome])
                for outcome in CHOICE_ORDER
            ),
        )


def _problem(case_id: str, message: str) -> AssetError:
    return AssetError(f"assets/{DATA_FILE}, case {case_id!r}: {message}")


def _follow_ups(item: dict) -> tuple[Question, ...]:
    """The case's follow-up questions, checked by the question-bank rules (one correct option, known references)."""
    questions = [
        {"id": f"{item['id']}-{question['id']}", "type": "single", "objective": FOLLOW_UP_OBJECTIVE, **question}
        for question in item["follow_up"]
    ]
    try:
        bank = parse_bank(
            {"module": "06", "title": item["title"], "questions": questions}, f"assets/{DATA_FILE}", CASES_BANK
        )
    except BankError as problem:
        raise _problem(
            item["id"],
            f"follow-up question: {problem.message} ({problem.question_id}, {problem.field_name or 'question'})",
        ) from None
    return bank.questions


def parse_case(item: dict) -> Case:
    """Build one case and check it against the screening engine: same decision, same findings."""
    try:
        intake = as_intake({**item["intake"], "area": item["area"], "product": item["product"]})
    except IntakeError as problem:
        raise _problem(item["id"], f"the intake cannot be screened: {problem}") from None
    case = Case(
        id=item["id"],
        title=item["title"],
        patient=item["patient"],
        story=item["story"].strip(),
        history=tuple(item["history"]),
        medicines=tuple(item["medicines"]),
        skin_today=item["skin_today"],
        area=item["area"],
        product=item["product"],
        intake=intake,
        expected_decision=item["expected_decision"],
        expected_rules=tuple(item["expected_rules"]),
        decision_feedback={key: text.strip() for key, text in item["decision_feedback"].items()},
        follow_ups=_follow_ups(item),
    )
    decided = case.decision()
    if decided.outcome != case.expected_decision:
        raise _problem(
            case.id,
            f"the author expects {case.expected_decision!r} but the screening rules decide "
            f"{decided.outcome!r} (findings: {', '.join(decided.rule_ids) or 'none'})",
        )
    if set(decided.rule_ids) != set(case.expected_rules):
        raise _problem(
            case.id,
            f"the author expects the findings {sorted(case.expected_rules)} but the screening "
            f"rules find {sorted(decided.rule_ids)}",
        )
    return case


def parse_cases(raw: dict) -> tuple[Case, ...]:
    """All cases of a parsed cases file, each checked; ids must be unique."""
    cases = []
    for item in raw["cases"]:
        if any(case.id == item["id"] for case in cases):
            raise _problem(item["id"], "this id is used twice")
        cases.append(parse_case(item))
    return tuple(cases)


@cache
def course_cases() -> tuple[Case, ...]:
    """The course's cases, loaded and checked once per kernel."""
    return parse_cases(load_asset(DATA_FILE, SCHEMA_FILE))


def intake_card_html(case: Case) -> str:
    """The patient as staff meet them: story, history, medicines, skin today, area and product."""

    def items(lines) -> str:
        return "<ul style='margin:2px 0 6px 0'>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"

    return (
        f"<div style='border:1px solid #888;padding:8px 12px;margin:6px 0'>"
        f"<h4 style='margin:0 0 4px 0'>{html.escape(case.patient)}: {html.escape(case.title)}</h4>"
        f"<p>{html.escape(case.story)}</p>"
        f"<strong>Health history</strong>{items(case.history)}"
        f"<strong>Medicines</strong>{items(case.medicines)}"
        f"<strong>Skin today</strong>{items([case.skin_today])}"
        f"<strong>Requested</strong>{items([f'Area: {case.area}', f'Product: {case.product}'])}</div>"
    )


def case_progress(store: ProgressStore | None = None, learner: str | None = None) -> dict[str, int]:
    """How many cases the learner has tried, and in how many their latest decision was right (for the progress page)."""
    store = store if store is not None else ProgressStore()
    latest = store.latest(CASES_BANK, learner)
    decisions = [latest[f"{case.id}-decision"] for case in course_cases() if f"{case.id}-decision" in latest]
    return {"cases": len(course_cases()), "tried": len(decisions), "decided_right": sum(a.correct for a in decisions)}


class CasePlayer(WidgetView):
    """The case widget: pick a case, read the intake, choose a decision, see why, then answer the follow-ups."""

    def __init__(
        self, cases: tuple[Case, ...] | None = None, learner: str | None = None, store: ProgressStore | None = None
    ):
        self.cases = cases if cases is not None else course_cases()
        self.learner = learner or current_learner()
        self.store = store if store is not None else ProgressStore()
        self.case: Case = self.cases[0]
        self.decision_view: QuestionView | None = None
        self.follow_ups: list[QuestionView] = []

        self.picker = widgets.Dropdown(
            options=[(f"Case {number}: {case.title}", case.id) for number, case in enumerate(self.cases, start=1)],
            value=self.case.id,
            description="Case",
            layout=widgets.Layout(width="100%"),
        )
        self.intake_card = widgets.HTML()
        self.decision_box = widgets.VBox()
        self.reasons = widgets.HTML()
        self.follow_up_box = widgets.VBox()
        self.next_button = widgets.Button(
            description="Next case ▶", tooltip="Go to the next case", layout=widgets.Layout(display="none")
        )
        self.picker.observe(self._on_case_chosen, names="value")
        self.next_button.on_click(self._on_next)
        self.widget = widgets.VBox(
            [
                widgets.HTML(
                    f"{QUIZ_STYLE}<p>{len(self.cases)} patients. Read each intake, choose what you would do, "
                    "then answer the follow-up questions. Your answers are saved to your progress.</p>"
                ),
                self.picker,
                widgets.HTML("<h4>Step 1. Read the intake</h4>"),
                self.intake_card,
                widgets.HTML("<h4>Step 2. What do you decide?</h4>"),
                self.decision_box,
                self.reasons,
                self.follow_up_box,
                self.next_button,
            ]
        )
        self.widget.add_class("mesocourse-quiz")
        self.show_case(self.case)

    @property
    def revealed(self) -> bool:
        """Whether the reasons and the follow-up questions are showing."""
        return bool(self.follow_ups)

    def show_case(self, case: Case) -> None:
        """Start a case from step 1."""
        self.case = case
        self.intake_card.value = intake_card_html(case)
        self.decision_view = QuestionView(
            case.decision_question(), CASES_BANK, 1, self.learner, self.store, on_checked=self._on_decision_checked
        )
        self.decision_box.children = (self.decision_view.widget,)
        self.reasons.value = ""
        self.follow_ups = []
        self.follow_up_box.children = ()
        self.next_button.layout.display = "none"

    def _on_decision_checked(self, view: QuestionView) -> None:
        """Once the decision is right (or missed twice), show the rules behind it and step 3."""
        if self.revealed or not (view.verdict.correct or view.wrong_checks >= EXPLAIN_AFTER_WRONG):
            return
        self.reasons.value = f"<div style='margin:6px 0'>{findings_html(self.case.decision(), folded=True)}</div>"
        self.follow_ups = [
            QuestionView(question, CASES_BANK, number, self.learner, self.store)
            for number, question in enumerate(self.case.follow_ups, start=2)
        ]
        heading = widgets.HTML("<h4>Step 3. What happens next?</h4>")
        self.follow_up_box.children = (heading, *(follow_up.widget for follow_up in self.follow_ups))
        self.next_button.layout.display = None

    def _on_case_chosen(self, change) -> None:
        """Another case picked from the list: start it from step 1."""
        self.show_case(next(case for case in self.cases if case.id == change["new"]))

    def _on_next(self, _button=None) -> None:
        """Go to the next case (after the last, back to the first)."""
        position = [case.id for case in self.cases].index(self.case.id)
        self.picker.value = self.cases[(position + 1) % len(self.cases)].id


def case_player():
    """The case player for the notebook; broken case data shows a plain message instead of a traceback."""
    try:
        return CasePlayer()
    except AssetError as problem:
        return unavailable("case scenarios", problem)
