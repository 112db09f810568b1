"""mesocourse.history: the timeline and disagreement tables are drawn from data, with every entry sourced."""

import html

from mesocourse.history import (
    disagreement_table_html,
    disagreements,
    milestones,
    seed_claims_html,
    timeline_figure,
)
from mesocourse.seed_claims import SEEDS, coverage, load_claims


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


def test_invasive_side_of_the_disagreement_rests_on_more_than_a_clinic_page():
    """The clinic pages that call it non-invasive are on that side, not cited for the opposite (review DIS-5)."""
    (row,) = [r for r in disagreements("01") if "non-invasive" in r["topic"]]
    claim_side, course_side = row["positions"]
    assert {"seed-001", "seed-003", "seed-004"} <= set(claim_side["references"])
    assert not any(key.startswith("seed-") for key in course_side["references"])


def test_seed_table_folds_each_seed_with_its_counts():
    """One folded block per seed article, its summary giving the counts, every statement quoted."""
    page = seed_claims_html()
    assert page.count("<details>") == len(SEEDS)
    for seed, row in coverage(load_claims()).items():
        assert f"{row['statements']} statements, {row['taught']} taught, {row['corrects']} corrected" in page, seed
    assert all(html.escape(claim["quote"]) in page for claim in load_claims())


def test_seed_table_says_what_the_course_does_in_words_and_sources():
    """A correction shows its answer and keys; places read as learners know them, never as raw data ids."""
    page = seed_claims_html()
    (tea,) = [c for c in load_claims() if "iced tea bags" in c["quote"]]
    assert html.escape(tea["answer"]) in page and "ref-F9" in page
    assert "✔ Taught" in page and "✘ Corrected" in page and "– Left out" in page
    assert "Aftercare instruction: Cold compresses" in page and "Screening rule: Pregnancy" in page
    assert "{&#x27;rule&#x27;" not in page and "{'rule'" not in page
