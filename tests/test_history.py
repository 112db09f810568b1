"""mesocourse.history: the timeline and disagreement tables are drawn from data, with every entry sourced."""

import html

from mesocourse.history import disagreement_table_html, disagreements, milestones, timeline_figure


def test_milestones_are_in_date_order_and_sourced():
    """The timeline reads left to right in years and every milestone has references."""
    years = [event["year"] for event in milestones()]
    assert years == sorted(years) and all(event["references"] for event in milestones())


def test_timeline_labels_every_milestone_and_marks_unverified_ones():
    """Each milestone appears as a text label; reported-only ones say 'not verified' on the figure and alt text."""
    figure, alt = timeline_figure()
    texts = [text.get_text() for text in figure.axes[0].texts]
    assert len(texts) == len(milestones())
    unverified = [e for e in milestones() if e["status"] == "reported"]
    assert unverified, "the 1987 Academy claim is in the data as reported"
    for event in unverified:
        assert any(str(event["year"]) in t and "not verified" in t for t in texts)
    assert "1987" in alt and "not verified" in alt


def test_disagreement_table_shows_each_position_and_the_course_choice():
    """Module 01's table lists every side with its keys and the safer choice the course teaches."""
    rows = disagreements("01")
    table = disagreement_table_html("01")
    assert len(rows) >= 3
    for row in rows:
        assert html.escape(row["course"]) in table
        for position in row["positions"]:
            assert ", ".join(position["references"]) in table
