"""Accessibility helpers (WCAG 2.2): colour contrast and a palette that colour-blind readers can tell apart."""

# Okabe and Ito's palette: distinguishable with the common colour-vision deficiencies and in print.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}
# WCAG 2.2 success criteria 1.4.3 (text) and 1.4.11 (parts of graphics needed to understand them).
TEXT_CONTRAST = 4.5
GRAPHIC_CONTRAST = 3.0


def _rgb(colour: str) -> tuple[float, float, float]:
    """#rrggbb or #rgb as three 0..1 values."""
    value = colour.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(part * 2 for part in value)
    if len(value) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    try:
        return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        raise ValueError(f"not a #rrggbb colour: {colour!r}") from None


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of an sRGB colour (0 for black, 1 for white)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in _rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio between two colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
