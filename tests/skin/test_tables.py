"""mesocourse.skin.tables: the notebooks' tables show every region, technique and schedule with its sources."""

from mesocourse.skin import tables as skin
from mesocourse.skin.model import regions, skin_data, techniques

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


def test_the_technique_table_gives_the_course_limit_region_by_region():
    """SAF-8: no single 'the course uses' number; each region has its own limit, shallower where the layer ends."""
    table = skin.technique_table_html()
    assert "The course uses" not in table and "The course&#x27;s limit, by region" in table
    assert "Forehead: at most 0.79 mm" in table


def test_the_under_the_chin_injection_is_not_listed_under_body():
    """SAF-8 / issue item 3: the approved fat-dissolving injection for under the chin is listed under that area."""
    for entry in skin_data()["treatment_courses"]:
        if "under the chin" in entry["says"]:
            assert entry["area"] == "under the chin"
