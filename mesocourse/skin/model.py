"""Skin layers, injection techniques, needle geometry and the verdict in words: plain Python over assets/skin.yaml.

All numbers come from assets/skin.yaml, where each carries its reference keys. The plain functions here
(`needle_depth`, `layer_at`, `techniques_for_layer`, `read_needle`) hold every decision; the drawing and the widget
only show what they return, so tests can check the logic without a browser.
"""

import math
from dataclasses import dataclass
from functools import cache
from numbers import Real

from mesocourse.assets import AssetError, load_asset
from mesocourse.references import UnknownReference, keys_in_text, resolve

SKIN_FILE, SKIN_SCHEMA = "skin.yaml", "skin.schema.json"
# The pseudo-layer below the deepest measured layer: the sources give no thickness for what lies there.
DEEPER = "deeper"
DEEPER_LABEL = "Deeper tissue"
DEEPER_WORDS = "deeper tissue below the fat layer"
# Verdict states: a word and a symbol first, never colour alone. The views colour each with the course tone named
# here (mesocourse.look.TONES), as the quiz feedback boxes are coloured.
STATUS_WORDS = {
    "none": ("ℹ", "Where the tip lands"),
    "on-target": ("✔", "In the target layer"),
    "near-edge": ("⚠", "Caution: the tip may be outside the target layer"),
    "off-target": ("✘", "Warning: the tip is outside the target layer"),
}
STATUS_TONE = {"none": "info", "on-target": "right", "near-edge": "caution", "off-target": "wrong"}
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


def course_limit(region, technique) -> float:
    """The course's depth limit for a technique in one region: its shallowest source figure, or shallower still where
    the target layer here ends sooner by every measurement (a single number would pass the dermis on the forehead)."""
    region, technique = region_named(region), technique_named(technique)
    limit = technique.course_range.max
    deepest = technique.target_layers[-1]
    if region.layer(deepest).measured:
        limit = min(limit, region.span(deepest).bottom_min)
    # Rounded down to 0.01 mm so that the limit itself is inside the layer by every source.
    return math.floor(limit * 100) / 100


def course_limit_text(region, technique) -> str:
    """The limit in words for one region, e.g. "less than 0.79 mm on the forehead (the dermis ends there)"."""
    region, technique = region_named(region), technique_named(technique)
    limit = course_limit(region, technique)
    if limit < technique.course_range.max:
        target = technique.target_layers[-1]
        keys = dict.fromkeys(ref for layer in region.layers for ref in layer.references)
        return (
            f"at most {limit:g} mm on the {region.label.lower()}, because the {layer_words(target)} here can end "
            f"that soon {_keys(keys)}, shallower than the {technique.course_range.max:g} mm the sources give "
            f"{_keys(technique.course_range.references)}"
        )
    return f"at most {limit:g} mm on the {region.label.lower()} {_keys(technique.course_range.references)}"


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
        symbol, words = STATUS_WORDS[self.status]
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
    limit = course_limit(region, technique)
    sources = "; ".join(claim.text() for claim in technique.depths)
    lines.append(
        f"{technique.label} aims for {technique.target_words}. Sources say: {sources}. The course's limit: "
        f"{course_limit_text(region, technique)}."
    )
    for target in technique.target_layers:
        lines.append(layer_span_sentence(region, target))
    if depth > limit:
        lines.append(
            f"The tip is deeper than the course's limit of {limit:g} mm for {technique.short} on the "
            f"{region.label.lower()} {_keys(course.references)}."
        )
    elif course.min is not None and course.min <= limit and depth < course.min:
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
