"""The cohort report's plots, each a matplotlib Figure with its alt text, readable in grey and by screen readers.

Colours are Okabe-Ito (mesocourse.look); every colour difference is doubled by a marker shape, a hatch or words,
so the plots read the same printed in black and white.
"""

import base64
import io
import textwrap

from matplotlib.figure import Figure

from mesocourse.grading.statistics import MASTERED, TOO_EASY, TOO_HARD, WEAK_DISCRIMINATION, number
from mesocourse.look import OKABE_ITO

OK_COLOUR, FLAG_COLOUR, KEY_COLOUR, WRONG_COLOUR = (
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
)
FLAG_HATCH = "///"
EDGE = "black"
# A white box keeps words readable where they cross a threshold line.
LABEL_BOX = {"facecolor": "white", "edgecolor": "none", "pad": 1.5}


def svg_data_uri(figure: Figure) -> str:
    """The figure as an SVG data: URI (text drawn as paths, so it looks the same on any machine, offline)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _tidy(axes) -> None:
    for spine in ("right", "top"):
        axes.spines[spine].set_visible(False)


def score_distribution(percents: list[float], title: str) -> tuple[Figure, str]:
    """Histogram of learners' totals in 10-point bands (percent of the autograded points)."""
    figure = Figure(figsize=(7, 3.2))
    axes = figure.add_subplot()
    bands = [0] * 10
    for percent in percents:
        bands[min(int(percent // 10), 9)] += 1
    axes.bar(
        [band * 10 + 5 for band in range(10)],
        bands,
        width=9,
        color=OK_COLOUR,
        edgecolor=EDGE,
        hatch="..",
        linewidth=0.8,
    )
    for band, count in enumerate(bands):
        if count:
            axes.text(band * 10 + 5, count, str(count), ha="center", va="bottom", fontsize=9)
    axes.set_xticks(range(0, 101, 10), [f"{tick}%" for tick in range(0, 101, 10)])
    axes.set_xlim(0, 100)
    axes.set_ylim(0, max(bands) * 1.2 + 0.5)
    axes.set_xlabel("Total score (share of the autograded points)")
    axes.set_ylabel("Learners")
    axes.set_title(title)
    _tidy(axes)
    figure.tight_layout()
    described = ", ".join(f"{band * 10}-{band * 10 + 10}%: {count}" for band, count in enumerate(bands) if count)
    alt = f"Histogram of the total scores of {len(percents)} learners in 10% bands. {described}."
    return figure, alt


def facility_discrimination(points: list[tuple[str, float, float | None, bool]]) -> tuple[Figure, str]:
    """Each question placed by facility (x) and discrimination index (y); flagged ones are triangles, named."""
    figure = Figure(figsize=(7, 4.6))
    axes = figure.add_subplot()
    axes.axhspan(-1, WEAK_DISCRIMINATION, color="#eeeeee", zorder=0)
    axes.axhline(WEAK_DISCRIMINATION, color=EDGE, linestyle="--", linewidth=1)
    axes.axhline(0, color=EDGE, linewidth=0.6)
    for x in (TOO_HARD, TOO_EASY):
        axes.axvline(x, color=EDGE, linestyle=":", linewidth=1)
    axes.text(0.01, WEAK_DISCRIMINATION + 0.02, f"below {WEAK_DISCRIMINATION:.2f}: does not discriminate", fontsize=8)
    axes.text(TOO_HARD + 0.01, 0.97, "too hard ←", fontsize=8, ha="left", va="top")
    axes.text(TOO_EASY - 0.01, 0.97, "→ too easy", fontsize=8, ha="right", va="top")
    shown, missing = [], []
    for label, facility, discrimination, flagged in points:
        if facility is None or discrimination is None:
            missing.append(label)
            continue
        shown.append(f"{label} facility {number(facility)}, discrimination {number(discrimination)}")
        axes.scatter(
            facility,
            discrimination,
            s=70 if flagged else 45,
            marker="^" if flagged else "o",
            color=FLAG_COLOUR if flagged else OK_COLOUR,
            edgecolors=EDGE,
            linewidths=0.8,
            zorder=3,
        )
        axes.annotate(label, (facility, discrimination), textcoords="offset points", xytext=(5, 4), fontsize=8)
    axes.scatter([], [], marker="^", color=FLAG_COLOUR, edgecolors=EDGE, label="flagged (triangle)")
    axes.scatter([], [], marker="o", color=OK_COLOUR, edgecolors=EDGE, label="no flag (circle)")
    axes.legend(loc="lower right", fontsize=8)
    axes.set_xlim(0, 1.02)
    axes.set_ylim(-1, 1)
    axes.set_xlabel("Facility index (share of points earned)")
    axes.set_ylabel("Discrimination index")
    axes.set_title("Facility and discrimination per question")
    _tidy(axes)
    figure.tight_layout()
    alt = "Scatter plot of each question's facility against its discrimination index. " + "; ".join(shown) + "."
    if missing:
        alt += f" Not placed (nothing varied): {', '.join(missing)}."
    return figure, alt


def _share_bar(axes, row: int, share: float, colour: str, hatched: bool) -> None:
    """One horizontal bar of a share in percent; hatched bars read apart from solid ones in grey as well."""
    axes.barh(
        row, share * 100, height=0.6, color=colour, hatch=FLAG_HATCH if hatched else None, edgecolor=EDGE, linewidth=0.8
    )


def option_shares(label: str, options: list[tuple[str, bool, float, float | None]]) -> tuple[Figure, str]:
    """Horizontal bars of the share of learners choosing each option; the key solid blue, distractors hatched."""
    figure = Figure(figsize=(6, 0.6 + 0.45 * len(options)))
    axes = figure.add_subplot()
    names = []
    for row, (letter, is_key, share, discrimination) in enumerate(options):
        _share_bar(axes, row, share, KEY_COLOUR if is_key else WRONG_COLOUR, hatched=not is_key)
        axes.text(
            share * 100 + 1.5, row, f"{share:.0%}, discrimination {number(discrimination)}", va="center", fontsize=8
        )
        names.append(f"{letter} (key)" if is_key else letter)
    axes.set_yticks(range(len(options)), names)
    axes.set_ylim(len(options) - 0.5, -0.5)
    axes.set_xlim(0, 150)
    axes.set_xticks(range(0, 101, 25), [f"{tick}%" for tick in range(0, 101, 25)])
    axes.spines["bottom"].set_bounds(0, 100)
    axes.set_xlabel("Learners who chose it")
    axes.set_title(f"{label}: options chosen")
    _tidy(axes)
    figure.tight_layout()
    described = "; ".join(
        f"{letter}{' (key)' if is_key else ''} {share:.0%}, discrimination {number(discrimination)}"
        for letter, is_key, share, discrimination in options
    )
    return figure, f"Bar chart of the options chosen in {label}: {described}."


def objective_mastery(rows: list[tuple[str, float | None]], title: str) -> tuple[Figure, str]:
    """Horizontal bars of the cohort's share of each objective's points; below the mastery mark hatched."""
    figure = Figure(figsize=(8, 0.9 + 0.6 * len(rows)))
    axes = figure.add_subplot()
    for row, (_objective, share) in enumerate(rows):
        share = share or 0.0
        mastered = share >= MASTERED
        _share_bar(axes, row, share, OK_COLOUR if mastered else FLAG_COLOUR, hatched=not mastered)
        words = "mastered" if mastered else "teach again"
        axes.text(share * 100 + 1.5, row, f"{share:.0%}, {words}", va="center", fontsize=8, bbox=LABEL_BOX, zorder=3)
    axes.axvline(MASTERED * 100, color=EDGE, linestyle="--", linewidth=1.2)
    axes.text(MASTERED * 100, -0.7, f"mastery {MASTERED:.0%}", ha="center", va="bottom", fontsize=8, bbox=LABEL_BOX)
    axes.set_yticks(range(len(rows)), [textwrap.fill(objective, 38) for objective, _ in rows], fontsize=8)
    axes.set_ylim(len(rows) - 0.5, -0.9)
    axes.set_xlim(0, 140)
    axes.set_xticks(range(0, 101, 20), [f"{tick}%" for tick in range(0, 101, 20)])
    axes.spines["bottom"].set_bounds(0, 100)
    axes.set_xlabel("Share of the objective's points earned by the cohort")
    axes.set_title(title, pad=12)
    _tidy(axes)
    figure.tight_layout()
    described = "; ".join(
        f"{objective}: {(share or 0):.0%}{'' if (share or 0) >= MASTERED else ', teach again'}"
        for objective, share in rows
    )
    return figure, f"Bar chart of mastery per learning objective, mastery mark {MASTERED:.0%}. {described}."
