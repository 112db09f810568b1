"""mesocourse.skin: needle geometry, layer lookup in ranges, the data, the drawing, the verdict, the explorer."""

import base64
import copy
import html
import math
import re
import struct

import pytest

from mesocourse import skin
from mesocourse.assets import AssetError
from mesocourse.bank import load_bank
from mesocourse.figures import PNG_DPI, PixelMap, make_figure
from mesocourse.look import GRAPHIC_CONTRAST, OKABE_ITO, TEXT_CONTRAST, contrast_ratio
from mesocourse.references import keys_in_text, resolve
from mesocourse.skin import (
    DEEPER,
    DepthExplorer,
    SkinInputError,
    check_skin_data,
    cross_section,
    depth_explorer,
    layer_at,
    length_for_depth,
    needle_depth,
    read_needle,
    region_named,
    regions,
    safe_depths,
    skin_data,
    techniques,
    techniques_for_layer,
)


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


# --- Needle geometry ------------------------------------------------------------------------------------------


def test_depth_is_inserted_length_times_sine_of_angle():
    """A 4 mm needle at 30 degrees reaches 2 mm; straight down it reaches its full length."""
    assert needle_depth(4, 30) == pytest.approx(2.0)
    assert needle_depth(13, 90) == pytest.approx(13.0)
    assert needle_depth(6, 60) == pytest.approx(6 * math.sqrt(3) / 2)


def test_depth_matches_the_worked_examples_of_the_source():
    """The examples in assets/skin.yaml (5 mm at 30 and 45 degrees [ref-16a]) come out as the source rounds them."""
    for example in skin_data()["geometry"]["examples"]:
        depth = needle_depth(example["length_mm"], example["angle_deg"])
        assert depth == pytest.approx(example["depth_mm"], abs=0.05)


def test_length_for_depth_undoes_needle_depth():
    """Turning the rule round gives back the inserted length for a wanted depth."""
    assert needle_depth(length_for_depth(1.2, 35), 35) == pytest.approx(1.2)


@pytest.mark.parametrize("length", [-2, 0, -0.1])
def test_zero_or_negative_length_is_a_clear_error(length):
    """A length of zero or less is refused with words, and the error is a ValueError."""
    with pytest.raises(SkinInputError, match="more than 0 mm") as error:
        needle_depth(length, 30)
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize("angle", [91, 120, 0, -15])
def test_angle_outside_0_to_90_is_a_clear_error(angle):
    """An angle over 90 degrees, or of 0 or less, is refused, saying what the allowed angles are."""
    with pytest.raises(SkinInputError, match="more than 0 and at most 90 degrees"):
        needle_depth(4, angle)


@pytest.mark.parametrize("value", ["4", None, True, [4]])
def test_non_number_length_is_a_clear_error(value):
    """Text, nothing or a yes/no is not a length: the message says a number is needed and gives an example."""
    with pytest.raises(SkinInputError, match="must be a number, for example 4"):
        needle_depth(value, 30)


def test_non_number_angle_is_a_clear_error():
    """An angle given as text is refused with an example of a good angle."""
    with pytest.raises(SkinInputError, match="must be a number, for example 30"):
        needle_depth(4, "thirty")


def test_not_a_number_is_refused():
    """NaN and infinity are numbers to Python but not to a nurse: refused."""
    with pytest.raises(SkinInputError, match="ordinary number"):
        needle_depth(float("nan"), 30)
    with pytest.raises(SkinInputError, match="ordinary number"):
        needle_depth(4, math.inf)


# --- Layer lookup in ranges ----------------------------------------------------------------------------------


def test_depth_inside_one_layer_by_every_source_is_certain():
    """0.5 mm on the forehead is dermis whatever the source: one layer, said plainly."""
    finding = layer_at("forehead", 0.5)
    assert finding.certain and finding.likely == "dermis" and finding.words() == "dermis"


def test_depth_where_ranges_overlap_says_likely_and_may_be():
    """2 mm on the forehead: the dermis may reach 2.09 mm in one source, so "likely fat, may be dermis"."""
    finding = layer_at("forehead", 2.0)
    assert finding.likely == "fat" and set(finding.possible) == {"dermis", "fat"}
    assert finding.words() == "likely subcutaneous fat, may be dermis"
    assert finding.words(short=True) == "likely fat, may be dermis"


def test_surface_counts_as_epidermis():
    """Depth 0 is the skin surface, which belongs to the epidermis."""
    assert layer_at("abdomen", 0).likely == "epidermis"


def test_a_depth_exactly_on_the_drawn_boundary_belongs_to_the_upper_layer():
    """The forehead's drawn dermis ends at 1.0 mm: 1.0 mm is still dermis, a hair deeper is fat."""
    edge = region_named("forehead").span("dermis").bottom_typical
    assert layer_at("forehead", edge).likely == "dermis"
    assert layer_at("forehead", edge + 1e-6).likely == "fat"


def test_fat_becomes_possible_exactly_at_the_shallowest_measured_dermis_edge():
    """The thinnest sourced skin ends at 0.79 mm on the forehead: fat is possible from there, not above it."""
    shallowest = region_named("forehead").span("dermis").bottom_min
    assert "fat" in layer_at("forehead", shallowest).possible
    assert "fat" not in layer_at("forehead", shallowest - 0.001).possible


def test_past_every_measured_layer_is_deeper_tissue():
    """5 mm into the forehead is past the deepest sourced fat edge (4.09 mm): deeper tissue, said as such."""
    finding = layer_at("forehead", 5)
    assert finding.possible == (DEEPER,) and "deeper tissue" in finding.words()


def test_unsourced_fat_leaves_the_depth_open_and_says_so():
    """Scalp fat has no sourced thickness: 3 mm is likely fat, may be deeper, and the words say why."""
    finding = layer_at("scalp", 3)
    assert finding.likely == "fat" and DEEPER in finding.possible and finding.unsourced
    assert "not in the sources" in finding.words()


def test_negative_depth_is_a_clear_error():
    """A depth above the skin surface is refused."""
    with pytest.raises(SkinInputError, match="0 mm or more"):
        layer_at("face", -1)


def test_unknown_region_lists_the_known_ones():
    """A misspelt region names the regions that exist."""
    with pytest.raises(SkinInputError, match="forehead, face, scalp"):
        layer_at("knee", 1)


def test_regions_are_found_by_label_as_well_as_key():
    """ "Upper arm" and "arm" are the same region."""
    assert region_named("Upper arm").key == "arm"


def test_safe_depths_are_inside_the_layer_by_every_source():
    """Every depth strictly inside the safe window of a layer is found to be only that layer."""
    low, high = safe_depths("thigh", "dermis")
    for depth in (low + 0.001, (low + high) / 2, high - 0.001):
        assert layer_at("thigh", depth).possible == ("dermis",)


# --- The data and its sources --------------------------------------------------------------------------------


def test_the_issue_regions_are_all_present():
    """Face, forehead, scalp, neck, abdomen, thigh, buttock and arm all have layer data."""
    assert {"forehead", "face", "scalp", "neck", "abdomen", "thigh", "buttock", "arm"} <= set(regions())


def test_every_layer_value_resolves_its_references():
    """Each sourced or derived thickness cites keys that exist, and so does every key in its note."""
    for region in regions().values():
        for layer in region.layers:
            if layer.measured:
                assert layer.references, f"{region.key}/{layer.key} has numbers but no source"
            for key in [*layer.references, *keys_in_text(layer.note)]:
                assert resolve(key)["citation"]


def test_derived_and_unsourced_values_say_so():
    """A derived value's note starts with "Derived"; an unsourced one has no numbers and its note says why."""
    for region in regions().values():
        for layer in region.layers:
            if layer.status == "derived":
                assert layer.note.startswith("Derived"), f"{region.key}/{layer.key}"
            if layer.status == "unsourced":
                assert layer.min is None and "No value" in layer.note


def test_every_technique_resolves_its_references():
    """Every depth, angle, needle and detail of every technique traces to a reference that exists."""
    assert set(techniques()) >= {"intra-epidermal", "papule", "nappage", "point-by-point", "hypodermic"}
    for technique in techniques().values():
        assert technique.depths and technique.references
        for key in technique.references:
            assert resolve(key)["citation"]


def test_disagreeing_sources_are_all_kept():
    """Nappage and point-by-point keep every source's depth, so the disagreement stays visible."""
    nappage = {claim.max for claim in techniques()["nappage"].depths}
    point = {claim.max for claim in techniques()["point-by-point"].depths}
    assert nappage == {2.0, 4.0} and point == {13.0, 12.0, 4.0}


def test_the_course_range_of_skin_techniques_is_the_shallowest_source():
    """For techniques aimed at the epidermis or dermis the course teaches the safer, shallowest limit."""
    for technique in techniques().values():
        if "fat" not in technique.target_layers:
            assert technique.course_range.max == min(claim.max for claim in technique.depths), technique.key


def test_techniques_for_each_layer():
    """The dermis is aimed at by papule, nappage and point-by-point; the epidermis and fat by one each."""
    assert techniques_for_layer("dermis") == ["papule", "nappage", "point-by-point"]
    assert techniques_for_layer("epidermis") == ["intra-epidermal"]
    assert techniques_for_layer("fat") == ["hypodermic"]
    with pytest.raises(SkinInputError, match="no layer called 'muscle'"):
        techniques_for_layer("muscle")


def test_landed_in_fat_finding_is_sourced():
    """The re-measurement finding (over 70% in fat) carries its reference."""
    finding = skin.landed_in_fat_finding()
    assert finding["percent"] == 70 and finding["references"] == ["ref-16b"]


def test_a_thickness_range_upside_down_is_reported_with_its_entry():
    """min larger than max names the file and the entry so an author can fix it."""
    data = copy.deepcopy(skin_data())
    data["regions"]["forehead"]["layers"]["dermis"]["min"] = 3.0
    with pytest.raises(AssetError, match=r"skin\.yaml, entry regions/forehead/layers/dermis: min"):
        check_skin_data(data)


def test_an_unknown_reference_in_a_note_is_reported():
    """A misspelt key in a note is caught, not only in `references` lists."""
    data = copy.deepcopy(skin_data())
    data["regions"]["neck"]["layers"]["fat"]["note"] = "Derived from [ref-45zz]."
    with pytest.raises(AssetError, match="regions/neck/layers/fat.*ref-45zz"):
        check_skin_data(data)


def test_an_unknown_target_layer_is_reported():
    """A technique aimed at a layer the data does not know is an error naming the technique."""
    data = copy.deepcopy(skin_data())
    data["techniques"]["nappage"]["target_layers"] = ["muscle"]
    with pytest.raises(AssetError, match="techniques/nappage/target_layers"):
        check_skin_data(data)


# --- The verdict ---------------------------------------------------------------------------------------------


def test_tip_inside_the_target_layer_is_on_target():
    """Nappage with 1.5 mm inserted at 30 degrees on the forehead ends 0.75 mm deep, in the dermis: a tick."""
    reading = read_needle("forehead", 1.5, 30, "nappage")
    assert reading.status == "on-target" and reading.headline.startswith("✔ In the target layer")
    assert not reading.leaves_target


def test_tip_past_the_dermis_is_a_warning_that_cites_the_fat_finding():
    """4 mm at 30 degrees on the forehead for nappage: a warning (symbol and word), too deep, over 70% in fat."""
    reading = read_needle("forehead", 4, 30, "nappage")
    assert reading.status == "off-target" and reading.leaves_target
    assert reading.headline == "✘ Warning: the tip is outside the target layer (too deep)"
    assert "ref-16b" in reading.references


def test_tip_above_the_fat_is_too_shallow():
    """A hypodermic injection that stops in the skin is outside its target too, on the shallow side."""
    reading = read_needle("abdomen", 1, 30, "hypodermic")
    assert reading.status == "off-target" and reading.headline.endswith("(too shallow)")


def test_tip_where_target_and_next_layer_overlap_is_a_caution():
    """13 mm at 45 degrees in the abdomen is likely fat, but thin people's fat may end above 9.2 mm: caution."""
    reading = read_needle("abdomen", 13, 45, "hypodermic")
    assert reading.status == "near-edge" and reading.headline.startswith("⚠ Caution")


def test_without_a_technique_the_verdict_only_says_where_the_tip_is():
    """No technique: an information mark, the depth and layer, and a hint to choose a technique."""
    reading = read_needle("face", 2, 15)
    assert reading.status == "none" and reading.headline.startswith("ℹ")
    assert any("Choose a technique" in line for line in reading.lines)


def test_every_number_in_the_verdict_traces_to_a_reference():
    """Each sentence of the verdict that contains a figure also names at least one reference key."""
    for args in [
        ("forehead", 4, 30, "nappage"),
        ("scalp", 4, 90, "point-by-point"),
        ("abdomen", 13, 45, "hypodermic"),
        ("neck", 2, 15, None),
        ("forehead", 1, 15, "intra-epidermal"),
    ]:
        for line in read_needle(*args).lines:
            if any(ch.isdigit() for ch in line.replace("ref-", "")):
                assert keys_in_text(line), f"no source in: {line}"


def test_the_advised_lengths_really_land_in_the_target_layer():
    """Following the verdict's advice (an inserted length inside the safe window) gives an on-target verdict."""
    for region, technique, angle in [
        ("forehead", "nappage", 30),
        ("thigh", "point-by-point", 45),
        ("buttock", "hypodermic", 45),
    ]:
        low, high = safe_depths(region, techniques()[technique].target_layers[0])
        length = length_for_depth((low + high) / 2, angle)
        assert read_needle(region, length, angle, technique).status == "on-target"


@pytest.mark.parametrize("status", sorted(skin.STATUS_STYLE))
def test_verdict_colours_have_enough_contrast(status):
    """Each verdict's text reads on its background (4.5:1) and its side bar stands out from white (3:1)."""
    colour, background = skin.STATUS_STYLE[status][:2]
    assert contrast_ratio(colour, background) >= TEXT_CONTRAST
    assert contrast_ratio(colour, "#ffffff") >= GRAPHIC_CONTRAST


def test_verdict_html_shows_symbol_and_words_not_colour_alone():
    """The verdict box starts with the symbol and the word, and is announced to screen readers."""
    html_text = skin.verdict_html(read_needle("forehead", 4, 30, "nappage"))
    assert "✘ Warning" in html_text and 'role="status"' in html_text and "ref-16a" in html_text


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
    assert "dermis 0.76–1.97 mm" in alt and "30 degrees" in alt and "2.0 mm deep" in alt and "Warning" in alt


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


def test_bad_input_to_the_drawing_is_a_message_not_a_traceback():
    """show_cross_section with an angle over 90 shows a plain message."""
    shown = skin.show_cross_section("forehead", 4, 120)
    assert "cannot be drawn" in shown.data and "at most 90 degrees" in shown.data


# --- The explorer's overlay: the needle drawn over a kept picture -------------------------------------------------


def picture_of(drawing_html: str) -> str:
    """The src of the explorer drawing's <img>."""
    return re.search(r'<img src="([^"]+)"', drawing_html).group(1)


def alt_of(drawing_html: str) -> str:
    """The alt text of the explorer drawing's <img>."""
    return html.unescape(re.search(r'alt="([^"]*)"', drawing_html).group(1))


def overlay_of(drawing_html: str) -> str:
    """The SVG drawn over the explorer's picture."""
    return re.search(r"<svg .*</svg>", drawing_html, re.S).group(0)


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
    backdrop = skin.explorer_backdrop(reading, compare=False)
    return reading, backdrop, skin.needle_overlay_svg(reading, backdrop)


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
    assert struct.unpack(">II", png[16:24]) == backdrop.size_px
    drawing = skin.explorer_drawing_html(read_needle("forehead", 4, 30, "nappage"))
    assert f'viewBox="0 0 {backdrop.size_px[0]} {backdrop.size_px[1]}"' in drawing


def test_backdrop_is_kept_while_the_needle_stays_in_its_zoom_level():
    """Angle changes and lengths up to the same zoom level reuse the picture; a much longer needle zooms out."""
    backdrop = skin.explorer_backdrop(read_needle("forehead", 4, 30, "nappage"), compare=False)
    assert skin.explorer_backdrop(read_needle("forehead", 4, 85, "nappage"), compare=False) is backdrop
    assert skin.explorer_backdrop(read_needle("forehead", 3.5, 10, "nappage"), compare=False) is backdrop
    longer = skin.explorer_backdrop(read_needle("forehead", 13, 30, "nappage"), compare=False)
    assert dict(longer.frame)["bottom"] > dict(backdrop.frame)["bottom"]


@pytest.mark.parametrize("region_key", list(regions()))
def test_every_slider_needle_fits_inside_its_zoom_level(region_key):
    """For every length and angle the sliders allow, needle, hub, tip and level line stay inside the drawing."""
    region = region_named(region_key)
    lengths = [skin.LENGTH_LIMITS_MM[0] + 0.5 * step for step in range(26)]
    for length in lengths:
        frame = skin._frame(region, skin.needle_reach(length))
        for angle in range(5, 91, 5):
            geometry = skin.needle_geometry(length, angle, frame)
            for x, y in (geometry.tip, geometry.outside, geometry.hub_end, geometry.level_end):
                assert frame["left"] <= x <= frame["right"] and frame["top"] <= y <= frame["bottom"], (length, angle)


# --- Tables for the notebooks ---------------------------------------------------------------------------------


def test_layer_table_lists_every_region_and_marks_missing_sources():
    """The layer table has a row per region and says derived and UNSOURCED in words."""
    table = skin.layer_table_html()
    for region in regions().values():
        assert region.label in table
    assert "(derived)" in table and "(UNSOURCED)" in table


def test_technique_table_shows_every_source_claim():
    """Each source's depth for each technique appears with its keys, next to the course's choice."""
    table = skin.technique_table_html()
    for technique in techniques().values():
        for claim in technique.depths:
            assert claim.text().replace('"', "&quot;") in table
        assert technique.course_range.text() in table


def test_treatment_course_table_covers_face_body_and_hair():
    """The schedules table has face, body and hair rows, each with its sources."""
    table = skin.treatment_course_table_html()
    assert all(area in table for area in ("Face", "Body", "Hair")) and "[ref-46d]" in table


# --- The depth explorer -----------------------------------------------------------------------------------------


@pytest.fixture
def explorer():
    return DepthExplorer(region="forehead", technique="nappage", length_mm=1.5, angle_deg=30)


def test_explorer_starts_with_a_verdict_and_an_accessible_picture(explorer):
    """On start the verdict is on target and the picture is an <img> with alt text, the needle drawn over it."""
    assert "✔ In the target layer" in explorer.verdict.value
    assert "<img " in explorer.image.value and 'alt="Cross-section of the forehead' in explorer.image.value
    svg_tags = re.findall(r"<svg [^>]*>", explorer.image.value)
    assert svg_tags and all('aria-hidden="true"' in tag for tag in svg_tags), "the alt text describes the overlay"


def test_moving_the_angle_redraws_the_needle_over_the_same_picture(explorer):
    """A new angle keeps the picture behind the needle, moves the needle and says the new angle in the alt text."""
    before = explorer.image.value
    explorer.angle_slider.value = 60
    after = explorer.image.value
    assert picture_of(after) == picture_of(before) and overlay_of(after) != overlay_of(before)
    assert "at 60 degrees" in alt_of(after) and "at 30 degrees" in alt_of(before)
    assert 'data-needle="1.5 mm at 60°"' in after


def test_moving_the_length_slider_updates_verdict_and_picture_and_warns(explorer):
    """Inserting 4 mm instead of 1.5 mm redraws the picture and turns the verdict into a warning."""
    before_image, before_verdict = explorer.image.value, explorer.verdict.value
    explorer.length_slider.value = 4
    assert explorer.image.value != before_image and explorer.verdict.value != before_verdict
    assert "✘ Warning: the tip is outside the target layer (too deep)" in explorer.verdict.value
    assert "2.0 mm" in explorer.verdict.value


def test_lowering_the_angle_brings_the_tip_back(explorer):
    """With 4 mm inserted, a 10 degree angle keeps the tip in the dermis again."""
    explorer.length_slider.value = 4
    explorer.angle_slider.value = 10
    assert explorer.reading.depth_mm == pytest.approx(needle_depth(4, 10))
    assert "✔ In the target layer" in explorer.verdict.value


def test_changing_region_uses_that_regions_layers(explorer):
    """The same needle in the abdomen is judged against the abdomen's thicker skin."""
    explorer.region_dropdown.value = "abdomen"
    assert explorer.reading.region.key == "abdomen" and "abdomen" in explorer.verdict.value
    assert "ref-45d" in explorer.verdict.value


def test_changing_technique_moves_the_target_and_shows_its_sources(explorer):
    """Choosing the hypodermic technique makes the fat the target (shallow tip: warning) and lists its sources."""
    before = explorer.image.value
    explorer.technique_dropdown.value = "hypodermic"
    assert "too shallow" in explorer.verdict.value and explorer.image.value != before
    assert "Hypodermic" in explorer.sources.value and "ref-15" in explorer.sources.value


def test_no_technique_shows_only_where_the_tip_lands(explorer):
    """With no technique the verdict is information, not a warning."""
    explorer.technique_dropdown.value = None
    assert "ℹ Where the tip lands" in explorer.verdict.value and "Warning" not in explorer.verdict.value


def test_compare_box_adds_the_2008_course_to_the_picture(explorer):
    """Ticking the comparison redraws the picture with the university course's layers."""
    explorer.compare_box.value = True
    assert "2008" in explorer.image.value


def test_explorer_with_bad_start_values_shows_a_message():
    """A wrong region name gives a plain message listing the regions, not a traceback."""
    shown = depth_explorer(region="knee")
    assert "explorer cannot start" in shown.data and "forehead" in shown.data


# --- The module quizzes use the same numbers -----------------------------------------------------------------------


@pytest.mark.parametrize("bank_name", ["02-the-procedure", "03-injection-depths"])
def test_module_banks_load_with_enough_and_numeric_questions(bank_name):
    """Both module banks validate, hold at least 12 questions and include numeric depth questions."""
    bank = load_bank(bank_name)
    assert len(bank.questions) >= 12
    assert any(question.kind == "numeric" and question.unit == "mm" for question in bank.questions)


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


def test_numeric_quiz_depths_match_the_drawn_needle():
    """A numeric question about a drawn needle has the depth the engine computes for that needle."""
    for question in load_bank("03-injection-depths").questions:
        if question.kind == "numeric" and question.figure:
            args = question.figure["args"]
            depth = needle_depth(args["length_mm"], args["angle_deg"])
            assert abs(depth - question.answer) <= question.tolerance, question.id
