"""mesocourse.aftercare.tables: the outbreak and complication tables show every entry and its sources."""

import html

from mesocourse.aftercare.model import complications
from mesocourse.aftercare.tables import complications_table_html, outbreaks_table_html


def test_outbreaks_table_lists_every_outbreak_with_its_source():
    """Each outbreak appears with its place and reference key."""
    table = outbreaks_table_html()
    for outbreak in complications()["outbreaks"]:
        assert outbreak["references"][0] in table
    assert table.count("<tr>") == len(complications()["outbreaks"]) + 1


def test_complications_table_marks_necrosis_as_unsourced():
    """The table says plainly that necrosis has no source in the fact base."""
    assert "no source in the course's fact base" in html.unescape(complications_table_html())
