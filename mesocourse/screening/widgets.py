"""Screening views: the intake form with its live decision, and a decision's findings as HTML for staff."""

import html

import ipywidgets as widgets

from mesocourse.assets import AssetError
from mesocourse.look import FORM_STYLE, QUIZ_STYLE, TONES, explanation_html, feedback_box, status_box, unavailable
from mesocourse.screening.rules import (
    Decision,
    FieldSpec,
    IntakeError,
    decision_label,
    number_from_text,
    screen,
    screening_data,
)

DESCRIPTION_WIDTH = "55%"


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


def act_now_html(decision: Decision) -> str:
    """What staff must do today before anything else, in a box of its own so it cannot be missed in the details."""
    if not decision.act_now:
        return ""
    colour, background, _ = TONES["wrong"]
    lines = "".join(f"<li>{html.escape(line)}</li>" for line in decision.act_now)
    return status_box(colour, background, f"<strong>⚠ Act today:</strong><ul style='margin:2px 0'>{lines}</ul>")


def decision_html(decision: Decision) -> str:
    """The whole decision for staff: what to do, why (with sources), before-treatment checks and pre-care."""
    extra = act_now_html(decision) + findings_html(decision, folded=True)
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


class ScreeningForm(WidgetView):
    """The intake form: staff tick what the patient reports and see the decision and its reasons at once."""

    def __init__(self):
        data = screening_data()
        self.checkboxes: dict[str, widgets.Checkbox] = {}
        self.choices: dict[str, widgets.Dropdown] = {}
        self.numbers: dict[str, widgets.Text] = {}
        self.texts: dict[str, widgets.Text] = {}
        self.result: Decision | None = None
        self.problem: str | None = None
        sections = []
        for group_id, group_title in data.groups.items():
            items = [widgets.HTML(f"<h4 style='margin:10px 0 2px 0'>{html.escape(group_title)}</h4>")]
            for spec in data.fields.values():
                if spec.group != group_id:
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
        # Beside the form (below it on a narrow screen) and kept on screen as the form scrolls (FORM_STYLE), so the
        # decision is in view while staff tick the last items.
        verdict = widgets.VBox(
            [self.decision],
            layout=widgets.Layout(width="42%", min_width="18em", align_self="flex-start", margin="0 0 0 2%"),
        )
        verdict.add_class("mesocourse-verdict")
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
        elif spec.kind == "text":
            box = widgets.Text(
                value="",
                description=spec.label,
                style={"description_width": DESCRIPTION_WIDTH},
                layout=layout,
                continuous_update=False,
            )
            self.texts[spec.name] = box
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
        values.update({name: box.value for name, box in self.texts.items()})
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
        for box in [*self.numbers.values(), *self.texts.values()]:
            box.value = ""


def screening_form():
    """The intake form for the notebook; broken screening data shows a plain message instead of a traceback."""
    try:
        return ScreeningForm()
    except AssetError as problem:
        return unavailable("screening form", problem)
