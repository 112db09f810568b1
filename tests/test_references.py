"""mesocourse.references: every reference key used anywhere in the course resolves to a citation."""

import json
import re

import pytest

from mesocourse.paths import ASSETS, NOTEBOOKS
from mesocourse.references import UnknownReference, all_references, cite, keys_in_text, resolve


def test_known_key_resolves_to_a_citation():
    """A FACTS.md reference number becomes a key with its citation and source kind."""
    entry = resolve("ref-16b")
    assert "Micheels" in entry["citation"] and entry["kind"] == "peer-reviewed"


def test_unknown_key_is_an_error_naming_the_key():
    """A misspelt key fails loudly instead of showing an empty source."""
    with pytest.raises(UnknownReference, match="ref-16z"):
        resolve("ref-16z")


def test_cite_writes_out_every_key():
    """A citation line names each key with its source."""
    line = cite(["ref-5", "seed-003"])
    assert "[ref-5] HAS" in line and "[seed-003] Seed article 003" in line


def test_keys_are_found_in_prose():
    """Keys in square brackets in prose are picked up, including lettered and web keys."""
    assert keys_in_text("as shown [ref-16b] and [ref-web-doctorglow], see [seed-004].") == {
        "ref-16b",
        "ref-web-doctorglow",
        "seed-004",
    }


def test_every_entry_has_citation_and_kind():
    """No reference entry lacks its citation text or its quality label."""
    for key, entry in all_references().items():
        assert entry["citation"].strip() and entry["kind"].strip(), key


def course_texts():
    for path in sorted(ASSETS.rglob("*.yaml")):
        if path.name != "references.yaml":
            yield path.relative_to(ASSETS.parent), path.read_text(encoding="utf-8")
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        yield path.relative_to(NOTEBOOKS.parent), "\n".join("".join(cell["source"]) for cell in cells)


def test_every_key_used_in_assets_and_notebooks_resolves():
    """Scanning all data and notebooks finds no key that is missing from assets/references.yaml."""
    unknown = {
        f"{where}: {key}" for where, text in course_texts() for key in keys_in_text(text) if key not in all_references()
    }
    assert not unknown, sorted(unknown)


def test_scan_would_catch_an_unknown_key():
    """The scan above is not blind: a planted unknown key is reported."""
    assert "ref-404" in keys_in_text("planted [ref-404]") - set(all_references())


def test_lettered_safety_keys_are_found_in_prose():
    """Keys of the safety fact base (ref-A1 ... ref-H8) are picked up like the numbered ones."""
    assert keys_in_text("blanching [ref-A1], sepsis [ref-B12]") == {"ref-A1", "ref-B12"}


def test_every_safety_fact_key_resolves_with_its_weight():
    """The 84 references of the safety fact base (topics A to H) are listed, each with its grade G, P or L."""
    weights = {
        key: entry.get("weight") for key, entry in all_references().items() if re.fullmatch(r"ref-[A-H]\d+", key)
    }
    assert len(weights) == 84
    assert {key[4] for key in weights} == set("ABCDEFGH")
    assert set(weights.values()) <= {"G", "P", "L", "G/L"}
