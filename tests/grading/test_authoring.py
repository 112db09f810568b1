"""Graded-assignment notebooks: the question layout, reading it back, sealing keys, and the course's own sources."""

import difflib
import re
import shutil

import nbformat
import pytest
import yaml

from mesocourse.grading import authoring
from mesocourse.grading.authoring import UNSEALED, AuthoringError, check_assignment, read_assignment, seal, unseal
from mesocourse.grading.keys import answer_digest
from mesocourse.paths import QUESTIONS, ROOT

MODULE_ASSIGNMENTS = ("foundations", "procedure", "depths", "contraindications", "aftercare")
SECRET = b"authoring-test-secret"
DEPTH = "Work out how deep a needle goes from its inserted length and angle"
PRODUCT = "Check the planned product against the patient"
ASEPSIS = "Explain why asepsis and sterile single-use material are not negotiable"
NEXT_STEPS = "Tell the patient what happens next"


def _mini(path):
    """A three-question assignment plus one written case, written to path."""
    cells = authoring.autograded_cells(
        1,
        "depth",
        "Depth of 4 mm at 30 degrees? [ref-16a]",
        "number",
        2.0,
        "4 x 0.5 [ref-16a]",
        secret=SECRET,
        objective=DEPTH,
    )
    cells += authoring.autograded_cells(
        2,
        "pick",
        "Pick one [ref-20]",
        "letter",
        "B",
        "Because [ref-20]",
        options={"A": "a", "B": "b"},
        secret=SECRET,
        objective=PRODUCT,
    )
    cells += authoring.autograded_cells(
        3,
        "pick-all",
        "Pick all [ref-9]",
        "letters",
        ["A", "C"],
        "Because [ref-9]",
        options={"A": "a", "B": "b", "C": "c"},
        points=2,
        secret=SECRET,
        objective=ASEPSIS,
    )
    cells += authoring.written_cells(
        1, "case", "What now? [ref-29]", "- point for X [ref-29]", "Do X.", 4, objective=NEXT_STEPS
    )
    notebook = authoring.new_assignment_notebook("Mini", "Test.", 5, cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def mini(tmp_path):
    """A freshly built mini assignment on disk."""
    return _mini(tmp_path / "mini" / "mini.ipynb")


def _cell(path, grade_id):
    notebook = nbformat.read(path, as_version=4)
    return notebook, next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def test_built_questions_read_back(mini):
    """Grade ids, kinds, solutions, points and explanations survive the round trip."""
    source = read_assignment(mini)
    assert [q.grade_id for q in source.autograded] == ["q01-depth", "q02-pick", "q03-pick-all"]
    assert [q.kind for q in source.autograded] == ["number", "letter", "letters"]
    assert [q.solution for q in source.autograded] == [2.0, "B", ["A", "C"]]
    assert source.autograded[2].points == 2
    assert source.written[0].grade_id == "case1-case" and "point for X" in source.written[0].rubric
    assert source.max_score == 1 + 1 + 2 + 4
    assert check_assignment(source, SECRET) == []


def test_hidden_tests_hold_a_digest_not_the_key(mini):
    """The hidden test of a letter question holds the keyed digest, and no line compares with the letter."""
    _, test_cell = _cell(mini, "q02-pick")
    hidden, visible = authoring.region(test_cell.source, authoring.BEGIN_HIDDEN, authoring.END_HIDDEN)
    assert answer_digest("q02-pick", "B", "letter", secret=SECRET) in hidden
    assert '"B"' not in hidden and "'B'" not in hidden
    assert "check_format(answer_q2" in visible


def test_examples_in_instructions_are_never_the_key(mini):
    """The typing example under a question uses a wrong option, so it cannot be read as a hint."""
    _, question = _cell(mini, "q02-pick-question")
    assert '`answer_q2 = "A"`' in question.source
    _, question = _cell(mini, "q03-pick-all-question")
    assert '`answer_q3 = ["B", "A"]`' not in question.source and '"B"' in question.source


def test_a_stale_digest_is_reported_and_seal_fixes_it(mini):
    """Changing a key without resealing is caught; seal rewrites the digest from the solution."""
    notebook, answer = _cell(mini, "q02-pick-answer")
    answer.source = answer.source.replace('answer_q2 = "B"\n### END', 'answer_q2 = "A"\n### END')
    nbformat.write(notebook, mini)
    problems = check_assignment(read_assignment(mini), SECRET)
    assert any("q02-pick" in problem and "does not match the solution" in problem for problem in problems)
    assert seal(mini, SECRET) == ["q02-pick"]
    assert check_assignment(read_assignment(mini), SECRET) == []


def test_layout_mistakes_are_named(mini):
    """A missing reference key and options that do not match the choices are reported by question."""
    notebook, question = _cell(mini, "q02-pick-question")
    question.source = question.source.replace("[ref-20]", "").replace("- **B.** b", "- **C.** b")
    nbformat.write(notebook, mini)
    problems = check_assignment(read_assignment(mini), SECRET)
    assert any("q02-pick" in problem and "options" in problem for problem in problems)


def test_unknown_reference_keys_are_reported(mini):
    """A reference key that is not in assets/references.yaml is named."""
    notebook, question = _cell(mini, "q01-depth-question")
    question.source = question.source.replace("[ref-16a]", "[ref-999z]")
    nbformat.write(notebook, mini)
    problems = check_assignment(read_assignment(mini), SECRET)
    assert any("ref-999z" in problem for problem in problems)


def test_each_question_carries_a_known_learning_objective(mini):
    """The objective travels in the question cell; a missing one, or one no module names, is reported."""
    source = read_assignment(mini)
    assert [q.objective for q in source.autograded] == [DEPTH, PRODUCT, ASEPSIS]
    assert source.written[0].objective == NEXT_STEPS
    notebook, question = _cell(mini, "q01-depth-question")
    del question.metadata["mesocourse"]
    _, other = next(
        (notebook, c) for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q02-pick-question"
    )
    other.metadata["mesocourse"]["objective"] = "Juggle needles"
    nbformat.write(notebook, mini)
    problems = check_assignment(read_assignment(mini), SECRET)
    assert any(p.startswith("mini/q01-depth: no learning objective") for p in problems)
    assert any("q02-pick: the objective 'Juggle needles' is not one of the modules' objectives" in p for p in problems)


def test_every_course_question_names_a_module_objective():
    """Every autograded and written question of the course's own assignments tests one of the modules' objectives."""
    known = authoring.course_objectives()
    found = {q.grade_id: q.objective for s in _course_sources().values() for q in s.autograded + s.written}
    assert {grade_id: objective for grade_id, objective in found.items() if objective not in known} == {}


def test_a_solution_of_the_wrong_kind_cannot_be_built():
    """Authoring a letter question whose key is not a letter option fails at once."""
    with pytest.raises(AuthoringError, match="not a valid letter answer"):
        authoring.autograded_cells(1, "x", "?", "letter", "E", "why", options={"A": "a", "B": "b"}, secret=SECRET)


# The course's own source assignments ------------------------------------------------------------------------


def _course_sources():
    return {path.parent.name: read_assignment(path) for path in sorted((ROOT / "assignments").glob("*/*.ipynb"))}


def test_the_course_has_one_assignment_per_module_and_a_final_exam():
    """foundations .. aftercare hold 6-10 autograded questions; the final exam at least 20 and 2 written cases."""
    sources = _course_sources()
    assert set(sources) == {*MODULE_ASSIGNMENTS, "final-exam"}
    for name in MODULE_ASSIGNMENTS:
        assert 6 <= len(sources[name].autograded) <= 10, name
    final = sources["final-exam"]
    assert len(final.autograded) >= 20
    assert len(final.written) >= 2 and all(case.rubric.strip() for case in final.written)


def test_every_course_source_follows_the_rules(tmp_path):
    """Layout, readable grade ids, keys matching solutions once sealed, explanations and resolving references."""
    problems = []
    for path in sorted((ROOT / "assignments").glob("*/*.ipynb")):
        copy = tmp_path / path.parent.name / path.name
        copy.parent.mkdir()
        shutil.copy(path, copy)
        seal(copy, SECRET)
        problems += check_assignment(read_assignment(copy), SECRET)
    assert problems == []


def test_committed_sources_hold_no_key_digest():
    """Sources are public: every hidden test holds the placeholder, never a digest made with some secret."""
    sealed = {
        f"{name}/{question.grade_id}": question.digest
        for name, source in _course_sources().items()
        for question in source.autograded
        if question.digest != UNSEALED
    }
    assert sealed == {}


def test_unseal_puts_the_placeholder_back(tmp_path):
    """`mesocourse keys strip` undoes a seal, so an author can commit a source they sealed to try it."""
    copy = tmp_path / "foundations" / "foundations.ipynb"
    copy.parent.mkdir()
    shutil.copy(ROOT / "assignments" / "foundations" / "foundations.ipynb", copy)
    assert seal(copy, SECRET) and {q.digest for q in read_assignment(copy).autograded} != {UNSEALED}
    assert unseal(copy) and {q.digest for q in read_assignment(copy).autograded} == {UNSEALED}


def _plain(text):
    text = re.sub(r"\[(?:ref|seed)-[^\]]+\]", "", text)
    return re.sub(r"[^a-z0-9 ]", "", text.lower()).split()


def test_assignment_questions_are_not_copies_of_the_formative_banks():
    """Peeking at assets/questions/ must not give a grade away: no question stem is close to a bank prompt."""
    prompts = []
    for bank in sorted(QUESTIONS.glob("*.yaml")):
        raw = yaml.safe_load(bank.read_text(encoding="utf-8")) or {}
        prompts += [" ".join(_plain(str(item.get("prompt", "")))) for item in raw.get("questions", [])]
    close = []
    for name, source in _course_sources().items():
        for question in source.autograded:
            stem = question.prompt.split("\n\n- **A.**")[0].split("**Type")[0]
            words = " ".join(_plain(stem.split("\n", 1)[-1]))
            for prompt in prompts:
                if difflib.SequenceMatcher(None, words, prompt).ratio() > 0.7:
                    close.append(f"{name}/{question.grade_id} ~ {prompt[:60]}")
    assert close == []
