"""Patient case scenarios (assets/cases.yaml) played in steps: read the intake, decide, see why, answer a follow-up."""

import html

import ipywidgets as widgets

from mesocourse.assets import AssetError
from mesocourse.cases.model import CASES_BANK, Case, course_cases
from mesocourse.look import QUIZ_STYLE, unavailable
from mesocourse.progress import ProgressStore, current_learner
from mesocourse.quiz.checking import EXPLAIN_AFTER_WRONG
from mesocourse.quiz.widgets import QuestionView
from mesocourse.screening.widgets import WidgetView, findings_html


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
