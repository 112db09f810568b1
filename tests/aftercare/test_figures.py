"""mesocourse.aftercare.figures: the timeline is a registered figure with alt text, readable in grey scale."""

import pytest
from matplotlib.colors import to_rgba

from mesocourse.aftercare.figures import timeline_figure
from mesocourse.aftercare.model import aftercare
from mesocourse.figures import make_figure, png_bytes


def test_timeline_is_a_registered_figure_with_alt_text():
    """The timeline is available by name and its alt text names every instruction and the late window."""
    figure, alt = make_figure("aftercare_timeline", {})
    assert png_bytes(figure).startswith(b"\x89PNG")
    for item in aftercare().items:
        assert item.title in alt
    assert "week 29" in alt and "weeks 1 to 12" in alt


def test_timeline_marks_a_chosen_day():
    """With highlight_day the figure draws a dashed line and says so in the alt text."""
    figure, alt = timeline_figure(highlight_day=35)
    dashed = [line for axes in figure.axes for line in axes.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 1
    assert "day 35" in alt


def test_timeline_is_readable_in_grey_scale():
    """Every filled bar is a shade of grey, so nothing depends on colour; hatches tell the kinds apart."""
    figure, _ = timeline_figure()
    patches = [patch for axes in figure.axes for patch in axes.patches]
    assert len(patches) > 20
    for patch in patches:
        red, green, blue, _ = to_rgba(patch.get_facecolor())
        assert red == pytest.approx(green) == pytest.approx(blue), patch
    assert len({patch.get_hatch() for patch in patches}) >= 4


def test_timeline_legend_names_the_urgency_levels_as_the_data_does():
    """The legend has one entry per urgency level with warning signs, titled as every other view titles it."""
    figure, _ = timeline_figure()
    legend = [text.get_text() for text in figure.legends[0].get_texts()]
    data = aftercare()
    used = [name for name in data.urgency_order if any(flag.urgency == name for flag in data.red_flags)]
    titles = [data.urgency_levels[name].title for name in used]
    assert [text for text in legend if text in titles] == titles
    assert data.urgency_levels["urgent"].title in legend
