"""The depth explorer's picture: the cross-section kept as a PNG backdrop, the needle drawn over it as SVG.

Moving a slider redraws only the SVG needle; the backdrop is cached per region, technique and zoom level.
"""

import math
from dataclasses import dataclass
from functools import lru_cache

from mesocourse.figures import (
    PixelMap,
    overlay_html,
    png_bytes,
    png_data_uri,
    points_to_pixels,
    svg_circle,
    svg_line,
    svg_text,
    text_extent,
)
from mesocourse.skin.figures import (
    ANGLE_LABEL_OFFSET_PT,
    ANGLE_LABEL_STYLE,
    ARC_PT,
    CALLOUT_SHRINK_PT,
    DEPTH_DASHES,
    FONT,
    GUIDE_PT,
    HUB_COLOUR,
    HUB_PT,
    LENGTH_LABEL_STYLE,
    LEVEL_DASHES,
    NEEDLE_COLOUR,
    NEEDLE_PT,
    SUBTITLE_AT_IN,
    SUBTITLE_STYLE,
    TIP_COLOUR,
    TIP_EDGE_PT,
    TIP_LABEL_OFFSET_PT,
    TIP_LABEL_STYLE,
    TIP_MARKER_PT,
    _background,
    _callout_corner,
    _callout_style,
    _frame,
    _layout,
    callout_text,
    cross_section_alt,
    needle_geometry,
    needle_line,
    needle_reach,
)
from mesocourse.skin.model import (
    NeedleReading,
    depth_text,
    regions,
    techniques,
)


@dataclass(frozen=True)
class Backdrop:
    """The explorer's picture without the needle, as a PNG, with where its drawing and ruler lie in its pixels."""

    src: str  # data: URI of the PNG
    size_px: tuple[int, int]
    frame: tuple[tuple[str, float], ...]  # the drawing's extent in mm (the frame's items)
    drawing: PixelMap  # drawing mm -> picture pixels
    ruler: PixelMap  # ruler (depth in mm) -> picture pixels
    draw_height_in: float
    figure_in: tuple[float, float]  # width and height in inches


@lru_cache(maxsize=32)
def _backdrop(region_key: str, technique_key: str | None, compare: bool, frame_items: tuple) -> Backdrop:
    """Render the picture behind the needle once; kept, so a slider move only redraws the needle (overlay)."""
    frame = dict(frame_items)
    technique = techniques()[technique_key] if technique_key else None
    figure, axes, ruler_axes = _background(regions()[region_key], technique, compare, frame, ruler=True)
    png = png_bytes(figure, tight=False)  # drawing it also settles the axes, so the pixel maps read after it hold
    layout = _layout(frame, ruler=True)
    return Backdrop(
        src=png_data_uri(png),
        size_px=(round(figure.bbox.width), round(figure.bbox.height)),
        frame=frame_items,
        drawing=PixelMap.of(axes),
        ruler=PixelMap.of(ruler_axes),
        draw_height_in=layout["draw_height"],
        figure_in=(layout["width"], layout["height"]),
    )


def explorer_backdrop(reading: NeedleReading, compare: bool) -> Backdrop:
    """The picture behind this needle: shared by every needle of the same zoom level (and levels that look alike)."""
    frame = _frame(reading.region, needle_reach(reading.length_mm))
    technique = reading.technique.key if reading.technique else None
    return _backdrop(reading.region.key, technique, compare, tuple(frame.items()))


def needle_overlay_svg(reading: NeedleReading, backdrop: Backdrop, callout: bool = True) -> str:
    """The needle and what moves with it as SVG in the backdrop's pixels: the same parts, places and styles as the
    figure's (needle_geometry, _callout_corner and the shared styles), built in well under a millisecond."""
    frame = dict(backdrop.frame)
    geometry = needle_geometry(reading.length_mm, reading.angle_deg, frame)
    to_px = backdrop.drawing
    tip = to_px(*geometry.tip)

    def offset(point, offset_pt):  # matplotlib's "offset points" count y upwards, the picture's pixels downwards
        return point[0] + points_to_pixels(offset_pt[0]), point[1] - points_to_pixels(offset_pt[1])

    left, top, right, bottom = to_px.box
    # Lines and the tip are clipped to the drawing, as matplotlib clips them to the axes.
    clipped = [
        f'<svg x="{left:.2f}" y="{top:.2f}" width="{right - left:.2f}" height="{bottom - top:.2f}" '
        f'viewBox="{left:.2f} {top:.2f} {right - left:.2f} {bottom - top:.2f}" overflow="hidden" aria-hidden="true">',
        svg_line([to_px(*geometry.outside), tip], NEEDLE_COLOUR, NEEDLE_PT, css_class="needle"),
        svg_line([to_px(*geometry.outside), to_px(*geometry.hub_end)], HUB_COLOUR, HUB_PT, css_class="needle-hub"),
        svg_line([to_px(*point) for point in geometry.arc], NEEDLE_COLOUR, ARC_PT, css_class="angle-arc"),
        svg_line([to_px(geometry.tip[0], 0), tip], TIP_COLOUR, GUIDE_PT, DEPTH_DASHES, css_class="depth-line"),
        svg_line([tip, to_px(*geometry.level_end)], TIP_COLOUR, GUIDE_PT, LEVEL_DASHES, css_class="level-line"),
        svg_circle(tip, TIP_MARKER_PT, TIP_COLOUR, "white", TIP_EDGE_PT, css_class="tip"),
        "</svg>",
    ]
    parts = [
        *clipped,
        svg_text(
            f"{geometry.angle_deg:g}°",
            offset(to_px(*geometry.angle_label_at), ANGLE_LABEL_OFFSET_PT),
            css_class="angle-label",
            **ANGLE_LABEL_STYLE,
        ),
        svg_text(
            f"{geometry.length_mm:g} mm inserted",
            offset(to_px(*geometry.length_label_at), geometry.length_label_offset_pt),
            rotation=-geometry.angle_deg,
            css_class="length-label",
            **LENGTH_LABEL_STYLE,
        ),
    ]
    if callout:
        text = callout_text(reading)
        corner = _callout_corner(text, geometry.tip, frame, backdrop.draw_height_in)
        style = _callout_style(reading, corner)
        at = to_px.fraction(*corner[:2])
        box_left, box_top, box_right, box_bottom = text_extent(text, at, FONT, ha=style["ha"], va=style["va"])
        centre = ((box_left + box_right) / 2, (box_top + box_bottom) / 2)
        # The leader runs from the box (drawn over its start) to just short of the tip marker.
        gap = math.dist(centre, tip)
        shrink = min(points_to_pixels(CALLOUT_SHRINK_PT) / gap, 1.0) if gap else 1.0
        end = (tip[0] + (centre[0] - tip[0]) * shrink, tip[1] + (centre[1] - tip[1]) * shrink)
        ruler_left, _, ruler_right, _ = backdrop.ruler.box
        ruler_y = backdrop.ruler(0, reading.depth_mm)[1]
        parts += [
            svg_line([centre, end], TIP_COLOUR, 1.0, css_class="callout-leader"),
            svg_text(text, at, css_class="tip-callout", **style),
            svg_text(
                f"tip {depth_text(reading.depth_mm)}",
                offset(to_px(*geometry.level_end), TIP_LABEL_OFFSET_PT),
                css_class="tip-depth-label",
                **TIP_LABEL_STYLE,
            ),
            svg_line(
                [(ruler_left, ruler_y), (ruler_right, ruler_y)],
                TIP_COLOUR,
                GUIDE_PT,
                DEPTH_DASHES,
                css_class="ruler-tip",
            ),
        ]
    width_in, height_in = backdrop.figure_in
    subtitle_at = (
        SUBTITLE_AT_IN[0] / width_in * backdrop.size_px[0],
        SUBTITLE_AT_IN[1] / height_in * backdrop.size_px[1],
    )
    parts.append(svg_text(needle_line(reading, callout, True), subtitle_at, css_class="subtitle", **SUBTITLE_STYLE))
    return "".join(parts)


def explorer_drawing_html(reading: NeedleReading, compare: bool = False) -> str:
    """The explorer's drawing: the kept picture with the needle drawn over it, and alt text for this needle."""
    backdrop = explorer_backdrop(reading, compare)
    return overlay_html(
        backdrop.src,
        cross_section_alt(reading, True, compare),
        backdrop.size_px,
        needle_overlay_svg(reading, backdrop),
        max_width="60em",
        css_class="mesocourse-drawing",
        data={"needle": f"{reading.length_mm:g} mm at {reading.angle_deg:g}°"},
    )
