"""Module 01's views: the history and regulation timeline, where sources disagree, and the seed statements."""

import html

from IPython.display import HTML
from matplotlib.figure import Figure

from mesocourse.assets import load_asset
from mesocourse.figures import figure_html, figure_maker
from mesocourse.look import table_html
from mesocourse.references import resolve
from mesocourse.seed_claims import SEEDS, course_places, coverage, load_claims

# Okabe-Ito colours (safe for colour-blind readers); each kind also has its own marker shape and the labels say it all.
KIND_STYLE = {
    "origin": ("#0072B2", "o", "origin of the method"),
    "profession": ("#E69F00", "s", "the profession"),
    "safety": ("#D55E00", "^", "safety"),
    "regulation": ("#009E73", "D", "regulators"),
}


def milestones() -> list[dict]:
    """The timeline entries in date order."""
    return sorted(load_asset("history.yaml", "history.schema.json"), key=lambda event: event["year"])


@figure_maker("history_timeline")
def timeline_figure():
    """Milestones on a year axis, marker shape by kind, unverified ones hollow; returns (Figure, alt text)."""
    events = milestones()
    figure = Figure(figsize=(10, 5.2))
    axes = figure.add_subplot()
    for row, event in enumerate(events):
        colour, marker, _ = KIND_STYLE[event["kind"]]
        hollow = event["status"] == "reported"
        axes.plot(
            [event["year"]],
            [row],
            marker=marker,
            markersize=10,
            color=colour,
            markerfacecolor="white" if hollow else colour,
            markeredgewidth=2,
            linestyle="none",
        )
        note = " (reported, not verified)" if hollow else ""
        axes.annotate(
            f"{event['year']}  {event['label']}{note}",
            (event["year"], row),
            xytext=(10, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    axes.set_ylim(len(events) - 0.5, -0.5)
    axes.set_yticks([])
    axes.set_xlim(1948, 2060)
    axes.set_xticks(range(1950, 2030, 10))
    axes.set_xlabel("Year")
    axes.grid(axis="x", color="#cccccc", linewidth=0.6)
    for spine in ("left", "right", "top"):
        axes.spines[spine].set_visible(False)
    handles = [
        axes.plot([], [], marker=m, color=c, linestyle="none", label=label)[0] for c, m, label in KIND_STYLE.values()
    ]
    axes.legend(handles=handles, loc="lower left", frameon=False, fontsize=9)
    axes.set_title("Mesotherapy: from a 1952 observation to today's regulators")
    alt = (
        "Timeline of mesotherapy: "
        + "; ".join(
            f"{e['year']} {e['label']}" + (" (reported, not verified)" if e["status"] == "reported" else "")
            for e in events
        )
        + "."
    )
    return figure, alt


def history_timeline() -> HTML:
    """The timeline as an accessible image for the notebook."""
    return HTML(figure_html(*timeline_figure()))


def disagreements(module: str) -> list[dict]:
    """The rows of assets/disagreements.yaml for one module."""
    return [row for row in load_asset("disagreements.yaml", "disagreements.schema.json") if row["module"] == module]


def disagreement_table_html(module: str) -> str:
    """A table: topic, what each source says (with keys), and what the course teaches."""
    rows = []
    for row in disagreements(module):
        says = "".join(
            f"<li>{html.escape(p['says'])} <small>[{', '.join(p['references'])}]</small></li>" for p in row["positions"]
        )
        rows.append(
            f"<tr><th scope='row' style='text-align:left;vertical-align:top'>{html.escape(row['topic'])}</th>"
            f"<td style='text-align:left'><ul style='margin:0'>{says}</ul></td>"
            f"<td style='text-align:left;vertical-align:top'><strong>{html.escape(row['course'])}</strong></td></tr>"
        )
    return (
        "<table><thead><tr><th>Topic</th><th>What the sources say</th><th>What this course teaches</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def disagreement_table(module: str) -> HTML:
    """The module's disagreement table for display in a notebook."""
    return HTML(disagreement_table_html(module))


# What the course does with a seed statement, in a symbol and words (never colour alone).
VERDICT_WORDS = {"taught": "✔ Taught", "corrects": "✘ Corrected", "left-out": "– Left out"}


def _keys(keys) -> str:
    return f" <small>[{', '.join(html.escape(key) for key in keys)}]</small>" if keys else ""


def _course_cell(claim: dict, places) -> str:
    """What the course does with one statement: the correction with its sources, where it is taught, or why not."""
    parts = [f"<strong>{VERDICT_WORDS[claim['verdict']]}</strong>"]
    if claim["verdict"] == "corrects":
        parts.append(f"{html.escape(claim['answer'])}{_keys(claim['references'])}")
    if claim["verdict"] == "left-out":
        parts.append(html.escape(claim["why"]))
    where = [html.escape(places.label(place) or str(place)) for place in claim.get("where", [])]
    if where:
        parts.append("<em>In the course:</em> " + "; ".join(where))
    return "<br>".join(parts)


def seed_claims_html() -> str:
    """One folded table per seed article: each statement, its topic and what the course does with it."""
    claims, places = load_claims(), course_places()
    counts = coverage(claims)
    blocks = []
    for seed in SEEDS:
        row = counts[seed]
        summary = (
            f"{html.escape(resolve(seed)['citation'])}: {row['statements']} statements, {row['taught']} taught, "
            f"{row['corrects']} corrected, {row['left-out']} left out"
        )
        rows = [
            [f"“{html.escape(c['quote'])}”", html.escape(c["topic"]), _course_cell(c, places)]
            for c in claims
            if c["seed"] == seed
        ]
        table = table_html(["The clinic page says", "Topic", "What the course does"], rows)
        blocks.append(f"<details><summary>{summary}</summary>{table}</details>")
    return "".join(blocks)


def seed_claims_table() -> HTML:
    """The seed statements for display in module 01."""
    return HTML(seed_claims_html())
