"""The skin's to-scale cross-section (matplotlib), and the drawing parts the depth explorer reuses (skin.overlay).

Everything drawn comes from mesocourse.skin.model (numbers, layer lookup, the verdict in words); colours come
from mesocourse.look.
"""

import math
import textwrap
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from mesocourse.figures import (
    PNG_DPI,
    figure_maker,
)
from mesocourse.look import OKABE_ITO, TONES
from mesocourse.skin.model import (
    DEEPER,
    DEEPER_LABEL,
    STATUS_TONE,
    STATUS_WORDS,
    NeedleReading,
    Region,
    Technique,
    _keys,
    check_needle,
    course_limit,
    course_limit_text,
    depth_text,
    layer_words,
    needle_depth,
    read_needle,
    skin_data,
)

# Okabe-Ito colours (safe for the common colour-vision differences) plus a hatch per layer, so the drawing also
# reads in grey scale and in print; every layer is labelled in words as well. (colour, hatch, darker edge colour)
LAYER_STYLE = {
    "epidermis": (OKABE_ITO["orange"], "", "#8a5f00"),
    "dermis": (OKABE_ITO["reddish purple"], "////", "#8f3f6f"),
    "fat": (OKABE_ITO["yellow"], "oo", "#a39a00"),
    DEEPER: ("#BBBBBB", "xx", "#777777"),
}
NEEDLE_COLOUR, TIP_COLOUR = OKABE_ITO["black"], OKABE_ITO["blue"]
TARGET_COLOUR, COURSE_COLOUR = OKABE_ITO["bluish green"], OKABE_ITO["vermillion"]
SOURCE_COLOUR, MODEL_COLOUR = "#555555", OKABE_ITO["sky blue"]


# ---------------------------------------------------------------------------------------------------------------
# The cross-section drawing

LEFT_IN, DRAW_IN, RIGHT_IN = 2.2, 4.2, 3.2  # figure columns in inches: layer labels, drawing, depth ruler
TOP_IN, BOTTOM_IN = 0.95, 0.55  # above the drawing: title and needle line; below it: notes
FONT = 9.5
# Zoom levels (inserted length in mm): the drawing holds every needle up to the level's length at any angle. The
# picture behind the needle then stays the same while the angle moves, and changes only at these lengths.
NEEDLE_REACH_MM = (1.0, 2.0, 3.0, 4.0, 6.0, 9.0, 13.0)


def needle_reach(length_mm: float) -> float:
    """The zoom level for a needle: the shortest reach in NEEDLE_REACH_MM that holds it (its own length if longer)."""
    return next((reach for reach in NEEDLE_REACH_MM if length_mm <= reach), length_mm)


def _frame(region: Region, reach: float) -> dict:
    """The drawing's extent in mm: the layers, and room for any needle up to `reach` long at any angle."""
    last = region.spans()[-1]
    if math.isinf(last.bottom_typical):
        layers_bottom = last.top_typical + max(3.0, 1.5 * last.top_typical)
    else:
        layers_bottom = last.bottom_typical * 1.12 + 0.2
    bottom = max(layers_bottom, reach * 1.15 + 0.3, 2.0)  # straight down (90 degrees) the tip is `reach` deep
    stub = max(0.8, 0.12 * bottom)  # the part of the needle still outside the skin, with its hub
    air = stub + 0.22 * bottom  # above the skin: room for that part when the needle points straight down
    left = -stub - 0.2 * bottom  # left of the entry point: room for it when the needle lies almost flat
    # Right of the entry point: the tip of an almost flat needle; and a picture at least 1.2 times as wide as tall,
    # so the tip's callout finds a corner beside the needle.
    right = max(reach + 0.25 * bottom + 0.5, left + 1.2 * (bottom + air))
    needed_in = _labels_height_in(region)
    if DRAW_IN * (bottom + air) / (right - left) < needed_in:  # room for the layer labels: show more below
        bottom = needed_in * (right - left) / DRAW_IN - air
    return {"left": left, "right": right, "top": -air, "bottom": bottom, "stub": stub}


def _layout(frame: dict, ruler: bool) -> dict:
    """The figure's size and the drawing's height in inches, rounded to whole pixels so the pixel grid is exact."""
    draw_height = DRAW_IN * (frame["bottom"] - frame["top"]) / (frame["right"] - frame["left"])
    width = LEFT_IN + DRAW_IN + (RIGHT_IN if ruler else 0.15)
    height = draw_height + TOP_IN + BOTTOM_IN
    return {
        "width": round(width * PNG_DPI) / PNG_DPI,
        "height": round(height * PNG_DPI) / PNG_DPI,
        "draw_height": draw_height,
    }


def _spread(positions: list[float], gap: float, low: float, high: float) -> list[float]:
    """Label heights (axes fraction, 1 = top) in top-down order, moved apart by `gap` and kept inside low..high."""
    placed = []
    for wanted in positions:
        value = min(wanted, high) if not placed else min(wanted, placed[-1] - gap)
        placed.append(value)
    if placed and placed[-1] < low:  # pushed out at the bottom: move everything up, never above `high`
        shift = low - placed[-1]
        placed = [value + shift for value in placed]
        for index in range(len(placed)):
            limit = high if index == 0 else placed[index - 1] - gap
            placed[index] = min(placed[index], limit)
    return placed


def _wrapped_keys(keys, per_line: int = 2) -> str:
    keys = list(keys)
    lines = [", ".join(keys[i : i + per_line]) for i in range(0, len(keys), per_line)]
    return "[" + ",\n".join(lines) + "]"


def _layer_rectangles(axes, region: Region, frame: dict) -> list[tuple[str, float, float]]:
    """Draw every layer at its typical thickness; returns (key, top, bottom) of what was drawn."""
    drawn = []
    for span in region.spans():
        drawn.append((span.key, span.top_typical, min(span.bottom_typical, frame["bottom"])))
    if drawn[-1][2] < frame["bottom"]:
        drawn.append((DEEPER, drawn[-1][2], frame["bottom"]))
    width = frame["right"] - frame["left"]
    for key, top, bottom in drawn:
        colour, hatch, dark = LAYER_STYLE[key]
        axes.add_patch(
            Rectangle(
                (frame["left"], top), width, bottom - top, facecolor=colour, alpha=0.55, linewidth=0, gid=f"layer-{key}"
            )
        )
        if hatch:
            axes.add_patch(
                Rectangle(
                    (frame["left"], top),
                    width,
                    bottom - top,
                    facecolor="none",
                    hatch=hatch,
                    hatchcolor=dark,
                    linewidth=0,
                    alpha=0.45,
                )
            )
        if key == "epidermis":  # often thinner than a pixel row: outline it so it stays visible
            axes.plot([frame["left"], frame["right"]], [bottom, bottom], color=dark, linewidth=1.8)
    unsourced = [layer for layer in region.layers if not layer.measured]
    if unsourced:  # no lower edge is known: fade the layer out towards the bottom instead of drawing one
        top = region.span(unsourced[0].key).top_typical
        start = top + 0.35 * (frame["bottom"] - top)
        steps = 12
        for step in range(steps):
            y = start + (frame["bottom"] - start) * step / steps
            axes.add_patch(
                Rectangle(
                    (frame["left"], y),
                    width,
                    (frame["bottom"] - start) / steps,
                    facecolor="white",
                    alpha=0.75 * (step + 1) / steps,
                    linewidth=0,
                    gid="unsourced-fade",
                )
            )
    return drawn


def _boundary_ranges(axes, region: Region, frame: dict) -> None:
    """Fade the band where each layer boundary may lie across the sources, edged with dashed lines."""
    for span in region.spans():
        low, high = span.bottom_min, min(span.bottom_max, frame["bottom"])
        if math.isinf(span.bottom_max) or high - low < 1e-9:
            continue
        axes.add_patch(
            Rectangle(
                (frame["left"], low),
                frame["right"] - frame["left"],
                high - low,
                facecolor="white",
                alpha=0.45,
                edgecolor="none",
                gid=f"boundary-range-{span.key}",
            )
        )
        for y in (low, high):
            axes.plot(
                [frame["left"], frame["right"]], [y, y], color=SOURCE_COLOUR, linewidth=0.8, linestyle=(0, (4, 3))
            )


# How the needle and its labels look, shared by the figure and the explorer's overlay (widths and sizes in points).
NEEDLE_PT, HUB_PT, ARC_PT, GUIDE_PT = 2.2, 7.0, 0.9, 1.2
HUB_COLOUR = "#666666"
TIP_MARKER_PT, TIP_EDGE_PT = 7.0, 1.0
DEPTH_DASHES, LEVEL_DASHES = (3, 2), (1, 2)  # in line widths, as matplotlib scales dashes
ANGLE_LABEL_OFFSET_PT, LENGTH_LABEL_GAP_PT, TIP_LABEL_OFFSET_PT = (5.0, 0.0), 13.0, (-3.0, 2.0)
SKIN_LABEL_RAISE_PT = 15.0  # "skin surface" sits this far above the surface line
CALLOUT_SHRINK_PT = 4.0  # the callout's leader line stops short of the tip marker
ANGLE_LABEL_STYLE = {
    "size_pt": FONT + 0.5,
    "bold": True,
    "va": "center",
    "box": {"pad": 0.1, "face": "white", "alpha": 0.8},
}
LENGTH_LABEL_STYLE = {
    "size_pt": FONT,
    "ha": "center",
    "va": "center",
    "box": {"pad": 0.15, "face": "white", "alpha": 0.85},
}
TIP_LABEL_STYLE = {
    "size_pt": FONT,
    "bold": True,
    "colour": TIP_COLOUR,
    "ha": "right",
    "va": "bottom",
    "box": {"pad": 0.1, "face": "white", "alpha": 0.85},
}
SUBTITLE_STYLE = {"size_pt": FONT + 1.5, "va": "top", "linespacing": 1.1}
SUBTITLE_AT_IN = (0.1, 0.42)  # from the figure's left and top edges


def _callout_style(reading: "NeedleReading", corner: tuple) -> dict:
    """The callout box: edged in the verdict's colour, placed at the chosen corner."""
    colour = TONES[STATUS_TONE[reading.status]][0]
    box = {"pad": 0.35, "face": "white", "edge": colour, "edge_pt": 1.6}
    return {"size_pt": FONT, "ha": corner[2], "va": corner[3], "multialignment": "left", "box": box}


def _mpl_text(style: dict) -> dict:
    """A shared text style as matplotlib keyword arguments."""
    kwargs = {
        "fontsize": style["size_pt"],
        "fontweight": "bold" if style.get("bold") else "normal",
        "color": style.get("colour", "black"),
        "ha": style.get("ha", "left"),
        "va": style.get("va", "baseline"),
    }
    for key in ("multialignment", "linespacing"):
        if key in style:
            kwargs[key] = style[key]
    box = style.get("box")
    if box:
        kwargs["bbox"] = {
            "boxstyle": f"round,pad={box['pad']}",
            "facecolor": box["face"],
            "edgecolor": box.get("edge") or "none",
            "linewidth": box.get("edge_pt", 1.0),
            "alpha": box.get("alpha", 1.0),
        }
    return kwargs


@dataclass(frozen=True)
class NeedleGeometry:
    """Where each part of the needle goes, in drawing mm (x along the skin from the entry point, y down from it).

    The matplotlib figure and the explorer's overlay both draw from this, so the two cannot disagree.
    """

    length_mm: float
    angle_deg: float
    tip: tuple[float, float]
    outside: tuple[float, float]  # the end of the part still outside the skin, where the hub starts
    hub_end: tuple[float, float]
    arc: tuple[tuple[float, float], ...]  # the angle between needle and skin
    angle_label_at: tuple[float, float]
    length_label_at: tuple[float, float]
    level_end: tuple[float, float]  # the tip's level line runs out to the drawing's right edge, where the depth is

    @property
    def length_label_offset_pt(self) -> tuple[float, float]:
        """The inserted length is written off the needle's lower-left side (the angle arc is on its upper right)."""
        radians = math.radians(self.angle_deg)
        return -LENGTH_LABEL_GAP_PT * math.sin(radians), -LENGTH_LABEL_GAP_PT * math.cos(radians)


def needle_geometry(length_mm, angle_deg, frame: dict) -> NeedleGeometry:
    """The needle's parts for an inserted length and angle in a drawing frame: the tip is length x (cos, sin) of the
    angle from the entry point [ref-16a]."""
    length, angle = check_needle(length_mm, angle_deg)
    radians = math.radians(angle)
    direction = (math.cos(radians), math.sin(radians))
    tip = (length * direction[0], needle_depth(length, angle))
    stub = frame["stub"]
    outside = (-stub * direction[0], -stub * direction[1])
    hub = 0.08 * (frame["bottom"] - frame["top"])
    radius = 0.3 * min(length, frame["bottom"])
    steps = [radians * i / 24 for i in range(25)]
    return NeedleGeometry(
        length_mm=length,
        angle_deg=angle,
        tip=tip,
        outside=outside,
        hub_end=(outside[0] - hub * direction[0], outside[1] - hub * direction[1]),
        arc=tuple((radius * math.cos(step), radius * math.sin(step)) for step in steps),
        angle_label_at=(radius * math.cos(radians / 2), radius * math.sin(radians / 2)),
        length_label_at=(tip[0] * 0.65, tip[1] * 0.65),
        level_end=(frame["right"], tip[1]),
    )


def _needle(axes, geometry: NeedleGeometry) -> None:
    """The needle at its inserted length and angle, the part outside the skin, the hub and the angle arc."""
    (out_x, out_y), (tip_x, tip_y) = geometry.outside, geometry.tip
    line = {"solid_capstyle": "butt"}
    axes.plot([out_x, tip_x], [out_y, tip_y], color=NEEDLE_COLOUR, linewidth=NEEDLE_PT, gid="needle", zorder=5, **line)
    axes.plot(
        [out_x, geometry.hub_end[0]],
        [out_y, geometry.hub_end[1]],
        color=HUB_COLOUR,
        linewidth=HUB_PT,
        gid="needle-hub",
        zorder=5,
        **line,
    )
    axes.plot(
        [tip_x],
        [tip_y],
        marker="o",
        markersize=TIP_MARKER_PT,
        color=TIP_COLOUR,
        markeredgecolor="white",
        markeredgewidth=TIP_EDGE_PT,
        zorder=7,
        gid="tip",
    )
    axes.plot(
        *zip(*geometry.arc, strict=True), color=NEEDLE_COLOUR, linewidth=ARC_PT, zorder=6, gid="angle-arc", **line
    )
    axes.annotate(
        f"{geometry.angle_deg:g}°",
        geometry.angle_label_at,
        xytext=ANGLE_LABEL_OFFSET_PT,
        textcoords="offset points",
        zorder=7,
        gid="angle-label",
        **_mpl_text(ANGLE_LABEL_STYLE),
    )
    axes.annotate(
        f"{geometry.length_mm:g} mm inserted",
        geometry.length_label_at,
        xytext=geometry.length_label_offset_pt,
        textcoords="offset points",
        rotation=-geometry.angle_deg,
        rotation_mode="anchor",
        zorder=7,
        gid="length-label",
        **_mpl_text(LENGTH_LABEL_STYLE),
    )
    # Vertical depth from the surface down to the tip, and a level line out to the depth ruler.
    axes.plot([tip_x, tip_x], [0, tip_y], color=TIP_COLOUR, linewidth=GUIDE_PT, linestyle=(0, DEPTH_DASHES), zorder=6)
    axes.plot(
        [tip_x, geometry.level_end[0]],
        [tip_y, tip_y],
        color=TIP_COLOUR,
        linewidth=GUIDE_PT,
        linestyle=(0, LEVEL_DASHES),
        zorder=6,
    )


def _scale_bar(axes, frame: dict) -> None:
    """A millimetre scale bar in the air above the skin (the drawing is 1:1 in both directions)."""
    span = frame["right"] - frame["left"]
    size = next(step for step in (0.5, 1, 2, 5, 10) if step >= span / 9)
    x0 = frame["right"] - size - 0.04 * span
    y = frame["top"] * 0.62
    tick = 0.06 * frame["top"]
    axes.plot([x0, x0 + size], [y, y], color="black", linewidth=2.5, solid_capstyle="butt", gid="scale-bar")
    for x in (x0, x0 + size):
        axes.plot([x, x], [y - tick, y + tick], color="black", linewidth=1)
    axes.text(x0 + size / 2, y + tick, f"{size:g} mm", ha="center", va="bottom", fontsize=FONT, gid="scale-bar-label")
    # Raised above the tip's depth label, which sits at the right edge just over a shallow tip's level line.
    axes.annotate(
        "skin surface",
        (frame["right"] - 0.02 * span, 0),
        xytext=(0, SKIN_LABEL_RAISE_PT),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=FONT - 0.5,
        style="italic",
    )


def _layer_label(region: Region, key: str) -> str:
    """A layer's label in the drawing: name, thickness range (derived or UNSOURCED said in words) and sources."""
    if key == DEEPER:
        return f"{DEEPER_LABEL}\n(not measured here)"
    layer = region.layer(key)
    if layer.measured:
        text = f"{layer.label}\n{layer.range_text()}\n{_wrapped_keys(layer.references)}"
    else:
        text = f"{layer.label}\nthickness UNSOURCED\n(no lower edge drawn)"
    if layer.status == "derived":
        text = text.replace("\n", " (derived)\n", 1)
    return text


def _label_line_height_in() -> float:
    return 1.2 * 1.1 * FONT / 72


def _labels_height_in(region: Region) -> float:
    """The height the left-hand labels need, in inches, so the drawing can be made at least that tall."""
    keys = [layer.key for layer in region.layers] + [DEEPER]
    lines = max(_layer_label(region, key).count("\n") + 1 for key in keys)
    return len(keys) * (lines * _label_line_height_in() + 0.14)


def _layer_labels(axes, region: Region, drawn, frame: dict) -> None:
    """Each layer's name, thickness range and sources in the left margin, with a leader line to the layer."""
    height = frame["bottom"] - frame["top"]
    wanted, texts = [], []
    for key, top, bottom in drawn:
        wanted.append(1 - ((top + bottom) / 2 - frame["top"]) / height)
        texts.append((key, _layer_label(region, key), (top + bottom) / 2))
    axes_height_in = axes.get_position().height * axes.figure.get_figheight()
    lines = [text.count("\n") + 1 for _, text, _ in texts]
    gap = (max(lines) * _label_line_height_in() + 0.14) / axes_height_in
    placed = _spread(wanted, gap=gap, low=0.5 * gap, high=1 - 0.5 * gap)
    for (key, text, y), position in zip(texts, placed, strict=True):
        colour, _, dark = LAYER_STYLE[key]
        axes.annotate(
            text,
            (frame["left"], y),
            xytext=(-0.04, position),
            textcoords="axes fraction",
            ha="right",
            va="center",
            fontsize=FONT,
            annotation_clip=False,
            gid=f"label-{key}",
            linespacing=1.1,
            bbox={"boxstyle": "round,pad=0.25", "facecolor": colour, "alpha": 0.35, "edgecolor": dark},
            arrowprops={"arrowstyle": "-", "color": dark, "linewidth": 0.8},
        )


def _ruler_columns(region: Region, technique: Technique | None, frame: dict) -> list[dict]:
    """The bars beside the drawing: the target layer here, the course's range, and each source's depth."""
    columns = []
    if technique is None:
        return columns
    for target in technique.target_layers:
        span = region.span(target)
        columns.append(
            {
                "kind": "target",
                "top": span.top_typical,
                "bottom": span.bottom_typical,
                "label": f"target layer here: {layer_words(target)}",
                "colour": TARGET_COLOUR,
                "width": 7,
            }
        )
    course = technique.course_range
    limit = course_limit(region, technique)
    columns.append(
        {
            "kind": "course",
            "top": min(course.min or 0.0, limit),
            "bottom": limit,
            "label": f"the course here: at most {limit:g} mm",
            "colour": COURSE_COLOUR,
            "width": 4,
        }
    )
    for claim in technique.depths:
        columns.append(
            {
                "kind": "source",
                "top": claim.min or 0.0,
                "bottom": claim.max,
                "label": claim.text(),
                "colour": SOURCE_COLOUR,
                "width": 2,
            }
        )
    return columns


def _ruler(axes, region: Region, technique: Technique | None, frame: dict, compare: bool) -> None:
    """The depth ruler beside the drawing: the target layer here, the course's range, each source (the tip's depth
    is drawn with the needle)."""
    axes.set_ylim(frame["bottom"], frame["top"])
    axes.set_xlim(0, 10)
    axes.spines[["top", "right", "bottom"]].set_visible(False)
    axes.spines["left"].set_bounds(0, frame["bottom"])
    axes.set_xticks([])
    axes.set_ylabel("depth below the surface (mm)", fontsize=FONT - 0.5, labelpad=2)
    axes.tick_params(axis="y", labelsize=FONT)
    # Ticks 1, 2 or 5 (times a power of ten) apart, written without trailing zeros: short labels that leave room
    # for the axis title.
    ticks = MaxNLocator(nbins=6, steps=[1, 2, 5, 10]).tick_values(0, frame["bottom"])
    axes.set_yticks([tick for tick in ticks if 0 <= tick <= frame["bottom"]])
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axes.axhline(0, color="black", linewidth=0.8)
    columns = _ruler_columns(region, technique, frame)
    if compare:
        model = next(iter(skin_data()["teaching_models"].values()))
        columns.append(
            {
                "kind": "model",
                "top": 0.0,
                "bottom": frame["bottom"],
                "colour": MODEL_COLOUR,
                "label": f"{model['label']} {_keys(model['references'])}: {model['says']}",
            }
        )
    height = frame["bottom"] - frame["top"]
    wanted, shown = [], []
    for number, column in enumerate(columns):
        x = 0.4 + number * 0.6
        top, bottom = column["top"], min(column["bottom"], frame["bottom"])
        colour = column["colour"]
        if column["kind"] == "model":
            _model_column(axes, model, x, frame)
        elif bottom - top < 1e-9:  # a single depth: a short tick rather than a bar
            axes.plot([x - 0.3, x + 0.3], [top, top], color=colour, linewidth=3, gid=f"ruler-{column['kind']}")
        else:
            axes.plot(
                [x, x],
                [top, bottom],
                color=colour,
                linewidth=column["width"],
                solid_capstyle="butt",
                gid=f"ruler-{column['kind']}",
            )
            for y in (top, bottom):
                axes.plot([x - 0.22, x + 0.22], [y, y], color=colour, linewidth=1.2)
        if column["bottom"] > frame["bottom"] and column["kind"] != "model":
            axes.annotate(
                "",
                (x, frame["bottom"] + 0.04 * height),
                xytext=(x, frame["bottom"] - 0.02 * height),
                arrowprops={"arrowstyle": "->", "color": colour},
                annotation_clip=False,
            )
        anchor = (top + bottom) / 2 if column["kind"] != "model" else 0.3 * height
        wanted.append(1 - (anchor - frame["top"]) / height)
        shown.append((x, anchor, column["label"], colour, column["kind"]))
    label_x = 0.4 + max(len(columns), 1) * 0.6 + 0.15
    # Wrap the labels to the room left of the ruler's right edge (bold text is a little wider, hence 0.62 em).
    room_in = (1 - label_x / 10) * axes.get_position().width * axes.figure.get_figwidth()
    characters = max(16, int(room_in / (0.62 * (FONT - 0.5) / 72)))
    shown = [(x, anchor, textwrap.fill(text, characters), colour, kind) for x, anchor, text, colour, kind in shown]
    if shown:
        axes_height_in = axes.get_position().height * axes.figure.get_figheight()
        order = sorted(range(len(shown)), key=lambda i: -wanted[i])
        line_heights = [(shown[i][2].count("\n") + 1) * 0.17 + 0.1 for i in order]
        placed, previous = {}, None
        for rank, index in enumerate(order):
            value = wanted[index]
            if previous is not None:
                gap = (line_heights[rank - 1] + line_heights[rank]) / 2 / axes_height_in
                value = min(value, placed[previous] - gap)
            placed[index] = min(value, 0.97)
            previous = index
        # The lowest label stays whole above the drawing's bottom edge, clear of the notes under the picture.
        floor = line_heights[-1] / 2 / axes_height_in
        lowest = placed[order[-1]]
        if lowest < floor:
            for index in placed:
                placed[index] += floor - lowest
        for index, (x, anchor, text, colour, kind) in enumerate(shown):
            axes.annotate(
                text,
                (x + 0.15, anchor),
                xytext=(label_x, placed[index]),
                textcoords=("data", "axes fraction"),
                ha="left",
                va="center",
                fontsize=FONT - 0.5,
                color="black",
                annotation_clip=False,
                gid=f"ruler-label-{kind}",
                linespacing=1.05,
                fontweight="bold" if kind in ("target", "course") else "normal",
                # The leader starts at the label's left edge (relpos), so it never runs through the words.
                arrowprops={
                    "arrowstyle": "-",
                    "color": colour,
                    "linewidth": 0.7,
                    "shrinkA": 2,
                    "shrinkB": 1,
                    "relpos": (0, 0.5),
                },
            )
    if not columns:
        axes.text(
            0.6,
            0.5 * frame["bottom"],
            textwrap.fill("Choose a technique to see its target layer and what each source says about its depth.", 30),
            fontsize=FONT,
            style="italic",
            color="#333333",
            va="center",
            gid="ruler-hint",
        )
    else:
        key = "green: target layer here · orange: the course · grey: each source"
        if compare:
            key += " · striped: the 2008 course"
        axes.text(
            0,
            1.02,
            textwrap.fill(key, 40),
            transform=axes.transAxes,
            fontsize=FONT - 1,
            va="bottom",
            color="#333333",
            gid="ruler-key",
        )


def _model_column(axes, model: dict, x: float, frame: dict) -> None:
    """The 2008 university course's layer depths as a striped column, for comparison with the measurements."""
    top = 0.0
    for band in model["bands"]:
        bottom = band["bottom_max"] if band["bottom_max"] is not None else frame["bottom"]
        bottom = min(bottom, frame["bottom"])
        colour, hatch, dark = LAYER_STYLE[band["layer"]]
        if bottom > top:
            axes.add_patch(
                Rectangle(
                    (x - 0.3, top),
                    0.6,
                    bottom - top,
                    facecolor=colour,
                    alpha=0.7,
                    hatch=hatch,
                    hatchcolor=dark,
                    edgecolor=dark,
                    linewidth=0.8,
                    gid=f"model-{band['label']}",
                )
            )
        if band["bottom_max"] is not None and band["bottom_max"] != band["bottom_min"]:
            axes.plot(
                [x + 0.35, x + 0.35],
                [band["bottom_min"], min(band["bottom_max"], frame["bottom"])],
                color=dark,
                linewidth=2,
            )
        top = bottom


def _callout_corner(text: str, tip: tuple[float, float], frame: dict, draw_height_in: float) -> tuple:
    """Where the callout box goes: the first spot (bottom corners first) that covers neither needle nor tip."""
    width_mm, height_mm = frame["right"] - frame["left"], frame["bottom"] - frame["top"]
    lines = text.split("\n")
    box_w = (max(len(line) for line in lines) * 0.55 * FONT / 72 + 0.15) / DRAW_IN
    box_h = (len(lines) * 1.22 * FONT / 72 + 0.15) / draw_height_in

    def fraction(x, y):
        return (x - frame["left"]) / width_mm, 1 - (y - frame["top"]) / height_mm

    entry = fraction(0, 0)
    end = fraction(*tip)
    needle = [(entry[0] + (end[0] - entry[0]) * i / 30, entry[1] + (end[1] - entry[1]) * i / 30) for i in range(31)]
    # The level line from the tip to the right edge, where the tip's depth is written, must stay readable too.
    needle += [(end[0] + (1 - end[0]) * i / 10, end[1]) for i in range(11)]
    surface = fraction(0, 0)[1]
    candidates = [
        (0.98, 0.03, "right", "bottom"),
        (0.02, 0.03, "left", "bottom"),
        (0.98, surface - 0.04, "right", "top"),
        (0.02, surface - 0.04, "left", "top"),
        (0.98, 0.35, "right", "bottom"),
        (0.02, 0.35, "left", "bottom"),
    ]

    def covered(candidate):
        x, y, ha, va = candidate
        x0 = x - box_w if ha == "right" else x
        y0 = y - box_h if va == "top" else y
        return sum(x0 - 0.02 <= px <= x0 + box_w + 0.02 and y0 - 0.02 <= py <= y0 + box_h + 0.02 for px, py in needle)

    return min(candidates, key=covered)


def callout_text(reading: NeedleReading) -> str:
    """The tip's depth and layer in words, with the verdict's symbol and words when a technique is chosen."""
    symbol, words = STATUS_WORDS[reading.status]
    text = f"Tip {depth_text(reading.depth_mm)} deep:\n{reading.finding.words(short=True)}"
    if reading.technique is not None:
        text += f"\n{symbol} {words}{reading.direction}"
    return "\n".join(textwrap.fill(line, 30) for line in text.split("\n"))


def needle_line(reading: NeedleReading, callout: bool, ruler: bool) -> str:
    """The line under the title: the needle, and (with callout) where its tip ends, wrapped to the figure's width."""
    text = f"Needle inserted {reading.length_mm:g} mm at {reading.angle_deg:g}° to the skin"
    if callout:
        text += f" → tip {depth_text(reading.depth_mm)} deep: {reading.finding.words()}"
    # With the ruler, the line ends before the ruler's column, whose colour key sits above it.
    return textwrap.fill(text, 84 if ruler else 68)


def _needle_parts(figure, axes, ruler_axes, reading: NeedleReading, frame: dict, callout: bool) -> None:
    """Everything that moves with the needle, drawn with matplotlib: needle, callout, tip depth, the needle line."""
    geometry = needle_geometry(reading.length_mm, reading.angle_deg, frame)
    _needle(axes, geometry)
    layout = _layout(frame, ruler_axes is not None)
    if callout:
        text = callout_text(reading)
        corner = _callout_corner(text, geometry.tip, frame, layout["draw_height"])
        axes.annotate(
            text,
            geometry.tip,
            xytext=corner[:2],
            textcoords="axes fraction",
            zorder=8,
            gid="tip-callout",
            arrowprops={"arrowstyle": "-", "color": TIP_COLOUR, "linewidth": 1, "shrinkB": CALLOUT_SHRINK_PT},
            **_mpl_text(_callout_style(reading, corner)),
        )
        axes.annotate(
            f"tip {depth_text(reading.depth_mm)}",
            geometry.level_end,
            xytext=TIP_LABEL_OFFSET_PT,
            textcoords="offset points",
            gid="tip-depth-label",
            zorder=8,
            **_mpl_text(TIP_LABEL_STYLE),
        )
        if ruler_axes is not None:
            ruler_axes.axhline(
                reading.depth_mm,
                color=TIP_COLOUR,
                linewidth=GUIDE_PT,
                linestyle=(0, DEPTH_DASHES),
                zorder=6,
                gid="ruler-tip",
            )
    figure.text(
        SUBTITLE_AT_IN[0] / layout["width"],
        1 - SUBTITLE_AT_IN[1] / layout["height"],
        needle_line(reading, callout, ruler_axes is not None),
        gid="subtitle",
        **_mpl_text(SUBTITLE_STYLE),
    )


def cross_section_alt(reading: NeedleReading, callout: bool = True, compare: bool = False) -> str:
    """Alt text: the same facts as the picture, in words, for screen readers (and the quiz without the answer)."""
    region = reading.region
    layers = "; ".join(f"{layer_words(layer.key)} {layer.range_text()}" for layer in region.layers)
    parts = [
        f"Cross-section of the {region.label.lower()} drawn to scale, from the surface down: {layers}; below that, "
        "deeper tissue.",
        f"A needle enters the skin at {reading.angle_deg:g} degrees with {reading.length_mm:g} mm inserted.",
    ]
    if reading.technique is not None:
        parts.append(
            f"{reading.technique.label} aims for {reading.technique.target_words}; the course's limit for "
            f"it is {course_limit_text(region, reading.technique)}."
        )
    if callout:
        parts.append(f"The tip is {depth_text(reading.depth_mm)} deep: {reading.finding.words()}.")
        if reading.technique is not None:
            parts.append(reading.headline.split(" ", 1)[1] + ".")
    if compare:
        model = next(iter(skin_data()["teaching_models"].values()))
        parts.append(f"For comparison, the {model['label']} teaches: {model['says']}.")
    return " ".join(parts)


def _background(region: Region, technique: Technique | None, compare: bool, frame: dict, ruler: bool):
    """Everything in the drawing that stays while the needle moves: layers to scale with their labels and sources,
    the target band, the mm scale, the depth ruler, title and notes. Returns (Figure, drawing axes, ruler axes)."""
    layout = _layout(frame, ruler)
    fig_w, fig_h, draw_height = layout["width"], layout["height"], layout["draw_height"]
    # Made at the PNG's resolution, so the axes' pixel mapping is the picture's (see figures.PixelMap).
    figure = Figure(figsize=(fig_w, fig_h), dpi=PNG_DPI)
    axes = figure.add_axes((LEFT_IN / fig_w, BOTTOM_IN / fig_h, DRAW_IN / fig_w, draw_height / fig_h))
    axes.set_xlim(frame["left"], frame["right"])
    axes.set_ylim(frame["bottom"], frame["top"])
    axes.set_aspect("equal")
    axes.set_axis_off()
    drawn = _layer_rectangles(axes, region, frame)
    _boundary_ranges(axes, region, frame)
    if technique is not None:
        for target in technique.target_layers:
            span = region.span(target)
            bottom = min(span.bottom_typical, frame["bottom"])
            axes.add_patch(
                Rectangle(
                    (frame["left"], span.top_typical),
                    frame["right"] - frame["left"],
                    bottom - span.top_typical,
                    facecolor="none",
                    edgecolor=TARGET_COLOUR,
                    linewidth=2.6,
                    zorder=4,
                    gid="target-band",
                )
            )
    axes.plot([frame["left"], frame["right"]], [0, 0], color="black", linewidth=1)
    _scale_bar(axes, frame)
    _layer_labels(axes, region, drawn, frame)
    ruler_axes = None
    if ruler:
        ruler_axes = figure.add_axes(
            ((LEFT_IN + DRAW_IN + 0.55) / fig_w, BOTTOM_IN / fig_h, (RIGHT_IN - 0.6) / fig_w, draw_height / fig_h)
        )
        _ruler(ruler_axes, region, technique, frame, compare)
    technique_part = f" · {technique.label}" if technique else ""
    figure.text(
        0.01,
        1 - 0.1 / fig_h,
        f"{region.label}{technique_part}: drawn to scale",
        fontsize=FONT + 3.5,
        fontweight="bold",
        va="top",
        gid="title",
    )
    notes = ["Faded bands between dashed lines: where a boundary may lie across the sources."]
    if technique is not None:
        notes.append("Green frame: the target layer.")
    if any(layer.status == "derived" for layer in region.layers):
        notes.append("≈ derived: not measured at this site; taken from the nearest sourced values.")
    figure.text(
        0.01,
        0.06 / fig_h,
        textwrap.fill(" ".join(notes), 135 if ruler else 90),
        fontsize=FONT - 0.5,
        va="bottom",
        color="#333333",
        gid="notes",
    )
    return figure, axes, ruler_axes


@figure_maker("cross_section")
def cross_section(
    region, length_mm, angle_deg, technique=None, callout: bool = True, compare: bool = False, ruler: bool = True
):
    """The region's layers to scale with the needle, the tip's depth and layer in words and the target band.

    Returns (Figure, alt text). `callout=False` leaves out the tip's depth and layer (for quiz questions);
    `compare=True` adds the 2008 university course's layer depths beside the measured ones; `ruler=False` leaves
    out the depth ruler, for a narrower picture where space is short (quiz questions).
    """
    reading = read_needle(region, length_mm, angle_deg, technique)
    frame = _frame(reading.region, needle_reach(reading.length_mm))
    figure, axes, ruler_axes = _background(reading.region, reading.technique, compare, frame, ruler)
    _needle_parts(figure, axes, ruler_axes, reading, frame, callout)
    return figure, cross_section_alt(reading, callout, compare)


# ---------------------------------------------------------------------------------------------------------------
# The depth explorer's picture: drawn once, the needle drawn over it
