"""mesocourse.item_cues: the course's banks and graded keys give a test-wise learner no cue, and the statistics work."""

from collections import Counter

import pytest

from mesocourse.bank import bank_names, course_bank
from mesocourse.grading.authoring import read_assignment
from mesocourse.grading.variants import drawn_questions, sibling_versions
from mesocourse.item_cues import (
    LONGEST_RIGHT_MAX,
    Item,
    assignment_items,
    bank_items,
    banned_options,
    cue_problems,
    key_letters,
    longest_right,
    stem_leaks,
)
from mesocourse.paths import ROOT

ASSIGNMENTS = sorted((ROOT / "assignments").glob("*/*.ipynb"))


def graded_items(path=None):
    """The graded items, as `mesocourse cues` reads them: drawn questions left out, every sibling version in."""
    notebooks = [path] if path else ASSIGNMENTS
    return [
        item
        for notebook in notebooks
        for item in assignment_items(
            read_assignment(notebook), drawn_questions(notebook.parent.name), sibling_versions(notebook.parent.name)
        )
    ]


def single(stem, options, key=0, collection="bank", item_id="q", fixed=False):
    return Item(collection, item_id, "single", stem, tuple(options), (key,), fixed_order=fixed)


@pytest.mark.parametrize("name", bank_names())
def test_in_each_bank_the_right_option_is_rarely_the_longest(name):
    """In every self-study bank at most 40% of single-choice questions have the right option as the longest."""
    hits, total = longest_right(bank_items(course_bank(name)))
    assert not total or hits / total <= LONGEST_RIGHT_MAX, f"{name}: right option longest in {hits} of {total}"


@pytest.mark.parametrize("path", ASSIGNMENTS, ids=lambda path: path.parent.name)
def test_in_each_assignment_the_right_option_is_rarely_the_longest(path):
    """In every graded assignment at most 40% of single-letter questions have the right option as the longest."""
    hits, total = longest_right(graded_items(path))
    assert not total or hits / total <= LONGEST_RIGHT_MAX, f"{path.parent.name}: longest right in {hits} of {total}"


def test_no_graded_question_keeps_one_key_letter_for_everyone():
    """Every graded choice question has learner versions with options in each learner's own order: no letter to learn.

    (Before versions, the source's letters were every learner's letters, and they had to be balanced.)
    """
    counts, offered = key_letters(graded_items())
    assert sum(counts.values()) == 0 and offered == set(), counts


@pytest.mark.parametrize("name", bank_names())
def test_no_bank_breaks_a_cue_rule(name):
    """No bank stem states another question's answer and no option is 'all/none of the above'."""
    assert cue_problems(bank_items(course_bank(name))) == []


@pytest.mark.parametrize("path", ASSIGNMENTS, ids=lambda path: path.parent.name)
def test_no_assignment_stem_gives_away_another_answer(path):
    """Within a graded assignment no stem states another question's answer, and no option is 'all of the above'."""
    items = graded_items(path)
    assert [f"{a.item_id} -> {b.item_id}" for a, b, _ in stem_leaks(items)] == []
    assert banned_options(items) == []


def test_longest_right_counts_ties_as_longest():
    """A right option as long as the longest distractor counts as a cue (a learner cannot tell them apart)."""
    items = [single("?", ["long one", "short", "long two"]), single("?", ["no", "yes indeed"])]
    assert longest_right(items) == (1, 2)


def test_a_numeric_answer_stated_in_another_stem_is_a_leak():
    """'Tip about 2 mm deep' in one stem gives away a depth question whose answer is 2.0 mm."""
    depth = Item("bank", "depth", "numeric", "4 mm needle at 30 degrees: how deep, in mm?", answer=2.0, unit="mm")
    layer = single("Same needle, tip about 2 mm deep. Which layer?", ["fat", "dermis"], item_id="layer")
    other = single("A 12 mm needle and 20 mm of fat: which layer?", ["fat", "dermis"], item_id="other")
    leaks = stem_leaks([depth, layer, other])
    assert [(a.item_id, b.item_id) for a, b, _ in leaks] == [("layer", "depth")]


def test_a_right_option_quoted_in_another_stem_is_a_leak():
    """A stem that quotes another question's right option word for word gives it away."""
    asked = single("Which principle?", ["Little, rarely, in the right place", "Inject deep to be safe"], item_id="a")
    quoting = single('The motto "little, rarely, in the right place" means what?', ["x", "y"], item_id="b")
    assert [(a.item_id, b.item_id) for a, b, _ in stem_leaks([asked, quoting])] == [("b", "a")]


def test_key_letters_count_only_fixed_order_questions():
    """Shuffled self-study options have no letter to learn; graded ones do."""
    items = [single("?", "ABCD", key=1, fixed=True), single("?", "ABCD", key=1), single("?", "ABCD", key=3, fixed=True)]
    counts, offered = key_letters(items)
    assert counts == Counter({"B": 1, "D": 1}) and offered == set("ABCD")


def test_cue_problems_name_each_broken_rule():
    """A set where B is always the longest key says so in words an author can act on."""
    items = [single("?", ["a", "the right one, long", "c", "d"], key=1, fixed=True, item_id=f"q{n}") for n in range(4)]
    items.append(single("?", ["yes", "no", "All of the above"], item_id="q9"))
    text = " | ".join(cue_problems(items))
    assert "right option is the longest in 4 of 5" in text
    assert "key B in 4 of 4" in text and "key A is never used" in text
    assert "q9: option 'All of the above'" in text


def test_graded_items_read_options_and_key_from_the_notebook():
    """The first graded assignment's items carry their lettered options and the solution's letter."""
    items = graded_items(ASSIGNMENTS[0])
    letters = [item for item in items if item.kind == "single"]
    versions = sibling_versions(ASSIGNMENTS[0].parent.name)
    assert letters and all(len(item.options) >= 3 for item in letters)
    assert all(item.fixed_order == (item.item_id.split(" sibling ")[0] not in versions) for item in letters)
    assert all("**Type" not in item.stem and "- **A.**" not in item.stem for item in items)


def test_every_sibling_version_is_read_and_judged_like_a_question():
    """A sibling whose right option is the longest, or that offers 'none of the above', is counted and named."""
    from types import SimpleNamespace

    question = SimpleNamespace(
        grade_id="q1",
        kind="letter",
        solution="A",
        prompt="### Question 1 (1 point)\n\nWhich?\n\n- **A.** short\n- **B.** longer one\n- **C.** c\n- **D.** d",
    )
    source = SimpleNamespace(assignment_id="demo", autograded=[question])
    sibling = {
        "prompt": "Which one now?",
        "options": {"A": "a", "B": "b", "C": "the right one, by far the longest", "D": "None of the above"},
        "solution": "C",
    }
    items = assignment_items(source, {"q1"}, {"q1": [sibling]})
    assert [item.item_id for item in items] == ["q1", "q1 sibling 1"]
    assert not any(item.fixed_order for item in items)
    assert longest_right(items) == (1, 2)
    assert "q1 sibling 1: option 'None of the above'" in " | ".join(cue_problems(items))
