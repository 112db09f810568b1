"""Every figure the course draws: text large enough at the course's width, no two texts over each other, sharp."""

import math
import re
from itertools import combinations

import nbformat
import pytest
from matplotlib.text import Text

from mesocourse.bank import course_bank
from mesocourse.figures import (
    MIN_TEXT_PX,
    PNG_DPI,
    SHARPNESS,
    figure_html,
    make_figure,
    png_size,
    shown_width_px,
)
from mesocourse.history import timeline_figure as history_timeline
from mesocourse.mastery import course_mastery, mastery_figure
from mesocourse.modules import course_modules, quiz_modules
from mesocourse.progress import ProgressStore

QUIZ_WIDTH = "100%"  # mesocourse.quiz shows a question's figure at most as wide as the column
# Needles whose verdict is long (too deep, outside the course's limits) as well as the notebooks' own.
LONG_VERDICTS = [
    {"region": "face", "length_mm": 13, "angle_deg": 90, "technique": "nappage"},
    {"region": "forehead", "length_mm": 13, "angle_deg": 90, "technique": "papule"},
    {"region": "abdomen", "length_mm": 13, "angle_deg": 90, "technique": "point-by-point"},
    {"region": "neck", "length_mm": 6, "angle_deg": 60, "technique": None, "compare": True},
    {"region": "scalp", "length_mm": 1, "angle_deg": 10, "technique": "nappage"},
]


def bank_figures() -> list[tuple[str, str, dict]]:
    """(where, name, args) of every figure a quiz question asks for."""
    found = []
    for module in quiz_modules():
        for question in course_bank(module.bank).questions:
            if question.figure:
                found.append((f"{module.bank}/{question.id}", question.figure["name"], question.figure["args"]))
    return found


def notebook_cross_sections() -> list[dict]:
    """The arguments of every show_cross_section(...) call in the modules."""
    calls = []
    for module in course_modules():
        for cell in nbformat.read(module.path, as_version=4).cells:
            for args in re.findall(r"show_cross_section\(([^)]*)\)", cell.source) if cell.cell_type == "code" else []:
                calls.append(
                    eval(f"(lambda region, length_mm, angle_deg, technique=None, compare=False: locals())({args})")
                )  # noqa: S307
    return calls


def progress_figure():
    """The progress page's chart for a learner half way through the course (some modules passed, some not)."""
    import tempfile
    from pathlib import Path

    store = ProgressStore(Path(tempfile.mkdtemp()) / "progress.sqlite")
    for number, module in enumerate(quiz_modules()):
        for index, question in enumerate(course_bank(module.bank).questions):
            store.record(module.bank, question.id, "A", (index + number) % 3 != 0, question.objective, "nurse")
    return mastery_figure(course_mastery(store, "nurse"))


def course_figures():
    """(name, figure, max width on the page) of every figure the course draws, with realistic arguments."""
    cases = [(f"quiz {where}", make_figure(name, args), QUIZ_WIDTH) for where, name, args in bank_figures()]
    for args in notebook_cross_sections() + LONG_VERDICTS:
        cases.append((f"cross_section {args}", make_figure("cross_section", args)[0:2], "100%"))
    cases.append(("aftercare timeline", make_figure("aftercare_timeline", {}), "100%"))
    cases.append(("aftercare timeline on day 10", make_figure("aftercare_timeline", {"highlight_day": 10}), "100%"))
    cases.append(("history timeline", history_timeline(), "100%"))
    cases.append(("progress chart", progress_figure(), "100%"))
    return [(name, made[0], width) for name, made, width in cases]


FIGURES = course_figures()
IDS = [name for name, _, _ in FIGURES]


def _corners(text, renderer):
    """The four corners (figure pixels) of a text's own box, turned with the text when it is rotated."""
    angle = text.get_rotation()
    if not angle:
        box = Text.get_window_extent(text, renderer)
        return [(box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1)]
    text.set_rotation(0)
    try:
        box = Text.get_window_extent(text, renderer)
    finally:
        text.set_rotation(angle)
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    # The turned box shares its centre with the turned text's upright extent (both course uses: centred labels
    # turned about their anchor, and axis titles turned before aligning).
    turned = Text.get_window_extent(text, renderer)
    centre_x, centre_y = (turned.x0 + turned.x1) / 2, (turned.y0 + turned.y1) / 2
    box = box.translated(centre_x - (box.x0 + box.x1) / 2, centre_y - (box.y0 + box.y1) / 2)
    return [
        (centre_x + (x - centre_x) * cos - (y - centre_y) * sin, centre_y + (x - centre_x) * sin + (y - centre_y) * cos)
        for x, y in [(box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1)]
    ]


def _separated(a, b) -> bool:
    """True when two convex quadrilaterals do not overlap (separating axis test), allowing 1 px of touching."""
    for shape in (a, b):
        for index in range(4):
            (x0, y0), (x1, y1) = shape[index], shape[(index + 1) % 4]
            normal = (y0 - y1, x1 - x0)
            length = math.hypot(*normal) or 1.0
            project_a = [(x * normal[0] + y * normal[1]) / length for x, y in a]
            project_b = [(x * normal[0] + y * normal[1]) / length for x, y in b]
            if max(project_a) <= min(project_b) + 1 or max(project_b) <= min(project_a) + 1:
                return True
    return False


def drawn_texts(figure):
    """Each visible, non-empty Text of a drawn figure with its box in figure pixels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    texts = []
    for text in figure.findobj(Text):
        if text.get_visible() and text.get_text().strip() and text.get_alpha() != 0:
            # Text's own box: an Annotation's get_window_extent would add its leader line.
            texts.append((text, Text.get_window_extent(text, renderer)))
    return texts


@pytest.mark.parametrize(("name", "figure", "max_width"), FIGURES, ids=IDS)
def test_no_text_smaller_than_11_px_on_the_page(name, figure, max_width):
    """At the course's width (figures wider than their column shrink), every text is at least 11 CSS px high."""
    scale = shown_width_px(figure, max_width) / (png_size(_png(figure))[0] / SHARPNESS)
    small = [
        f"{text.get_text()[:40]!r}: {text.get_fontsize() * PNG_DPI / 72 * scale:.1f} px"
        for text, _ in drawn_texts(figure)
        if text.get_fontsize() * PNG_DPI / 72 * scale < MIN_TEXT_PX - 0.05
    ]
    assert not small, small


@pytest.mark.parametrize(("name", "figure", "max_width"), FIGURES, ids=IDS)
def test_no_two_texts_overlap(name, figure, max_width):
    """No text's box runs into another's (legend over subtitle, ruler labels into each other or the caption)."""
    texts = drawn_texts(figure)
    renderer = figure.canvas.get_renderer()
    shapes = [(text, _corners(text, renderer)) for text, _ in texts]
    overlaps = []
    for (a, corners_a), (b, corners_b) in combinations(shapes, 2):
        if not _separated(corners_a, corners_b):
            overlaps.append(f"{a.get_text()[:40]!r} and {b.get_text()[:40]!r}")
    assert not overlaps, overlaps


def _png(figure) -> bytes:
    from mesocourse.figures import png_bytes

    return png_bytes(figure)


def test_pictures_are_sharp_at_twice_their_size():
    """figure_html's PNG has twice the pixels of the width it is shown at, so zooming to 200% stays sharp."""
    _, figure, _ = FIGURES[0]
    page = figure_html(figure, "alt")
    shown = int(re.search(r'width="(\d+)"', page).group(1))
    assert abs(png_size(_png(figure))[0] - SHARPNESS * shown) <= 1 and SHARPNESS >= 2
