"""Course figures as accessible images: a matplotlib figure plus alt text, shown as <img alt=...>."""

import base64
import html
import importlib
import io

# Figures a question bank may ask for by name (the `figure:` field); each maker returns (Figure, alt text).
# Makers build matplotlib.figure.Figure directly (not pyplot), so no backend or open-figure state is involved.
FIGURE_MAKERS = {}


def figure_maker(name: str):
    """Decorator that lets question banks and notebooks ask for a figure by name."""

    def register(function):
        FIGURE_MAKERS[name] = function
        return function

    return register


# Modules that register figure makers; imported on first use so the quiz does not pull in every engine part.
FIGURE_MODULES = ("mesocourse.skin", "mesocourse.aftercare")


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


def png_bytes(figure, dpi: int = 110) -> bytes:
    """The figure rendered to PNG."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def figure_html(figure, alt: str, max_width: str = "100%") -> str:
    """An <img> tag with the figure inline and its alt text, for screen readers and for nbval-stable output."""
    data = base64.b64encode(png_bytes(figure)).decode("ascii")
    return (
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
        f'title="{html.escape(alt, quote=True)}" style="max-width:{max_width};height:auto">'
    )
