"""What a submission made, made safe to show: no learner script in formgrader, no learner output in feedback.

formgrader runs on the trainer's own Jupyter server, so a script in a graded notebook would run with the trainer's
rights (and could open a terminal there). nbgrader's formgrade and feedback templates render markdown without
nbconvert's `sanitize_html`, so the graded copy itself is made inert after grading: learner markdown is rendered
and cleaned with nbconvert's own sanitiser (bleach: no script, no event handler, no javascript: link), rich
outputs are cleaned the same way and script outputs dropped. Feedback then shows only the outputs the trainer's
process wrote (the verdicts), never what learner code printed, so nothing the box could reach is sent.
"""

import bleach
from nbconvert.filters.markdown import markdown2html
from nbconvert.filters.strings import clean_html
from nbgrader.preprocessors import NbGraderPreprocessor

# Shown as they are: plain text and pictures cannot run anything.
SAFE_MIME = {"text/plain", "image/png", "image/jpeg", "image/gif"}
CLEANED_MIME = {"text/html"}
# What rendered markdown needs, nothing that runs: bleach's own list plus text structure (no img, style, form or id).
MARKDOWN_TAGS = {*bleach.ALLOWED_TAGS, "p", "br", "hr", "pre", "span", "div", "del", "sup", "sub"}
MARKDOWN_TAGS |= {"h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}
MARKDOWN_ATTRIBUTES = {**bleach.ALLOWED_ATTRIBUTES, "th": ["align"], "td": ["align"], "*": ["class"]}
DROPPED_NOTE = "[output not shown: {kinds} from the submission cannot be shown safely]"


def safe_markdown(source: str) -> str:
    """The markdown as written when it renders to clean HTML, else its rendering cleaned by bleach.

    bleach with text structure allowed (paragraphs, headings, lists, tables, links to http/https/mailto only);
    HTML passes through markdown unchanged, so formgrader and feedback show the cleaned page.
    """
    rendered = markdown2html(source)
    cleaned = bleach.clean(rendered, tags=MARKDOWN_TAGS, attributes=MARKDOWN_ATTRIBUTES, strip_comments=True)
    return source if cleaned == rendered else cleaned


def inert_outputs(outputs: list) -> list:
    """Outputs with HTML cleaned, markdown rendered and cleaned, and anything that could run (script, SVG) dropped."""
    kept = []
    for output in outputs:
        if output.get("output_type") not in ("display_data", "execute_result"):
            kept.append(output)  # streams and errors are shown as escaped text
            continue
        data, dropped = {}, []
        for mime, value in output.get("data", {}).items():
            text = "".join(value) if isinstance(value, list) else value
            if mime in SAFE_MIME:
                data[mime] = value
            elif mime in CLEANED_MIME and isinstance(text, str):
                data[mime] = clean_html(text)
            elif mime == "text/markdown" and isinstance(text, str):
                data["text/html"] = safe_markdown(text)
            else:
                dropped.append(mime)
        if not data:
            data = {"text/plain": DROPPED_NOTE.format(kinds=", ".join(dropped) or "an empty output")}
        output.data = data
        output.metadata = {}
        kept.append(output)
    return kept


def _locked(cell) -> bool:
    """A read-only course cell: its source came back from the gradebook (OverwriteCells), not from the learner."""
    meta = cell.metadata.get("nbgrader")
    return isinstance(meta, dict) and meta.get("locked") is True and not meta.get("solution")


class MakeLearnerContentInert(NbGraderPreprocessor):
    """After grading: learner markdown and rich outputs cleaned, so formgrader and feedback run no learner script."""

    def preprocess_cell(self, cell, resources, index):
        """Clean one cell (the course's own read-only markdown is left as released)."""
        if cell.cell_type in ("markdown", "raw") and not _locked(cell):
            cell.source = safe_markdown(cell.source) if cell.cell_type == "markdown" else clean_html(cell.source)
            cell.pop("attachments", None)
        elif cell.cell_type == "code":
            cell.outputs = inert_outputs(cell.get("outputs", []))
        return cell, resources


def _test_cell(cell) -> bool:
    meta = cell.metadata.get("nbgrader")
    return isinstance(meta, dict) and bool(meta.get("grade")) and not meta.get("solution")


class KeepOnlyVerdicts(NbGraderPreprocessor):
    """Feedback keeps the outputs of test cells (verdicts written by the trainer's process) and no learner output."""

    def preprocess_cell(self, cell, resources, index):
        """Empty the outputs of every code cell that is not a test cell."""
        if cell.cell_type == "code" and not _test_cell(cell):
            cell.outputs = []
            cell.execution_count = None
        return cell, resources
