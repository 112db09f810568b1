"""nbgrader's own example course (ps1, two notebooks, its example submissions) goes through every trainer command.

The scores must be nbgrader's own: the same submissions are graded by plain `nbgrader autograde` in a folder of
their own and compared cell by cell. The example is nbgrader's (BSD-3, see nbgrader_example/LICENSE).
"""

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from nbgrader.utils import parse_utc

pytestmark = pytest.mark.pipeline

EXAMPLE = Path(__file__).parent / "nbgrader_example"
LEARNERS = ("bitdiddle", "hacker")
NOTEBOOKS = ("problem1", "problem2")
# Manually graded in ps1: a code answer, a LaTeX answer, a task and two written answers.
MANUAL = {"sum_of_squares_application", "sum_of_squares_equation", "cell-938593c4a215c6cc", "part-a", "part-b"}
TESTS = {"correct_squares", "squares_invalid_input", "correct_sum_of_squares", "sum_of_squares_uses_squares"}
PLANTED = "return [i ** 2 for i in range(1, n + 1)]"


def _environment(tmp: Path) -> dict:
    tools = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": tools + os.pathsep + os.environ.get("PATH", "")}
    env["JUPYTER_CONFIG_DIR"] = str(tmp / "jupyter-config")  # no personal nbgrader settings
    env.pop("PYTHONPATH", None)  # the course copy's own engine, as a trainer's folder has
    return env


def _trainer(root: Path, env: dict, *argv: str) -> tuple[int, str]:
    """One `mesocourse` command run in the course folder, as a trainer types it; exit code and all it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "mesocourse.cli", *argv], cwd=root, env=env, capture_output=True, text=True
    )
    return done.returncode, done.stdout + done.stderr


def _grades(db_path: Path) -> dict:
    """learner -> grade id -> (auto score, manual score, score, max score, needs manual grade), from a gradebook."""
    found = {}
    with Gradebook(f"sqlite:///{db_path}") as gradebook:
        for learner in LEARNERS:
            submission = gradebook.find_submission("ps1", learner)
            found[learner] = {
                grade.name: (
                    grade.auto_score,
                    grade.manual_score,
                    grade.score,
                    grade.max_score,
                    grade.needs_manual_grade,
                )
                for notebook in submission.notebooks
                for grade in notebook.grades
            }
            found[learner]["(timestamp)"] = submission.timestamp
    return found


@pytest.fixture(scope="module")
def plain_nbgrader(tmp_path_factory):
    """The example graded by plain nbgrader, with its default settings, in a folder of its own."""
    folder = tmp_path_factory.mktemp("plain-nbgrader")
    shutil.copytree(EXAMPLE / "source", folder / "source")
    shutil.copytree(EXAMPLE / "submitted", folder / "submitted")
    (folder / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "example"\n')
    env = _environment(folder)
    for step in (["generate_assignment", "ps1"], ["autograde", "ps1"]):
        done = subprocess.run(
            [sys.executable, "-m", "nbgrader", *step, "--force"], cwd=folder, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
    return _grades(folder / "gradebook.db")


@pytest.fixture(scope="module")
def trainer_round(tmp_path_factory, copy_course):
    """The whole round through the course's commands on ps1; every command's exit code and output, by name."""
    tmp = tmp_path_factory.mktemp("example-round")
    root = copy_course(tmp / "course")
    shutil.copytree(EXAMPLE / "source" / "ps1", root / "assignments" / "ps1")
    inbox = tmp / "inbox"
    shutil.copytree(EXAMPLE / "submitted", inbox)
    env = _environment(tmp)
    said = {"root": root}
    said["release"] = _trainer(root, env, "release", "ps1", "--learners", ",".join(LEARNERS))
    said["feedback first"] = _trainer(root, env, "feedback", "ps1")
    said["report first"] = _trainer(root, env, "report", "ps1")
    said["collect"] = _trainer(root, env, "collect", "ps1", str(inbox))
    said["autograde"] = _trainer(root, env, "autograde", "ps1")
    said["feedback"] = _trainer(root, env, "feedback", "ps1")
    said["export"] = _trainer(root, env, "export")
    said["status"] = _trainer(root, env, "status")
    said["report"] = _trainer(root, env, "report", "ps1")
    said["leaks"] = _trainer(root, env, "leaks")
    released = root / "grading" / "release" / "ps1" / "problem1.ipynb"
    clean = released.read_text(encoding="utf-8")
    released.write_text(clean.replace('"squares(10)"', f'"squares(10)  # {PLANTED}"'), encoding="utf-8")
    said["leaks planted"] = _trainer(root, env, "leaks")
    released.write_text(clean, encoding="utf-8")
    said["grades"] = _grades(root / "grading" / "gradebook.db")
    return said


def _ok(said, command) -> str:
    code, text = said[command]
    assert code == 0 and "Traceback" not in text, text
    return text


def test_every_score_equals_plain_nbgrader_cell_by_cell(trainer_round, plain_nbgrader):
    """Each grade of each learner (auto, manual, score, maximum, awaiting marks) is nbgrader's own."""
    _ok(trainer_round, "autograde")
    ours, theirs = trainer_round["grades"], plain_nbgrader
    for learner in LEARNERS:
        assert set(ours[learner]) == set(theirs[learner]) == MANUAL | TESTS | {"(timestamp)"}
        for grade_id in sorted(MANUAL | TESTS):
            assert ours[learner][grade_id] == theirs[learner][grade_id], (learner, grade_id)


def test_submission_times_come_from_nbgrader_timestamp_files(trainer_round, plain_nbgrader):
    """The submission time is timestamp.txt's (with its time zone), not the date of the files."""
    for learner in LEARNERS:
        sent = (EXAMPLE / "submitted" / learner / "ps1" / "timestamp.txt").read_text().strip()
        assert trainer_round["grades"][learner]["(timestamp)"] == parse_utc(sent)
        assert plain_nbgrader[learner]["(timestamp)"] == parse_utc(sent)
    rows = list(csv.DictReader((trainer_round["root"] / "grading" / "reports" / "grades.csv").open()))
    times = {row["learner"]: row["submitted_at"] for row in rows if row["assignment"] == "ps1"}
    assert times["hacker"].startswith("2015-02-01 17:28:58")  # 09:28:58 in Los Angeles


def test_release_and_collect_take_both_notebooks_and_say_what_is_not_checked(trainer_round):
    """ps1 is released (4 tests, 5 answers to mark, 13 points) and collected with both notebooks per learner."""
    text = _ok(trainer_round, "release")
    assert "4 autograded test cells, 5 manually graded answers, 13 points" in text
    assert "plain nbgrader assignment" in text and "do not apply" in text
    _ok(trainer_round, "collect")
    submitted = trainer_round["root"] / "grading" / "submitted"
    for learner in LEARNERS:
        assert {path.name for path in (submitted / learner / "ps1").glob("*.ipynb")} == {
            "problem1.ipynb",
            "problem2.ipynb",
        }


def test_manually_graded_answers_wait_for_marks_and_are_not_autograded(trainer_round):
    """The manually graded code answer is an answer to mark, never counted in the autograded points."""
    text = _ok(trainer_round, "autograde")
    assert "plain nbgrader assignment" in text
    hacker = trainer_round["grades"]["hacker"]
    assert hacker["sum_of_squares_application"][4] is True and hacker["sum_of_squares_application"][1] is None
    rows = {
        row["learner"]: row for row in csv.DictReader((trainer_round["root"] / "grading/reports/grades.csv").open())
    }
    assert rows["hacker"]["autograded_max"] == "3" and rows["hacker"]["written_max"] == "10"
    assert rows["hacker"]["autograded_score"] == "3" and rows["hacker"]["total_score"] == ""
    assert int(rows["hacker"]["written_to_mark"]) == 5
    assert "ps1" in _ok(trainer_round, "status") and "to mark" in trainer_round["status"][1]


def test_feedback_has_a_page_per_notebook_without_test_jargon_for_answers(trainer_round):
    """Each learner gets problem1.html and problem2.html; a code answer waiting for marks is not 'not right'."""
    _ok(trainer_round, "feedback")
    for learner in LEARNERS:
        folder = trainer_round["root"] / "grading" / "feedback" / learner / "ps1"
        assert (folder / "problem1.html").is_file() and (folder / "problem2.html").is_file()
    lines = (trainer_round["root"] / "grading/feedback/hacker/ps1/problem1.html").read_text().splitlines()
    row = lines.index('<td><a href="#sum_of_squares_application">sum_of_squares_application</a></td>')
    assert lines[row + 2] == "<td>not marked yet</td>"


def test_report_analyses_the_test_cells_and_says_what_it_leaves_out(trainer_round):
    """The report covers the four test cells and says, in one sentence, what it cannot analyse."""
    text = _ok(trainer_round, "report")
    assert "4 autograded questions, 2 learners" in text and "covers its autograded test cells only" in text
    assert "correct_squares" in text


def test_commands_before_their_step_say_so_in_one_sentence(trainer_round):
    """Feedback and report before anything is graded: one sentence naming the step, no traceback."""
    for command in ("feedback first", "report first"):
        code, text = trainer_round[command]
        assert code == 1 and "Traceback" not in text and len(text.strip().splitlines()) == 1, text
        assert "autograde" in text


def test_leak_scan_knows_the_example_solutions(trainer_round):
    """The released example is clean; a solution line planted in it is flagged."""
    assert "No leak found" in _ok(trainer_round, "leaks")
    code, text = trainer_round["leaks planted"]
    assert code == 1 and "solution" in text and PLANTED in text
