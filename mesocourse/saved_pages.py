"""A saved course page reopens clean: each widget's output is saved as a plain "run this page" note instead.

JupyterLab autosaves; a widget's output in the file only points at a model that lives in the running kernel, so a
reopened page shows "Error displaying widget: model not found" where the quiz was. ipywidgets' own answer (the
`saveState` setting) stores a frozen copy that looks alive but cannot check an answer, which misleads more. The
learner's server calls `strip_widget_outputs` before every save (jupyter_server's `pre_save_hook`); running the
cell again replaces the note with the live widget.
"""

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
RUN_NOTE_CLASS = "mesocourse-run-this-page"
# The course's "info" tone (mesocourse.look), written out so the server does not import the widget stack.
RUN_NOTE_HTML = (
    f'<div class="{RUN_NOTE_CLASS}" role="status" style="color:#0d3c61;background:#e8f1fb;'
    'border-left:6px solid #0d3c61;padding:8px 12px;margin:4px 0">'
    "<strong>ℹ Run this page to use this part:</strong> choose <strong>Run ▸ Run All Cells</strong> in the menu.</div>"
)
RUN_NOTE_TEXT = "Run this page to use this part: choose Run > Run All Cells in the menu."


def run_note() -> dict:
    """The output saved in place of a widget: a plain note, in HTML and as text."""
    return {
        "output_type": "display_data",
        "metadata": {},
        "data": {"text/html": RUN_NOTE_HTML, "text/plain": RUN_NOTE_TEXT},
    }


def _is_widget(output: dict) -> bool:
    return WIDGET_VIEW in (output.get("data") or {})


def strip_widget_outputs(notebook: dict) -> int:
    """Replace each code cell's widget outputs by one run note (other outputs stay); returns the cells changed."""
    changed = 0
    for cell in notebook.get("cells", []):
        outputs = cell.get("outputs") or []
        if cell.get("cell_type") != "code" or not any(_is_widget(output) for output in outputs):
            continue
        kept = [output for output in outputs if not _is_widget(output)]
        cell["outputs"] = [*kept, run_note()]
        changed += 1
    # Widget state saved by ipywidgets would only feed a frozen copy; the page runs afresh instead.
    notebook.get("metadata", {}).pop("widgets", None)
    return changed


def pre_save_hook(model: dict, **_context) -> None:
    """jupyter_server's hook: a notebook about to be saved keeps no output that needs a live widget."""
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        strip_widget_outputs(model["content"])
