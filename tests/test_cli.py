"""The `mesocourse` command: arguments, help, and plain messages (never tracebacks) for a trainer's mistakes."""

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from mesocourse import cli
from mesocourse.grading import authoring
from mesocourse.grading.course import Course
from mesocourse.grading.release import release
from mesocourse.paths import ROOT

COMMANDS = (
    "release",
    "collect",
    "autograde",
    "feedback",
    "export",
    "status",
    "report",
    "bundle",
    "check",
    "keys",
    "cues",
)


@pytest.fixture(scope="module")
def course_root(tmp_path_factory):
    """A tiny course (one released two-question assignment, no exchange) in a temporary folder."""
    root = tmp_path_factory.mktemp("cli-course")
    shutil.copy(ROOT / "nbgrader_config.py", root)
    with open(root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"\nc.Exchange.root = {str(root / 'no-exchange')!r}\n")
    (root / "assignments" / "mini").mkdir(parents=True)
    (root / "grading").mkdir()
    (root / "grading" / "answer-key-secret.txt").write_text("cli-test-secret\n", encoding="utf-8")
    cells = authoring.autograded_cells(
        1,
        "pick",
        "Pick [ref-20]",
        "letter",
        "A",
        "Because [ref-20].",
        options={"A": "a", "B": "b"},
        secret=b"cli-test-secret",
        objective="Check the planned product against the patient",
    )
    notebook = authoring.new_assignment_notebook("Mini", "Test.", 5, cells)
    nbformat.write(notebook, root / "assignments" / "mini" / "mini.ipynb")
    (root / "assignments" / "later").mkdir()
    nbformat.write(notebook, root / "assignments" / "later" / "later.ipynb")
    release(Course(root), "mini", run_tests=False, learners=["maria"])
    return root


def run(course_root, capsys, *args):
    """Run the command in-process; returns (exit code, stdout, stderr)."""
    code = cli.main(["--course", str(course_root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_every_command_and_a_typical_round(capsys):
    """`mesocourse --help` names each command and shows the order of a round."""
    with pytest.raises(SystemExit) as exited:
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0
    for command in COMMANDS:
        assert f"    {command}" in out
    assert "A round with a cohort" in out and "mesocourse autograde foundations" in out


def test_no_command_shows_help_and_exits_2(capsys):
    """Running it bare shows the help instead of doing anything."""
    assert cli.main([]) == 2
    assert "usage: mesocourse" in capsys.readouterr().out


def test_an_unknown_command_is_a_usage_error(capsys):
    """argparse rejects unknown commands with exit code 2."""
    with pytest.raises(SystemExit) as exited:
        cli.main(["grade-everyone"])
    assert exited.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_an_unknown_assignment_is_named_with_the_known_ones(course_root, capsys):
    """A typo gets the list of assignments and a suggestion, not a traceback."""
    code, _, err = run(course_root, capsys, "release", "minni")
    assert code == 1
    assert "There is no assignment called 'minni'. Did you mean 'mini'? Known assignments: later, mini." in err
    assert "Traceback" not in err


def test_autograde_before_release_says_what_to_run(course_root, capsys):
    """Grading an assignment that was never released explains the missing step."""
    code, _, err = run(course_root, capsys, "autograde", "later")
    assert code == 1 and "run `mesocourse release later` first" in err


def test_autograde_with_no_submissions_says_to_collect(course_root, capsys):
    """Nothing collected yet: the message names the collect command."""
    code, _, err = run(course_root, capsys, "autograde", "mini")
    assert code == 1 and "Nobody has submitted 'mini' yet" in err and "mesocourse collect mini FOLDER" in err


def test_collect_needs_a_folder_or_the_exchange(course_root, capsys):
    """Leaving out the folder is explained."""
    code, _, err = run(course_root, capsys, "collect", "mini")
    assert code == 1 and "Give the folder of received files" in err


def test_collect_from_a_missing_or_empty_folder(course_root, tmp_path, capsys):
    """A folder that is not there, or holds nothing usable, is reported as such."""
    code, _, err = run(course_root, capsys, "collect", "mini", str(tmp_path / "nowhere"))
    assert code == 1 and "is not a folder" in err
    code, _, err = run(course_root, capsys, "collect", "mini", str(tmp_path))
    assert code == 1 and "No submission found" in err and "It is empty." in err


def test_collect_from_a_missing_exchange_is_explained(course_root, capsys):
    """Without an nbgrader exchange, --exchange points to the folder way of collecting."""
    code, _, err = run(course_root, capsys, "collect", "mini", "--exchange")
    assert code == 1 and "exchange folder does not exist" in err


def test_steps_after_grading_explain_what_is_missing(course_root, capsys):
    """Feedback and item analysis before any grading name the step to run first."""
    code, _, err = run(course_root, capsys, "feedback", "mini")
    assert code == 1 and "run `mesocourse autograde mini` first" in err
    code, _, err = run(course_root, capsys, "report", "mini")
    assert code == 1 and "No graded submissions of 'mini' yet" in err


def test_a_missing_course_folder_is_explained(tmp_path, capsys):
    """Pointing --course at a folder without nbgrader_config.py is a message, not a crash."""
    code, _, err = run(tmp_path, capsys, "status")
    assert code == 1 and "has no nbgrader_config.py" in err


def test_status_lists_released_and_unreleased_assignments(course_root, capsys):
    """Status works before any submission and names what is not released yet."""
    code, out, _ = run(course_root, capsys, "status")
    # The learner the assignment was released for is listed, with nothing handed in yet.
    assert code == 0 and "mini: 0 submitted" in out and "maria    -" in out and "Not released yet: later" in out


def test_check_and_strip_report_per_assignment(course_root, capsys):
    """check --quick says ok per assignment; keys strip takes the digest out of a source, once."""
    code, out, _ = run(course_root, capsys, "check", "--quick", "mini")
    assert code == 0 and "mini: ok" in out
    code, out, _ = run(course_root, capsys, "keys", "strip", "later")
    assert code == 0 and "later: 1 keys stripped" in out
    code, out, _ = run(course_root, capsys, "keys", "strip", "later")
    assert code == 0 and "later: holds no key" in out
    code, out, _ = run(course_root, capsys, "check", "--quick", "later")
    assert code == 0 and "later: ok" in out


def test_the_console_script_is_installed():
    """`mesocourse` is the entry point declared in pyproject.toml and answers --help."""
    script = Path(sys.executable).parent / "mesocourse"
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Trainer commands" in done.stdout


def test_leaks_reports_a_planted_key_and_exits_1(course_root, capsys):
    """A clean course scans clean; a solution line dropped into a release is reported with its place."""
    code, out, _ = run(course_root, capsys, "leaks")
    assert code == 0 and "No leak found" in out
    planted = course_root / "grading" / "release" / "mini" / "notes.md"
    planted.write_text('Key: answer_q1 = "A"', encoding="utf-8")
    try:
        code, out, _ = run(course_root, capsys, "leaks")
    finally:
        planted.unlink()
    assert code == 1 and "LEAK grading/release/mini/notes.md: solution" in out


def test_cues_reports_the_course_numbers_and_passes(capsys):
    """`mesocourse cues` on the course prints the longest-right share per bank and the graded key letters, exit 0."""
    code = cli.main(["--course", str(ROOT), "cues"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "03-injection-depths: right option longest" in out and "all graded keys:" in out
    assert "No cue found." in out


def test_cues_names_a_course_whose_keys_are_all_one_letter(course_root, capsys):
    """The tiny course keys both its questions A (of A and B): the command fails and says letter B is never the key."""
    code, out, _ = run(course_root, capsys, "cues")
    assert code == 1
    assert "key B is never used" in out and "key A in 2 of 2" in out


def test_trainer_commands_load_jsonschema_without_its_iri_grammar():
    code = (
        "import sys\nfrom mesocourse import cli\ncli.without_iri_grammar()\nimport jsonschema, nbformat\n"
        "assert sys.modules['rfc3987_syntax'] is None\n"
        "nbformat.validate(nbformat.v4.new_notebook())\n"
        "checker = jsonschema.FormatChecker()\n"
        "assert 'iri' not in checker.checkers and 'email' in checker.checkers\nprint('ok')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.stdout.strip() == "ok", done.stderr
