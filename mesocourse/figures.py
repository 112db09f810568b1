"""Course figures as accessible images: a matplotlib figure plus alt text, shown as <img alt=...>.

Interactive figures can keep a matplotlib picture as a still background and draw what moves as an SVG overlay on
top of it (`PixelMap`, `svg_line`, `svg_text`, `overlay_html`): the browser then redraws a few shapes instead of
waiting for a new picture.
"""

import base64
import html
import importlib
import io
from dataclasses import dataclass
from functools import cache, lru_cache

# Figures a question bank may ask for by name (the `figure:` field); each maker returns (Figure, alt text).
# Makers build matplotlib.figure.Figure directly (not pyplot), so no backend or open-figure state is involved.
FIGURE_MAKERS = {}
PNG_DPI = 110  # pixels per inch of every course picture as laid out on the page (CSS pixels)
# Pictures are rendered at twice that and shown at half their size, so they stay sharp on high-density screens and
# when zoomed (overlays keep drawing on the PNG_DPI grid).
SHARPNESS = 2
# The notebook's text column on a 1366 px laptop with JupyterLab's file browser open; no text may be smaller
# than MIN_TEXT_PX there, so a figure wider than the column is drawn with larger type.
COURSE_WIDTH_PX = 960
MIN_TEXT_PX = 11
EM_PX = 14  # JupyterLab's text size: a max_width in em becomes pixels with it
# matplotlib's own font first, so text in an overlay looks like the text in the picture under it.
SVG_FONT = "'DejaVu Sans', 'Bitstream Vera Sans', Verdana, sans-serif"


def figure_maker(name: str):
    """Decorator that lets question banks and notebooks ask for a figure by name."""

    def register(function):
        FIGURE_MAKERS[name] = function
        return function

    return register


# Modules that register figure makers; imported on first use so the quiz does not pull in every engine part.
FIGURE_MODULES = ("mesocourse.skin.figures", "mesocourse.aftercare.figures")


def make_figure(name: str, args: dict):
    """Build a named figure with its arguments; returns (Figure, alt text)."""
    if name not in FIGURE_MAKERS:
        for module in FIGURE_MODULES:
            try:
                importlib.import_module(module)
            except ModuleNotFoundError as missing:
                if missing.name != module:
                    raise
    if name not in FIGURE_MAKERS:
        raise KeyError(f"no course figure named {name!r}; known: {', '.join(sorted(FIGURE_MAKERS))}")
    return FIGURE_MAKERS[name](**args)


def png_bytes(figure, dpi: int = PNG_DPI * SHARPNESS, tight: bool = True) -> bytes:
    """The figure rendered to PNG (at SHARPNESS times the page's resolution, for sharp text).

    `tight` crops to what is drawn, so labels outside the axes are never cut off; it costs a second render. A figure
    laid out with fixed margins passes tight=False: one render, and the picture is exactly the figure's size, so
    `PixelMap` knows where every point lands.
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight" if tight else None)
    return buffer.getvalue()


def png_data_uri(png: bytes) -> str:
    """A PNG as a data: URI, so the picture travels inside the notebook and the widget message."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels of a PNG, read from its header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def image_html(src: str, alt: str, style: str, width: int | None = None) -> str:
    """An <img> with its alt text (also as a tooltip), for screen readers and for nbval-stable output."""
    text = html.escape(alt, quote=True)
    size = f' width="{width}"' if width else ""
    return f'<img src="{src}" alt="{text}" title="{text}"{size} style="{style}">'


def figure_html(figure, alt: str, max_width: str = "100%", tight: bool = True) -> str:
    """An <img> tag with the figure inline and its alt text, for screen readers and for nbval-stable output."""
    png = png_bytes(figure, tight=tight)
    width = round(png_size(png)[0] / SHARPNESS)
    return image_html(png_data_uri(png), alt, f"max-width:{max_width};height:auto", width=width)


def shown_width_px(figure, max_width: str = "100%", tight: bool = True) -> float:
    """How wide figure_html's picture is on the page at the course's width (in CSS pixels)."""
    natural = png_size(png_bytes(figure, tight=tight))[0] / SHARPNESS
    limit = COURSE_WIDTH_PX
    if max_width.endswith("em"):
        limit = min(limit, float(max_width[:-2]) * EM_PX)
    elif max_width.endswith("px"):
        limit = min(limit, float(max_width[:-2]))
    return min(natural, limit)


# ---------------------------------------------------------------------------------------------------------------
# SVG overlays on a picture


def points_to_pixels(points: float) -> float:
    """A length in typographic points (matplotlib's unit for line widths and fonts) in picture pixels."""
    return points * PNG_DPI / 72


@dataclass(frozen=True)
class PixelMap:
    """Where one axes' data coordinates land in its figure's PNG (saved at PNG_DPI, not cropped): pixels, y down."""

    scale_x: float
    offset_x: float
    scale_y: float
    offset_y: float
    box: tuple[float, float, float, float]  # the axes in pixels: left, top, right, bottom

    @classmethod
    def of(cls, axes) -> "PixelMap":
        """Read the mapping of a drawn axes (call after rendering: an equal aspect may move the axes when drawn)."""
        figure = axes.get_figure(root=True)
        if figure.dpi != PNG_DPI:
            raise ValueError(f"the figure must be made with dpi={PNG_DPI} to map its pixels; it has {figure.dpi}")
        height = figure.bbox.height
        (x0, y0), (x1, y1) = axes.transData.transform([(0.0, 0.0), (1.0, 1.0)])
        box = axes.bbox
        return cls(x1 - x0, x0, -(y1 - y0), height - y0, (box.x0, height - box.y1, box.x1, height - box.y0))

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        """The pixel of a data point."""
        return self.scale_x * x + self.offset_x, self.scale_y * y + self.offset_y

    def data(self, px: float, py: float) -> tuple[float, float]:
        """The data point of a pixel (the mapping turned round)."""
        return (px - self.offset_x) / self.scale_x, (py - self.offset_y) / self.scale_y

    def fraction(self, fx: float, fy: float) -> tuple[float, float]:
        """The pixel of a point given as a fraction of the axes (0, 0 = lower left), like "axes fraction"."""
        left, top, right, bottom = self.box
        return left + fx * (right - left), bottom - fy * (bottom - top)


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def svg_line(points, colour: str, width_pt: float, dashes=None, cap: str = "butt", css_class: str = "") -> str:
    """A line through pixel points; `dashes` in line widths, as matplotlib scales them (e.g. (3, 2))."""
    attributes = [
        f'points="{" ".join(f"{_number(x)},{_number(y)}" for x, y in points)}"',
        f'fill="none" stroke="{colour}" stroke-width="{_number(points_to_pixels(width_pt))}"',
        f'stroke-linecap="{cap}" stroke-linejoin="round"',
    ]
    if dashes:
        pattern = " ".join(_number(points_to_pixels(part * width_pt)) for part in dashes)
        attributes.append(f'stroke-dasharray="{pattern}"')
    if css_class:
        attributes.append(f'class="{css_class}"')
    return f"<polyline {' '.join(attributes)}/>"


def svg_circle(centre, diameter_pt: float, colour: str, edge: str, edge_pt: float, css_class: str = "") -> str:
    """A filled circle like a matplotlib "o" marker (size = diameter in points)."""
    x, y = centre
    extra = f' class="{css_class}"' if css_class else ""
    return (
        f'<circle cx="{_number(x)}" cy="{_number(y)}" r="{_number(points_to_pixels(diameter_pt / 2))}" '
        f'fill="{colour}" stroke="{edge}" stroke-width="{_number(points_to_pixels(edge_pt))}"{extra}/>'
    )


@cache
def _measuring_renderer():
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(1, 1, PNG_DPI)


@cache
def _font(size_pt: float, bold: bool):
    """Font properties and the font's line metrics in pixels (ascent, descent, line gap), as matplotlib uses them."""
    from matplotlib.font_manager import FontProperties, findfont
    from matplotlib.ft2font import FT2Font

    properties = FontProperties(size=size_pt, weight="bold" if bold else "normal")
    font = FT2Font(findfont(properties))
    table = font.get_sfnt_table("OS/2")
    scale = points_to_pixels(size_pt) / font.get_sfnt_table("head")["unitsPerEm"]
    return properties, table["sTypoAscender"] * scale, -table["sTypoDescender"] * scale, table["sTypoLineGap"] * scale


@lru_cache(maxsize=4096)
def _line_size(line: str, size_pt: float, bold: bool) -> tuple[float, float, float]:
    """Width, height and descent of one line of text in pixels, measured with matplotlib's own font code."""
    if not line:
        return 0.0, 0.0, 0.0
    return _measuring_renderer().get_text_width_height_descent(line, _font(size_pt, bold)[0], ismath=False)


def text_layout(text: str, size_pt: float, bold: bool = False, linespacing: float | None = None):
    """Lines of a text laid out as matplotlib does: [(line, width, baseline from the top)], block width, height."""
    _, min_ascent, min_descent, line_gap = _font(size_pt, bold)
    lines = text.split("\n")
    if len(lines) == 1:
        line_gap = 0.0
    laid, top = [], 0.0
    for line in lines:
        width, height, descent = _line_size(line, size_pt, bold)
        ascent = height - descent
        if linespacing is None:  # matplotlib's "normal": at least the font's own ascent and descent
            ascent, descent = max(ascent, min_ascent) + line_gap / 2, max(descent, min_descent) + line_gap / 2
        else:
            leading = linespacing * (min_ascent + min_descent) - (ascent + descent)
            ascent, descent = ascent + leading / 2, descent + leading / 2
        laid.append((line, width, top + ascent))
        top += ascent + descent
    return laid, max(width for _, width, _ in laid), top


def _aligned(laid, width: float, height: float, ha: str, va: str) -> tuple[float, float]:
    """The top-left corner of a laid-out text relative to its anchor, for matplotlib's ha and va."""
    left = {"left": 0.0, "center": -width / 2, "right": -width}[ha]
    top = {"top": 0.0, "center": -height / 2, "bottom": -height, "baseline": -laid[0][2]}[va]
    return left, top


def text_extent(
    text: str,
    at,
    size_pt: float,
    *,
    bold: bool = False,
    ha: str = "left",
    va: str = "baseline",
    linespacing: float | None = None,
) -> tuple[float, float, float, float]:
    """The pixel box (left, top, right, bottom) of an unrotated text placed as svg_text places it, without padding."""
    laid, width, height = text_layout(text, size_pt, bold, linespacing)
    left, top = _aligned(laid, width, height, ha, va)
    return at[0] + left, at[1] + top, at[0] + left + width, at[1] + top + height


def svg_text(
    text: str,
    at,
    size_pt: float,
    *,
    colour: str = "black",
    bold: bool = False,
    ha: str = "left",
    va: str = "baseline",
    multialignment: str | None = None,
    linespacing: float | None = None,
    rotation: float = 0.0,
    box: dict | None = None,
    css_class: str = "",
) -> str:
    """Text placed like matplotlib places it (alignment, lines, rotation about the anchor, optional box).

    `rotation` is in degrees counter-clockwise, as in matplotlib (anchored rotation). `box` = {"pad": fraction of
    the font size, "face": colour, "edge": colour or None, "edge_pt": width, "alpha": face opacity}. Each line keeps
    the width matplotlib measured (textLength), so a browser font of other proportions still fits its box.
    """
    laid, width, height = text_layout(text, size_pt, bold, linespacing)
    left, top = _aligned(laid, width, height, ha, va)
    align = multialignment or ha
    parts = []
    if box is not None:
        pad = box["pad"] * points_to_pixels(size_pt)
        stroke = (
            f'stroke="{box["edge"]}" stroke-width="{_number(points_to_pixels(box.get("edge_pt", 1.0)))}"'
            if box.get("edge")
            else 'stroke="none"'
        )
        parts.append(
            f'<rect x="{_number(left - pad)}" y="{_number(top - pad)}" width="{_number(width + 2 * pad)}" '
            f'height="{_number(height + 2 * pad)}" rx="{_number(pad)}" fill="{box["face"]}" '
            f'fill-opacity="{box.get("alpha", 1.0):g}" {stroke}/>'
        )
    weight = ' font-weight="bold"' if bold else ""
    spans = []
    for line, line_width, baseline in laid:
        if not line:
            continue
        x = left + {"left": 0.0, "center": (width - line_width) / 2, "right": width - line_width}[align]
        spans.append(
            f'<text x="{_number(x)}" y="{_number(top + baseline)}" textLength="{_number(line_width)}" '
            f'lengthAdjust="spacingAndGlyphs">{html.escape(line)}</text>'
        )
    parts.append(f'<g font-size="{_number(points_to_pixels(size_pt))}" fill="{colour}"{weight}>{"".join(spans)}</g>')
    x, y = at
    # SVG turns clockwise for positive angles because its y axis points down.
    turn = f" rotate({_number(-rotation)})" if rotation else ""
    extra = f' class="{css_class}"' if css_class else ""
    return f'<g transform="translate({_number(x)},{_number(y)}){turn}"{extra}>{"".join(parts)}</g>'


def overlay_html(
    src: str, alt: str, size_px: tuple[int, int], svg_body: str, max_width: str, css_class: str, data: dict
) -> str:
    """A picture with an SVG drawn exactly over it (same pixel grid), scaling together; one piece of HTML.

    The <img> carries the alt text for screen readers; the overlay is hidden from them because the alt text already
    says everything it shows. `data` becomes data-* attributes (what the overlay shows, for tests and timing).
    """
    width, height = size_px
    attributes = " ".join(f'data-{key}="{html.escape(str(value), quote=True)}"' for key, value in data.items())
    return (
        f'<div class="{css_class}" {attributes} style="position:relative;width:100%;'
        f'max-width:min({max_width},{width}px);line-height:0">'
        + image_html(src, alt, "display:block;width:100%;height:auto")
        + f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" preserveAspectRatio="none" '
        f'aria-hidden="true" focusable="false" font-family="{SVG_FONT}" '
        f'style="position:absolute;left:0;top:0;width:100%;height:100%;pointer-events:none">{svg_body}</svg></div>'
    )
