"""Generated parts of every module: previous / contents / next links, the start page's contents table, numbered
citations with a closing "Sources" list, and collapsed course code (a learner never meets it).

Run `python -m mesocourse.navigation` (or `make navigation`) after changing assets/modules.yaml; a test fails while
any notebook's generated cells are stale.
"""

import sys

import nbformat

from mesocourse.citations import number_citations, sources_markdown
from mesocourse.modules import course_modules

TOP_TAG, BOTTOM_TAG, CONTENTS_TAG = "course-navigation-top", "course-navigation-bottom", "course-contents"
SOURCES_TAG = "course-sources"
START = "00.00-Start-Here.ipynb"


def navigation_markdown(position: int) -> str:
    """The link line for the module at this position in the reading order."""
    modules = course_modules()
    links = []
    if position > 0:
        previous = modules[position - 1]
        links.append(f"[◀ Previous: {previous.title}]({previous.notebook})")
    if modules[position].notebook != START:
        links.append(f"[Contents]({START})")
    if position + 1 < len(modules):
        following = modules[position + 1]
        links.append(f"[Next: {following.title} ▶]({following.notebook})")
    return " | ".join(links)


def contents_markdown() -> str:
    """The start page's module table: number, title with link, time and what you will learn."""
    rows = ["| Module | Time | What you will learn |", "|---|---|---|"]
    for module in course_modules()[1:]:
        objectives = "<br>".join(f"• {objective}" for objective in module.objectives)
        rows.append(f"| [{module.number} {module.title}]({module.notebook}) | {module.minutes} min | {objectives} |")
    total = sum(module.minutes for module in course_modules())
    rows.append("")
    rows.append(f"The whole course takes about {total / 60:.1f} hours; you can stop after any module and come back.")
    return "\n".join(rows)


def _tagged(cell, tag) -> bool:
    return tag in cell.get("metadata", {}).get("tags", [])


def _set_cell(notebook, tag: str, source: str, where: str) -> bool:
    """Put `source` into the cell tagged `tag` (created at the top or bottom if missing); True if it changed."""
    for cell in notebook.cells:
        if _tagged(cell, tag):
            if cell.source == source:
                return False
            cell.source = source
            return True
    cell = nbformat.v4.new_markdown_cell(source, metadata={"tags": [tag]})
    if where == "top":
        notebook.cells.insert(0, cell)
    else:
        notebook.cells.append(cell)
    return True


def expected_cells(position: int) -> dict[str, tuple[str, str]]:
    """Tag -> (source, where) of every generated cell the module at this position should have."""
    nav = navigation_markdown(position)
    cells = {TOP_TAG: (nav, "top"), BOTTOM_TAG: (nav, "bottom")}
    if course_modules()[position].notebook == START:
        cells[CONTENTS_TAG] = (contents_markdown(), "bottom")
    return cells


def _collapse_code(notebook) -> bool:
    """Collapse every code cell (jupyter.source_hidden): the learner settings then hide it altogether."""
    dirty = False
    for cell in notebook.cells:
        if cell.cell_type == "code" and not cell.metadata.get("jupyter", {}).get("source_hidden"):
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
            dirty = True
    return dirty


def _sync_citations(notebook) -> bool:
    """Number the prose's citations in reading order and keep the "Sources" list before the bottom links."""
    generated = {TOP_TAG, BOTTOM_TAG, CONTENTS_TAG, SOURCES_TAG}
    prose = [c for c in notebook.cells if c.cell_type == "markdown" and not generated & set(c.metadata.get("tags", []))]
    numbered, keys = number_citations([cell.source for cell in prose])
    dirty = False
    for cell, source in zip(prose, numbered, strict=True):
        if cell.source != source:
            cell.source, dirty = source, True
    listing = next((c for c in notebook.cells if _tagged(c, SOURCES_TAG)), None)
    if not keys:
        if listing is not None:
            notebook.cells.remove(listing)
            return True
        return dirty
    wanted = sources_markdown(keys)
    if listing is None:
        listing = nbformat.v4.new_markdown_cell(wanted, metadata={"tags": [SOURCES_TAG]})
        bottom = next((i for i, c in enumerate(notebook.cells) if _tagged(c, BOTTOM_TAG)), len(notebook.cells))
        notebook.cells.insert(bottom, listing)
        return True
    if listing.source != wanted:
        listing.source, dirty = wanted, True
    return dirty


def sync_cells(notebook, position: int) -> bool:
    """Make one notebook's generated cells match the module list; True if anything had to change."""
    dirty = False
    for tag, (source, where) in expected_cells(position).items():
        dirty |= _set_cell(notebook, tag, source, where)
    dirty |= _sync_citations(notebook)
    dirty |= _collapse_code(notebook)
    return dirty


def update(write: bool = True) -> list[str]:
    """Bring every notebook's generated cells up to date; returns the notebooks that were (or would be) changed."""
    changed = []
    for position, module in enumerate(course_modules()):
        notebook = nbformat.read(module.path, as_version=4)
        if sync_cells(notebook, position):
            changed.append(module.notebook)
            if write:
                nbformat.write(notebook, module.path)
    return changed


def main(argv=None) -> int:
    """Rewrite the links, or with --check only report stale notebooks (exit 1)."""
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    changed = update(write=not check)
    verb = "stale" if check else "updated"
    for name in changed:
        print(f"{verb}: {name}")
    if not changed:
        print("navigation is up to date")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
