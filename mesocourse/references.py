"""Reference keys (ref-16b, seed-003) resolved to citations, so every clinical statement traces to a source."""

import re
from functools import cache

import yaml

from mesocourse.paths import ASSETS

REFERENCES_FILE = ASSETS / "references.yaml"
# A key as written in banks, tables and notebooks: [ref-16b], ref-web-doctorglow, seed-003.
KEY_PATTERN = re.compile(r"\b(?:ref-[0-9a-z]+(?:-[0-9a-z]+)*|ref-[A-H]\d+|seed-\d{3})\b")


class UnknownReference(KeyError):
    """A reference key that is not in assets/references.yaml."""

    def __str__(self):
        return f"unknown reference key {self.args[0]!r}: add it to assets/references.yaml or fix the spelling"


@cache
def all_references() -> dict[str, dict]:
    """Every reference, keyed by its key, as written in assets/references.yaml."""
    with open(REFERENCES_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def resolve(key: str) -> dict:
    """The reference entry for a key (citation and kind), or UnknownReference."""
    try:
        return all_references()[key]
    except KeyError:
        raise UnknownReference(key) from None


def cite(keys) -> str:
    """A short plain-text citation line for a list of keys, as shown under an explanation."""
    return "; ".join(f"[{key}] {resolve(key)['citation']}" for key in keys)


def keys_in_text(text: str) -> set[str]:
    """All reference keys that a piece of prose or data mentions."""
    return set(KEY_PATTERN.findall(text))
