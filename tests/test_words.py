"""mesocourse.words: counts read right in the trainer's messages."""

import subprocess

from mesocourse.paths import ROOT
from mesocourse.words import counted


def test_one_is_singular_and_others_plural():
    """1 written answer, 0 and 2 written answers; an irregular plural can be given."""
    assert counted(1, "written answer") == "1 written answer"
    assert counted(0, "written answer") == "0 written answers"
    assert counted(2, "learner") == "2 learners"
    assert counted(3, "person", "people") == "3 people"


def test_no_message_writes_a_count_before_a_fixed_plural():
    """No f-string in the engine puts a number straight before "written answers" (it would say "1 written answers")."""
    found = subprocess.run(
        ["grep", "-rnE", r"\{[a-z_]+\} written answers", str(ROOT / "mesocourse")], capture_output=True, text=True
    ).stdout
    assert found == "", found
