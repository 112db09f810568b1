"""mesocourse.skin.widgets: the verdict box, plain messages instead of tracebacks, and the depth explorer."""

import html
import re

import pytest

from mesocourse.look import GRAPHIC_CONTRAST, TEXT_CONTRAST, contrast_ratio
from mesocourse.skin import widgets as skin
from mesocourse.skin.model import needle_depth, read_needle
from mesocourse.skin.widgets import DepthExplorer, depth_explorer

# --- The verdict ---------------------------------------------------------------------------------------------


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


def test_bad_input_to_the_drawing_is_a_message_not_a_traceback():
    """show_cross_section with an angle over 90 shows a plain message."""
    shown = skin.show_cross_section("forehead", 4, 120)
    assert "cannot be drawn" in shown.data and "at most 90 degrees" in shown.data


# --- The depth explorer -----------------------------------------------------------------------------------------


def picture_of(drawing_html: str) -> str:
    """The src of the explorer drawing's <img>."""
    return re.search(r'<img src="([^"]+)"', drawing_html).group(1)


def alt_of(drawing_html: str) -> str:
    """The alt text of the explorer drawing's <img>."""
    return html.unescape(re.search(r'alt="([^"]*)"', drawing_html).group(1))


def overlay_of(drawing_html: str) -> str:
    """The SVG drawn over the explorer's picture."""
    return re.search(r"<svg .*</svg>", drawing_html, re.S).group(0)


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
