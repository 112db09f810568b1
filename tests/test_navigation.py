"""mesocourse.navigation: the generated links and contents are present and up to date in every notebook."""

import nbformat

from mesocourse import navigation
from mesocourse.modules import course_modules


def test_navigation_is_not_stale():
    """Every notebook's previous / contents / next cells match assets/modules.yaml (run `make navigation`)."""
    assert navigation.update(write=False) == []


def test_stale_links_are_detected():
    """A hand-edited generated cell counts as stale and is put back, so hand edits cannot drift unnoticed."""
    module = course_modules()[1]
    notebook = nbformat.read(module.path, as_version=4)
    top = next(c for c in notebook.cells if navigation.TOP_TAG in c.metadata.get("tags", []))
    top.source = "[Next](nowhere.ipynb)"
    assert navigation.sync_cells(notebook, 1) is True
    assert top.source == navigation.navigation_markdown(1)
    assert navigation.sync_cells(notebook, 1) is False


def test_links_point_to_neighbours_in_reading_order():
    """The first module links back to the start page and on to the next; the last has no next link."""
    modules = course_modules()
    first = navigation.navigation_markdown(1)
    assert f"({modules[0].notebook})" in first
    if len(modules) > 2:
        assert f"({modules[2].notebook})" in first
    assert "Next" not in navigation.navigation_markdown(len(modules) - 1)
    assert "Previous" not in navigation.navigation_markdown(0)


def test_contents_lists_every_module_with_time_and_objectives():
    """The start page's table names each module, its minutes and its learning objectives."""
    table = navigation.contents_markdown()
    for module in course_modules()[1:]:
        assert f"({module.notebook})" in table and f"{module.minutes} min" in table
        assert module.objectives[0] in table
