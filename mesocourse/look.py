"""The course's one look: palette, contrast checks (WCAG 2.2), tones, widget styles and message boxes for every view.

Engines never import this module; every view (quiz, forms, explorers, figures, progress page) takes its colours,
styles and message boxes from here, so the whole course looks and reads the same.
"""

import html

from IPython.display import HTML

from mesocourse.references import cite

# Okabe and Ito's palette: distinguishable with the common colour-vision deficiencies and in print.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}
# WCAG 2.2 success criteria 1.4.3 (text) and 1.4.11 (parts of graphics needed to understand them).
TEXT_CONTRAST = 4.5
GRAPHIC_CONTRAST = 3.0


def _rgb(colour: str) -> tuple[float, float, float]:
    """#rrggbb or #rgb as three 0..1 values."""
    value = colour.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(part * 2 for part in value)
    if len(value) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    try:
        return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        raise ValueError(f"not a #rrggbb colour: {colour!r}") from None


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of an sRGB colour (0 for black, 1 for white)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in _rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio between two colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# Text and background pairs with contrast well above WCAG's 4.5:1; the words and symbols carry the meaning too.
TONES = {
    "right": ("#1b5e20", "#e8f5e9", "✔ Correct."),
    "wrong": ("#8e1010", "#fdecea", "✘ Not quite."),
    "info": ("#0d3c61", "#e8f1fb", "ℹ"),
    # A dark amber of the same contrast, for "take care" and "call the clinic": between right and wrong.
    "caution": ("#6b3d00", "#fff4e0", "⚠"),
}
QUIZ_STYLE = """<style>
.mesocourse-quiz .widget-radio-box label, .mesocourse-quiz .widget-checkbox label { white-space: normal; }
.mesocourse-quiz .widget-radio-box { width: 100%; }
.mesocourse-quiz .widget-radio-box label { height: auto; display: flex; flex-direction: row-reverse;
  justify-content: flex-end; align-items: flex-start; line-height: 1.4; margin: 2px 0; }
.mesocourse-quiz .widget-radio-box input { flex-shrink: 0; float: none; margin-top: 2px; }
.mesocourse-quiz .widget-checkbox { height: auto; }
.mesocourse-quiz .widget-checkbox label { display: flex; align-items: flex-start; line-height: 1.4; margin: 2px 0; }
.mesocourse-quiz .widget-checkbox input { flex-shrink: 0; margin-top: 3px; }
.mesocourse-quiz .mesocourse-single input[type="checkbox"] { border-radius: 50%; }
.mesocourse-quiz .widget-checkbox code, .mesocourse-quiz pre code { white-space: pre; font-family: monospace; }
.mesocourse-quiz .widget-checkbox img, .mesocourse-quiz .widget-htmlmath img { max-width: 100%; }
.mesocourse-quiz :focus-visible { outline: 3px solid #0d3c61; outline-offset: 2px; }
.mesocourse-quiz .widget-inline-hbox { max-width: calc(100% - 2 * var(--jp-widgets-margin, 2px)); }
</style>"""
# Long questions beside a box or a list wrap onto several lines instead of pushing the box out of the column.
# A box 100% wide plus its margins (the max-width rule above) would lose its right border to the column's edge.
# The decision stays on screen while staff tick (position: sticky): sticky needs every box between it and the
# page's scroller to leave overflow visible, and ipywidgets' boxes and JupyterLab's output area scroll by default.
FORM_STYLE = """<style>
.mesocourse-screening .widget-label { white-space: normal; height: auto; line-height: 1.3; }
.mesocourse-screening .widget-checkbox, .mesocourse-screening .widget-inline-hbox { height: auto; margin-bottom: 4px; }
:is(.jp-OutputArea, .jp-OutputArea-child, .jp-OutputArea-output, .widget-box):has(.mesocourse-verdict) {
  overflow: visible; }
.mesocourse-verdict { position: sticky; top: 0; z-index: 1; max-height: calc(100vh - 140px); overflow-y: auto; }
</style>"""


def status_box(colour: str, background: str, inner_html: str, css_class: str = "") -> str:
    """The course's message box: coloured bar and tint, read out by screen readers; the inner HTML holds the words."""
    class_attribute = f' class="{css_class}"' if css_class else ""
    return (
        f'<div{class_attribute} role="status" aria-live="polite" style="color:{colour};background:{background};'
        f'border-left:6px solid {colour};padding:8px 12px;margin:4px 0">{inner_html}</div>'
    )


def feedback_box(tone: str, lines: list[str], extra: str = "", headline: str | None = None) -> str:
    """Feedback HTML: a word and a symbol first (never colour alone), announced to screen readers.

    `headline` replaces the tone's own ("✔ Correct.") where that would read oddly, and must keep a symbol and words.
    """
    colour, background, default_headline = TONES[tone]
    headline = html.escape(headline) if headline else default_headline
    body = "".join(f"<div>{html.escape(line)}</div>" for line in lines)
    return status_box(colour, background, f"<strong>{headline}</strong>{body}{extra}")


def unavailable(what: str, problem: Exception) -> HTML:
    """A plain message in place of a widget whose course data could not be loaded, for the learner to pass on."""
    return HTML(feedback_box("info", [f"The {what} could not be loaded. Please tell your trainer:", str(problem)]))


def explanation_html(item) -> str:
    """An item's `explanation` with its `references` written out (a question, a rule), so every statement traces.

    An item without an explanation (an imported jupyterquiz question) shows nothing: no sentence is invented for it.
    """
    if not item.explanation and not item.references:
        return ""
    sources = html.escape(cite(item.references)) if item.references else ""
    refs = f'<div style="font-size:90%;margin-top:4px"><em>Sources:</em> {sources}</div>' if sources else ""
    return f'<div style="margin-top:6px"><strong>Why:</strong> {html.escape(item.explanation)}{refs}</div>'


def table_html(headers: list[str], rows: list[list[str]]) -> str:
    """A course table: plain headers (escaped here) over rows of cells that are already HTML, aligned for reading."""
    head = "".join(f"<th style='text-align:left'>{html.escape(header)}</th>" for header in headers)
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:left;vertical-align:top'>{cell}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
