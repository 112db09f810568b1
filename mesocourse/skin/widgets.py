"""The depth explorer widget and the skin's HTML for the learner: the verdict box, messages, the drawing shown."""

import html

import ipywidgets as widgets

from mesocourse.figures import figure_html
from mesocourse.look import TONES, status_box
from mesocourse.references import cite, resolve
from mesocourse.skin.figures import cross_section
from mesocourse.skin.model import (
    LENGTH_LIMITS_MM,
    STATUS_TONE,
    STATUS_WORDS,
    NeedleReading,
    SkinInputError,
    read_needle,
    region_named,
    regions,
    technique_named,
    techniques,
)
from mesocourse.skin.overlay import explorer_drawing_html

# Verdict states: a word and a symbol first, never colour alone. Colours follow the quiz feedback boxes.
STATUS_STYLE = {status: (*TONES[tone][:2], *STATUS_WORDS[status]) for status, tone in STATUS_TONE.items()}


def verdict_html(reading: NeedleReading) -> str:
    """The verdict as an HTML box: symbol and words first, then the sentences; announced to screen readers."""
    colour, background = STATUS_STYLE[reading.status][:2]
    body = "".join(f"<li>{html.escape(line)}</li>" for line in reading.lines)
    return status_box(
        colour,
        background,
        f'<strong style="font-size:110%">{html.escape(reading.headline)}</strong>'
        f'<ul style="margin:4px 0 0 0;padding-left:1.2em;color:#1a1a1a">{body}</ul>',
        css_class="mesocourse-verdict",
    )


def show_cross_section(region, length_mm, angle_deg, technique=None, compare: bool = False):
    """The drawing as an accessible image in a notebook; a plain message instead of a traceback on bad input."""
    from IPython.display import HTML

    try:
        return HTML(figure_html(*cross_section(region, length_mm, angle_deg, technique, compare=compare)))
    except SkinInputError as problem:
        return HTML(message_html("The picture cannot be drawn", str(problem)))


def message_html(what: str, problem: str) -> str:
    """A plain information box for input the course cannot use (shown instead of a traceback)."""
    colour, background = TONES["info"][:2]
    return status_box(colour, background, f"ℹ {html.escape(what)}: {html.escape(problem)}.")


# ---------------------------------------------------------------------------------------------------------------
# The depth explorer


def technique_panel_html(technique) -> str:
    """What the sources say about one technique (depth, angle, needle, details) and what the course uses."""
    if technique in (None, "", "none"):
        return (
            "<p><em>No technique chosen: the drawing shows where the tip lands. Choose a technique to see its "
            "target layer and what the sources say.</em></p>"
        )
    technique = technique_named(technique)
    items = [f"<li><strong>Aims for:</strong> {html.escape(technique.target_words)}</li>"]
    for claim in technique.depths:
        kind = resolve(claim.references[0])["kind"]
        items.append(
            f"<li><strong>Depth:</strong> {html.escape(claim.text())} <small>({html.escape(kind)})</small></li>"
        )
    items.append(
        f"<li><strong>The course's limit:</strong> never deeper than {html.escape(technique.course_range.text())}, "
        f"and shallower where the target layer of the area ends sooner (the verdict below gives the limit for the "
        f"region you chose). {html.escape(technique.course_range.why)}</li>"
    )
    items.append(f"<li><strong>Angle:</strong> {html.escape(technique.angle.text())}</li>")
    for claim in [*technique.needles, *technique.details]:
        items.append(f"<li>{html.escape(claim.text())}</li>")
    sources = html.escape(cite(technique.references))
    return (
        f"<details><summary><strong>{html.escape(technique.label)}: what the sources say</strong></summary>"
        f"<ul>{''.join(items)}</ul><p style='font-size:90%'><em>Sources:</em> {sources}</p></details>"
    )


class DepthExplorer:
    """Region, technique, inserted length and angle in; the to-scale drawing and a verdict in words out."""

    def __init__(
        self,
        region: str = "forehead",
        technique: str | None = "nappage",
        length_mm: float = 1.5,
        angle_deg: float = 30,
        compare: bool = False,
    ):
        # Check the starting values once, so a wrong call says so plainly instead of breaking a widget.
        read_needle(region, length_mm, angle_deg, technique)
        wide = {"description_width": "16em"}
        self.region_dropdown = widgets.Dropdown(
            options=[(item.label, key) for key, item in regions().items()],
            value=region_named(region).key,
            description="Body region",
            style=wide,
            layout=widgets.Layout(width="42em"),
        )
        self.technique_dropdown = widgets.Dropdown(
            options=[("(none: just show where the tip lands)", None)]
            + [(item.label, key) for key, item in techniques().items()],
            value=technique_named(technique).key if technique else None,
            description="Technique",
            style=wide,
            layout=widgets.Layout(width="42em"),
        )
        self.length_slider = widgets.FloatSlider(
            value=length_mm,
            min=LENGTH_LIMITS_MM[0],
            max=LENGTH_LIMITS_MM[1],
            step=0.5,
            readout_format=".1f",
            description="Inserted needle length (mm)",
            style=wide,
            continuous_update=False,
            layout=widgets.Layout(width="46em"),
        )
        self.angle_slider = widgets.IntSlider(
            value=int(angle_deg),
            min=5,
            max=90,
            step=5,
            description="Angle to the skin (degrees)",
            style=wide,
            continuous_update=False,
            layout=widgets.Layout(width="46em"),
        )
        self.compare_box = widgets.Checkbox(
            value=compare,
            indent=False,
            description="Compare with the depths a 2008 university course teaches [ref-10]",
            layout=widgets.Layout(width="auto"),
        )
        self.verdict = widgets.HTML()
        self.image = widgets.HTML()
        self.sources = widgets.HTML()
        self.region_dropdown.observe(self._on_region, names="value")
        self.technique_dropdown.observe(self._on_technique, names="value")
        self.length_slider.observe(self._on_length, names="value")
        self.angle_slider.observe(self._on_angle, names="value")
        self.compare_box.observe(self._on_compare, names="value")
        self.reading: NeedleReading | None = None
        self.refresh()
        controls = widgets.VBox(
            [self.region_dropdown, self.technique_dropdown, self.length_slider, self.angle_slider, self.compare_box]
        )
        # The picture comes right under the controls and the verdict under it: the verdict's length changes with the
        # needle, and placing it below keeps the picture still while a slider moves.
        self.widget = widgets.VBox([controls, self.image, self.verdict, self.sources])
        self.widget.add_class("mesocourse-depth-explorer")

    def refresh(self) -> None:
        """Recompute the verdict and redraw: the needle over the kept picture, which is drawn anew only for a new
        region, technique, comparison or zoom level. Each widget's value is replaced in place, so nothing flickers."""
        self.reading = read_needle(
            self.region_dropdown.value, self.length_slider.value, self.angle_slider.value, self.technique_dropdown.value
        )
        self.verdict.value = verdict_html(self.reading)
        self.image.value = explorer_drawing_html(self.reading, bool(self.compare_box.value))
        self.sources.value = technique_panel_html(self.technique_dropdown.value)

    def _on_region(self, change) -> None:
        self.refresh()

    def _on_technique(self, change) -> None:
        self.refresh()

    def _on_length(self, change) -> None:
        self.refresh()

    def _on_angle(self, change) -> None:
        self.refresh()

    def _on_compare(self, change) -> None:
        self.refresh()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def depth_explorer(
    region: str = "forehead",
    technique: str | None = "nappage",
    length_mm: float = 1.5,
    angle_deg: float = 30,
    compare: bool = False,
):
    """The interactive depth explorer for a notebook; a plain message instead of a traceback on bad input."""
    try:
        return DepthExplorer(region, technique, length_mm, angle_deg, compare)
    except SkinInputError as problem:
        from IPython.display import HTML

        return HTML(message_html("The explorer cannot start", str(problem)))
