"""The aftercare timeline figure (matplotlib): instructions and warning-sign windows, registered as a course figure."""

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from mesocourse.aftercare.model import Aftercare, aftercare, check_day
from mesocourse.figures import COURSE_WIDTH_PX, PNG_DPI, figure_maker

LEFT_DAYS = 14.5
RIGHT_END_DAY = 210
SOLID, RANGE_FILL, EDGE = "#3a3a3a", "#d9d9d9", "#555555"
# Shades and hatches by urgency rank, least urgent first: the level's words in the row labels and the legend carry
# the meaning; the hatch tells the rows apart in grey.
RANK_STYLES = (
    ("#f2f2f2", "..."),
    ("#dddddd", "--"),
    ("#bdbdbd", "xx"),
    ("#a3a3a3", "++"),
    ("#8c8c8c", "\\\\\\"),
)


def urgency_style(data: Aftercare, urgency: str) -> tuple[str, str]:
    """(face colour, hatch) of an urgency level, by its rank in the data's list of levels."""
    rank = data.urgency_order.index(urgency)
    return RANK_STYLES[min(rank, len(RANK_STYLES) - 1)]


def flag_label(data: Aftercare, flag) -> str:
    """A warning-sign row's label: the urgency symbol, as every view shows it, and the group's title."""
    return f"{data.urgency_levels[flag.urgency].symbol} {flag.title}"


def _bar_label(axes, x_end: float, y: float, text: str, inside: bool, size: float = 8.5) -> None:
    if inside:
        axes.text(x_end - 0.15, y, text, ha="right", va="center", fontsize=size, color="white", fontweight="bold")
    else:
        axes.text(x_end + 0.15, y, text, ha="left", va="center", fontsize=size, color="black")


def _timeline_alt(data: Aftercare) -> str:
    parts = []
    for item in data.items:
        text = f"{item.title}: from the treatment, {item.course_choice_text()}"
        if item.sources_say:
            text += f" (sources: {item.sources_say.text()})"
        parts.append(text)
    flags = []
    for flag in data.red_flags:
        window = "any day from the treatment" if flag.to_day is None else f"day {flag.from_day} to day {flag.to_day}"
        if flag.typical_from_day is not None:
            window = (
                f"usually day {flag.typical_from_day} to day {flag.typical_to_day} "
                f"(weeks {flag.typical_from_day // 7} to {flag.typical_to_day // 7}), reported from day "
                f"{flag.from_day} to day {flag.to_day} (week {flag.to_day // 7})"
            )
        level = data.urgency_levels[flag.urgency].label
        flags.append(f"{flag.title} ({level}): {window}")
    return (
        "Aftercare timeline. Days 0 to 14 after treatment on the left, weeks 2 to 30 on the right. Instructions as "
        "bars, the course's choice solid and the range in the sources hatched: " + "; ".join(parts) + ". "
        "Warning-sign windows shaded: " + "; ".join(flags) + "."
    )


@figure_maker("aftercare_timeline")
def timeline_figure(highlight_day: int | None = None):
    """The aftercare instructions and the warning-sign windows on a days-then-weeks axis; returns (Figure, alt text)."""
    data = aftercare()
    items, flags = data.items, data.red_flags
    rows = len(items) + 1 + len(flags)
    # As wide as the course's column (COURSE_WIDTH_PX), so its smallest text (8 pt) shows at 11 px or more.
    height = 0.46 * rows + 2.3
    figure = Figure(figsize=(COURSE_WIDTH_PX / PNG_DPI, height))
    grid = figure.add_gridspec(1, 2, width_ratios=[3.2, 1.6], wspace=0.04)
    days_axes = figure.add_subplot(grid[0])
    weeks_axes = figure.add_subplot(grid[1], sharey=days_axes)

    labels, positions = [], []
    for row, item in enumerate(items):
        y = row
        labels.append(item.title)
        positions.append(y)
        start = item.start.days
        if item.sources_say:
            low, high = item.sources_say.shortest.days, item.sources_say.longest.days
            days_axes.barh(
                y + 0.22,
                max(high - low, 0.08),
                left=low,
                height=0.22,
                color=RANGE_FILL,
                hatch="////",
                edgecolor=EDGE,
                linewidth=0.6,
            )
            # The weeks panel is empty on instruction rows, so it holds the sources' range as a readable column.
            weeks_axes.text(
                LEFT_DAYS + 3,
                y + 0.22,
                f"sources: {item.sources_say.text()}",
                ha="left",
                va="center",
                fontsize=8,
                bbox=dict(facecolor="white", edgecolor="none", pad=0.5),
            )
        if item.end is None:
            days_axes.barh(y - 0.08, LEFT_DAYS - start, left=start, height=0.42, color=SOLID, edgecolor=SOLID)
            _bar_label(days_axes, LEFT_DAYS, y - 0.08, f"until {data.until_healed_words} →", inside=True)
        else:
            end = item.end.days
            days_axes.barh(y - 0.08, max(end - start, 0.08), left=start, height=0.42, color=SOLID, edgecolor=SOLID)
            _bar_label(days_axes, end, y - 0.08, item.end.text(), inside=end > 9)

    separator = len(items)
    for axes in (days_axes, weeks_axes):
        axes.axhline(separator, color="black", linewidth=0.8)
    days_axes.text(
        -0.3, separator, "Warning signs", ha="left", va="center", fontsize=9, fontweight="bold", backgroundcolor="white"
    )

    for offset, flag in enumerate(flags, start=1):
        y = separator + offset
        labels.append(flag_label(data, flag))
        positions.append(y)
        face, hatch = urgency_style(data, flag.urgency)
        end = RIGHT_END_DAY if flag.to_day is None else flag.to_day
        if flag.typical_from_day is not None:
            # Reported range light and hatched; the usual window darker and solid, on both panels.
            for axes in (days_axes, weeks_axes):
                axes.barh(
                    y,
                    end - flag.from_day,
                    left=flag.from_day,
                    height=0.6,
                    color=RANGE_FILL,
                    hatch="////",
                    edgecolor=EDGE,
                    linewidth=0.6,
                )
                axes.barh(
                    y,
                    flag.typical_to_day - flag.typical_from_day,
                    left=flag.typical_from_day,
                    height=0.6,
                    color="#7a7a7a",
                    edgecolor=EDGE,
                    linewidth=0.6,
                )
            usual = f"usually weeks {flag.typical_from_day // 7}–{flag.typical_to_day // 7}"
            days_axes.text(
                (flag.typical_from_day + LEFT_DAYS) / 2,
                y,
                usual,
                ha="center",
                va="center",
                fontsize=8,
                color="white",
                fontweight="bold",
            )
            weeks_axes.text(
                (flag.typical_to_day + end) / 2,
                y,
                f"up to {end // 7} weeks",
                ha="center",
                va="center",
                fontsize=8,
                bbox=dict(facecolor="white", edgecolor="none", pad=0.5),
            )
            days_axes.text(
                flag.from_day + 0.1,
                y,
                f"from day {flag.from_day}",
                ha="left",
                va="center",
                fontsize=8,
                bbox=dict(facecolor="white", edgecolor="none", pad=0.5),
            )
        else:
            for axes in (days_axes, weeks_axes):
                axes.barh(
                    y,
                    end - flag.from_day,
                    left=flag.from_day,
                    height=0.6,
                    color=face,
                    hatch=hatch,
                    edgecolor=EDGE,
                    linewidth=0.6,
                )
            if flag.to_day is not None:
                days_axes.text(flag.to_day + 0.15, y, f"first {flag.to_day} days", ha="left", va="center", fontsize=8)

    days_axes.set_xlim(-0.3, LEFT_DAYS)
    days_axes.set_xticks(range(0, 15))
    days_axes.set_xlabel("Days after treatment (0 = the day of treatment)")
    weeks_axes.set_xlim(LEFT_DAYS, RIGHT_END_DAY)
    week_ticks = [2, 4, 8, 12, 16, 20, 24, 29]
    weeks_axes.set_xticks([7 * week for week in week_ticks])
    weeks_axes.set_xticklabels([str(week) for week in week_ticks])
    weeks_axes.set_xlabel("Weeks after treatment")
    days_axes.set_yticks(positions)
    days_axes.set_yticklabels(labels, fontsize=8.5)
    days_axes.set_ylim(rows - 0.4, -0.7)
    weeks_axes.tick_params(axis="y", left=False, labelleft=False)
    for axes in (days_axes, weeks_axes):
        axes.grid(axis="x", color="#cccccc", linewidth=0.5)
        axes.set_axisbelow(True)
        axes.spines["top"].set_visible(False)
    days_axes.spines["right"].set_visible(False)
    weeks_axes.spines["left"].set_visible(False)
    # Slanted marks where the axis changes from days to weeks (a broken axis).
    marks = dict(marker=[(-1, -1.5), (1, 1.5)], markersize=10, linestyle="none", color="black", clip_on=False)
    days_axes.plot([1], [0], transform=days_axes.transAxes, **marks)
    weeks_axes.plot([0], [0], transform=weeks_axes.transAxes, **marks)

    if highlight_day is not None:
        day = check_day(highlight_day)
        axes = days_axes if day <= LEFT_DAYS else weeks_axes
        axes.axvline(day, color="black", linestyle="--", linewidth=1.4)
        axes.text(day, -0.65, f" day {day}", ha="left", va="bottom", fontsize=8.5, fontweight="bold")

    legend = [
        Patch(facecolor=SOLID, edgecolor=SOLID, label="The course's choice"),
        Patch(facecolor=RANGE_FILL, hatch="////", edgecolor=EDGE, label="Range in the sources"),
        Patch(facecolor="#7a7a7a", edgecolor=EDGE, label="Late infection: usual window"),
    ]
    shown = {flag.urgency for flag in flags}
    for name in data.urgency_order:
        if name in shown:
            face, hatch = urgency_style(data, name)
            legend.append(Patch(facecolor=face, hatch=hatch, edgecolor=EDGE, label=data.urgency_levels[name].title))
    figure.legend(handles=legend, loc="lower center", ncol=2, frameon=False, fontsize=8.5, bbox_to_anchor=(0.55, 0.0))
    figure.suptitle("Aftercare day by day, and when warning signs appear", fontsize=12, x=0.55)
    # Fixed margins in inches: the row labels fit inside the picture on the left, the key under the axis titles.
    figure.subplots_adjust(left=0.37, right=0.985, bottom=1.55 / height, top=1 - 0.75 / height)
    alt = _timeline_alt(data)
    if highlight_day is not None:
        alt += f" A dashed line marks day {highlight_day}."
    return figure, alt
