"""Skin layers, injection techniques and needle geometry: the to-scale cross-section and the depth explorer.

All numbers come from assets/skin.yaml, where each carries its reference keys. The plain functions here
(`needle_depth`, `layer_at`, `techniques_for_layer`, `read_needle`) hold every decision; the drawing and the widget
only show what they return, so tests can check the logic without a browser.
"""

import html
import math
import textwrap
from dataclasses import dataclass
from functools import cache, lru_cache
from numbers import Real

import ipywidgets as widgets
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from mesocourse.assets import AssetError, load_asset
from mesocourse.figures import (
    PNG_DPI,
    PixelMap,
    figure_html,
    figure_maker,
    overlay_html,
    png_bytes,
    png_data_uri,
    points_to_pixels,
    svg_circle,
    svg_line,
    svg_text,
    text_extent,
)
from mesocourse.look import OKABE_ITO, TONES, status_box
from mesocourse.references import UnknownReference, cite, keys_in_text, resolve

SKIN_FILE, SKIN_SCHEMA = "skin.yaml", "skin.schema.json"
# The pseudo-layer below the deepest measured layer: the sources give no thickness for what lies there.
DEEPER = "deeper"
DEEPER_LABEL = "Deeper tissue"
DEEPER_WORDS = "deeper tissue below the fat layer"

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
# Verdict states: a word and a symbol first, never colour alone. Colours follow the quiz feedback boxes.
STATUS_STYLE = {
    "none": (*TONES["info"][:2], "ℹ", "Where the tip lands"),
    "on-target": (*TONES["right"][:2], "✔", "In the target layer"),
    "near-edge": ("#6b4500", "#fff4dc", "⚠", "Caution: the tip may be outside the target layer"),
    "off-target": (*TONES["wrong"][:2], "✘", "Warning: the tip is outside the target layer"),
}
LENGTH_LIMITS_MM = (0.5, 13.0)  # the sliders: mesotherapy needles are 4-13 mm long [ref-9]; less = partly inserted


class SkinInputError(ValueError):
    """A needle length, angle, depth, region or technique that the course cannot use, said in plain words."""


# ---------------------------------------------------------------------------------------------------------------
# The data


@dataclass(frozen=True)
class LayerThickness:
    """One layer's thickness in one region: a range in mm with its sources, or marked derived or unsourced."""

    key: str
    label: str
    status: str
    min: float | None
    max: float | None
    typical: float | None
    references: tuple[str, ...]
    note: str

    @property
    def measured(self) -> bool:
        """True when the sources give a thickness (measured here or derived from a neighbouring region)."""
        return self.status != "unsourced"

    def range_text(self) -> str:
        """The thickness as shown to learners: "0.76–1.97 mm", "≈ 6 mm" for derived, or "thickness not in sources"."""
        if not self.measured:
            return "thickness not in sources"
        prefix = "≈ " if self.status == "derived" else ""
        return prefix + span_text(self.min, self.max)


@dataclass(frozen=True)
class LayerSpan:
    """Where a layer lies below the surface in a region: top and bottom depth, each as min / typical / max."""

    key: str
    top_min: float
    top_typical: float
    top_max: float
    bottom_min: float
    bottom_typical: float
    bottom_max: float


@dataclass(frozen=True)
class Region:
    """A body region and its layers from the surface down."""

    key: str
    label: str
    layers: tuple[LayerThickness, ...]

    def layer(self, key: str) -> LayerThickness:
        """The layer with this key (SkinInputError if the region has no such layer)."""
        for layer in self.layers:
            if layer.key == key:
                return layer
        raise SkinInputError(f"the {self.label.lower()} has no layer called {key!r}")

    @property
    def references(self) -> tuple[str, ...]:
        """Every reference key behind this region's numbers, in order of first use."""
        keys = [key for layer in self.layers for key in layer.references]
        return tuple(dict.fromkeys(keys))

    def spans(self) -> tuple[LayerSpan, ...]:
        """Depth of each layer's top and bottom, adding thicknesses from the surface (min, typical and max)."""
        spans, low, mid, high = [], 0.0, 0.0, 0.0
        for layer in self.layers:
            if layer.measured:
                typical = layer.typical if layer.typical is not None else (layer.min + layer.max) / 2
                bottom = (low + layer.min, mid + typical, high + layer.max)
            else:
                # Unknown thickness: the layer may end anywhere below its top, so nothing deeper can be ruled out.
                bottom = (low, math.inf, math.inf)
            spans.append(LayerSpan(layer.key, low, mid, high, *bottom))
            low, mid, high = bottom
        return tuple(spans)

    def span(self, key: str) -> LayerSpan:
        """The depth span of one layer (or of the deeper tissue below the last layer)."""
        if key == DEEPER:
            last = self.spans()[-1]
            return LayerSpan(
                DEEPER, last.bottom_min, last.bottom_typical, last.bottom_max, math.inf, math.inf, math.inf
            )
        return next(span for span in self.spans() if span.key == key)


@dataclass(frozen=True)
class Claim:
    """What one group of sources says (a depth, a needle, a detail), with the mm range it amounts to if any."""

    says: str
    references: tuple[str, ...]
    min: float | None = None
    max: float | None = None

    def text(self) -> str:
        """The claim with its reference keys, as shown to learners."""
        return f"{self.says} [{', '.join(self.references)}]" if self.references else self.says


@dataclass(frozen=True)
class CourseRange:
    """The depth range the course teaches for a technique (the safer end of the sources) and why."""

    min: float | None
    max: float
    references: tuple[str, ...]
    why: str

    def text(self) -> str:
        """ "up to 2 mm" or "1–2 mm", with the keys."""
        depth = f"up to {self.max:g} mm" if self.min is None else span_text(self.min, self.max)
        return f"{depth} [{', '.join(self.references)}]"


@dataclass(frozen=True)
class Technique:
    """A named injection technique: its target layer, what each source says about depth, angle and needle."""

    key: str
    label: str
    short: str
    also_called: str
    target_layers: tuple[str, ...]
    target_words: str
    depths: tuple[Claim, ...]
    course_range: CourseRange
    angle: Claim
    needles: tuple[Claim, ...]
    details: tuple[Claim, ...]

    @property
    def references(self) -> tuple[str, ...]:
        """Every reference key behind this technique's numbers."""
        claims = [*self.depths, self.angle, *self.needles, *self.details]
        keys = [key for claim in claims for key in claim.references] + list(self.course_range.references)
        keys += sorted(keys_in_text(self.course_range.why))
        return tuple(dict.fromkeys(keys))


def span_text(low: float, high: float) -> str:
    """A range in mm as written in the course: "2 mm" when both ends agree, else "0.76–1.97 mm"."""
    return f"{low:g} mm" if low == high else f"{low:g}–{high:g} mm"


def depth_text(depth_mm: float) -> str:
    """A computed depth with sensible precision: 0.26 mm, 2.0 mm, 9.2 mm."""
    return f"{depth_mm:.2f} mm" if depth_mm < 1 else f"{depth_mm:.1f} mm"


def _fail(entry: str, message: str):
    raise AssetError(f"assets/{SKIN_FILE}, entry {entry}: {message}")


def _check_notes(text: str, entry: str) -> None:
    for key in sorted(keys_in_text(text)):
        try:
            resolve(key)
        except UnknownReference as unknown:
            _fail(entry, str(unknown))


def check_skin_data(data: dict) -> None:
    """Course rules the schema cannot express: layer order, min <= typical <= max, known layers, keys in notes."""
    layer_order = list(data["layers"])
    for region_key, region in data["regions"].items():
        if list(region["layers"]) != layer_order:
            _fail(f"regions/{region_key}/layers", f"the layers must be {', '.join(layer_order)}, in that order")
        for layer_key, value in region["layers"].items():
            entry = f"regions/{region_key}/layers/{layer_key}"
            if value["status"] != "unsourced":
                low, high, typical = value["min"], value["max"], value.get("typical", value["min"])
                if not low <= high:
                    _fail(entry, f"min ({low}) is larger than max ({high})")
                if not low <= typical <= high:
                    _fail(entry, f"typical ({typical}) lies outside min..max ({low}..{high})")
            elif layer_key != layer_order[-1]:
                _fail(entry, "only the deepest layer may be unsourced (the drawing needs the layers above it)")
            _check_notes(value["note"], entry)
    for tech_key, technique in data["techniques"].items():
        for layer in technique["target_layers"]:
            if layer not in layer_order:
                _fail(f"techniques/{tech_key}/target_layers", f"unknown layer {layer!r}")
        for number, claim in enumerate(technique["depths"]):
            if claim.get("min", 0) > claim["max"]:
                _fail(f"techniques/{tech_key}/depths/{number}", "min is larger than max")
        _check_notes(technique["course_range"]["why"], f"techniques/{tech_key}/course_range")
    for model_key, model in data["teaching_models"].items():
        for number, band in enumerate(model["bands"]):
            if band["layer"] not in layer_order:
                _fail(f"teaching_models/{model_key}/bands/{number}", f"unknown layer {band['layer']!r}")


@cache
def skin_data() -> dict:
    """assets/skin.yaml, checked against its schema and the course rules, every reference resolved."""
    data = load_asset(SKIN_FILE, SKIN_SCHEMA)
    check_skin_data(data)
    return data


def layer_labels() -> dict[str, str]:
    """Layer key -> label, from the surface down, plus the deeper tissue."""
    labels = {key: value["label"] for key, value in skin_data()["layers"].items()}
    labels[DEEPER] = DEEPER_LABEL
    return labels


def layer_words(key: str) -> str:
    """A layer's name in running text: "dermis", "subcutaneous fat"."""
    return DEEPER_WORDS if key == DEEPER else layer_labels()[key].lower()


def short_layer_words(key: str) -> str:
    """A layer's shortest name, for labels inside the drawing: "epidermis", "dermis", "fat", "deeper tissue"."""
    return {"fat": "fat", DEEPER: "deeper tissue"}.get(key, layer_words(key))


def _claim(raw: dict) -> Claim:
    return Claim(raw["says"], tuple(raw.get("references", ())), raw.get("min"), raw.get("max"))


@cache
def regions() -> dict[str, Region]:
    """Every body region of the course, by key, in the order of assets/skin.yaml."""
    labels = layer_labels()
    result = {}
    for key, raw in skin_data()["regions"].items():
        layers = tuple(
            LayerThickness(
                layer_key,
                labels[layer_key],
                value["status"],
                value.get("min"),
                value.get("max"),
                value.get("typical"),
                tuple(value.get("references", ())),
                " ".join(value["note"].split()),
            )
            for layer_key, value in raw["layers"].items()
        )
        result[key] = Region(key, raw["label"], layers)
    return result


@cache
def techniques() -> dict[str, Technique]:
    """Every named technique, by key, shallowest first."""
    result = {}
    for key, raw in skin_data()["techniques"].items():
        course = raw["course_range"]
        result[key] = Technique(
            key=key,
            label=raw["label"],
            short=raw["short"],
            also_called=raw["also_called"],
            target_layers=tuple(raw["target_layers"]),
            target_words=raw["target_words"],
            depths=tuple(_claim(claim) for claim in raw["depths"]),
            course_range=CourseRange(
                course.get("min"), course["max"], tuple(course["references"]), " ".join(course["why"].split())
            ),
            angle=_claim(raw["angle"]),
            needles=tuple(_claim(claim) for claim in raw["needles"]),
            details=tuple(_claim(claim) for claim in raw["details"]),
        )
    return result


def _lookup(kind: str, name, table: dict):
    if isinstance(name, str):
        wanted = name.strip().lower()
        for key, item in table.items():
            if wanted in (key, item.label.lower()):
                return item
    raise SkinInputError(f"there is no {kind} called {name!r}; choose one of: {', '.join(table)}")


def region_named(region) -> Region:
    """A Region from its key or label ("forehead", "Upper arm"); a plain error lists the known ones."""
    return region if isinstance(region, Region) else _lookup("body region", region, regions())


def technique_named(technique) -> Technique:
    """A Technique from its key or label ("nappage"); a plain error lists the known ones."""
    return technique if isinstance(technique, Technique) else _lookup("technique", technique, techniques())


def techniques_for_layer(layer: str) -> list[str]:
    """Keys of the techniques that aim at this layer ("dermis" -> papule, nappage, point-by-point)."""
    if layer not in skin_data()["layers"]:
        raise SkinInputError(f"there is no layer called {layer!r}; choose one of: {', '.join(skin_data()['layers'])}")
    return [key for key, technique in techniques().items() if layer in technique.target_layers]


def landed_in_fat_finding() -> dict:
    """The re-measurement finding that most "intradermal" injections ended in fat [ref-16b]."""
    return skin_data()["findings"]["landed-in-fat"]


# ---------------------------------------------------------------------------------------------------------------
# Needle geometry and layer lookup


def _number(value, what: str, example: str) -> float:
    """A real number from a learner's or trainer's input, or a SkinInputError that says what was expected."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise SkinInputError(f"the {what} must be a number, for example {example}; got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise SkinInputError(f"the {what} must be an ordinary number, for example {example}; got {value!r}")
    return value


def check_needle(length_mm, angle_deg) -> tuple[float, float]:
    """The inserted length (> 0 mm) and the angle to the skin (more than 0, at most 90 degrees), checked."""
    length = _number(length_mm, "inserted needle length in mm", "4")
    angle = _number(angle_deg, "angle to the skin in degrees", "30")
    if length <= 0:
        raise SkinInputError(f"the inserted needle length must be more than 0 mm; got {length:g} mm")
    if not 0 < angle <= 90:
        raise SkinInputError(
            f"the angle to the skin must be more than 0 and at most 90 degrees (90 = straight down into the skin, "
            f"close to 0 = almost flat along it); got {angle:g} degrees"
        )
    return length, angle


def needle_depth(length_mm, angle_deg) -> float:
    """How deep the needle tip is under the surface: inserted length x sin(angle to the skin) [ref-16a]."""
    length, angle = check_needle(length_mm, angle_deg)
    return length * math.sin(math.radians(angle))


def length_for_depth(depth_mm, angle_deg) -> float:
    """The inserted length that puts the tip at this depth at this angle (the same rule, turned round)."""
    depth = _number(depth_mm, "depth in mm", "2")
    _, angle = check_needle(1, angle_deg)
    if depth < 0:
        raise SkinInputError(f"the depth must be 0 mm or more; got {depth:g} mm")
    return depth / math.sin(math.radians(angle))


@dataclass(frozen=True)
class LayerFinding:
    """Which layer a depth falls in for a region, in ranges: the likely layer and every layer it may be."""

    region: Region
    depth_mm: float
    likely: str
    possible: tuple[str, ...]

    @property
    def certain(self) -> bool:
        """True when every sourced measurement puts this depth in the same layer."""
        return self.possible == (self.likely,)

    @property
    def unsourced(self) -> bool:
        """True when the answer depends on a layer whose thickness is not in the sources."""
        return any(key != DEEPER and not self.region.layer(key).measured for key in self.possible)

    def words(self, short: bool = False) -> str:
        """Plain words: "dermis", or "likely dermis, may be subcutaneous fat" (short: "likely dermis, may be fat")."""
        name = short_layer_words if short else layer_words
        if self.certain:
            text = name(self.likely)
        else:
            others = [name(key) for key in self.possible if key != self.likely]
            text = f"likely {name(self.likely)}, may be {' or '.join(others)}"
        if self.unsourced:
            text += " (fat thickness not in sources)" if short else " (the fat's thickness here is not in the sources)"
        return text


def layer_at(region, depth_mm) -> LayerFinding:
    """The layer at a depth below the surface of a region; where sourced ranges overlap, likely plus possible."""
    region = region_named(region)
    depth = _number(depth_mm, "depth in mm", "2")
    if depth < 0:
        raise SkinInputError(f"the depth must be 0 mm or more (0 is the skin surface); got {depth:g} mm")
    spans = region.spans()
    # A layer owns the depths from just below its top down to its bottom; the surface itself counts as epidermis.
    likely = next((span.key for span in spans if depth <= span.bottom_typical), DEEPER)
    possible = [span.key for span in spans if span.top_min <= depth <= span.bottom_max]
    if depth > spans[-1].bottom_min:
        possible.append(DEEPER)
    if likely not in possible:  # only at an exact edge where min and typical coincide
        possible.append(likely)
    order = [*(span.key for span in spans), DEEPER]
    return LayerFinding(region, depth, likely, tuple(sorted(set(possible), key=order.index)))


def safe_depths(region, layer: str) -> tuple[float, float] | None:
    """The depths strictly between (from, to) that are in this layer by every source; None if the ranges leave none."""
    span = region_named(region).span(layer)
    low, high = span.top_max, span.bottom_min
    if not region_named(region).layer(layer).measured:
        high = math.inf
    return (low, high) if high > low else None


# ---------------------------------------------------------------------------------------------------------------
# The verdict: everything the drawing and the explorer say, as plain sentences with reference keys


@dataclass(frozen=True)
class NeedleReading:
    """Where a needle of a given inserted length and angle ends in a region, and what that means for a technique."""

    region: Region
    technique: Technique | None
    length_mm: float
    angle_deg: float
    depth_mm: float
    finding: LayerFinding
    status: str
    lines: tuple[str, ...]

    @property
    def headline(self) -> str:
        """The verdict in a symbol and words, e.g. "✘ Warning: the tip is outside the target layer (too deep)"."""
        symbol, words = STATUS_STYLE[self.status][2:]
        return f"{symbol} {words}{self.direction}"

    @property
    def references(self) -> tuple[str, ...]:
        """Every reference key the verdict's sentences cite."""
        keys = [key for line in self.lines for key in sorted(keys_in_text(line))]
        return tuple(dict.fromkeys(keys))

    @property
    def leaves_target(self) -> bool:
        """True when the tip is (likely or possibly) outside the technique's target layer."""
        return self.status in ("near-edge", "off-target")

    @property
    def direction(self) -> str:
        """ " (too deep)" or " (too shallow)" when the tip is outside the target layer, else nothing."""
        if self.status != "off-target":
            return ""
        order = [*(layer.key for layer in self.region.layers), DEEPER]
        targets = [order.index(key) for key in self.technique.target_layers]
        return " (too deep)" if order.index(self.finding.likely) > max(targets) else " (too shallow)"


def _keys(keys) -> str:
    return f"[{', '.join(keys)}]"


def layer_span_sentence(region: Region, key: str) -> str:
    """Where a layer lies in a region, in words with its sources."""
    layer, span = region.layer(key), region.span(key)
    name = layer_words(key)
    if not layer.measured:
        return (
            f"The {name} here starts about {depth_text(span.top_typical)} deep; how far down it goes is not in "
            f"the course's sources."
        )
    derived = " (derived, not measured here: see the notes)" if layer.status == "derived" else ""
    if span.bottom_min == span.bottom_max:
        edge = f"its lower edge at about {depth_text(span.bottom_typical)}"
    else:
        edge = (
            f"its lower edge about {depth_text(span.bottom_typical)} deep, anywhere from "
            f"{round(span.bottom_min, 3):g} to {round(span.bottom_max, 3):g} mm across the sources"
        )
    # The lower edge depends on every layer above it too, so their sources are cited with it.
    above = region.layers[: [item.key for item in region.layers].index(key) + 1]
    keys = dict.fromkeys(ref for item in above for ref in item.references)
    return f"The {name} here is {layer.range_text()} thick{derived}, {edge} {_keys(keys)}."


def _status(finding: LayerFinding, technique: Technique | None) -> str:
    if technique is None:
        return "none"
    targets = set(technique.target_layers)
    if set(finding.possible) <= targets:
        return "on-target"
    if finding.likely in targets:
        return "near-edge"
    return "off-target"


def read_needle(region, length_mm, angle_deg, technique=None) -> NeedleReading:
    """Depth, layer and verdict for a needle in a region, with every number's sources, as plain sentences."""
    region = region_named(region)
    technique = technique_named(technique) if technique not in (None, "", "none") else None
    length, angle = check_needle(length_mm, angle_deg)
    depth = needle_depth(length, angle)
    finding = layer_at(region, depth)
    status = _status(finding, technique)
    geometry_keys = _keys(skin_data()["geometry"]["references"])
    lines = [
        f"Depth of the tip: {length:g} mm × sin {angle:g}° = {depth_text(depth)} {geometry_keys}.",
        f"On the {region.label.lower()} that is {finding.words()}.",
    ]
    if technique is None:
        lines.append(
            layer_span_sentence(region, finding.likely)
            if finding.likely != DEEPER
            else layer_span_sentence(region, region.layers[-1].key)
        )
        lines.append("Choose a technique to compare the tip with the layer that technique aims for.")
        return NeedleReading(region, None, length, angle, depth, finding, status, tuple(lines))

    course = technique.course_range
    sources = "; ".join(claim.text() for claim in technique.depths)
    lines.append(
        f"{technique.label} aims for {technique.target_words}. Sources say: {sources}. The course uses {course.text()}."
    )
    for target in technique.target_layers:
        lines.append(layer_span_sentence(region, target))
    if depth > course.max:
        lines.append(
            f"The tip is deeper than the course's limit of {course.max:g} mm for {technique.short} "
            f"{_keys(course.references)}."
        )
    elif course.min is not None and depth < course.min:
        lines.append(
            f"The tip is shallower than the {course.min:g} mm the sources give for {technique.short} "
            f"{_keys(course.references)}."
        )
    if status != "on-target":
        if "dermis" in technique.target_layers and "fat" in finding.possible:
            finding_fat = landed_in_fat_finding()
            lines.append(
                f"This is the most common depth mistake: when published reports were re-measured, over "
                f'{finding_fat["percent"]:g}% of "intradermal" injections had landed in fat '
                f"{_keys(finding_fat['references'])}."
            )
        lines.append(_advice(region, technique, angle, geometry_keys))
    return NeedleReading(region, technique, length, angle, depth, finding, status, tuple(lines))


def _advice(region: Region, technique: Technique, angle: float, geometry_keys: str) -> str:
    """How to get the tip into the target layer at this angle, from the depths that every measurement agrees on."""
    windows = [safe_depths(region, layer) for layer in technique.target_layers]
    windows = [window for window in windows if window]
    if not windows:
        return (
            f"Here the measured ranges overlap so much that no depth is in {technique.target_words} by every "
            f"source: go shallower rather than deeper, and follow your clinic's protocol."
        )
    low = min(window[0] for window in windows)
    high = max(window[1] for window in windows)
    if math.isinf(high):
        return (
            f"At {angle:g}°, the tip needs at least {depth_text(low)} of depth, an inserted length of at least "
            f"{length_for_depth(low, angle):.1f} mm {geometry_keys}; how deep the layer goes here is not in the "
            f"sources. Follow your clinic's protocol."
        )
    target = layer_words(technique.target_layers[0])
    if high < 0.2:  # the epidermis: a few hundredths of a millimetre, so only the very tip may enter
        return (
            f"By every source the {target} here ends within {round(high, 3):g} mm of the surface: at {angle:g}° "
            f"that is less than {length_for_depth(high, angle):.2f} mm of needle inside the skin, so only the very "
            f"tip enters {geometry_keys}. Follow your clinic's protocol."
        )
    return (
        f"At {angle:g}°, an inserted length of {length_for_depth(low, angle):.1f}–"
        f"{length_for_depth(high, angle):.1f} mm keeps the tip {round(low, 3):g}–{round(high, 3):g} mm deep, inside "
        f"the {target} by every source {geometry_keys}. Follow your clinic's protocol."
    )


def verdict_html(reading: NeedleReading) -> str:
    """The verdict as an HTML box: symbol and words first, then the sentences; announced to screen readers."""
    colour, background = STATUS_STYLE[reading.status][:2]
    body = "".join(f"<li>{html.escape(line)}</li>" for line in reading.lines)
    return status_box(
        colour,
        background,
        f'<strong style="font-size:110%">{html.escape(reading.headline)}</strong>'
        f'<ul style="margin:4px 0 0 0;padding-left:1.2em;color:#1a1a1a">{body}</ul>',
        css_class="mesocourse-verdict",
    )


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
ANGLE_LABEL_OFFSET_PT, LENGTH_LABEL_GAP_PT, TIP_LABEL_OFFSET_PT = (5.0, 0.0), 11.0, (-3.0, 2.0)
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
    colour = STATUS_STYLE[reading.status][0]
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
        length_label_at=(tip[0] * 0.6, tip[1] * 0.6),
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
    axes.text(
        frame["right"] - 0.02 * span, 0, "skin surface", ha="right", va="bottom", fontsize=FONT - 0.5, style="italic"
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
    columns.append(
        {
            "kind": "course",
            "top": course.min or 0.0,
            "bottom": course.max,
            "label": f"the course: {course.text()}",
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
        line_heights = [(shown[i][2].count("\n") + 1) * 0.155 + 0.08 for i in order]
        placed, previous = {}, None
        for rank, index in enumerate(order):
            value = wanted[index]
            if previous is not None:
                gap = (line_heights[rank - 1] + line_heights[rank]) / 2 / axes_height_in
                value = min(value, placed[previous] - gap)
            placed[index] = min(value, 0.97)
            previous = index
        lowest = min(placed.values())
        if lowest < 0.03:
            for index in placed:
                placed[index] += 0.03 - lowest
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
                arrowprops={"arrowstyle": "-", "color": colour, "linewidth": 0.7, "shrinkA": 1, "shrinkB": 1},
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
    symbol, words = STATUS_STYLE[reading.status][2:]
    text = f"Tip {depth_text(reading.depth_mm)} deep:\n{reading.finding.words(short=True)}"
    if reading.technique is not None:
        text += f"\n{symbol} {words}{reading.direction}"
    return "\n".join(textwrap.fill(line, 30) for line in text.split("\n"))


def needle_line(reading: NeedleReading, callout: bool, ruler: bool) -> str:
    """The line under the title: the needle, and (with callout) where its tip ends, wrapped to the figure's width."""
    text = f"Needle inserted {reading.length_mm:g} mm at {reading.angle_deg:g}° to the skin"
    if callout:
        text += f" → tip {depth_text(reading.depth_mm)} deep: {reading.finding.words()}"
    return textwrap.fill(text, 100 if ruler else 68)


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
            f"{reading.technique.label} aims for {reading.technique.target_words}; the course's depth for "
            f"it is {reading.technique.course_range.text()}."
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


def show_cross_section(region, length_mm, angle_deg, technique=None, compare: bool = False):
    """The drawing as an accessible image in a notebook; a plain message instead of a traceback on bad input."""
    from IPython.display import HTML

    try:
        return HTML(figure_html(*cross_section(region, length_mm, angle_deg, technique, compare=compare)))
    except SkinInputError as problem:
        return HTML(message_html("The picture cannot be drawn", str(problem)))


def message_html(what: str, problem: str) -> str:
    """A plain information box for input the course cannot use (shown instead of a traceback)."""
    colour, background = TONES["info"][:2]
    return status_box(colour, background, f"ℹ {html.escape(what)}: {html.escape(problem)}.")


# ---------------------------------------------------------------------------------------------------------------
# Tables for the notebooks


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
            f"<td style='text-align:left;vertical-align:top'><strong>{html.escape(technique.course_range.text())}"
            f"</strong></td>{_cell(technique.angle.text())}"
            f"<td style='text-align:left;vertical-align:top'><ul style='margin:0'>{details}</ul></td></tr>"
        )
    headers = ["Technique", "Aims for", "Depth, as each source says", "The course uses", "Angle", "Needle and details"]
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


# ---------------------------------------------------------------------------------------------------------------
# The depth explorer


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


def technique_panel_html(technique) -> str:
    """What the sources say about one technique (depth, angle, needle, details) and what the course uses."""
    if technique in (None, "", "none"):
        return (
            "<p><em>No technique chosen: the drawing shows where the tip lands. Choose a technique to see its "
            "target layer and what the sources say.</em></p>"
        )
    technique = technique_named(technique)
    items = [f"<li><strong>Aims for:</strong> {html.escape(technique.target_words)}</li>"]
    for claim in technique.depths:
        kind = resolve(claim.references[0])["kind"]
        items.append(
            f"<li><strong>Depth:</strong> {html.escape(claim.text())} <small>({html.escape(kind)})</small></li>"
        )
    items.append(
        f"<li><strong>The course uses:</strong> {html.escape(technique.course_range.text())}. "
        f"{html.escape(technique.course_range.why)}</li>"
    )
    items.append(f"<li><strong>Angle:</strong> {html.escape(technique.angle.text())}</li>")
    for claim in [*technique.needles, *technique.details]:
        items.append(f"<li>{html.escape(claim.text())}</li>")
    sources = html.escape(cite(technique.references))
    return (
        f"<details><summary><strong>{html.escape(technique.label)}: what the sources say</strong></summary>"
        f"<ul>{''.join(items)}</ul><p style='font-size:90%'><em>Sources:</em> {sources}</p></details>"
    )


class DepthExplorer:
    """Region, technique, inserted length and angle in; the to-scale drawing and a verdict in words out."""

    def __init__(
        self,
        region: str = "forehead",
        technique: str | None = "nappage",
        length_mm: float = 1.5,
        angle_deg: float = 30,
        compare: bool = False,
    ):
        # Check the starting values once, so a wrong call says so plainly instead of breaking a widget.
        read_needle(region, length_mm, angle_deg, technique)
        wide = {"description_width": "16em"}
        self.region_dropdown = widgets.Dropdown(
            options=[(item.label, key) for key, item in regions().items()],
            value=region_named(region).key,
            description="Body region",
            style=wide,
            layout=widgets.Layout(width="42em"),
        )
        self.technique_dropdown = widgets.Dropdown(
            options=[("(none: just show where the tip lands)", None)]
            + [(item.label, key) for key, item in techniques().items()],
            value=technique_named(technique).key if technique else None,
            description="Technique",
            style=wide,
            layout=widgets.Layout(width="42em"),
        )
        self.length_slider = widgets.FloatSlider(
            value=length_mm,
            min=LENGTH_LIMITS_MM[0],
            max=LENGTH_LIMITS_MM[1],
            step=0.5,
            readout_format=".1f",
            description="Inserted needle length (mm)",
            style=wide,
            continuous_update=False,
            layout=widgets.Layout(width="46em"),
        )
        self.angle_slider = widgets.IntSlider(
            value=int(angle_deg),
            min=5,
            max=90,
            step=5,
            description="Angle to the skin (degrees)",
            style=wide,
            continuous_update=False,
            layout=widgets.Layout(width="46em"),
        )
        self.compare_box = widgets.Checkbox(
            value=compare,
            indent=False,
            description="Compare with the depths a 2008 university course teaches [ref-10]",
            layout=widgets.Layout(width="auto"),
        )
        self.verdict = widgets.HTML()
        self.image = widgets.HTML()
        self.sources = widgets.HTML()
        self.region_dropdown.observe(self._on_region, names="value")
        self.technique_dropdown.observe(self._on_technique, names="value")
        self.length_slider.observe(self._on_length, names="value")
        self.angle_slider.observe(self._on_angle, names="value")
        self.compare_box.observe(self._on_compare, names="value")
        self.reading: NeedleReading | None = None
        self.refresh()
        controls = widgets.VBox(
            [self.region_dropdown, self.technique_dropdown, self.length_slider, self.angle_slider, self.compare_box]
        )
        # The picture comes right under the controls and the verdict under it: the verdict's length changes with the
        # needle, and placing it below keeps the picture still while a slider moves.
        self.widget = widgets.VBox([controls, self.image, self.verdict, self.sources])
        self.widget.add_class("mesocourse-depth-explorer")

    def refresh(self) -> None:
        """Recompute the verdict and redraw: the needle over the kept picture, which is drawn anew only for a new
        region, technique, comparison or zoom level. Each widget's value is replaced in place, so nothing flickers."""
        self.reading = read_needle(
            self.region_dropdown.value, self.length_slider.value, self.angle_slider.value, self.technique_dropdown.value
        )
        self.verdict.value = verdict_html(self.reading)
        self.image.value = explorer_drawing_html(self.reading, bool(self.compare_box.value))
        self.sources.value = technique_panel_html(self.technique_dropdown.value)

    def _on_region(self, change) -> None:
        self.refresh()

    def _on_technique(self, change) -> None:
        self.refresh()

    def _on_length(self, change) -> None:
        self.refresh()

    def _on_angle(self, change) -> None:
        self.refresh()

    def _on_compare(self, change) -> None:
        self.refresh()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def depth_explorer(
    region: str = "forehead",
    technique: str | None = "nappage",
    length_mm: float = 1.5,
    angle_deg: float = 30,
    compare: bool = False,
):
    """The interactive depth explorer for a notebook; a plain message instead of a traceback on bad input."""
    try:
        return DepthExplorer(region, technique, length_mm, angle_deg, compare)
    except SkinInputError as problem:
        from IPython.display import HTML

        return HTML(message_html("The explorer cannot start", str(problem)))
