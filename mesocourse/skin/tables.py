"""The skin data as HTML tables for the notebooks: layers by region, techniques, treatment courses, notes."""

import html

from mesocourse.skin.model import course_limit, layer_labels, region_named, regions, skin_data, techniques


def _cell(text: str) -> str:
    return f"<td style='text-align:left;vertical-align:top'>{html.escape(text)}</td>"


def _table(headers: list[str], rows: list[str], caption: str) -> str:
    head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in headers)
    return (
        f"<table class='mesocourse-table'><caption style='text-align:left;caption-side:top'>{html.escape(caption)}"
        f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def layer_table_html() -> str:
    """Every region's layer thicknesses with their sources; derived and unsourced values marked in words."""
    names = list(skin_data()["layers"])
    rows = []
    for region in regions().values():
        cells = [f"<th scope='row' style='text-align:left'>{html.escape(region.label)}</th>"]
        for key in names:
            layer = region.layer(key)
            refs = f" [{', '.join(layer.references)}]" if layer.references else ""
            mark = {"derived": " (derived)", "unsourced": " (UNSOURCED)"}.get(layer.status, "")
            cells.append(_cell(f"{layer.range_text()}{mark}{refs}"))
        rows.append(f"<tr>{''.join(cells)}</tr>")
    headers = ["Region", *(layer_labels()[key] for key in names)]
    return _table(headers, rows, "Layer thickness by body region, with the sources of every value.")


def layer_notes_html(region) -> str:
    """Where each of a region's numbers comes from, as a list (the notes of assets/skin.yaml)."""
    region = region_named(region)
    items = "".join(
        f"<li><strong>{html.escape(layer.label)}</strong>: {html.escape(layer.note)}</li>" for layer in region.layers
    )
    return f"<p><strong>{html.escape(region.label)}: where the numbers come from</strong></p><ul>{items}</ul>"


def _limits_html(technique) -> str:
    """The course's limit in every region: never past the target layer there, never deeper than the safest source."""
    items = "".join(
        f"<li>{html.escape(region.label)}: at most {course_limit(region, technique):g} mm</li>"
        for region in regions().values()
    )
    return (
        f"<strong>Stay within {html.escape(technique.target_words)} of the area:</strong>"
        f"<ul style='margin:0'>{items}</ul><small>Never deeper than {html.escape(technique.course_range.text())}; "
        "shallower where the layer ends sooner.</small>"
    )


def technique_table_html() -> str:
    """Every technique: target layer, each source's depth, the course's choice, angle, needle and other details."""
    rows = []
    for technique in techniques().values():
        depths = "".join(f"<li>{html.escape(claim.text())}</li>" for claim in technique.depths)
        extra = [*technique.needles, *technique.details]
        details = "".join(f"<li>{html.escape(claim.text())}</li>" for claim in extra)
        rows.append(
            f"<tr><th scope='row' style='text-align:left;vertical-align:top'>{html.escape(technique.label)}"
            f"<br><small>{html.escape(technique.also_called)}</small></th>"
            f"{_cell(technique.target_words)}"
            f"<td style='text-align:left;vertical-align:top'><ul style='margin:0'>{depths}</ul></td>"
            f"<td style='text-align:left;vertical-align:top'>{_limits_html(technique)}</td>"
            f"{_cell(technique.angle.text())}"
            f"<td style='text-align:left;vertical-align:top'><ul style='margin:0'>{details}</ul></td></tr>"
        )
    headers = [
        "Technique",
        "Aims for",
        "Depth, as each source says",
        "The course's limit, by region",
        "Angle",
        "Needle and details",
    ]
    return _table(headers, rows, "The injection techniques. Where sources disagree, all of them are shown.")


def treatment_course_table_html() -> str:
    """How many sessions and how often, by area, as each source says (there is no standard)."""
    rows = []
    for entry in skin_data()["treatment_courses"]:
        refs = f"[{', '.join(entry['references'])}]"
        rows.append(f"<tr>{_cell(entry['area'].capitalize())}{_cell(entry['says'])}{_cell(refs)}</tr>")
    return _table(
        ["Area", "What the source says", "Source"],
        rows,
        "Treatment courses: no standard exists and the sources differ.",
    )


def layer_table():
    """The layer table for a notebook."""
    from IPython.display import HTML

    return HTML(layer_table_html())


def technique_table():
    """The technique table for a notebook."""
    from IPython.display import HTML

    return HTML(technique_table_html())


def treatment_course_table():
    """The treatment-course table for a notebook."""
    from IPython.display import HTML

    return HTML(treatment_course_table_html())


def region_notes(region):
    """Where a region's numbers come from, for a notebook."""
    from IPython.display import HTML

    return HTML(layer_notes_html(region))
