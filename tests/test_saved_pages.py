"""mesocourse.saved_pages: a saved page holds a plain run note where a widget was, never a dead widget view."""

import copy

from mesocourse import saved_pages

WIDGET_OUTPUT = {
    "output_type": "display_data",
    "metadata": {},
    "data": {
        "application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2, "version_minor": 0},
        "text/plain": "VBox(children=(HTML(value='Question 1'),))",
    },
}
HTML_OUTPUT = {"output_type": "display_data", "metadata": {}, "data": {"text/html": "<table></table>"}}


def notebook(*outputs) -> dict:
    """A notebook with one code cell holding these outputs and saved widget state."""
    cell = {"cell_type": "code", "source": "show_quiz('x')", "metadata": {}, "outputs": list(outputs)}
    return {"cells": [cell], "metadata": {"widgets": {"state": {}}}, "nbformat": 4, "nbformat_minor": 5}


def test_widget_output_is_saved_as_a_run_note():
    """A quiz's widget view is replaced by the note saying how to run the page; no widget view is left."""
    page = notebook(WIDGET_OUTPUT)
    assert saved_pages.strip_widget_outputs(page) == 1
    (output,) = page["cells"][0]["outputs"]
    assert "Run All Cells" in output["data"]["text/html"] and "Run All Cells" in output["data"]["text/plain"]
    assert saved_pages.WIDGET_VIEW not in output["data"]
    assert "widgets" not in page["metadata"]


def test_other_outputs_are_kept():
    """A table or picture shown beside a widget stays in the file; a cell without widgets is untouched."""
    page = notebook(HTML_OUTPUT, WIDGET_OUTPUT)
    page["cells"].append({"cell_type": "code", "source": "table()", "metadata": {}, "outputs": [HTML_OUTPUT]})
    saved_pages.strip_widget_outputs(page)
    assert page["cells"][0]["outputs"][0] == HTML_OUTPUT
    assert page["cells"][1]["outputs"] == [HTML_OUTPUT]


def test_hook_changes_notebooks_only():
    """The server hook rewrites a notebook model and leaves files of other kinds alone."""
    model = {"type": "notebook", "content": notebook(WIDGET_OUTPUT)}
    saved_pages.pre_save_hook(model=model, path="notebooks/x.ipynb", contents_manager=None)
    assert saved_pages.WIDGET_VIEW not in model["content"]["cells"][0]["outputs"][0]["data"]
    text = {"type": "file", "content": "application/vnd.jupyter.widget-view+json"}
    before = copy.deepcopy(text)
    saved_pages.pre_save_hook(model=text, path="notes.txt", contents_manager=None)
    assert text == before
