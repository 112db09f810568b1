"""mesocourse.skin.tables: the notebooks' tables show every region, technique and schedule with its sources."""

from mesocourse.skin import tables as skin
from mesocourse.skin.model import regions, techniques

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
