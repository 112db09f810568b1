"""mesocourse.skin.figures: the to-scale drawing, the explorer's needle drawn over its kept picture, quiz drawings."""

import base64
import html
import math
import re
import struct

import pytest

from mesocourse.bank import load_bank
from mesocourse.figures import PNG_DPI, SHARPNESS, PixelMap, make_figure
from mesocourse.look import OKABE_ITO
from mesocourse.skin import figures as skin
from mesocourse.skin import overlay
from mesocourse.skin.figures import cross_section
from mesocourse.skin.model import LENGTH_LIMITS_MM, read_needle, region_named, regions


def all_texts(figure) -> list[str]:
    """Every piece of text in a figure: figure texts, axes texts and annotations."""
    texts = [text.get_text() for text in figure.texts]
    for axes in figure.axes:
        texts += [text.get_text() for text in axes.texts]
    return texts


def artist(figure, gid):
    """The first artist (patch, line or text) with this gid in any of the figure's axes."""
    for axes in figure.axes:
        for item in [*axes.patches, *axes.lines, *axes.texts]:
            if item.get_gid() == gid:
                return item
    for item in figure.texts:
        if item.get_gid() == gid:
            return item
    return None


# --- The drawing ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def forehead_drawing():
    return cross_section("forehead", 4, 30, "nappage")


def test_drawing_labels_each_layer_with_thickness_and_sources(forehead_drawing):
    """Every layer's label gives its name, its sourced range and its reference keys."""
    texts = all_texts(forehead_drawing[0])
    assert any("Dermis" in t and "0.76–1.97 mm" in t and "ref-45a" in t for t in texts)
    assert any("Epidermis" in t and "0.03–0.123 mm" in t for t in texts)
    assert any("Subcutaneous fat" in t and "2 mm" in t and "ref-45c" in t for t in texts)


def test_drawing_calls_out_tip_depth_layer_and_warning_in_words(forehead_drawing):
    """The callout says how deep the tip is, which layer, and the warning with its symbol."""
    callout = artist(forehead_drawing[0], "tip-callout").get_text()
    assert "Tip 2.0 mm deep" in callout and "likely fat, may be dermis" in callout
    assert "✘ Warning" in callout and "too deep" in callout


def test_layers_are_drawn_to_scale(forehead_drawing):
    """The drawn dermis and fat are as thick as the data's drawn thickness, in equal-aspect millimetres."""
    figure = forehead_drawing[0]
    forehead = region_named("forehead")
    assert artist(figure, "layer-dermis").get_height() == pytest.approx(forehead.layer("dermis").typical)
    assert artist(figure, "layer-fat").get_height() == pytest.approx(2.0)
    assert figure.axes[0].get_aspect() == 1.0


def test_needle_is_drawn_at_its_length_and_angle(forehead_drawing):
    """The needle ends where 4 mm at 30 degrees ends, and the tip marker sits there."""
    figure = forehead_drawing[0]
    xs, ys = artist(figure, "needle").get_data()
    assert (xs[-1], ys[-1]) == pytest.approx((4 * math.cos(math.radians(30)), 2.0))
    tip_x, tip_y = artist(figure, "tip").get_data()
    assert (tip_x[0], tip_y[0]) == pytest.approx((xs[-1], ys[-1]))


def test_scale_bar_length_matches_its_label(forehead_drawing):
    """The millimetre scale bar is as long as it says."""
    figure = forehead_drawing[0]
    xs, _ = artist(figure, "scale-bar").get_data()
    label = artist(figure, "scale-bar-label").get_text()
    assert f"{xs[1] - xs[0]:g} mm" == label


def test_target_band_only_with_a_technique():
    """Choosing a technique frames its target layer; without one there is no frame."""
    with_technique = cross_section("thigh", 4, 90, "point-by-point")[0]
    band = artist(with_technique, "target-band")
    dermis = region_named("thigh").span("dermis")
    assert band.get_y() == pytest.approx(dermis.top_typical)
    assert band.get_height() == pytest.approx(dermis.bottom_typical - dermis.top_typical)
    assert artist(cross_section("thigh", 4, 90)[0], "target-band") is None


def test_unsourced_layer_is_shown_as_unsourced():
    """Scalp fat is labelled UNSOURCED, faded out instead of given a lower edge, with no deeper layer drawn."""
    figure = cross_section("scalp", 4, 90, "point-by-point")[0]
    assert any("UNSOURCED" in text for text in all_texts(figure))
    assert artist(figure, "unsourced-fade") is not None and artist(figure, "layer-deeper") is None


def test_derived_values_are_marked_on_the_drawing():
    """The neck's numbers come from neighbouring regions: the labels say derived and use ≈."""
    texts = all_texts(cross_section("neck", 4, 30)[0])
    assert any("(derived)" in text and "≈ 6 mm" in text for text in texts)


def test_quiz_version_hides_the_answer():
    """callout=False keeps the needle but leaves out the tip's depth and layer, in the picture and in the alt text."""
    figure, alt = cross_section("forehead", 4, 90, "nappage", callout=False)
    assert artist(figure, "tip-callout") is None and artist(figure, "needle") is not None
    assert not any("4.0 mm" in text for text in all_texts(figure))
    assert "4 mm inserted" in alt and "The tip is" not in alt


def test_narrow_version_leaves_out_the_ruler():
    """ruler=False (for quiz questions, shown narrower) draws the cross-section alone, in a narrower figure."""
    full, _ = cross_section("abdomen", 13, 45, "hypodermic")
    narrow, _ = cross_section("abdomen", 13, 45, "hypodermic", ruler=False)
    assert len(full.axes) == 2 and len(narrow.axes) == 1
    assert narrow.get_figwidth() < full.get_figwidth() and artist(narrow, "target-band") is not None


def test_alt_text_says_layers_needle_and_verdict(forehead_drawing):
    """The alt text holds the same facts as the picture for screen-reader users."""
    alt = forehead_drawing[1]
    assert "dermis ≈ 0.76–1.97 mm" in alt and "30 degrees" in alt and "2.0 mm deep" in alt and "Warning" in alt


def test_compare_adds_the_2008_course_column():
    """compare=True draws the university course's deeper layer model beside the ruler, citing [ref-10]."""
    figure, alt = cross_section("forehead", 1.5, 30, "nappage", compare=True)
    gids = [patch.get_gid() or "" for axes in figure.axes for patch in axes.patches]
    assert any(gid.startswith("model-") for gid in gids)
    assert any("ref-10" in text for text in all_texts(figure)) and "2008" in alt


def test_colours_are_colour_blind_safe_and_layers_also_differ_by_hatch():
    """Layer colours come from the Okabe-Ito palette (grey for deeper tissue) and no two layers share a hatch."""
    colours = {colour for colour, _, _ in skin.LAYER_STYLE.values()} - {"#BBBBBB"}
    assert colours <= set(OKABE_ITO.values())
    hatches = [hatch for _, hatch, _ in skin.LAYER_STYLE.values()]
    assert len(set(hatches)) == len(hatches)


def test_quiz_banks_can_ask_for_the_drawing_by_name():
    """The figure registry builds the drawing from a bank's `figure:` arguments."""
    figure, alt = make_figure("cross_section", {"region": "abdomen", "length_mm": 13, "angle_deg": 45})
    assert "9.2 mm deep" in alt and figure.axes


# --- The explorer's overlay: the needle drawn over a kept picture -------------------------------------------------


def polyline(svg: str, css_class: str) -> list[tuple[float, float]]:
    """The pixel points of the overlay line with this class."""
    points = re.search(rf'<polyline points="([^"]*)"[^>]*class="{css_class}"', svg).group(1)
    return [tuple(float(value) for value in pair.split(",")) for pair in points.split()]


def svg_lines_of(svg: str, css_class: str) -> str:
    """The text of the overlay group with this class, one line per <text>."""
    group = re.search(rf'<g transform="[^"]*" class="{css_class}">(.*?)</g></g>', svg).group(1)
    return "\n".join(html.unescape(line) for line in re.findall(r"<text [^>]*>([^<]*)</text>", group))


@pytest.fixture(scope="module")
def forehead_overlay():
    """The explorer's overlay for the drawing of the forehead_drawing fixture (4 mm at 30 degrees, nappage)."""
    reading = read_needle("forehead", 4, 30, "nappage")
    backdrop = overlay.explorer_backdrop(reading, compare=False)
    return reading, backdrop, overlay.needle_overlay_svg(reading, backdrop)


def test_overlay_needle_lies_exactly_on_the_figures_needle(forehead_drawing, forehead_overlay):
    """The overlay's needle ends map back to the figure's needle ends in mm, and land on the figure's own pixels."""
    _, backdrop, svg = forehead_overlay
    figure = forehead_drawing[0]
    xs, ys = artist(figure, "needle").get_data()
    ends = polyline(svg, "needle")
    assert [backdrop.drawing.data(*end) for end in ends] == [
        pytest.approx(point, abs=1e-3) for point in zip(xs, ys, strict=True)
    ]
    figure.draw_without_rendering()
    figure_pixels = PixelMap.of(figure.axes[0])
    assert ends == [pytest.approx(figure_pixels(*point), abs=0.01) for point in zip(xs, ys, strict=True)]


def test_overlay_tip_marker_and_ruler_line_sit_at_the_tip(forehead_overlay):
    """The overlay's tip marker is at 4 mm x (cos, sin) 30 degrees; its ruler line is at the tip's 2 mm depth."""
    _, backdrop, svg = forehead_overlay
    circle = re.search(r'<circle cx="([^"]+)" cy="([^"]+)"[^>]*class="tip"', svg)
    tip = backdrop.drawing.data(float(circle.group(1)), float(circle.group(2)))
    assert tip == pytest.approx((4 * math.cos(math.radians(30)), 2.0), abs=1e-3)
    (_, left_y), (_, right_y) = polyline(svg, "ruler-tip")
    assert backdrop.ruler.data(0, left_y)[1] == pytest.approx(2.0, abs=1e-3) and left_y == right_y


def test_overlay_says_what_the_figure_says(forehead_drawing, forehead_overlay):
    """The overlay's callout, tip depth and needle line have the figure's words: depth, layer and verdict."""
    reading, _, svg = forehead_overlay
    figure = forehead_drawing[0]
    callout = svg_lines_of(svg, "tip-callout")
    assert callout == artist(figure, "tip-callout").get_text() == skin.callout_text(reading)
    assert "Tip 2.0 mm deep" in callout and "✘ Warning" in callout
    assert svg_lines_of(svg, "tip-depth-label") == artist(figure, "tip-depth-label").get_text() == "tip 2.0 mm"
    assert svg_lines_of(svg, "subtitle") == artist(figure, "subtitle").get_text()
    assert svg_lines_of(svg, "length-label") == "4 mm inserted" and svg_lines_of(svg, "angle-label") == "30°"


def test_overlay_callout_box_has_the_figures_size_and_place(forehead_drawing, forehead_overlay):
    """The overlay's callout box covers the same pixels as the figure's (text laid out as matplotlib lays it out)."""
    _, backdrop, svg = forehead_overlay
    figure = forehead_drawing[0]
    figure.draw_without_rendering()
    box = artist(figure, "tip-callout").get_bbox_patch().get_window_extent()
    height = figure.bbox.height
    expected = (box.x0, height - box.y1, box.x1, height - box.y0)
    group = re.search(r'<g transform="translate\(([^,]+),([^)]+)\)" class="tip-callout"><rect ([^>]*)/>', svg)
    x, y = float(group.group(1)), float(group.group(2))
    rect = dict(re.findall(r'([\w-]+)="([^"]*)"', group.group(3)))
    left, top = x + float(rect["x"]), y + float(rect["y"])
    drawn = (left, top, left + float(rect["width"]), top + float(rect["height"]))
    assert drawn == pytest.approx(expected, abs=0.05)


def test_overlay_needle_has_the_figures_line_widths(forehead_overlay):
    """Needle and hub are as thick on screen as in the figure (points turned into picture pixels)."""
    svg = forehead_overlay[2]
    for css_class, width_pt in (("needle", skin.NEEDLE_PT), ("needle-hub", skin.HUB_PT)):
        width = re.search(rf'stroke-width="([^"]+)"[^>]*class="{css_class}"', svg).group(1)
        assert float(width) == pytest.approx(width_pt * PNG_DPI / 72, abs=0.01)


def test_backdrop_png_has_the_pixel_size_the_overlay_uses(forehead_overlay):
    """The kept picture is exactly as many pixels as the overlay's viewBox (no cropping moves the drawing)."""
    _, backdrop, _ = forehead_overlay
    png = base64.b64decode(backdrop.src.split(",", 1)[1])
    # Rendered at SHARPNESS times the overlay's grid, so it stays sharp on dense screens.
    assert struct.unpack(">II", png[16:24]) == tuple(SHARPNESS * side for side in backdrop.size_px)
    drawing = overlay.explorer_drawing_html(read_needle("forehead", 4, 30, "nappage"))
    assert f'viewBox="0 0 {backdrop.size_px[0]} {backdrop.size_px[1]}"' in drawing


def test_backdrop_is_kept_while_the_needle_stays_in_its_zoom_level():
    """Angle changes and lengths up to the same zoom level reuse the picture; a much longer needle zooms out."""
    backdrop = overlay.explorer_backdrop(read_needle("forehead", 4, 30, "nappage"), compare=False)
    assert overlay.explorer_backdrop(read_needle("forehead", 4, 85, "nappage"), compare=False) is backdrop
    assert overlay.explorer_backdrop(read_needle("forehead", 3.5, 10, "nappage"), compare=False) is backdrop
    longer = overlay.explorer_backdrop(read_needle("forehead", 13, 30, "nappage"), compare=False)
    assert dict(longer.frame)["bottom"] > dict(backdrop.frame)["bottom"]


@pytest.mark.parametrize("region_key", list(regions()))
def test_every_slider_needle_fits_inside_its_zoom_level(region_key):
    """For every length and angle the sliders allow, needle, hub, tip and level line stay inside the drawing."""
    region = region_named(region_key)
    lengths = [LENGTH_LIMITS_MM[0] + 0.5 * step for step in range(26)]
    for length in lengths:
        frame = skin._frame(region, skin.needle_reach(length))
        for angle in range(5, 91, 5):
            geometry = skin.needle_geometry(length, angle, frame)
            for x, y in (geometry.tip, geometry.outside, geometry.hub_end, geometry.level_end):
                assert frame["left"] <= x <= frame["right"] and frame["top"] <= y <= frame["bottom"], (length, angle)


# --- The module quizzes use the same numbers -----------------------------------------------------------------------


def test_depth_quiz_uses_the_drawing_at_least_three_times_and_each_drawing_builds():
    """Module 03's quiz shows the cross-section in at least three questions, and each one can be drawn."""
    with_figure = [q for q in load_bank("03-injection-depths").questions if q.figure]
    assert len(with_figure) >= 3
    for question in with_figure:
        assert question.figure["name"] == "cross_section"
        figure, alt = make_figure(question.figure["name"], question.figure["args"])
        assert figure.axes and alt


def test_a_quiz_drawing_never_gives_the_answer_away():
    """Every cross-section in a quiz hides the tip's depth and layer (callout off)."""
    for name in ("02-the-procedure", "03-injection-depths"):
        for question in load_bank(name).questions:
            if question.figure:
                assert question.figure["args"].get("callout") is False, question.id
