"""The aftercare notebook's HTML tables: instructions, warning signs, complications, outbreaks, prevention, safety."""

import html

from IPython.display import HTML

from mesocourse.aftercare.model import aftercare, complications
from mesocourse.look import table_html
from mesocourse.references import resolve


def _keys(references) -> str:
    return html.escape(" ".join(f"[{key}]" for key in references))


def aftercare_table_html() -> str:
    """Each instruction: what, for how long (the course's choice), what the sources say, why, and the sources."""
    rows = []
    for item in aftercare().items:
        said = "—"
        if item.sources_say:
            said = html.escape(item.sources_say.text())
            if item.sources_say.note:
                said += f"<br><small>{html.escape(item.sources_say.note)}</small>"
        choice = f"<strong>{html.escape(item.course_choice_text())}</strong>"
        if item.choice:
            choice += f"<br><small>{html.escape(item.choice)}</small>"
        rows.append([html.escape(item.title), choice, said, html.escape(item.why), _keys(item.references)])
    return table_html(["Instruction", "How long (course)", "What the sources say", "Why", "Sources"], rows)


def aftercare_table() -> HTML:
    """The instructions table for display in a notebook."""
    return HTML(aftercare_table_html())


def red_flags_table_html() -> str:
    """The warning-sign groups: urgency in words and symbol, the signs, when they usually appear, the sources."""
    data = aftercare()
    rows = []
    for flag in data.red_flags:
        level = data.urgency_levels[flag.urgency]
        signs = "<ul style='margin:0'>" + "".join(f"<li>{html.escape(s)}</li>" for s in flag.signs) + "</ul>"
        rows.append(
            [
                f"<strong>{html.escape(level.title)}</strong><br>{html.escape(flag.title)}",
                signs,
                html.escape(flag.appears),
                html.escape(level.action),
                _keys(flag.references),
            ]
        )
    return table_html(["Urgency", "Signs", "When", "What staff do", "Sources"], rows)


def red_flags_table() -> HTML:
    """The warning-sign table for display in a notebook."""
    return HTML(red_flags_table_html())


def complications_table_html() -> str:
    """Common effects with how long they last, then uncommon complications; unsourced ones are marked as such."""
    data = complications()
    common = table_html(
        ["Common effect", "How long it lasts", "Sources"],
        [[html.escape(c["name"]), html.escape(c["how_long"]), _keys(c["references"])] for c in data["common"]],
    )
    rows = []
    for entry in data["uncommon"]:
        sources = _keys(entry["references"]) if entry["references"] else "<em>no source in the course's fact base</em>"
        text = html.escape(" ".join(entry["description"].split()))
        if entry.get("management"):
            text += f"<br><small>Reported treatment (doctor's decision): {html.escape(entry['management'])}</small>"
        rows.append([f"<strong>{html.escape(entry['name'])}</strong>", text, sources])
    uncommon = table_html(["Uncommon or rare", "What it is", "Sources"], rows)
    return common + "<p></p>" + uncommon


def complications_table() -> HTML:
    """The complications tables for display in a notebook."""
    return HTML(complications_table_html())


def outbreaks_table_html() -> str:
    """The documented mycobacterial outbreaks after mesotherapy: where, when, how many, germ, cause, source."""
    rows = [
        [
            html.escape(o["place"]),
            html.escape(o["when"]),
            html.escape(o["how_many"]),
            html.escape(o["organism"]),
            html.escape(o["cause"]),
            _keys(o["references"]),
        ]
        for o in complications()["outbreaks"]
    ]
    return table_html(["Where", "When", "How many", "Germ (mycobacterium)", "Cause found", "Source"], rows)


def outbreaks_table() -> HTML:
    """The outbreaks table for display in a notebook."""
    return HTML(outbreaks_table_html())


def prevention_html() -> str:
    """The rules that prevent mycobacterial infection, each with why and its sources."""
    items = "".join(
        f"<li><strong>{html.escape(rule['rule'])}</strong> {html.escape(' '.join(rule['why'].split()))} "
        f"<small>{_keys(rule['references'])}</small></li>"
        for rule in complications()["prevention"]
    )
    return f"<ul>{items}</ul>"


def prevention_rules() -> HTML:
    """The prevention rules for display in a notebook."""
    return HTML(prevention_html())


def urgency_levels_html() -> str:
    """The urgency levels as one table, least urgent first: the names every view and the handout use."""
    rows = [
        [f"<strong>{html.escape(level.title)}</strong>", html.escape(level.action)]
        for level in aftercare().urgency_levels.values()
    ]
    return table_html(["Urgency", "What staff do"], rows)


def urgency_levels_table() -> HTML:
    """The urgency levels for display in a notebook."""
    return HTML(urgency_levels_html())


def _only_low_quality(references) -> bool:
    return all(resolve(key).get("weight") == "L" for key in references)


def _point_html(point: dict) -> str:
    text = html.escape(" ".join(point["text"].split()))
    if (point.get("reported") or _only_low_quality(point["references"])) and "reported" not in text:
        text = text.removesuffix(".") + " (reported)."
    return f"<li>{text} <small>{_keys(point['references'])}</small></li>"


def safety_topic_html(topic_id: str) -> str:
    """One clinic-safety topic: its summary, each sourced point, and where no source was found (the course's choice)."""
    topic = next((t for t in complications()["clinic_safety"] if t["id"] == topic_id), None)
    if topic is None:
        known = ", ".join(t["id"] for t in complications()["clinic_safety"])
        raise KeyError(f"unknown safety topic {topic_id!r}; known topics: {known}")
    points = "".join(_point_html(point) for point in topic["points"])
    gaps = "".join(f"<p><em>No source found:</em> {html.escape(' '.join(gap.split()))}</p>" for gap in topic["gaps"])
    return (
        f"<div class='mesocourse-safety'><p><strong>{html.escape(topic['title'])}.</strong> "
        f"{html.escape(' '.join(topic['summary'].split()))}</p><ul>{points}</ul>{gaps}</div>"
    )


def safety_topic(topic_id: str) -> HTML:
    """A clinic-safety topic for display in a notebook."""
    return HTML(safety_topic_html(topic_id))


def mycobacteria_html() -> str:
    """What the reviews say about late mycobacterial infection, fact by fact with sources (time to diagnosis too)."""
    myco = complications()["mycobacteria"]
    # Presentation, clues and treatment are in the module's text; the table adds the figures from the reviews.
    statements = [myco["burden"], *myco["reviews"]]
    rows = [[html.escape(" ".join(entry["text"].split())), _keys(entry["references"])] for entry in statements]
    return table_html(["What the sources report", "Sources"], rows)


def mycobacteria_table() -> HTML:
    """The mycobacteria facts for display in a notebook."""
    return HTML(mycobacteria_html())
