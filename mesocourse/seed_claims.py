"""Seed coverage: every statement of the five seed articles is taught, corrected or left out on purpose, and checked.

The statements live in assets/seed-claims.yaml. `problems()` lists every statement that is unmapped, maps to a place
the course does not have, corrects without a source stronger than a seed, or quotes more than 20 words; a test keeps
that list empty, so a seed statement can never silently drop out of the course.
"""

import json
import re
from dataclasses import dataclass
from functools import cache

from mesocourse.assets import load_asset
from mesocourse.bank import bank_names, course_bank
from mesocourse.paths import NOTEBOOKS
from mesocourse.references import UnknownReference, resolve

SEEDS = ("seed-000", "seed-001", "seed-002", "seed-003", "seed-004")
MAX_QUOTE_WORDS = 20
VERDICTS = ("taught", "corrects", "left-out")
# A section heading as written in a module ("## 4. What is normal, and what is not"), compared without its number,
# so a module that gains a section does not break every mapping below it.
HEADING = re.compile(r"^##\s+(?:\d+\.\s+)?(?P<title>.+?)\s*$")


def load_claims() -> list[dict]:
    """assets/seed-claims.yaml, checked against its schema and its reference keys."""
    return load_asset("seed-claims.yaml", "seed-claims.schema.json")


def section_title(heading_line: str) -> str | None:
    """The title of a `## N. Title` heading without its number, or None for any other line."""
    match = HEADING.match(heading_line)
    return match["title"] if match else None


def notebook_sections(module: str) -> set[str]:
    """The section titles (numbers dropped) of module NN's notebook."""
    paths = sorted(NOTEBOOKS.glob(f"{module}.*.ipynb"))
    if not paths:
        return set()
    cells = json.loads(paths[0].read_text(encoding="utf-8"))["cells"]
    lines = ("".join(c["source"]).splitlines() for c in cells if c["cell_type"] == "markdown")
    return {title for block in lines for line in block if (title := section_title(line))}


@dataclass(frozen=True)
class Places:
    """Every place a statement can map to, by kind, each id with the words a learner sees for it."""

    by_kind: dict[str, dict[str, str]]

    def label(self, place: dict) -> str | None:
        """How a place reads in the coverage table ("Screening rule: Pregnancy"), or None if the course lacks it."""
        if "notebook" in place:
            known = self.by_kind["notebook"].get(place["notebook"])
            return f"Module {place['notebook']}: {place['section']}" if known and place["section"] in known else None
        ((kind, key),) = place.items()
        return self.by_kind.get(kind, {}).get(key)


def _titled(entries, kind_words: str, title_key: str) -> dict[str, str]:
    return {entry["id"]: f"{kind_words}: {entry[title_key]}" for entry in entries}


@cache
def course_places() -> Places:
    """The places that exist in the course right now, read from its data, banks and notebooks."""
    screening = load_asset("screening.yaml", "screening.schema.json")
    aftercare = load_asset("aftercare.yaml", "aftercare.schema.json")
    skin = load_asset("skin.yaml", "skin.schema.json")
    complications = load_asset("complications.yaml", "complications.schema.json")
    disagreements = load_asset("disagreements.yaml", "disagreements.schema.json")
    questions = {
        f"{bank}/{question.id}": f"Quiz question in module {bank[:2]}"
        for bank in bank_names()
        for question in course_bank(bank).questions
    }
    modules = sorted({path.name[:2] for path in NOTEBOOKS.glob("*.ipynb")})
    return Places(
        {
            "notebook": {module: notebook_sections(module) for module in modules},
            "rule": _titled(screening["rules"], "Screening rule", "title"),
            "aftercare": _titled(aftercare["items"], "Aftercare instruction", "title"),
            "symptom": _titled(aftercare["symptoms"], "Patient calls about", "label"),
            "red_flag": _titled(aftercare["red_flags"], "Warning signs", "title"),
            "technique": {key: f"Technique: {value['label']}" for key, value in skin["techniques"].items()},
            "complication": _titled(complications["common"] + complications["uncommon"], "Complication", "name"),
            "prevention": {entry["id"]: f"Prevention: {entry['rule']}" for entry in complications["prevention"]},
            "disagreement": {row["topic"]: f"Where sources disagree: {row['topic']}" for row in disagreements},
            "question": questions,
        }
    )


def _is_seed(key: str) -> bool:
    return key.startswith("seed-")


# Sources that carry no more weight than a clinic page: what only they say is taught as "reported".
WEAK_KINDS = {"low-quality web page", "seed article (clinic web page)"}
SAYS_REPORTED = re.compile(r"\breported\b|\bclinic pages?\b", re.IGNORECASE)


def is_weak(key: str) -> bool:
    """A source graded L, or a clinic or seed page: a fact resting on it alone must be said as reported."""
    entry = resolve(key)
    return entry.get("weight") == "L" or entry.get("kind") in WEAK_KINDS


def _resolves(key: str) -> bool:
    try:
        resolve(key)
    except UnknownReference:
        return False
    return True


def _correction_problems(claim: dict) -> list[str]:
    """A correction needs its own words and a source beyond the seeds; clinic pages alone are said as reported."""
    found = [] if claim.get("answer") else ["corrects the seed but gives no correction (answer)"]
    sources = [key for key in claim.get("references") or [] if not _is_seed(key) and _resolves(key)]
    if not sources:
        found.append("corrects the seed without a source other than a seed article")
    elif all(is_weak(key) for key in sources) and not SAYS_REPORTED.search(claim.get("answer", "")):
        found.append('the correction rests on clinic pages only; say so ("reported", "clinic pages")')
    return found


def claim_problems(claim: dict, places: Places) -> list[str]:
    """What is wrong with one statement's mapping, in words a maintainer can act on (empty when it is fine)."""
    found = []
    words = len(str(claim.get("quote", "")).split())
    if words == 0:
        found.append("has no quote")
    elif words > MAX_QUOTE_WORDS:
        found.append(f"the quote has {words} words; quote at most {MAX_QUOTE_WORDS}")
    if claim.get("seed") not in SEEDS:
        found.append(f"seed must be one of {', '.join(SEEDS)}")
    found += [str(UnknownReference(key)) for key in claim.get("references") or [] if not _resolves(key)]
    verdict = claim.get("verdict")
    where = claim.get("where") or []
    if verdict not in VERDICTS:
        found.append("unmapped; say whether the course teaches it, corrects it or leaves it out")
    elif verdict != "left-out" and not where:
        found.append(f"{verdict}, but says nowhere where the course teaches it")
    found += [f"maps to {place}, which the course does not have" for place in where if places.label(place) is None]
    if verdict == "corrects":
        found += _correction_problems(claim)
    if verdict == "left-out" and not claim.get("why"):
        found.append("left out without saying why")
    name = f"{claim.get('id', '?')} ({claim.get('seed', 'no seed')})"
    return [f"{name}: {problem}" for problem in found]


def problems(claims: list[dict], places: Places) -> list[str]:
    """Every problem in the statements, including duplicate ids and a seed that has no statement at all."""
    found = [problem for claim in claims for problem in claim_problems(claim, places)]
    ids = [claim.get("id") for claim in claims]
    found += [f"{key}: the id is used more than once" for key in sorted({i for i in ids if ids.count(i) > 1})]
    covered = {claim.get("seed") for claim in claims}
    found += [f"{seed}: no statement of this seed article is listed" for seed in SEEDS if seed not in covered]
    return found


def coverage(claims: list[dict]) -> dict[str, dict[str, int]]:
    """Per seed: how many statements, and how many the course teaches, corrects or leaves out."""
    table = {seed: {"statements": 0, **dict.fromkeys(VERDICTS, 0)} for seed in SEEDS}
    for claim in claims:
        table[claim["seed"]]["statements"] += 1
        table[claim["seed"]][claim["verdict"]] += 1
    return table
