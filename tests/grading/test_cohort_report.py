"""The cohort report page: one self-contained file, plots with alt text, the flags, objectives and who waits."""

import re
from datetime import datetime

import pytest

from mesocourse.grading import cohort_figures
from mesocourse.grading.cohort_report import Standing, needs_a_word, report_html
from mesocourse.grading.item_analysis import build_analysis
from tests.grading.cohorts import NEEDLES, random_cohort, source_notebook


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    """Twenty learners of rising skill on six questions."""
    path = source_notebook(tmp_path_factory.mktemp("cohort"), questions=6)
    return build_analysis(*random_cohort(path, 20))


@pytest.fixture(scope="module")
def page(analysis):
    waiting = Standing(not_submitted=["nadia"], not_graded={"kim": "kernel died"}, to_mark={"lou": 2})
    return report_html(analysis, waiting, datetime(2025, 3, 1, 9, 30))


def test_the_page_is_self_contained(page):
    """Nothing is fetched from elsewhere: no script, no link, every picture a data: URI."""
    assert "<script" not in page and "<link" not in page
    sources = re.findall(r'src="([^"]*)"', page)
    assert sources and all(src.startswith("data:image/svg+xml;base64,") for src in sources)


def test_every_plot_has_alt_text_with_the_numbers(page):
    """Each <img> carries an alt text that says what the picture shows."""
    images = re.findall(r"<img [^>]*>", page)
    alts = [re.search(r'alt="([^"]+)"', image).group(1) for image in images]
    assert len(alts) == len(images) >= 3
    assert any(alt.startswith("Histogram of the total scores of 20 learners") for alt in alts)
    assert any(alt.startswith("Scatter plot of each question&#x27;s facility") for alt in alts)
    assert any("mastery per learning objective" in alt for alt in alts)


def test_the_page_prints(page):
    """A print style sheet keeps plots and tables whole on paper."""
    assert "@media print" in page and "break-inside: avoid" in page


def test_flags_come_with_their_number_and_threshold(analysis, page):
    """Every flagged question is in the summary with each flag's number and threshold, and in detail below."""
    assert analysis.flagged
    for question in analysis.flagged:
        assert f"id='{question.grade_id}'" in page
        for flag in question.stats.flags:
            assert str(flag).replace("'", "&#x27;") in page


def test_objectives_and_learners_who_need_a_word(analysis, page):
    """Mastery per objective is shown for the cohort, and learners below the mark are named."""
    assert NEEDLES in page
    word = needs_a_word(analysis)
    assert "learner-000" in word and "learner-019" not in word
    assert f"Learners who need a word:</strong> {len(word)}" in page


def test_who_has_not_submitted_or_waits_for_marks(page):
    """Not submitted, not graded and written answers to mark are listed by learner."""
    assert "<td>nadia</td><td>not submitted</td>" in page
    assert "<td>kim</td><td>kernel died</td>" in page
    assert "<td>lou</td><td>2 written answers to mark</td>" in page


def test_plots_read_in_grey(analysis):
    """Flagged points are triangles (not only another colour); wrong options and objectives to re-teach hatched."""
    points = [(q.short, q.stats.facility, q.stats.discrimination, bool(q.stats.flags)) for q in analysis.questions]
    figure, _ = cohort_figures.facility_discrimination(points)
    markers = {
        collection.get_paths()[0].vertices.shape[0]
        for collection in figure.axes[0].collections
        if collection.get_offsets().size
    }
    assert len(markers) == 2
    figure, _ = cohort_figures.option_shares("Q1", [("A", False, 0.2, 0.1), ("B", True, 0.8, 0.3)])
    assert [bar.get_hatch() for bar in figure.axes[0].patches] == [cohort_figures.FLAG_HATCH, None]
    figure, _ = cohort_figures.objective_mastery([("x", 0.5), ("y", 0.9)], "t")
    assert [bar.get_hatch() for bar in figure.axes[0].patches] == [cohort_figures.FLAG_HATCH, None]


def test_plot_colours_are_okabe_ito_with_contrast():
    """The report's colours come from the course palette and stand out 3:1 against white (WCAG 1.4.11)."""
    from mesocourse.look import GRAPHIC_CONTRAST, OKABE_ITO, contrast_ratio

    colours = (
        cohort_figures.OK_COLOUR,
        cohort_figures.FLAG_COLOUR,
        cohort_figures.KEY_COLOUR,
        cohort_figures.WRONG_COLOUR,
    )
    assert all(colour in OKABE_ITO.values() for colour in colours)
    assert all(contrast_ratio(colour, "#ffffff") >= GRAPHIC_CONTRAST for colour in colours)
