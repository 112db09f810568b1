"""mesocourse.aftercare.tables: the tables show every entry, its urgency as the data names it, and its sources."""

import html

import pytest

from mesocourse.aftercare.model import aftercare, complications
from mesocourse.aftercare.tables import (
    complications_table_html,
    mycobacteria_html,
    outbreaks_table_html,
    red_flags_table_html,
    safety_topic_html,
    urgency_levels_html,
)


def test_outbreaks_table_lists_every_outbreak_with_its_source():
    """Each outbreak appears with its place and reference key."""
    table = outbreaks_table_html()
    for outbreak in complications()["outbreaks"]:
        assert outbreak["references"][0] in table
    assert table.count("<tr>") == len(complications()["outbreaks"]) + 1


def test_complications_table_sources_necrosis():
    """Necrosis carries its sources (HAS 2014, the skin-booster case) instead of 'no source in the fact base'."""
    table = html.unescape(complications_table_html())
    assert "[ref-A18]" in table and "no source in the course's fact base" not in table


def test_red_flag_table_has_the_urgent_groups_named_by_their_level():
    """SAF-1/SAF-2: blood supply and spreading infection are rows, each named with the data's urgency title."""
    table = html.unescape(red_flags_table_html())
    assert "Urgent: the blood supply may be blocked" in table
    assert "Urgent: an infection may be spreading" in table
    assert "any change in vision after an injection in the face" in table
    for flag in aftercare().red_flags:
        assert aftercare().urgency_levels[flag.urgency].title in table


def test_urgency_table_lists_every_level_in_order():
    """The levels table shows every level, least urgent first, as the data names them."""
    table = html.unescape(urgency_levels_html())
    places = [table.index(level.title) for level in aftercare().urgency_levels.values()]
    assert places == sorted(places)


def test_safety_topics_show_sources_reported_and_gaps():
    """A topic lists its points with keys, says 'reported' for low-quality-only points and shows its gaps."""
    text = html.unescape(safety_topic_html("outbreak-response"))
    assert "[ref-F7]" in text
    assert "suspended mesotherapy (reported)." in text
    assert "No source found:" in text
    assert "maker's instructions" in html.unescape(safety_topic_html("injector-reprocessing"))


def test_unknown_safety_topic_names_the_known_ones():
    """A misspelt topic is a KeyError that lists the topics there are."""
    with pytest.raises(KeyError, match="anaphylaxis-readiness"):
        safety_topic_html("anaphylaxis")


def test_mycobacteria_table_shows_the_review_figures():
    """COV-1 to COV-4: the review figures (423 patients, 34%, 9.8 weeks, 28 days, HAS 15% of 92) reach learners."""
    table = mycobacteria_html()
    for figure in ("423 patients", "34% of 92", "9.8 weeks", "28 days", "15% of 92", "1992 to 2018"):
        assert figure in table, figure
