"""mesocourse.seed_claims: every seed statement is taught, corrected with a source, or left out with a reason."""

import copy

import pytest
import yaml

from mesocourse import assets
from mesocourse.assets import AssetError, load_asset
from mesocourse.bank import bank_names, course_bank
from mesocourse.seed_claims import (
    SEEDS,
    course_places,
    coverage,
    load_claims,
    problems,
    section_title,
)

TAUGHT = {
    "id": "s004-clotting",
    "seed": "seed-004",
    "quote": "People with problemsblood clotting disordersuch as hemophilia or hemophilia.",
    "topic": "contraindications",
    "verdict": "taught",
    "where": [{"rule": "bleeding-disorder"}],
}
CORRECTS = {
    "id": "s003-ice-tea-vinegar",
    "seed": "seed-003",
    "quote": "Use ice, iced tea bags or vinegar and make compresses.",
    "topic": "aftercare",
    "verdict": "corrects",
    "answer": "Only a clean cold pack; nothing that is not clean touches fresh injection points.",
    "references": ["ref-F9"],
    "where": [{"aftercare": "cold-compress"}],
}


def one_problem(claim):
    """The problems of a single statement, as the test on the real file would report them."""
    return [p for p in problems([claim], course_places()) if "no statement of this seed" not in p]


def test_every_seed_statement_is_accounted_for():
    """The course's list passes every check: mapped, to places that exist, corrections sourced, quotes short."""
    assert problems(load_claims(), course_places()) == []


def test_every_seed_has_statements_and_the_counts_add_up():
    """All five seed articles are split, and each statement is counted exactly once."""
    table = coverage(load_claims())
    assert set(table) == set(SEEDS)
    for seed, row in table.items():
        assert row["statements"] > 0, seed
        assert row["statements"] == row["taught"] + row["corrects"] + row["left-out"]


def test_the_two_examples_used_below_are_fine():
    """The good statements these tests break are themselves correct, so each failure below has one cause."""
    assert one_problem(TAUGHT) == [] and one_problem(CORRECTS) == []


def test_a_statement_without_a_mapping_fails():
    """A statement that says neither taught, corrects nor left out is named as unmapped."""
    claim = {key: value for key, value in TAUGHT.items() if key not in ("verdict", "where")}
    assert any("unmapped" in p for p in one_problem(claim))


def test_the_schema_rejects_a_statement_without_a_verdict(tmp_path, monkeypatch):
    """Loading the data file fails with the entry's position when a statement has no verdict."""
    claim = {key: value for key, value in TAUGHT.items() if key != "verdict"}
    (tmp_path / "seed-claims.yaml").write_text(yaml.safe_dump([claim]), encoding="utf-8")
    monkeypatch.setattr(assets, "ASSETS", tmp_path)
    load_asset.cache_clear()
    try:
        with pytest.raises(AssetError, match=r"assets/seed-claims.yaml, entry 0"):
            load_claims()
    finally:
        load_asset.cache_clear()


def test_taught_without_a_place_fails():
    """A statement marked taught must say where."""
    assert any("says nowhere" in p for p in one_problem({**TAUGHT, "where": []}))


@pytest.mark.parametrize(
    "place",
    [
        {"rule": "bleeding-disorders"},
        {"aftercare": "cold-pack"},
        {"symptom": "fever"},
        {"red_flag": "urgent"},
        {"technique": "mesoperfusion"},
        {"complication": "nausea"},
        {"prevention": "gloves"},
        {"disagreement": "Is it safe?"},
        {"question": "05-aftercare-and-complications/no-such-question"},
        {"notebook": "05", "section": "What is normal and what is not"},
        {"notebook": "09", "section": "Key points"},
    ],
    ids=lambda place: "-".join(place),
)
def test_a_mapping_to_a_place_the_course_does_not_have_fails(place):
    """Every kind of place is looked up in the course's own data, banks and notebooks; a typo is caught."""
    assert any("which the course does not have" in p for p in one_problem({**TAUGHT, "where": [place]}))


def test_places_are_read_from_the_course():
    """Real ids and headings are found, and a heading is matched without its section number."""
    places = course_places()
    assert places.label({"rule": "bleeding-disorder"}).startswith("Screening rule:")
    assert places.label({"notebook": "05", "section": "How urgent is it? Five levels"})
    bank = bank_names()[-1]
    question = course_bank(bank).questions[0].id
    assert places.label({"question": f"{bank}/{question}"}) == f"Quiz question in module {bank[:2]}"
    assert section_title("## 4. What is normal, and what is not") == "What is normal, and what is not"
    assert section_title("## Key points") == "Key points"
    assert section_title("### 4. A sub-heading") is None


def test_a_correction_without_a_source_fails():
    """A correction with no reference, or with only seed articles, is not a sourced answer."""
    for references in ([], ["seed-003"], ["seed-000", "seed-004"]):
        found = one_problem({**CORRECTS, "references": references})
        assert any("without a source other than a seed" in p for p in found), references


def test_a_correction_without_words_fails():
    """A correction must give the course's answer in words."""
    claim = {key: value for key, value in CORRECTS.items() if key != "answer"}
    assert any("gives no correction" in p for p in one_problem(claim))


def test_a_correction_resting_on_clinic_pages_only_says_so():
    """A correction whose only sources are low-quality pages must say "reported" or "clinic pages"."""
    weak = {**CORRECTS, "references": ["ref-47f", "ref-E6"]}
    assert any("clinic pages only" in p for p in one_problem(weak))
    assert one_problem({**weak, "answer": "Clinic pages give 48 hours to 2 weeks."}) == []


def test_an_unknown_reference_fails():
    """A correction's reference key must resolve in assets/references.yaml."""
    assert any("unknown reference key 'ref-nope'" in p for p in one_problem({**CORRECTS, "references": ["ref-nope"]}))


def test_a_quote_over_20_words_fails():
    """Quotes are at most 20 words; exactly 20 is fine."""
    twenty = " ".join(["word"] * 20)
    assert one_problem({**TAUGHT, "quote": twenty}) == []
    assert any("21 words" in p for p in one_problem({**TAUGHT, "quote": twenty + " more"}))


def test_left_out_needs_a_reason():
    """Leaving a statement out is a decision the file must explain."""
    claim = {key: value for key, value in TAUGHT.items() if key != "where"}
    assert any("without saying why" in p for p in one_problem({**claim, "verdict": "left-out"}))


def test_duplicate_ids_and_a_missing_seed_fail():
    """Two statements with one id, or a seed with no statement, are named."""
    claims = [c for c in copy.deepcopy(load_claims()) if c["seed"] != "seed-002"]
    claims.append(copy.deepcopy(claims[0]))
    found = problems(claims, course_places())
    assert f"{claims[0]['id']}: the id is used more than once" in found
    assert "seed-002: no statement of this seed article is listed" in found


@pytest.mark.parametrize(
    "words", ["non-invasive", "iced tea bags or vinegar", "take some analgesics", "without risks and pain"]
)
def test_the_unsafe_claims_get_an_explicit_sourced_answer(words):
    """The claims a clinical review flagged are corrected in the course's words, with a source beyond the seeds."""
    matching = [claim for claim in load_claims() if words in claim["quote"]]
    assert matching, words
    for claim in matching:
        assert claim["verdict"] == "corrects", claim["id"]
        assert claim["answer"] and any(not key.startswith("seed-") for key in claim["references"])
