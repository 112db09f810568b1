"""Cue statistics of multiple-choice items: whether a test-wise learner could score without knowing the material.

Three cues are measured, after the NBME item-writing guide: the right option being the longest (a share far above
chance means length gives the key away), the key's letter (where option order is fixed, one letter used much more
than the others is guessable), and a stem that states another question's answer. Items come from the self-study
banks (assets/questions/) or from graded source notebooks (assignments/), turned into one plain `Item`.
"""

import re
from collections import Counter
from dataclasses import dataclass

from mesocourse.bank import Bank

# Chance for four options is 25%; above 40% the length of an option starts to point at the key.
LONGEST_RIGHT_MAX = 0.40
# With four fixed letters each should be the key about a quarter of the time.
LETTER_SHARE_MAX = 0.35
# Options that let a learner answer from the other options instead of from knowledge.
BANNED_OPTIONS = re.compile(r"\b(all|none|both|neither) of (the|these) (above|options|answers)\b", re.IGNORECASE)
# A right option shorter than this many words is too common a phrase to count as given away by a stem.
LEAK_MIN_WORDS = 4
LETTERS = "ABCDEFGH"
OPTION_LINE = re.compile(r"^- \*\*(?P<letter>[A-H])\.\*\* (?P<text>.*)$", re.MULTILINE)
NUMBER_UNIT = re.compile(r"\*\*Type a number\*\*(?: in (?P<unit>\S+?))?,")


@dataclass(frozen=True)
class Item:
    """One question as the cue statistics see it: stem, options, which are right, and the answer as words."""

    collection: str
    item_id: str
    kind: str  # single, multiple or numeric
    stem: str
    options: tuple[str, ...] = ()
    keys: tuple[int, ...] = ()
    answer: float | None = None
    unit: str = ""
    fixed_order: bool = False

    @property
    def key_letters(self) -> str:
        """The key as the letters a learner sees (meaningful only where the option order is fixed)."""
        return "".join(LETTERS[index] for index in self.keys)


def bank_items(bank: Bank) -> list[Item]:
    """The items of a self-study bank; the quiz shuffles options per learner, so their order is not fixed."""
    return [
        Item(
            collection=bank.name,
            item_id=question.id,
            kind=question.kind,
            stem=question.prompt,
            options=tuple(option.text for option in question.options),
            keys=tuple(i for i, option in enumerate(question.options) if option.correct),
            answer=question.answer,
            unit=question.unit,
        )
        for question in bank.questions
    ]


def _graded_stem(prompt: str) -> str:
    """A graded question's own text: without its heading, options and typing instruction."""
    lines = [
        line
        for line in prompt.splitlines()
        if not line.startswith("### Question")
        and not OPTION_LINE.match(line)
        and not line.startswith("**Type")
        and not line.startswith("**Select all")
    ]
    return "\n".join(lines).strip()


def assignment_items(source, drawn=frozenset(), siblings=None) -> list[Item]:
    """The autograded items of a graded source notebook (an authoring.AssignmentSource); options are in fixed order.

    `drawn` lists the questions whose key each learner gets from their own draw (a patient, a call, a needle, a
    sibling version): their source key says nothing about the letters a learner sees, so they are left out of the
    key-letter count. `siblings` (grade id -> sibling versions, as in assets/assignment-variants.yaml) adds every
    version of those questions, the source's own included, without a fixed order: a learner may get any of them,
    so each must pass the length, wording and leak rules.
    """
    siblings = siblings or {}
    items = []
    for question in source.autograded:
        if question.grade_id in siblings:
            items += _version_items(source.assignment_id, question, siblings[question.grade_id])
            continue
        if question.grade_id in drawn:
            continue
        items.append(_source_item(source.assignment_id, question, fixed_order=True))
    return items


def _source_item(collection: str, question, fixed_order: bool) -> Item:
    """One source question as an Item."""
    options = OPTION_LINE.findall(question.prompt)
    if question.kind == "number":
        unit = NUMBER_UNIT.search(question.prompt)
        return Item(
            collection,
            question.grade_id,
            "numeric",
            _graded_stem(question.prompt),
            answer=float(question.solution),
            unit=(unit["unit"] or "") if unit else "",
        )
    letters = [letter for letter, _ in options]
    chosen = [question.solution] if question.kind == "letter" else list(question.solution)
    return Item(
        collection,
        question.grade_id,
        "single" if question.kind == "letter" else "multiple",
        _graded_stem(question.prompt),
        options=tuple(text for _, text in options),
        keys=tuple(letters.index(letter) for letter in chosen if letter in letters),
        fixed_order=fixed_order,
    )


def _version_items(collection: str, question, siblings: list[dict]) -> list[Item]:
    """The source question and each sibling version as Items (ids `q03`, `q03 sibling 1`, ...), order shuffled."""
    items = [_source_item(collection, question, fixed_order=False)]
    unit = items[0].unit
    for number, sibling in enumerate(siblings, start=1):
        item_id = f"{question.grade_id} sibling {number}"
        stem = str(sibling["prompt"]).strip()
        if question.kind == "number":
            items.append(Item(collection, item_id, "numeric", stem, answer=float(sibling["solution"]), unit=unit))
            continue
        letters = list(sibling["options"])
        solution = sibling["solution"]
        chosen = [solution] if isinstance(solution, str) else list(solution)
        items.append(
            Item(
                collection,
                item_id,
                "single" if question.kind == "letter" else "multiple",
                stem,
                options=tuple(str(text) for text in sibling["options"].values()),
                keys=tuple(letters.index(letter) for letter in chosen if letter in letters),
            )
        )
    return items


def right_is_longest(item: Item) -> bool:
    """Whether the right option of a single-choice item is at least as long as every distractor."""
    right = item.options[item.keys[0]]
    return all(len(right) >= len(text) for index, text in enumerate(item.options) if index != item.keys[0])


def _single(items: list[Item]) -> list[Item]:
    return [item for item in items if item.kind == "single" and len(item.keys) == 1 and len(item.options) > 1]


def longest_right(items: list[Item]) -> tuple[int, int]:
    """(single-choice items whose right option is the longest, single-choice items)."""
    single = _single(items)
    return sum(right_is_longest(item) for item in single), len(single)


def key_letters(items: list[Item]) -> tuple[Counter, set[str]]:
    """How often each letter is the key of a fixed-order single-choice item, and the letters those items offer."""
    fixed = [item for item in _single(items) if item.fixed_order]
    counts = Counter(item.key_letters for item in fixed)
    offered = {LETTERS[index] for item in fixed for index in range(len(item.options))}
    return counts, offered


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+(?:\.[0-9]+)?", text.lower()))


def _number_pattern(value: float, unit: str) -> re.Pattern:
    """The answer as a learner would read it in a stem: '2 mm', '2.0 mm', '72%', with or without a space."""
    whole = float(value).is_integer()
    number = re.escape(f"{value:g}") + (r"(?:\.0+)?" if whole else r"0*")
    tail = r"\s*" + re.escape(unit) if unit else ""
    return re.compile(rf"(?<![\d.,]){number}(?![\d]){tail}", re.IGNORECASE)


def gives_away(stem: str, item: Item) -> str | None:
    """The words of `item`'s answer if `stem` states them, else None."""
    if item.kind == "numeric":
        match = _number_pattern(item.answer, item.unit).search(stem)
        return match.group(0) if match else None
    stem_words = f" {_words(stem)} "
    for index in item.keys:
        answer = _words(item.options[index])
        if len(answer.split()) >= LEAK_MIN_WORDS and f" {answer} " in stem_words:
            return item.options[index]
    return None


def _question(item: Item) -> str:
    """The question an item is a version of: a learner sees one version of each, never two side by side."""
    return item.item_id.split(" sibling ")[0]


def stem_leaks(items: list[Item]) -> list[tuple[Item, Item, str]]:
    """(item whose stem gives it away, item answered by it, the words) within each collection."""
    leaks = []
    for reader in items:
        for other in items:
            if other is reader or other.collection != reader.collection or _question(other) == _question(reader):
                continue
            words = gives_away(reader.stem, other)
            if words:
                leaks.append((reader, other, words))
    return leaks


def banned_options(items: list[Item]) -> list[tuple[Item, str]]:
    """Options such as 'all of the above' that reward reasoning about the options instead of knowledge."""
    return [(item, text) for item in items for text in item.options if BANNED_OPTIONS.search(text)]


def cue_problems(items: list[Item], letters: bool = True) -> list[str]:
    """Every cue rule these items break, as sentences an author can act on; `letters` also judges key letters."""
    problems = []
    hits, total = longest_right(items)
    if total and hits / total > LONGEST_RIGHT_MAX:
        problems.append(
            f"the right option is the longest in {hits} of {total} single-choice questions "
            f"({hits / total:.0%}, at most {LONGEST_RIGHT_MAX:.0%})"
        )
    counts, offered = key_letters(items)
    fixed = sum(counts.values()) if letters else 0
    if fixed:
        for letter in sorted(offered):
            share = counts[letter] / fixed
            if share > LETTER_SHARE_MAX:
                problems.append(
                    f"key {letter} in {counts[letter]} of {fixed} ({share:.0%}, at most {LETTER_SHARE_MAX:.0%})"
                )
            if not counts[letter]:
                problems.append(f"key {letter} is never used")
    for reader, other, words in stem_leaks(items):
        problems.append(f"{reader.item_id}: the stem gives away the answer of {other.item_id} ({words!r})")
    for item, text in banned_options(items):
        problems.append(f"{item.item_id}: option {text!r} lets learners answer from the options")
    return problems


def cue_summary(name: str, items: list[Item]) -> str:
    """One line of numbers for a trainer or author: longest-right share and key letters."""
    hits, total = longest_right(items)
    share = f"{hits}/{total} ({hits / total:.0%})" if total else "no single-choice questions"
    counts, offered = key_letters(items)
    letters = " ".join(f"{letter}:{counts[letter]}" for letter in sorted(offered))
    return f"{name}: right option longest {share}" + (f"; keys {letters}" if letters else "")
