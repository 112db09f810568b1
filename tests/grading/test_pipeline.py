"""The whole grading pipeline on a temporary copy of the course: real nbgrader, real kernels, real files.

One module-wide copy of the course is released once; a small "mini" assignment (three autograded questions and
one written case) carries the cohort of good, mixed, tampered and broken submissions, while every real source
assignment is validated, released, and graded for its own solutions and for an untouched release.
"""

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from mesocourse.grading import authoring
from mesocourse.grading.autograde import GRADED, NOT_SUBMITTED, UNREADABLE, autograde
from mesocourse.grading.bundle import build_bundle
from mesocourse.grading.cohort_report import write_html
from mesocourse.grading.collect import collect_exchange, collect_folder
from mesocourse.grading.course import Course, TrainerError
from mesocourse.grading.export import export_csv, status_overview
from mesocourse.grading.feedback import generate_feedback
from mesocourse.grading.handout import handout_folder
from mesocourse.grading.item_analysis import analyse, write_csv
from mesocourse.grading.keys import answer_digest
from mesocourse.grading.leaks import FEEDBACK, RELEASE, scan_bundle, scan_feedback, scan_files, scan_releases
from mesocourse.grading.release import release, validate_notebook
from mesocourse.grading.variants import from_source, learner_version, to_source
from mesocourse.paths import ROOT
from tests.grading.conftest import hand_in, right_answer

pytestmark = pytest.mark.pipeline

REAL = ("foundations", "procedure", "depths", "contraindications", "aftercare", "final-exam")
TIMEOUT = 5  # seconds per cell in this test course, so the endless loop costs little
MINI_MAX = 4.0  # autograded points of the mini assignment (1 + 2 + 1)
# The learning objective each mini question tests (module objectives in assets/modules.yaml).
PRODUCT = "Check the planned product against the patient"
ASEPSIS = "Explain why asepsis and sterile single-use material are not negotiable"
DEPTH = "Work out how deep a needle goes from its inserted length and angle"
NEXT_STEPS = "Tell the patient what happens next"

# The mini cohort: each learner's answers in source terms (ticked in their own version), code cells they added,
# and the points each question must score.
# q1: one letter, key B (1 point); q2: select all, key A and C (2 points); q3: number 3.5 within 0.1 (1 point).
COHORT = {
    "good": ({1: "B", 2: ["C", "A"], 3: 3.46}, [], (1, 2, 1)),
    "blank": ({}, [], (0, 0, 0)),
    "mix": ({1: "B", 2: ["A"], 3: 3.6}, [], (1, 0, 1)),
    "tamper-to-pass": ({1: "C", 2: ["B"], 3: 9.9}, [], (0, 0, 0)),
    "tamper-settings": ({1: "B", 2: ["A", "C"], 3: 3.5}, [], (1, 2, 1)),
    "extra-file": ({1: "B", 2: ["A", "C"], 3: 3.5}, [], (1, 2, 1)),
    "endless-loop": ({1: "B", 2: ["A", "C"], 3: 3.5}, ["while True:\n    pass"], (1, 2, 1)),
    "huge-output": ({1: "B"}, ['print("x" * 5_000_000)\nfor line in range(100_000):\n    print(line)'], (1, 0, 0)),
    "kernel-killer": ({1: "B", 2: ["A", "C"]}, ["import os\nos._exit(1)"], (1, 2, 0)),
}
BROKEN = {"invalid-json": UNREADABLE, "empty-file": UNREADABLE, "no-notebook": NOT_SUBMITTED}
WRITTEN = "I would call the doctor."
LEARNERS = [*COHORT, *BROKEN, "solutions", "untouched", "good-twin", "copier"]


def _mini_source(course: Course) -> nbformat.NotebookNode:
    secret = course.secret()
    cells = authoring.autograded_cells(
        1,
        "letter",
        "Pick one [ref-20]",
        "letter",
        "B",
        "B is right [ref-20].",
        options=dict(zip("ABCD", "abcd", strict=True)),
        secret=secret,
        objective=PRODUCT,
    )
    cells += authoring.autograded_cells(
        2,
        "select-all",
        "Pick all [ref-9]",
        "letters",
        ["A", "C"],
        "A and C [ref-9].",
        options=dict(zip("ABCD", "abcd", strict=True)),
        points=2,
        secret=secret,
        objective=ASEPSIS,
    )
    cells += authoring.autograded_cells(
        3,
        "depth",
        "Depth of 5 mm at 45 degrees? [ref-16a]",
        "number",
        3.5,
        "5 x 0.71 [ref-16a].",
        tolerance=0.1,
        secret=secret,
        objective=DEPTH,
    )
    cells += authoring.written_cells(
        1, "call", "What now? [ref-29]", "- 1 point: calls the doctor [ref-29]", "Call.", 4, NEXT_STEPS
    )
    return authoring.new_assignment_notebook("Mini", "A small test assignment.", 5, cells)


@pytest.fixture(scope="module")
def course(tmp_path_factory, copy_course):
    """A temporary copy of the course with every real assignment validated and released, plus "mini"."""
    course = Course(copy_course(tmp_path_factory.mktemp("course")))
    (course.source_dir / "mini").mkdir()
    nbformat.write(_mini_source(course), course.source_dir / "mini" / "mini.ipynb")
    course.validation = {name: validate_notebook(course, course.source_notebook(name)) for name in (*REAL, "mini")}
    for name in (*REAL, "mini"):
        release(course, name, run_tests=False, learners=LEARNERS)
    return course


def _cell(notebook, grade_id):
    return next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _submit(course, learner, notebook=None, raw=None, name="mini.ipynb", assignment="mini"):
    folder = course.submitted_dir / learner / assignment
    folder.mkdir(parents=True, exist_ok=True)
    if notebook is not None:
        nbformat.write(notebook, folder / name)
    if raw is not None:
        (folder / name).write_bytes(raw)


def _fingerprints(folder: Path) -> dict:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def cohort(course):
    """Submit the mini cohort (as an exchange or a trainer would leave it) and autograde everyone in one run."""
    for learner, (answers, cells, _) in COHORT.items():
        hand_in(course, "mini", learner, answers, written=WRITTEN, extra_cells=cells)

    def tamper_to_pass(notebook):
        # The learner rewrites the read-only set-up cell and deletes the closing note.
        _cell(notebook, "setup").source = "print('all right')"
        notebook.cells.remove(_cell(notebook, "submit"))

    def tamper_settings(notebook):
        _cell(notebook, "case1-call").metadata.nbgrader["points"] = 100
        _cell(notebook, "instructions").metadata.nbgrader.update(grade=True, points=50)

    hand_in(
        course, "mini", "tamper-to-pass", COHORT["tamper-to-pass"][0], written=WRITTEN, notebook_hook=tamper_to_pass
    )
    hand_in(
        course, "mini", "tamper-settings", COHORT["tamper-settings"][0], written=WRITTEN, notebook_hook=tamper_settings
    )
    _submit(course, "extra-file", raw=b"my notes", name="notes.txt")
    _submit(course, "extra-file", raw=course.released_notebook("mini").read_bytes(), name="mini copy.ipynb")
    _submit(course, "invalid-json", raw=b'{"cells": [ this is not json')
    _submit(course, "empty-file", raw=b"")
    _submit(course, "no-notebook", raw=b"sorry, sent the wrong file", name="notes.txt")
    before = _fingerprints(course.submitted_dir)
    # Every notebook runs (an answer form runs nothing of the learner's by default): the loop, flood and kernel
    # killer below meet the sandbox, as a trainer's own code assignment would.
    graded = autograde(course, "mini", timeout=TIMEOUT, show_progress=False, run_every_notebook=True)
    results = {result.learner: result for result in graded}
    return {"results": results, "before": before}


# Release ------------------------------------------------------------------------------------------------------


def test_every_source_notebook_passes_the_validator(course):
    """nbgrader's Validator runs each source with its solutions: no test cell fails, nothing is changed."""
    failing = {name: (report.failed, report.changed) for name, report in course.validation.items() if not report.passed}
    assert failing == {}


def test_released_notebooks_hold_no_code_for_the_learner(course):
    """Each learner's notebook: one collapsed one-line set-up cell, no answer or test cell, no solution."""
    for name in (*REAL, "mini"):
        released = nbformat.read(course.root / "grading" / "handout" / "good" / name / f"{name}.ipynb", 4)
        code = [cell for cell in released.cells if cell.cell_type == "code"]
        assert len(code) == 1 and len(code[0].source.splitlines()) == 1, name
        assert code[0].metadata["jupyter"]["source_hidden"] is True
        assert not any(cell.metadata.get("nbgrader", {}).get("grade_id", "").startswith("q") for cell in released.cells)
    mini = nbformat.read(course.released_notebook("mini"), 4)
    assert "Marking guide" not in _cell(mini, "case1-call-question").source


def test_release_makes_one_folder_and_zip_per_learner(course):
    """Every listed learner gets their notebook and an empty answers file, as a folder and as a zip."""
    for learner in LEARNERS:
        folder = course.root / "grading" / "handout" / learner / "mini"
        assert sorted(path.name for path in folder.iterdir()) == ["answers.json", "mini.ipynb"]
        assert json.loads((folder / "answers.json").read_text())["learner"] == learner
        with zipfile.ZipFile(folder.parent / f"{learner}-mini.zip") as archive:
            assert sorted(archive.namelist()) == ["mini/answers.json", "mini/mini.ipynb"]


def test_two_learners_releases_differ_and_the_same_learner_gets_the_same_again(course, tmp_path):
    """Option orders differ between learners; releasing again gives each learner the identical notebook."""
    forms = {
        learner: nbformat.read(course.root / "grading" / "handout" / learner / "foundations" / "foundations.ipynb", 4)
        for learner in ("good", "mix")
    }
    first, second = (forms[name].metadata["mesocourse_answer_form"]["forms"][name] for name in ("good", "mix"))
    assert [b.get("options") for b in first["blocks"]] != [b.get("options") for b in second["blocks"]]
    before = (course.root / "grading" / "handout" / "good" / "foundations" / "foundations.ipynb").read_bytes()
    release(course, "foundations", run_tests=False, learners=LEARNERS)
    assert (course.root / "grading" / "handout" / "good" / "foundations" / "foundations.ipynb").read_bytes() == before


# Grading the real assignments ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_results(course):
    """Each real assignment graded for a learner who ticks every key (in their own version), one who hands the
    release in untouched, and (foundations) a learner who hands in another learner's right answers file."""
    outcome = {}
    for name in REAL:
        hand_in(course, name, "solutions", _right_answers(course, name, "solutions"))
        hand_in(course, name, "untouched", {})
        learners = ["solutions", "untouched"]
        if name == "foundations":
            hand_in(course, name, "good-twin", _right_answers(course, name, "good-twin"))
            hand_in(course, name, "copier", _right_answers(course, name, "good-twin"), sheet_of="good-twin")
            learners += ["good-twin", "copier"]
        graded = autograde(course, name, learners=learners, timeout=30, show_progress=False)
        outcome[name] = {result.learner: result for result in graded}
    return outcome


def _right_answers(course, name, learner):
    """Every key in source terms; a question drawn for this learner (numbers, patient, sibling) gets their own key."""
    version = learner_version(course.source_notebook(name), learner, course.secret())
    source = authoring.read_assignment(course.source_notebook(name))
    answers = {}
    for q in source.autograded:
        own = version.questions[q.grade_id]
        answers[q.number] = right_answer(own, q)
    return answers


def test_a_learner_who_hands_in_another_learners_answers_scores_what_they_deserve(course, real_results):
    """The copied letters are read in the copier's own version: they score only where the letters happen to fit,
    and the status table says the answers file came from another learner's version."""
    twin = learner_version(course.source_notebook("foundations"), "good-twin", course.secret())
    mine = learner_version(course.source_notebook("foundations"), "copier", course.secret())
    source = authoring.read_assignment(course.source_notebook("foundations"))
    handed_in = _right_answers(course, "foundations", "good-twin")

    def same(a, b):
        return (sorted(a) if isinstance(a, list) else a) == (sorted(b) if isinstance(b, list) else b)

    deserved = 0.0
    for question in source.autograded:
        own = mine.questions[question.grade_id]
        # The twin's ticks, read in the copier's version, against the copier's own key (a sibling has its own).
        as_mine = to_source(own, from_source(twin.questions[question.grade_id], handed_in[question.number]))
        deserved += question.points if same(as_mine, right_answer(own, question)) else 0
    copier = real_results["foundations"]["copier"]
    assert real_results["foundations"]["good-twin"].autograded_score == copier.autograded_max
    assert copier.autograded_score == deserved < copier.autograded_max
    assert any("not from this learner's own version (made for good-twin)" in note for note in copier.notes)


def test_source_solutions_score_full_autograded_marks(real_results):
    """Handing in the source notebook itself earns every autograded point of every assignment."""
    scores = {
        name: (r["solutions"].status, r["solutions"].autograded_score, r["solutions"].autograded_max)
        for name, r in real_results.items()
    }
    assert all(status == GRADED and score == maximum > 0 for status, score, maximum in scores.values()), scores


def test_untouched_releases_score_zero(real_results):
    """Handing in the learner version unchanged earns nothing."""
    scores = {name: (r["untouched"].status, r["untouched"].autograded_score) for name, r in real_results.items()}
    assert scores == {name: (GRADED, 0.0) for name in REAL}


# The mini cohort ----------------------------------------------------------------------------------------------


def test_each_learner_scores_exactly_what_their_answers_earn(cohort):
    """Right, wrong, mixed and tampered submissions score the sum of their right answers, out of 4."""
    results = cohort["results"]
    for learner, (_, _, expected) in COHORT.items():
        if expected is None:
            continue
        result = results[learner]
        assert (result.status, result.autograded_score, result.autograded_max) == (GRADED, sum(expected), MINI_MAX), (
            learner
        )


def test_tampering_is_graded_as_the_original_and_reported(cohort):
    """An edited set-up cell, a deleted note and re-flagged cells are undone before grading, and the notes say so."""
    to_pass = "; ".join(cohort["results"]["tamper-to-pass"].notes)
    assert "setup: read-only cell edited" in to_pass and "submit: cell deleted" in to_pass
    settings = "; ".join(cohort["results"]["tamper-settings"].notes)
    assert "case1-call: grading settings changed (points" in settings
    assert "instructions: grading settings changed (grade, points" in settings


def test_the_graded_copy_shows_the_trainer_each_answer(course, cohort):
    """Formgrader's copy has every answer cell back, holding the answer (source letters) and what the learner saw."""
    graded = nbformat.read(course.autograded_dir / "good" / "mini" / "mini.ipynb", as_version=4)
    answer = _cell(graded, "q01-letter-answer").source
    assert answer.splitlines()[-1] == 'answer_q1 = "B"' and "# They chose " in answer
    assert _cell(graded, "q03-depth-answer").source.splitlines()[-1] == "answer_q3 = 3.46"
    assert "check_key(" in _cell(graded, "q01-letter").source


def test_bad_submissions_get_a_clear_status(cohort):
    """Damaged, empty, missing and kernel-killing submissions each get their own status and a plain reason."""
    results = cohort["results"]
    assert {learner: results[learner].status for learner in BROKEN} == BROKEN
    assert "not valid JSON" in results["invalid-json"].notes[0]
    assert "empty" in results["empty-file"].notes[0]
    assert "no mini.ipynb" in results["no-notebook"].notes[0] and "notes.txt" in results["no-notebook"].notes[0]
    # Its kernel ends inside the sandbox: its answers are still scored as data, and the note says what was not run.
    assert results["kernel-killer"].status == GRADED
    assert any("stopped its own kernel" in note for note in results["kernel-killer"].notes)


def test_slow_huge_and_cluttered_submissions_are_graded_with_notes(course, cohort):
    """The endless loop is stopped at the time limit, huge output is cut, extra files are listed."""
    results = cohort["results"]
    assert any(f"stopped after {TIMEOUT} s" in note for note in results["endless-loop"].notes)
    assert any("output was cut" in note for note in results["huge-output"].notes)
    graded_copy = course.autograded_dir / "huge-output" / "mini" / "mini.ipynb"
    assert graded_copy.stat().st_size < 500_000
    assert "extra files ignored by grading: mini copy.ipynb, notes.txt" in results["extra-file"].notes


def test_everyone_was_graded_in_one_run_and_no_submission_changed(course, cohort):
    """One broken submission never stops the others, and grading never alters what learners sent."""
    assert len(cohort["results"]) == len(COHORT) + len(BROKEN)
    assert _fingerprints(course.submitted_dir) == cohort["before"]


def test_trainers_see_the_marking_guide_in_formgrader(course, cohort):
    """Formgrader shows the graded copy: its case cell carries the marking guide the learner never saw."""
    graded = nbformat.read(course.autograded_dir / "mix" / "mini" / "mini.ipynb", as_version=4)
    assert "Marking guide (trainer only)" in _cell(graded, "case1-call-question").source
    assert _cell(graded, "case1-call").source == "I would call the doctor."


# Feedback -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def feedback(course, cohort):
    """Feedback pages for the mini cohort, made the trainer's way."""
    return generate_feedback(course, "mini")


def test_feedback_is_made_for_every_graded_learner(feedback, cohort):
    """Graded learners get a page; those who could not be graded are listed instead."""
    graded = {learner for learner, result in cohort["results"].items() if result.ok}
    assert set(feedback.files) == graded
    assert set(feedback.skipped) == set(cohort["results"]) - graded


def test_feedback_says_which_questions_were_wrong_and_why(feedback):
    """The mixed learner sees question 2 marked not right, with its explanation, and no hidden test."""
    page = feedback.files["mix"].read_text(encoding="utf-8")
    assert '<a href="#q02-select-all">Question 2</a>: 0 of 2 points' in page
    assert "✘ Not the expected answer." in page and "A and C [ref-9]." in page
    assert "check_key" not in page and "HIDDEN TESTS" not in page


def test_feedback_made_with_plain_nbgrader_hides_grading_code_too(course, feedback):
    """Feedback made by nbgrader itself (as formgrader's button does) is stripped by the course's settings."""
    api = course.api()
    assert api.generate_feedback("mini", "good", force=True)["success"]
    page = course.feedback_dir / "good" / "mini" / "mini.html"
    assert scan_files(course, [page], FEEDBACK) == []
    assert "Your results" in page.read_text(encoding="utf-8")


# The column of a feedback page in the browser (the narrowest the issue measured) and what no element may pass.
FEEDBACK_WIDTH = 846
FEEDBACK_PROBLEMS = r"""() => {
    const body = document.body.getBoundingClientRect();
    const inner = body.right - parseFloat(getComputedStyle(document.body).paddingRight);
    const limit = Math.min(document.documentElement.clientWidth, inner) + 0.5;
    const wide = [...document.body.querySelectorAll('*')]
        .filter(el => el.getBoundingClientRect().right > limit || el.scrollWidth > el.clientWidth + 1
                      && /auto|scroll|hidden/.test(getComputedStyle(el).overflowX))
        .map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().width) + 'px');
    const code = [...document.querySelectorAll('.input_area, .prompt, .jp-InputArea, .jp-InputPrompt, a.anchor-link')]
        .map(el => 'code or prompt: ' + el.className);
    const prompts = /(In|Out)\s*\[\d+\]:/.test(document.body.innerText) ? ['an In [n]: prompt'] : [];
    const table = document.querySelector('table td');
    const ruled = table && getComputedStyle(table).borderTopStyle !== 'none' ? [] : ['a results table without rules'];
    return [...wide.map(w => 'wider than the column: ' + w), ...code, ...prompts, ...ruled];
}"""


@pytest.mark.browser
def test_feedback_pages_fit_the_column_on_screen_and_in_print(course, feedback):
    """Each learner's real feedback page, in Chromium at 846 px and as printed: nothing wider than the column, no
    code cell, prompt or anchor, a ruled results table; the print is saved as a PDF beside the screenshots."""
    # Made again the trainer's way (`make feedback`): an earlier test remade one page with plain nbgrader.
    feedback = generate_feedback(course, "mini")
    from playwright.sync_api import sync_playwright

    from tests.browser.labdriver import ARTIFACTS, chromium_missing_reason, launch_chromium

    reason = chromium_missing_reason()
    if reason:
        if os.environ.get("CI", "").strip().lower() not in ("", "false", "0", "no"):
            pytest.fail(f"Browser tests cannot run on CI: {reason}", pytrace=False)
        pytest.skip(f"browser tests did not run: {reason}")
    folder = ARTIFACTS / "browser"
    folder.mkdir(parents=True, exist_ok=True)

    def look_at_every_page():
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": FEEDBACK_WIDTH, "height": 900})
            for learner, path in sorted(feedback.files.items()):
                page.goto(path.as_uri())
                assert page.evaluate(FEEDBACK_PROBLEMS) == [], f"{learner}'s feedback on screen"
                if learner == "mix":
                    page.screenshot(path=str(folder / "feedback-page.png"), full_page=True)
                page.emulate_media(media="print")
                assert page.evaluate(FEEDBACK_PROBLEMS) == [], f"{learner}'s feedback in print"
                if learner == "mix":
                    page.pdf(path=str(folder / "feedback-page.pdf"), format="A4")
                page.emulate_media(media="screen")
            browser.close()

    # The browser tests' own Playwright may still be open in this thread, and Playwright's sync API refuses to start
    # inside a running event loop: this check gets a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(look_at_every_page).result()


def test_no_feedback_file_holds_grading_material(course, feedback):
    """The leak guard finds no hidden test, digest, marking guide or delimiter in any feedback file."""
    assert scan_feedback(course) == []


# Leak guard ---------------------------------------------------------------------------------------------------


def test_no_released_notebook_holds_grading_material(course):
    """Every release (six real assignments and mini) is free of solutions, hidden tests and keys."""
    assert scan_releases(course) == []


def test_the_leak_guard_catches_planted_leaks(course, tmp_path):
    """A solution line in a release, a digest in feedback and a hidden-test line in a zip are all caught."""
    source = authoring.read_assignment(course.source_notebook("foundations"))
    question = source.autograded[0]
    planted = tmp_path / "release.ipynb"
    notebook = nbformat.read(course.released_notebook("foundations"), as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell(question.solution_lines[0]))
    nbformat.write(notebook, planted)
    assert [leak.kind for leak in scan_files(course, [planted], RELEASE, assignment="foundations")] == ["solution"]
    page = tmp_path / "feedback.html"
    sealed = answer_digest(question.grade_id, question.solution, question.kind, question.decimals, course.secret())
    page.write_text(f"<p>{sealed}</p>", encoding="utf-8")
    assert "key digest" in [leak.kind for leak in scan_files(course, [page], FEEDBACK)]
    bundle = tmp_path / "bundle.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("notes.md", "from mesocourse.grading.keys import check_key")
    assert {leak.kind for leak in scan_bundle(course, bundle)} == {"hidden-test code"}


def test_release_refuses_a_source_whose_key_would_leak(course):
    """A digest pasted into a read-only cell would reach learners: the release is deleted and the trainer told."""
    leaky = course.source_dir / "leaky"
    leaky.mkdir()
    notebook = _mini_source(course)
    digest = authoring.read_assignment(course.source_notebook("mini")).autograded[0].digest
    notebook.cells.insert(1, nbformat.v4.new_markdown_cell(f"Reminder for me: {digest}"))
    nbformat.write(notebook, leaky / "leaky.ipynb")
    with pytest.raises(TrainerError, match="key digest"):
        release(course, "leaky", run_tests=False)
    assert not (course.release_dir / "leaky").exists()
    shutil.rmtree(leaky)


# Collect, export, status, item analysis ---------------------------------------------------------------------


def test_collect_files_folders_zips_and_named_notebooks(course, tmp_path):
    """Received files are filed per learner through nbgrader's zip collect, byte for byte."""
    answer = course.released_notebook("foundations").read_bytes()
    inbox = tmp_path / "inbox"
    (inbox / "Maria Dupont").mkdir(parents=True)
    (inbox / "Maria Dupont" / "foundations.ipynb").write_bytes(answer)
    with zipfile.ZipFile(inbox / "lucas.zip", "w") as archive:
        archive.writestr("foundations/foundations.ipynb", answer)
    (inbox / "sophie_foundations.ipynb").write_bytes(answer)
    result = collect_folder(course, "foundations", inbox)
    assert sorted(result.collected) == ["lucas", "maria-dupont", "sophie"]
    for learner in result.collected:
        assert (course.submitted_dir / learner / "foundations" / "foundations.ipynb").read_bytes() == answer
    again = collect_folder(course, "foundations", inbox)
    assert sorted(again.replaced) == ["lucas", "maria-dupont", "sophie"]
    kept = list((course.root / "grading" / "replaced").glob("*/sophie/foundations/foundations.ipynb"))
    assert len(kept) == 1 and kept[0].read_bytes() == answer


def test_export_has_one_row_per_learner_and_assignment(course, cohort):
    """grades.csv gives status and points; ungradable learners have a status and no invented score."""
    path, rows = export_csv(course)
    by_key = {(row.learner, row.assignment): row for row in rows}
    assert by_key[("mix", "mini")].as_csv()["autograded_score"] == "2"
    assert by_key[("mix", "mini")].as_csv()["max_score"] == "8"
    assert by_key[("mix", "mini")].written_to_mark == 1
    assert by_key[("kernel-killer", "mini")].as_csv()["autograded_score"] == "3"
    assert by_key[("mix", "foundations")].status == "not submitted"
    assert path.read_text(encoding="utf-8").startswith("learner,assignment,status,autograded_score")


def test_trainer_marks_survive_regrading_and_reach_the_export(course, cohort):
    """A written answer marked in formgrader keeps its mark when autograde runs again, and totals fill in."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gradebook:
        grade = gradebook.find_grade("case1-call", "mini", "mini", "good")
        grade.manual_score, grade.needs_manual_grade = 3.0, False
        gradebook.db.commit()
    autograde(course, "mini", learners=["good"], timeout=TIMEOUT, show_progress=False)
    _, rows = export_csv(course)
    good = next(row for row in rows if (row.learner, row.assignment) == ("good", "mini")).as_csv()
    assert (good["written_score"], good["total_score"], good["percent"], good["written_to_mark"]) == (
        "3",
        "7",
        "87.5",
        0,
    )


def test_status_shows_who_submitted_what(course, cohort):
    """The overview counts submissions and marking left per assignment."""
    overview = status_overview(course)
    assert "mini: 12 submitted, 9 graded, 8 written answers to mark" in overview
    assert "unreadable" in overview


def test_item_analysis_matches_the_cohort(course, cohort):
    """Facility per question equals the share of graded learners whose answer earned its points; the options typed
    are counted from the graded copies and the objectives come from the source."""
    analysis = analyse(course, "mini")
    graded = [expected for expected in (spec[2] for spec in COHORT.values()) if expected is not None]
    assert analysis.test.learners == len(graded)
    maximum = (1, 2, 1)
    for index, question in enumerate(analysis.questions):
        expected = sum(e[index] / maximum[index] for e in graded) / len(graded)
        assert question.stats.facility == pytest.approx(expected)
    assert analysis.questions[0].answers["B"] == 7
    assert {o.letter: o.chosen_by for o in analysis.questions[0].stats.options}["B"] == 7
    assert [m.objective for m in analysis.objectives] == [PRODUCT, ASEPSIS, DEPTH]


def test_the_cohort_report_page_names_who_waits(course, cohort):
    """The trainer's page is written under grading/reports/, self-contained, and lists the learners who could not
    be graded and those whose written answer waits for a mark."""
    page = write_html(course, analyse(course, "mini"))
    assert page == course.reports_dir / "mini" / "cohort-report.html"
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text and 'src="http' not in text
    assert "<td>invalid-json</td><td>unreadable</td>" in text
    assert re.search(r"\d+ written answers? to mark</td>", text)
    assert write_csv(course, analyse(course, "mini")).stat().st_size > 0


# The learner bundle -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundle(course, tmp_path_factory):
    """The first learner's zip, built and extracted."""
    result = build_bundle(course, learner=LEARNERS[0])
    folder = tmp_path_factory.mktemp("bundle")
    with zipfile.ZipFile(result.path) as archive:
        archive.extractall(folder)
    result.folder = folder
    return result


def test_the_bundle_holds_what_learners_need_and_no_trainer_tools(course, bundle):
    """Notebooks, engine, assets and the learner's own assignments are in; sources, keys and grading tools are out."""
    members = set(bundle.members)
    assert {f"notebooks/{p.name}" for p in (course.root / "notebooks").glob("*.ipynb")} <= members
    assert {"mesocourse/__init__.py", "mesocourse/grading/answer_format.py", "README.md", "pyproject.toml"} <= members
    assert not {"mesocourse/cli.py", "mesocourse/grading/keys.py", "mesocourse/grading/autograde.py"} & members
    assert not any("answer-key-secret" in name or name.startswith("grading/") for name in members)
    for name in (*REAL, "mini"):
        shipped = bundle.folder / "assignments" / name / f"{name}.ipynb"
        own = handout_folder(course, LEARNERS[0], name) / f"{name}.ipynb"
        assert json.loads(shipped.read_bytes()) == json.loads(own.read_bytes())
    assert scan_bundle(course, bundle.path) == []


def test_the_bundle_installs_as_a_package_without_trainer_commands(bundle):
    """Its pyproject lists the runtime dependencies and declares no `mesocourse` trainer script."""
    project = tomllib.loads((bundle.folder / "pyproject.toml").read_text(encoding="utf-8"))
    assert "scripts" not in project["project"] and any("nbgrader" in d for d in project["project"]["dependencies"])


def test_released_assignments_run_from_the_bundle_alone(bundle):
    """The learner side imports the format check from the bundle; the key checker is simply not there."""
    code = (
        "import sys; sys.path.insert(0, '.')\n"
        "import mesocourse.grading.answer_format as f\n"
        "print(f.__file__)\n"
        "f.check_format('B', 'letter')\n"
        "try:\n    import mesocourse.grading.keys\nexcept ModuleNotFoundError:\n    print('no keys module')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=bundle.folder, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith(str(bundle.folder))
    assert "✔ Answer saved" in done.stdout and "no keys module" in done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, ConnectionError):
        return 0, ""


def test_trainer_extensions_are_off_in_the_learner_environment(bundle, tmp_path):
    """Started as the bundle's Makefile starts it (JUPYTER_CONFIG_DIR=jupyter-config/learner), the server has no
    formgrader and no terminal, serves the course's custom.css and disables nbgrader's panels in the page."""
    port, token = _free_port(), "pipeline-test"
    environment = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(bundle.folder / "jupyter-config" / "learner"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path),
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "jupyter"),
            "lab",
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={bundle.folder}",
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            if _get(f"{base}/api/status?token={token}")[0] == 200:
                break
            time.sleep(0.5)
        assert _get(f"{base}/formgrader?token={token}")[0] == 404
        assert _get(f"{base}/api/terminals?token={token}")[0] == 404
        status, css = _get(f"{base}/custom/custom.css?token={token}")
        assert status == 200 and css == (ROOT / "jupyter-config" / "learner" / "custom" / "custom.css").read_text()
        status, page = _get(f"{base}/lab?token={token}")
        assert status == 200
        disabled = page.split('"disabledExtensions":', 1)[1].split("]", 1)[0]
        assert "@jupyter/nbgrader" in disabled
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_nbgrader_exchange_round_trip(course, tmp_path):
    """On a JupyterHub: release to the exchange, a learner submits with nbgrader, collect --exchange files it."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import ExchangeSubmit
    from traitlets.config import Config

    exchange = tmp_path / "exchange"
    exchange.mkdir()
    hub = Course(course.root, overrides=Config({"Exchange": {"root": str(exchange)}}))
    release(hub, "procedure", exchange=True, run_tests=False)
    outbound = exchange / hub.course_id / "outbound" / "procedure" / "procedure.ipynb"
    assert outbound.read_bytes() == hub.released_notebook("procedure").read_bytes()

    home = tmp_path / "learner-home"
    shutil.copytree(exchange / hub.course_id / "outbound" / "procedure", home / "procedure")
    config = Config({"Exchange": {"root": str(exchange), "assignment_dir": str(home)}})
    coursedir = CourseDirectory(
        config=config, course_id=hub.course_id, assignment_id="procedure", student_id="hub-learner"
    )
    submit = ExchangeSubmit(coursedir=coursedir, authenticator=Authenticator(config=config), config=config)
    submit.start()

    assert "hub-learner" in collect_exchange(hub, "procedure")
    filed = hub.submitted_dir / "hub-learner" / "procedure" / "procedure.ipynb"
    assert filed.read_bytes() == (home / "procedure" / "procedure.ipynb").read_bytes()


# The clinic's secret ---------------------------------------------------------------------------------------------


def _holding(folder: Path, text: str) -> list[str]:
    return [str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


def test_no_release_feedback_or_bundle_holds_the_secret_or_a_key_digest(course, feedback, bundle):
    """The clinic's secret and the sealed digests stay in the trainer's workspace: none in what learners get."""
    secret = course.secret(create=False).decode()
    digests = []
    for name in (*REAL, "mini"):
        for question in authoring.read_assignment(course.source_notebook(name)).autograded:
            sealed = answer_digest(
                question.grade_id, question.solution, question.kind, question.decimals, secret.encode()
            )
            assert question.digest in (authoring.UNSEALED, sealed)
            digests.append(sealed)
    for folder in (course.release_dir, course.feedback_dir, bundle.folder):
        assert _holding(folder, secret) == []
        assert [d for d in digests if _holding(folder, d)] == []
    assert secret.encode() not in bundle.path.read_bytes()


def test_feedback_explains_each_learners_own_version(course, feedback):
    """The page shows the question with the learner's own option order and their answer in their own letters."""
    version = learner_version(course.source_notebook("mini"), "mix", course.secret())
    question = version.questions["q01-letter"]
    shown = from_source(question, "B")
    page = feedback.files["mix"].read_text(encoding="utf-8")
    assert f"Your answer: {shown}. b" in page
    other = learner_version(course.source_notebook("mini"), "good", course.secret()).questions["q01-letter"]
    assert f"Your answer: {from_source(other, 'B')}. b" in feedback.files["good"].read_text(encoding="utf-8")
