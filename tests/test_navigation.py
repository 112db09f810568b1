"""mesocourse.navigation: the generated links and contents are present and up to date in every notebook."""

import re

import nbformat

from mesocourse import citations, navigation
from mesocourse.modules import course_modules
from mesocourse.references import resolve


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


def test_every_module_code_cell_is_collapsed():
    """Each code cell of a module is collapsed (jupyter.source_hidden), so the learner settings hide it altogether."""
    for module in course_modules():
        notebook = nbformat.read(module.path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, (module.notebook, cell.source)


def test_a_new_code_cell_shown_as_code_counts_as_stale():
    """A code cell added without collapsing it is stale, and `make navigation` collapses it."""
    notebook = nbformat.read(course_modules()[1].path, as_version=4)
    notebook.cells.insert(3, nbformat.v4.new_code_cell("show_quiz('x')"))
    assert navigation.sync_cells(notebook, 1) is True
    assert notebook.cells[3].metadata["jupyter"]["source_hidden"] is True


def test_modules_end_with_their_numbered_sources():
    """Each module citing a source lists it, numbered as in the prose, before the closing links; no raw [key]."""
    for module in course_modules():
        notebook = nbformat.read(module.path, as_version=4)
        prose = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
        assert not citations.CITATION.search(prose.replace("](#source-", "](#x")), "a raw [key] is left in the prose"
        numbered = re.findall(r"\[\[(\d+)\]\]\(#source-([^)]+)\)", prose)
        if not numbered:
            continue
        tags = [c.metadata.get("tags", []) for c in notebook.cells]
        listing = notebook.cells[tags.index([navigation.SOURCES_TAG])]
        assert tags.index([navigation.SOURCES_TAG]) == tags.index([navigation.BOTTOM_TAG]) - 1
        for number, key in numbered:
            assert f'{number}. <span id="source-{key}"></span>' in listing.source, (module.notebook, key)


def test_a_hand_written_key_is_numbered_and_listed():
    """An author's new [ref-5] in the prose is stale until numbered, then shows as [n] and joins the list."""
    notebook = nbformat.read(course_modules()[6].path, as_version=4)
    notebook.cells[2].source += " A new claim [ref-C1]."
    assert navigation.sync_cells(notebook, 6) is True
    assert "[ref-C1]" not in notebook.cells[2].source and "(#source-ref-C1)" in notebook.cells[2].source
    listing = next(c for c in notebook.cells if navigation.SOURCES_TAG in c.metadata.get("tags", []))
    assert resolve("ref-C1")["citation"].split()[0] in listing.source


def test_citations_number_in_order_of_first_use():
    """The first source cited is [1]; citing it again reuses its number."""
    numbered, keys = citations.number_citations(["a [ref-5] b [ref-C1]", "c [[9]](#source-ref-5)"])
    assert keys == ["ref-5", "ref-C1"]
    assert numbered == ["a [[1]](#source-ref-5) b [[2]](#source-ref-C1)", "c [[1]](#source-ref-5)"]
