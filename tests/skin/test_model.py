"""mesocourse.skin.model: needle geometry, layer lookup in ranges, the data and its sources, the verdict in words."""

import copy
import math

import pytest

from mesocourse.assets import AssetError
from mesocourse.bank import load_bank
from mesocourse.references import keys_in_text, resolve
from mesocourse.skin import model as skin
from mesocourse.skin.model import (
    DEEPER,
    SkinInputError,
    check_skin_data,
    course_limit,
    layer_at,
    length_for_depth,
    needle_depth,
    read_needle,
    region_named,
    regions,
    safe_depths,
    skin_data,
    techniques,
    techniques_for_layer,
)

# --- Needle geometry ------------------------------------------------------------------------------------------


def test_depth_is_inserted_length_times_sine_of_angle():
    """A 4 mm needle at 30 degrees reaches 2 mm; straight down it reaches its full length."""
    assert needle_depth(4, 30) == pytest.approx(2.0)
    assert needle_depth(13, 90) == pytest.approx(13.0)
    assert needle_depth(6, 60) == pytest.approx(6 * math.sqrt(3) / 2)


def test_depth_matches_the_worked_examples_of_the_source():
    """The examples in assets/skin.yaml (5 mm at 30 and 45 degrees [ref-16a]) come out as the source rounds them."""
    for example in skin_data()["geometry"]["examples"]:
        depth = needle_depth(example["length_mm"], example["angle_deg"])
        assert depth == pytest.approx(example["depth_mm"], abs=0.05)


def test_length_for_depth_undoes_needle_depth():
    """Turning the rule round gives back the inserted length for a wanted depth."""
    assert needle_depth(length_for_depth(1.2, 35), 35) == pytest.approx(1.2)


@pytest.mark.parametrize("length", [-2, 0, -0.1])
def test_zero_or_negative_length_is_a_clear_error(length):
    """A length of zero or less is refused with words, and the error is a ValueError."""
    with pytest.raises(SkinInputError, match="more than 0 mm") as error:
        needle_depth(length, 30)
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize("angle", [91, 120, 0, -15])
def test_angle_outside_0_to_90_is_a_clear_error(angle):
    """An angle over 90 degrees, or of 0 or less, is refused, saying what the allowed angles are."""
    with pytest.raises(SkinInputError, match="more than 0 and at most 90 degrees"):
        needle_depth(4, angle)


@pytest.mark.parametrize("value", ["4", None, True, [4]])
def test_non_number_length_is_a_clear_error(value):
    """Text, nothing or a yes/no is not a length: the message says a number is needed and gives an example."""
    with pytest.raises(SkinInputError, match="must be a number, for example 4"):
        needle_depth(value, 30)


def test_non_number_angle_is_a_clear_error():
    """An angle given as text is refused with an example of a good angle."""
    with pytest.raises(SkinInputError, match="must be a number, for example 30"):
        needle_depth(4, "thirty")


def test_not_a_number_is_refused():
    """NaN and infinity are numbers to Python but not to a nurse: refused."""
    with pytest.raises(SkinInputError, match="ordinary number"):
        needle_depth(float("nan"), 30)
    with pytest.raises(SkinInputError, match="ordinary number"):
        needle_depth(4, math.inf)


# --- Layer lookup in ranges ----------------------------------------------------------------------------------


def test_depth_inside_one_layer_by_every_source_is_certain():
    """0.5 mm on the forehead is dermis whatever the source: one layer, said plainly."""
    finding = layer_at("forehead", 0.5)
    assert finding.certain and finding.likely == "dermis" and finding.words() == "dermis"


def test_depth_where_ranges_overlap_says_likely_and_may_be():
    """2 mm on the forehead: the dermis may reach 2.09 mm in one source, so "likely fat, may be dermis"."""
    finding = layer_at("forehead", 2.0)
    assert finding.likely == "fat" and set(finding.possible) == {"dermis", "fat"}
    assert finding.words() == "likely subcutaneous fat, may be dermis"
    assert finding.words(short=True) == "likely fat, may be dermis"


def test_surface_counts_as_epidermis():
    """Depth 0 is the skin surface, which belongs to the epidermis."""
    assert layer_at("abdomen", 0).likely == "epidermis"


def test_a_depth_exactly_on_the_drawn_boundary_belongs_to_the_upper_layer():
    """The forehead's drawn dermis ends at 1.0 mm: 1.0 mm is still dermis, a hair deeper is fat."""
    edge = region_named("forehead").span("dermis").bottom_typical
    assert layer_at("forehead", edge).likely == "dermis"
    assert layer_at("forehead", edge + 1e-6).likely == "fat"


def test_fat_becomes_possible_exactly_at_the_shallowest_measured_dermis_edge():
    """The thinnest sourced skin ends at 0.79 mm on the forehead: fat is possible from there, not above it."""
    shallowest = region_named("forehead").span("dermis").bottom_min
    assert "fat" in layer_at("forehead", shallowest).possible
    assert "fat" not in layer_at("forehead", shallowest - 0.001).possible


def test_past_every_measured_layer_is_deeper_tissue():
    """5 mm into the forehead is past the deepest sourced fat edge (4.09 mm): deeper tissue, said as such."""
    finding = layer_at("forehead", 5)
    assert finding.possible == (DEEPER,) and "deeper tissue" in finding.words()


def test_unsourced_fat_leaves_the_depth_open_and_says_so():
    """Scalp fat has no sourced thickness: 3 mm is likely fat, may be deeper, and the words say why."""
    finding = layer_at("scalp", 3)
    assert finding.likely == "fat" and DEEPER in finding.possible and finding.unsourced
    assert "not in the sources" in finding.words()


def test_negative_depth_is_a_clear_error():
    """A depth above the skin surface is refused."""
    with pytest.raises(SkinInputError, match="0 mm or more"):
        layer_at("face", -1)


def test_unknown_region_lists_the_known_ones():
    """A misspelt region names the regions that exist."""
    with pytest.raises(SkinInputError, match="forehead, face, scalp"):
        layer_at("knee", 1)


def test_regions_are_found_by_label_as_well_as_key():
    """ "Upper arm" and "arm" are the same region."""
    assert region_named("Upper arm").key == "arm"


def test_safe_depths_are_inside_the_layer_by_every_source():
    """Every depth strictly inside the safe window of a layer is found to be only that layer."""
    low, high = safe_depths("thigh", "dermis")
    for depth in (low + 0.001, (low + high) / 2, high - 0.001):
        assert layer_at("thigh", depth).possible == ("dermis",)


# --- The data and its sources --------------------------------------------------------------------------------


def test_the_issue_regions_are_all_present():
    """Face, forehead, scalp, neck, abdomen, thigh, buttock and arm all have layer data."""
    assert {"forehead", "face", "scalp", "neck", "abdomen", "thigh", "buttock", "arm"} <= set(regions())


def test_every_layer_value_resolves_its_references():
    """Each sourced or derived thickness cites keys that exist, and so does every key in its note."""
    for region in regions().values():
        for layer in region.layers:
            if layer.measured:
                assert layer.references, f"{region.key}/{layer.key} has numbers but no source"
            for key in [*layer.references, *keys_in_text(layer.note)]:
                assert resolve(key)["citation"]


def test_derived_and_unsourced_values_say_so():
    """A derived value's note starts with "Derived"; an unsourced one has no numbers and its note says why."""
    for region in regions().values():
        for layer in region.layers:
            if layer.status == "derived":
                assert layer.note.startswith("Derived"), f"{region.key}/{layer.key}"
            if layer.status == "unsourced":
                assert layer.min is None and "No value" in layer.note


def test_a_value_used_for_several_regions_is_never_marked_sourced():
    """NUM-8, NUM-11: pooled facial values and the one body fat range are derived wherever they are used."""
    seen = {}
    for region in regions().values():
        for layer in region.layers:
            if layer.measured:
                seen.setdefault((layer.key, layer.min, layer.max, layer.references), []).append((region.key, layer))
    for (key, *_), uses in seen.items():
        if len(uses) > 1:
            assert all(layer.status == "derived" for _, layer in uses), [(r, key, lay.status) for r, lay in uses]


def test_every_technique_resolves_its_references():
    """Every depth, angle, needle and detail of every technique traces to a reference that exists."""
    assert set(techniques()) >= {"intra-epidermal", "papule", "nappage", "point-by-point", "hypodermic"}
    for technique in techniques().values():
        assert technique.depths and technique.references
        for key in technique.references:
            assert resolve(key)["citation"]


def test_disagreeing_sources_are_all_kept():
    """Nappage and point-by-point keep every source's depth, so the disagreement stays visible."""
    nappage = {claim.max for claim in techniques()["nappage"].depths}
    point = {claim.max for claim in techniques()["point-by-point"].depths}
    assert nappage == {2.0, 4.0} and point == {13.0, 12.0, 4.0}


def test_the_course_range_of_skin_techniques_is_the_shallowest_source():
    """For techniques aimed at the epidermis or dermis the course teaches the safer, shallowest limit."""
    for technique in techniques().values():
        if "fat" not in technique.target_layers:
            assert technique.course_range.max == min(claim.max for claim in technique.depths), technique.key


def test_techniques_for_each_layer():
    """The dermis is aimed at by papule, nappage and point-by-point; the epidermis and fat by one each."""
    assert techniques_for_layer("dermis") == ["papule", "nappage", "point-by-point"]
    assert techniques_for_layer("epidermis") == ["intra-epidermal"]
    assert techniques_for_layer("fat") == ["hypodermic"]
    with pytest.raises(SkinInputError, match="no layer called 'muscle'"):
        techniques_for_layer("muscle")


def test_landed_in_fat_finding_is_sourced():
    """The re-measurement finding (over 70% in fat) carries its reference."""
    finding = skin.landed_in_fat_finding()
    assert finding["percent"] == 70 and finding["references"] == ["ref-16b"]


def test_a_thickness_range_upside_down_is_reported_with_its_entry():
    """min larger than max names the file and the entry so an author can fix it."""
    data = copy.deepcopy(skin_data())
    data["regions"]["forehead"]["layers"]["dermis"]["min"] = 3.0
    with pytest.raises(AssetError, match=r"skin\.yaml, entry regions/forehead/layers/dermis: min"):
        check_skin_data(data)


def test_an_unknown_reference_in_a_note_is_reported():
    """A misspelt key in a note is caught, not only in `references` lists."""
    data = copy.deepcopy(skin_data())
    data["regions"]["neck"]["layers"]["fat"]["note"] = "Derived from [ref-45zz]."
    with pytest.raises(AssetError, match="regions/neck/layers/fat.*ref-45zz"):
        check_skin_data(data)


def test_an_unknown_target_layer_is_reported():
    """A technique aimed at a layer the data does not know is an error naming the technique."""
    data = copy.deepcopy(skin_data())
    data["techniques"]["nappage"]["target_layers"] = ["muscle"]
    with pytest.raises(AssetError, match="techniques/nappage/target_layers"):
        check_skin_data(data)


# --- The verdict ---------------------------------------------------------------------------------------------


def test_tip_inside_the_target_layer_is_on_target():
    """Nappage with 1.5 mm inserted at 30 degrees on the forehead ends 0.75 mm deep, in the dermis: a tick."""
    reading = read_needle("forehead", 1.5, 30, "nappage")
    assert reading.status == "on-target" and reading.headline.startswith("✔ In the target layer")
    assert not reading.leaves_target


def test_tip_past_the_dermis_is_a_warning_that_cites_the_fat_finding():
    """4 mm at 30 degrees on the forehead for nappage: a warning (symbol and word), too deep, over 70% in fat."""
    reading = read_needle("forehead", 4, 30, "nappage")
    assert reading.status == "off-target" and reading.leaves_target
    assert reading.headline == "✘ Warning: the tip is outside the target layer (too deep)"
    assert "ref-16b" in reading.references


def test_tip_above_the_fat_is_too_shallow():
    """A hypodermic injection that stops in the skin is outside its target too, on the shallow side."""
    reading = read_needle("abdomen", 1, 30, "hypodermic")
    assert reading.status == "off-target" and reading.headline.endswith("(too shallow)")


def test_tip_where_target_and_next_layer_overlap_is_a_caution():
    """13 mm at 45 degrees in the abdomen is likely fat, but thin people's fat may end above 9.2 mm: caution."""
    reading = read_needle("abdomen", 13, 45, "hypodermic")
    assert reading.status == "near-edge" and reading.headline.startswith("⚠ Caution")


def test_without_a_technique_the_verdict_only_says_where_the_tip_is():
    """No technique: an information mark, the depth and layer, and a hint to choose a technique."""
    reading = read_needle("face", 2, 15)
    assert reading.status == "none" and reading.headline.startswith("ℹ")
    assert any("Choose a technique" in line for line in reading.lines)


def test_every_number_in_the_verdict_traces_to_a_reference():
    """Each sentence of the verdict that contains a figure also names at least one reference key."""
    for args in [
        ("forehead", 4, 30, "nappage"),
        ("scalp", 4, 90, "point-by-point"),
        ("abdomen", 13, 45, "hypodermic"),
        ("neck", 2, 15, None),
        ("forehead", 1, 15, "intra-epidermal"),
    ]:
        for line in read_needle(*args).lines:
            if any(ch.isdigit() for ch in line.replace("ref-", "")):
                assert keys_in_text(line), f"no source in: {line}"


def test_the_advised_lengths_really_land_in_the_target_layer():
    """Following the verdict's advice (an inserted length inside the safe window) gives an on-target verdict."""
    for region, technique, angle in [
        ("forehead", "nappage", 30),
        ("thigh", "point-by-point", 45),
        ("buttock", "hypodermic", 45),
    ]:
        low, high = safe_depths(region, techniques()[technique].target_layers[0])
        length = length_for_depth((low + high) / 2, angle)
        assert read_needle(region, length, angle, technique).status == "on-target"


# --- The module quizzes use the same numbers -----------------------------------------------------------------------


@pytest.mark.parametrize("bank_name", ["02-the-procedure", "03-injection-depths"])
def test_module_banks_load_with_enough_and_numeric_questions(bank_name):
    """Both module banks validate, hold at least 12 questions and include numeric depth questions."""
    bank = load_bank(bank_name)
    assert len(bank.questions) >= 12
    assert any(question.kind == "numeric" and question.unit == "mm" for question in bank.questions)


def test_numeric_quiz_depths_match_the_drawn_needle():
    """A numeric question about a drawn needle has the depth the engine computes for that needle."""
    for question in load_bank("03-injection-depths").questions:
        if question.kind == "numeric" and question.figure:
            args = question.figure["args"]
            depth = needle_depth(args["length_mm"], args["angle_deg"])
            assert abs(depth - question.answer) <= question.tolerance, question.id


# Depth questions without a drawing, as the needle they describe: (bank, question) -> (inserted mm, angle, depth mm).
QUIZ_NEEDLES = {
    ("02-the-procedure", "gun-needle-depth"): (4, 60, None),
    ("03-injection-depths", "depth-6mm-60"): (6, 60, None),
    ("03-injection-depths", "length-for-1mm-at-30"): (None, 30, 1.0),
}


@pytest.mark.parametrize(("bank_name", "question_id"), sorted(QUIZ_NEEDLES))
def test_numeric_quiz_depths_without_a_drawing_are_the_engine_geometry(bank_name, question_id):
    """A depth (or needle length) asked in words is the one the engine's geometry gives, within the tolerance."""
    length, angle, depth = QUIZ_NEEDLES[(bank_name, question_id)]
    question = load_bank(bank_name).question(question_id)
    expected = needle_depth(length, angle) if depth is None else depth / math.sin(math.radians(angle))
    assert abs(question.answer - expected) <= question.tolerance, question_id


@pytest.mark.parametrize("question_id", ["layer-4mm-30-forehead", "neck-papule-long-needle"])
def test_layer_quiz_keys_name_the_layer_the_explorer_reads(question_id):
    """Where a drawn needle ends: the right option names the layer the depth explorer finds, no wrong option does."""
    question = load_bank("03-injection-depths").question(question_id)
    args = question.figure["args"]
    reading = read_needle(args["region"], args["length_mm"], args["angle_deg"], args["technique"])
    word = {"fat": "in the fat", "dermis": "in the dermis", "epidermis": "in the epidermis"}[reading.finding.likely]
    assert [word in option.text for option in question.options] == [option.correct for option in question.options]


@pytest.mark.parametrize("technique", sorted(techniques()))
@pytest.mark.parametrize("region", sorted(regions()))
def test_the_course_limit_is_never_flagged_as_too_deep_by_the_explorer(region, technique):
    """SAF-8: a needle straight down to the course's own limit for this region stays inside the target layer."""
    limit = course_limit(region, technique)
    reading = read_needle(region, limit, 90, technique)
    assert reading.status != "off-target", reading.lines
    assert not any("deeper than the course's limit" in line for line in reading.lines)


def test_the_point_by_point_limit_on_the_forehead_stays_in_the_dermis():
    """SAF-8: the old single 4 mm limit passed the forehead's fat; the forehead limit is now under 1 mm."""
    assert course_limit("forehead", "point-by-point") < 1.0
    reading = read_needle("forehead", 4, 90, "point-by-point")
    assert any("deeper than the course's limit of 0.79 mm" in line for line in reading.lines)
    assert course_limit("abdomen", "hypodermic") < 10.0 and course_limit("forehead", "hypodermic") < 3.0
