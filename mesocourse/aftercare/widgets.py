"""The aftercare notebook's views: advice box, timeline image, advice explorer, call exercise, handout form."""

import html
import tempfile
from datetime import date
from pathlib import Path

import ipywidgets as widgets
from IPython.display import HTML

from mesocourse.aftercare.figures import timeline_figure
from mesocourse.aftercare.handout import checked_clinic_name, handout, handout_filename
from mesocourse.aftercare.model import (
    Advice,
    CallScenario,
    advice_for,
    aftercare,
    check_call_answer,
    handout_instructions,
    long_date,
    parse_treatment_date,
    symptom_choices,
    urgency_levels,
)
from mesocourse.date_entry import DateEntry
from mesocourse.figures import figure_html
from mesocourse.look import TONES, feedback_box, status_box
from mesocourse.pdf import download_link_html
from mesocourse.references import cite


def advice_html(advice: Advice) -> str:
    """The advice as a box: urgency in words and symbol first, what to tell the patient, the staff note, sources."""
    # The level's tone is one of the course's accessible text and background pairs, named in the data.
    colour, background = TONES[aftercare().urgency_levels[advice.urgency].tone][:2]
    day_text = "the day of treatment" if advice.day == 0 else f"day {advice.day} after treatment"
    limit = ""
    if advice.limit:
        said = advice.limit_sourced or "course's choice" in advice.limit
        chosen = "" if said else " <em>(the course's choice, not a sourced number)</em>"
        limit = f"<div><strong>Why this day:</strong> {html.escape(advice.limit)}{chosen}</div>"
    return status_box(
        colour,
        background,
        f"<strong>{html.escape(advice.symbol)} {html.escape(advice.urgency_label)}</strong> "
        f"({html.escape(advice.symptom_label.lower())}, {day_text})"
        f"<div><strong>What to do:</strong> {html.escape(advice.action)}</div>"
        f"<div><strong>Tell the patient:</strong> “{html.escape(advice.tell)}”</div>"
        f"<div><strong>For staff:</strong> {html.escape(advice.staff)}</div>"
        f"{limit}"
        f'<div style="font-size:90%;margin-top:4px"><em>Sources:</em> {html.escape(cite(advice.references))}</div>',
    )


def aftercare_timeline(highlight_day: int | None = None) -> HTML:
    """The timeline as an accessible image for the notebook."""
    return HTML(figure_html(*timeline_figure(highlight_day)))


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


class CallExercise:
    """Practice calls: 'a patient calls on day N saying X'; choose the urgency, check, then see the full advice."""

    def __init__(self, scenarios=None):
        self.scenarios = tuple(scenarios if scenarios is not None else aftercare().scenarios)
        self.position = 0
        self.correct_first_try = 0
        self.checked_once = False
        self.call = widgets.HTML()
        self.choice = widgets.RadioButtons(
            options=[(level.title, level.name) for level in urgency_levels()],
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
        title = aftercare().urgency_levels[advice.urgency].title
        line = f"This call is: {title}." if right else f"This call is: {title}, not what you chose."
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
        # Day, month name and year (date_entry): the browser's own date box would show the American order to some.
        self.treatment_date = DateEntry("Treatment date:", date.today())
        self.make_button = widgets.Button(
            description="Make the handout",
            button_style="primary",
            tooltip="Write the patient's aftercare handout as a PDF",
        )
        self.output = widgets.HTML()
        self.make_button.on_click(self._on_make)
        self.widget = widgets.VBox([self.clinic, self.phone, self.treatment_date.widget, self.make_button, self.output])

    def _folder(self) -> Path:
        # A private temporary folder: handouts hold a clinic's details and should not land in the course files.
        if self.output_dir is None:
            self.output_dir = Path(tempfile.mkdtemp(prefix="aftercare-handouts-"))
        return self.output_dir

    def _on_make(self, _button=None) -> None:
        """Write the PDF and show a download link, or say plainly what is missing."""
        try:
            treated = parse_treatment_date(self.treatment_date.value)
            clinic = checked_clinic_name(self.clinic.value)
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
