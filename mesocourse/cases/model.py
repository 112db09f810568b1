"""Patient case scenarios (assets/cases.yaml) as data: the intake, the feedback and follow-ups, checked on load.

The right decision of a case is never typed in by hand: the screening engine decides it from the case's intake, and
loading fails if the author's expectation disagrees, so the cases and the rules can never teach different answers.
"""

from dataclasses import dataclass
from functools import cache

from mesocourse.assets import AssetError, load_asset
from mesocourse.bank import BankError, Option, Question, parse_bank
from mesocourse.progress import ProgressStore
from mesocourse.screening.rules import Decision, Intake, IntakeError, as_intake, decision_label, screen

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


def case_progress(store: ProgressStore | None = None, learner: str | None = None) -> dict[str, int]:
    """How many cases the learner has tried, and in how many their latest decision was right (for the progress page)."""
    store = store if store is not None else ProgressStore()
    latest = store.latest(CASES_BANK, learner)
    decisions = [latest[f"{case.id}-decision"] for case in course_cases() if f"{case.id}-decision" in latest]
    return {"cases": len(course_cases()), "tried": len(decisions), "decided_right": sum(a.correct for a in decisions)}
