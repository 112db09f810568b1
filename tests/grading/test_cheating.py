"""Cheating and breaking submissions on a real round (foundations): none raises a score, none stops the others.

Each attack of the security review is one learner with every answer wrong (a letter the key does not use) plus
the change described; one honest learner answers everything right. The whole cohort is graded in one autograde run.
"""

import base64
import json
import os
import re
import shutil
import subprocess
import time
import zipfile
import zlib

import nbformat
import pytest

from mesocourse.grading.authoring import read_assignment
from mesocourse.grading.autograde import GRADED, autograde
from mesocourse.grading.collect import collect_folder
from mesocourse.grading.course import Course, TrainerError
from mesocourse.grading.export import export_csv, status_overview
from mesocourse.grading.feedback import generate_feedback
from mesocourse.grading.leaks import scan_feedback
from mesocourse.grading.release import release
from mesocourse.grading.variants import from_source, learner_version, to_source
from mesocourse.paths import ROOT
from tests.grading.conftest import hand_in, in_own_version

pytestmark = pytest.mark.pipeline

FOUNDATIONS = ROOT / "assignments" / "foundations" / "foundations.ipynb"


def _wrong(answer):
    """An answer that earns nothing: a letter the key does not use, or a number far off."""
    if isinstance(answer, list):
        return [next(letter for letter in "ABCD" if letter not in answer)]
    if isinstance(answer, str):
        return next(letter for letter in "ABCD" if letter != answer)
    return answer + 1000


# The keys come from the source notebook, so a revised key (new options, new letters) keeps these tests honest.
KEY = {question.number: question.solution for question in read_assignment(FOUNDATIONS).autograded}
WRONG = {number: _wrong(answer) for number, answer in KEY.items()}
FULL = 9.0

PATCH_KEYS = "import mesocourse.grading.keys as _k\n_k.check_key = lambda *a, **kw: print('✔ Right.')"
LEARN_KEY = """import itertools, mesocourse.grading.keys as k
_real = k.check_key
def _learn(gid, answer, kind, digest, explanation="", **kw):
    s = k.read_secret()
    sets = [list(c) for n in range(1, 5) for c in itertools.combinations("ABCD", n)]
    opts = list("ABCD") if kind == "letter" else sets
    for o in opts:
        if k.answer_digest(gid, o, kind, secret=s) == digest:
            return _real(gid, o, kind, digest, explanation, **kw)
    return _real(gid, answer, kind, digest, explanation, **kw)
k.check_key = _learn"""
IMPORT_HOOK = """import builtins
_import = builtins.__import__
def _hook(name, *args, **kwargs):
    module = _import(name, *args, **kwargs)
    if name.startswith("mesocourse.grading.keys"):
        import sys
        sys.modules["mesocourse.grading.keys"].check_key = lambda *a, **kw: print("✔ Right.")
    return module
builtins.__import__ = _hook"""

# learner -> (extra code in the q1 answer cell, new code cells put before the first question)
ATTACKS = {
    "g01-patch-in-answer": ("\n" + PATCH_KEYS, []),
    "g02-is-expected": ("\nimport mesocourse.grading.keys as _k; _k.is_expected = lambda *a, **kw: True", []),
    "g03-compare-digest": ("\nimport hmac; hmac.compare_digest = lambda a, b: True", []),
    "g04-sys-modules": (
        "\nimport sys, types\n"
        "sys.modules['mesocourse.grading.keys'] = types.SimpleNamespace(check_key=lambda *a, **kw: None)",
        [],
    ),
    "g05-import-hook": ("", [IMPORT_HOOK]),
    "g06-assignments-only": (
        "\n_k = __import__('mesocourse.grading.keys', fromlist=['x'])"
        "\n_k.check_key = lambda *a, **kw: print('✔ Right.')",
        [],
    ),
    "g07-new-cell": ("", [PATCH_KEYS]),
    "g08-learn-the-key": ("", [LEARN_KEY]),
    "g14-print-right": ("\nprint('✔ Right.\\nWhy: all correct')", []),
}


def _cell(notebook, grade_id):
    return next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _answered(course, learner, answers, q1_extra="", new_cells=(), **options):
    """Hand in foundations as `learner`: answers ticked in their version, any code as cells they added."""
    cells = ([q1_extra.strip()] if q1_extra.strip() else []) + list(new_cells)
    answers = in_own_version(course, "foundations", options.get("sheet_of") or learner, answers)
    folder, _ = hand_in(course, "foundations", learner, answers, extra_cells=cells, **options)
    return folder


def _notebook(course, learner):
    return nbformat.read(course.submitted_dir / learner / "foundations" / "foundations.ipynb", as_version=4)


def _rewrite_sheet(course, learner, change):
    """Edit a learner's answers file by hand, as a learner with a text editor could."""
    path = course.submitted_dir / learner / "foundations" / "answers.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(change(data) if callable(change) else change, encoding="utf-8")


def _escapes(course, outside):
    """CR-2 to CR-4 and F-2: code that reads keys, forges the gradebook, writes elsewhere, or sleeps for ever."""
    victim = course.submitted_dir / "honest-right" / "foundations" / "foundations.ipynb"
    exfiltrate = "\n".join(
        [
            "import base64, glob, os, zlib",
            "blob = {}",
            f"for root in ({str(course.root)!r}, os.path.abspath('../../../..')):",
            "    for p in [root + '/grading/answer-key-secret.txt'] + glob.glob(root + '/assignments/*/*.ipynb'):",
            "        try:",
            "            blob[p] = open(p).read()",
            "        except OSError as error:",
            "            blob[p] = str(error)",
            "print('SMUGGLED:' + base64.b64encode(zlib.compress(repr(blob).encode(), 9)).decode())",
        ]
    )
    update = f"sqlite3.connect({str(course.db_path)!r}).execute('UPDATE grade SET extra_credit=1')"
    later = f"import sqlite3, time; time.sleep(2); {update}"
    forge = "\n".join(
        [
            "import subprocess, sys, sqlite3",
            f"subprocess.Popen([sys.executable, '-c', {later!r}], start_new_session=True)",
            f"sqlite3.connect({str(course.db_path)!r}).execute('UPDATE grade SET extra_credit=1')",
        ]
    )
    write = "\n".join(
        [
            "import json",
            f"open({str(outside)!r}, 'w').write('x')",
            f"nb = json.load(open({str(victim)!r}))",
            f"json.dump(nb, open({str(victim)!r}, 'w'))",
        ]
    )
    return {
        "g15-exfiltrate": [exfiltrate],
        "g16-forge-gradebook": [forge],
        "g17-write-elsewhere": [write],
        "g24-sleepy": ["import time\ntime.sleep(4)"] * 4,
        "g13-exit": ["import os\nos._exit(0)"],
    }


def _broken(course):
    """F-1 and F-3: pasted cells, unreadable metadata, an answer too long to be one, a huge number."""
    setup = {"grade_id": "setup", "locked": True, "grade": False, "solution": False, "schema_version": 3}
    answer = {"grade_id": "q01-italian-society-definition-answer", "solution": True, "grade": False, "locked": False}
    added = {
        "d01-pasted-setup-cell": nbformat.v4.new_code_cell("print(1)", metadata={"nbgrader": setup}),
        "d02-pasted-answer-cell": nbformat.v4.new_code_cell('answer_q1 = "B"', metadata={"nbgrader": answer}),
        "d06-grade-cell-without-id": nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {"grade": True}}),
        "e01-metadata-string": nbformat.v4.new_code_cell("y = 2", metadata={"nbgrader": "oops"}),
        "e02-grade-id-list": nbformat.v4.new_code_cell("y = 2", metadata={"nbgrader": {"grade_id": ["a", "b"]}}),
    }
    cases = {name: (KEY, lambda nb, cell=cell: nb.cells.append(cell)) for name, cell in added.items()}
    cases["e03-long-answer"] = ({**KEY, 1: "B" * 100_000}, None)
    cases["g26-huge-number"] = ({**KEY, 1: 10**400}, None)
    return cases


# Answers files written by hand: code, a huge file, broken JSON, keys the form never writes, someone else's file.
SHEETS = {
    "h01-code-in-answers-file": (lambda d: json.dumps({**d, "answers": {**d["answers"], **CODE}}), FULL - 3),
    "h02-huge-answers-file": (lambda d: json.dumps({**d, "pad": "x" * 1_000_000}), 0.0),
    "h03-broken-answers-file": ('{"answers": {"q01-italian', 0.0),
    "h04-extra-keys": (lambda d: json.dumps({**d, "score": 100, "answers": {**d["answers"], "q99": "A"}}), FULL),
}
CODE = {
    "q01-italian-society-definition": "__import__('os').system('touch /tmp/pwned')",
    "q04-evidence-statements": ["A", "__import__('os')"],
}


@pytest.fixture(scope="module")
def cohort(tmp_path_factory, copy_course):
    """The foundations assignment released on a copy of the course, every attack submitted, one autograde run."""
    course = Course(copy_course(tmp_path_factory.mktemp("course")))
    with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write("\nc.SandboxedExecute.budget = 10\n")  # so the sleepy learner runs out quickly
    broken = _broken(course)
    learners = ["honest-right", "honest-wrong", *ATTACKS, *broken, *SHEETS, "h05-someone-elses-file"]
    learners += [*ESCAPES, "bob", "maria-dupont", "learner0", "zipper"]
    release(course, "foundations", run_tests=False, learners=learners)
    _answered(course, "honest-right", KEY)
    _answered(course, "honest-wrong", WRONG)
    for learner, (q1_extra, new_cells) in ATTACKS.items():
        _answered(course, learner, WRONG, q1_extra, new_cells)
    for learner, (answers, hook) in broken.items():
        _answered(course, learner, answers, notebook_hook=hook)
    for learner, (change, _) in SHEETS.items():
        _answered(course, learner, KEY)
        _rewrite_sheet(course, learner, change)
    _answered(course, "h05-someone-elses-file", KEY, sheet_of="honest-right")
    outside = tmp_path_factory.mktemp("outside") / "OUTSIDE-written-by-learner.txt"
    for learner, cells in _escapes(course, outside).items():
        _answered(course, learner, WRONG, new_cells=cells)
    # CR-5: a mesocourse/ package sent next to the notebook, whose check_key says "right" to everything.
    shadow = _answered(course, "g18-shadow-package", WRONG) / "mesocourse" / "grading"
    shadow.mkdir(parents=True)
    for path in (shadow.parent / "__init__.py", shadow / "__init__.py"):
        path.write_text("")
    for name in ("answer_format.py", "keys.py"):
        (shadow / name).write_text("def check_format(*a, **k):\n    print('✔ Right.')\n\ncheck_key = check_format\n")
    before = {path: path.read_bytes() for path in course.submitted_dir.rglob("*.ipynb")}
    # An answer form runs nothing of the learner's by default; here every notebook runs, so that each attack meets
    # the sandbox itself (as a trainer's own code assignment would).
    graded = autograde(course, "foundations", timeout=20, show_progress=False, run_every_notebook=True)
    results = {result.learner: result for result in graded}
    time.sleep(3)  # the forger's detached process would have written by now, had it outlived its sandbox
    return {"course": course, "results": results, "broken": broken, "outside": outside, "before": before}


def _score(result):
    return (result.status, result.autograded_score)


def test_honest_learners_score_what_their_answers_earn(cohort):
    """The right notebook earns 9/9 and the wrong one 0/9, scored from their answers as data."""
    results = cohort["results"]
    assert _score(results["honest-right"]) == (GRADED, FULL)
    assert _score(results["honest-wrong"]) == (GRADED, 0.0)


@pytest.mark.parametrize("learner", sorted(ATTACKS))
def test_code_in_a_submission_never_raises_its_score(cohort, learner):
    """CR-1 (G01-G08, G14): patched checkers, import hooks and learned keys leave every wrong answer wrong."""
    assert _score(cohort["results"][learner]) == (GRADED, 0.0)


def test_code_in_a_submission_is_noted_in_the_status_table(cohort):
    """Code sent in added cells is listed (it ran only in the sandbox and never scored)."""
    results = cohort["results"]
    for learner in ("g01-patch-in-answer", "g05-import-hook", "g07-new-cell", "g08-learn-the-key"):
        assert "1 code cell added (never run for the score)" in results[learner].notes, learner


@pytest.mark.parametrize("learner", sorted(SHEETS))
def test_an_answers_file_is_scored_as_data_whatever_it_holds(cohort, learner):
    """Code, a huge file, broken JSON or extra keys in answers.json: scored as data, graded, never a traceback."""
    assert _score(cohort["results"][learner]) == (GRADED, SHEETS[learner][1])


def test_what_an_answers_file_held_is_noted_in_the_status_table(cohort):
    """The trainer reads one plain note per odd answers file."""
    notes = {learner: "; ".join(cohort["results"][learner].notes) for learner in SHEETS}
    assert (
        "not an answer, scored 0: q01-italian-society-definition, q04-evidence-statements"
        in notes["h01-code-in-answers-file"]
    )
    assert "far too large" in notes["h02-huge-answers-file"]
    assert "damaged" in notes["h03-broken-answers-file"]
    assert "1 unknown entry ignored" in notes["h04-extra-keys"]


def test_another_learners_answers_file_scores_in_the_senders_own_version(cohort):
    """honest-right's file (all right in their version) handed in by someone else scores only where it fits."""
    course = cohort["course"]
    source = learner_version(course.source_notebook("foundations"), "honest-right", course.secret())
    mine = learner_version(course.source_notebook("foundations"), "h05-someone-elses-file", course.secret())
    sent = in_own_version(course, "foundations", "honest-right", KEY)
    deserved = 0.0
    for grade_id, question in source.questions.items():
        own = mine.questions[grade_id]
        key = in_own_version(course, "foundations", "h05-someone-elses-file", KEY)[question.number]
        theirs = to_source(own, from_source(question, sent[question.number]))
        deserved += question.points if theirs == (sorted(key) if isinstance(key, list) else key) else 0.0
    result = cohort["results"]["h05-someone-elses-file"]
    assert _score(result) == (GRADED, deserved) and deserved < FULL
    assert any("made for honest-right" in note for note in result.notes)


@pytest.mark.parametrize(
    ("learner", "expected"),
    [
        ("d01-pasted-setup-cell", FULL),
        ("d02-pasted-answer-cell", FULL),
        ("d06-grade-cell-without-id", FULL),
        ("e01-metadata-string", FULL),
        ("e02-grade-id-list", FULL),
        ("e03-long-answer", FULL - 1),
        ("g26-huge-number", FULL - 1),
    ],
)
def test_odd_notebooks_are_graded_not_failed(cohort, learner, expected):
    """F-1, F-3: pasted cells and unreadable metadata are graded as the original; a pathological answer is 0."""
    assert _score(cohort["results"][learner]) == (GRADED, expected)


def test_the_graded_copy_shows_the_verdict_and_the_trusted_test(cohort):
    """The test cell holds the trainer's own source again and the verdict reached in the grading process."""
    course = cohort["course"]
    graded = nbformat.read(course.autograded_dir / "g07-new-cell" / "foundations" / "foundations.ipynb", 4)
    test = _cell(graded, "q01-italian-society-definition")
    assert "check_key(" in test.source
    assert [output.output_type for output in test.outputs] == ["error"]
    assert test.outputs[0].traceback[0] == "✘ Not the expected answer."


# The sandbox --------------------------------------------------------------------------------------------------

ESCAPES = [
    "g13-exit",
    "g15-exfiltrate",
    "g16-forge-gradebook",
    "g17-write-elsewhere",
    "g18-shadow-package",
    "g24-sleepy",
]


@pytest.mark.parametrize("learner", ESCAPES)
def test_escaping_code_still_scores_its_answers(cohort, learner):
    """Whatever the submission's code does inside the sandbox (even ending its kernel), wrong answers score 0."""
    assert _score(cohort["results"][learner]) == (GRADED, 0.0)


def test_the_sandbox_sees_no_key_and_no_solution(cohort):
    """CR-2: reading the secret or the sources fails inside the box (what the code printed, kept in the graded copy,
    holds neither), and the feedback page, which shows no output of learner code, holds neither either."""
    course = cohort["course"]
    secret = course.secret().decode()
    graded_copy = course.autograded_dir / "g15-exfiltrate" / "foundations" / "foundations.ipynb"
    smuggled = re.findall(r"SMUGGLED:([A-Za-z0-9+/=]+)", graded_copy.read_text(encoding="utf-8"))
    assert smuggled, "the exfiltrating code ran in the box and printed what it found"
    found = [zlib.decompress(base64.b64decode(blob)).decode() for blob in smuggled]
    assert all(secret not in text and "BEGIN SOLUTION" not in text for text in found)
    feedback = generate_feedback(course, "foundations", ["g15-exfiltrate"])
    page = feedback.files["g15-exfiltrate"].read_text(encoding="utf-8")
    assert secret not in page and "SMUGGLED:" not in page
    assert scan_feedback(course, ["foundations"]) == []


def test_the_sandbox_cannot_touch_the_gradebook_or_other_files(cohort):
    """CR-3, CR-4: no forged score, no file written outside, no other submission changed, no process left."""
    course = cohort["course"]
    _, rows = export_csv(course)
    forger = next(row for row in rows if row.learner == "g16-forge-gradebook")
    assert forger.problems == [] and forger.autograded_score == 0.0
    assert not cohort["outside"].exists()
    assert {path: path.read_bytes() for path in cohort["before"]} == cohort["before"]
    leftover = subprocess.run(["pgrep", "-f", "UPDATE grade SET"], capture_output=True, text=True)
    assert leftover.stdout == ""


def test_a_shadowing_package_is_listed_and_changes_nothing(cohort):
    """CR-5: the mesocourse/ folder sent along is named in the notes; the answers are scored as data anyway."""
    assert "extra files ignored by grading: mesocourse/ (folder)" in cohort["results"]["g18-shadow-package"].notes


def test_a_notebook_has_one_time_budget_not_one_per_cell(cohort):
    """F-2: four 4 s cells under a 10 s budget: the last ones are not run, and the note says so."""
    assert any("ran out of its time budget" in note for note in cohort["results"]["g24-sleepy"].notes)


def test_a_kernel_ended_from_inside_costs_only_the_later_outputs(cohort):
    """os._exit in the box ends its kernel; the answers are still scored and the note says what was not run."""
    assert any("stopped its own kernel" in note for note in cohort["results"]["g13-exit"].notes)


def test_a_leak_planted_in_feedback_is_caught(cohort):
    """A feedback page carrying the secret zlib+base64-encoded (as G15 tried) is caught by the leak scan."""
    course = cohort["course"]
    page = course.feedback_dir / "g15-exfiltrate" / "foundations" / "foundations.html"
    kept = page.read_text(encoding="utf-8")
    planted = base64.b64encode(zlib.compress(course.secret() + b"\n" + b"padding " * 50)).decode()
    page.write_text(kept + f"<pre>SMUGGLED:{planted}</pre>", encoding="utf-8")
    try:
        assert "answer-key secret, encoded" in {leak.kind for leak in scan_feedback(course, ["foundations"])}
    finally:
        page.write_text(kept, encoding="utf-8")


# Collect ------------------------------------------------------------------------------------------------------


def test_one_bad_zip_costs_nobody_their_submission(cohort, tmp_path):
    """F-10: with a truncated zip in the batch, bob's new notebook is filed and maria keeps her earlier one."""
    course = cohort["course"]
    first = tmp_path / "first"
    for learner in ("bob", "maria-dupont"):
        shutil.copytree(_answered(course, learner, KEY), first / learner)
    collect_folder(course, "foundations", first)
    maria = course.submitted_dir / "maria-dupont" / "foundations" / "foundations.ipynb"
    before = maria.read_bytes()
    second = tmp_path / "second"
    shutil.copytree(_answered(course, "bob", WRONG), second / "bob")
    (second / "maria-dupont.zip").write_bytes(b"PK\x03\x04 this download was cut short")
    result = collect_folder(course, "foundations", second)
    assert "bob" in result.replaced and "maria-dupont" not in result.replaced
    assert maria.read_bytes() == before
    assert any("cannot be opened" in note for note in result.notes["maria-dupont"])
    # The answers file handed in beside the notebook is filed with it, byte for byte.
    sent = (second / "bob" / "answers.json").read_bytes()
    assert (course.submitted_dir / "bob" / "foundations" / "answers.json").read_bytes() == sent


def test_the_submission_time_is_when_the_learner_saved_it(cohort, tmp_path):
    """F-13: timestamp.txt holds the file's own date (and a zip member's date), not the time of collection."""
    course = cohort["course"]
    inbox = tmp_path / "inbox"
    shutil.copytree(_answered(course, "learner0", KEY), inbox / "learner0")
    path = inbox / "learner0" / "foundations.ipynb"
    os.utime(path, (1704103200, 1704103200))  # 2024-01-01 10:00 UTC
    with zipfile.ZipFile(inbox / "zipper.zip", "w") as archive:
        archive.writestr(zipfile.ZipInfo("foundations.ipynb", (2024, 5, 2, 9, 30, 0)), path.read_text())
    collect_folder(course, "foundations", inbox)
    stamps = {
        learner: (course.submitted_dir / learner / "foundations" / "timestamp.txt").read_text().strip()
        for learner in ("learner0", "zipper")
    }
    assert stamps["learner0"].startswith("2024-01-01 10:00:00")
    assert stamps["zipper"].startswith("2024-05-02 09:30:00")


# Gradebook, status and timeouts -------------------------------------------------------------------------------


def test_feedback_for_learners_who_named_the_checker_is_made(cohort):
    """F-5: learners whose own cells mention check_key get their page; nothing is deleted."""
    feedback = generate_feedback(cohort["course"], "foundations", ["g01-patch-in-answer", "g07-new-cell"])
    assert sorted(feedback.files) == ["g01-patch-in-answer", "g07-new-cell"]


def test_a_forged_gradebook_is_flagged_and_given_no_total(cohort):
    """CR-3: scores above the maximum and extra credit written behind the commands' back are flagged, not summed."""
    from nbgrader.api import Gradebook

    course = cohort["course"]
    with Gradebook(course.db_url) as gradebook:
        submission = gradebook.find_submission("foundations", "honest-wrong")
        for grade in submission.notebooks[0].grades:
            grade.manual_score, grade.extra_credit = grade.max_score, 1.0
        gradebook.db.commit()
    _, rows = export_csv(course)
    row = next(row for row in rows if row.learner == "honest-wrong")
    assert row.as_csv()["total_score"] == "" and row.as_csv()["percent"] == ""
    assert "extra credit" in row.as_csv()["gradebook_check"] and "of 1 points" in row.as_csv()["gradebook_check"]
    assert "changed since autograde" in row.as_csv()["gradebook_check"] or "overridden by hand" in row.problems[-1]
    assert "the gradebook does not add up for honest-wrong" in status_overview(course)


def test_a_timeout_that_would_switch_the_guard_off_is_refused(cohort):
    """F-14: --timeout 0, 0.5 or -1 would mean "no limit" to nbclient: refused with a sentence."""
    for seconds in (0, 0.5, -1):
        with pytest.raises(TrainerError, match="switch off the guard"):
            autograde(cohort["course"], "foundations", ["honest-right"], timeout=seconds, show_progress=False)


def test_a_damaged_status_file_gets_one_sentence(cohort):
    """F-17: a truncated record stops status, export and autograde with one sentence, before any grading."""
    course = cohort["course"]
    path = course.reports_dir / "foundations" / "autograde-status.json"
    kept = path.read_bytes()
    try:
        for damage in ('{"mixed": {"status": "graded", ', "[]"):
            path.write_text(damage)
            for run in (status_overview, export_csv, lambda c: autograde(c, "foundations", show_progress=False)):
                with pytest.raises(TrainerError, match="autograde record .* is damaged"):
                    run(course)
    finally:
        path.write_bytes(kept)


@pytest.mark.parametrize("damage", ["missing", "empty", "random", "folder"])
def test_a_lost_or_damaged_gradebook_gets_one_sentence_and_is_not_recreated(cohort, damage):
    """F-15, F-16: status, export and autograde say the gradebook is missing or damaged; none makes a new one."""
    course = cohort["course"]
    path = course.db_path
    kept = path.with_name("kept.db")
    path.rename(kept)
    try:
        if damage == "empty":
            path.write_bytes(b"")
        elif damage == "random":
            path.write_bytes(os.urandom(65536))
        elif damage == "folder":
            path.mkdir()
        for run in (status_overview, export_csv, lambda c: autograde(c, "foundations", show_progress=False)):
            with pytest.raises(TrainerError, match="The gradebook .*(missing|empty|damaged|folder)"):
                run(course)
        assert path.exists() == (damage != "missing")
    finally:
        if path.is_dir():
            path.rmdir()
        path.unlink(missing_ok=True)
        kept.rename(path)
