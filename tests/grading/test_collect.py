"""Collecting received files: whose submission each file is, which one wins, and what is set aside."""

import os
import zipfile

from mesocourse.grading.collect import LearnerFileCollector, learner_from_file_name, learner_id, plan_collection


def _touch(path, text="{}", mtime=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def test_learner_ids_are_normalised():
    """Folder names become lower-case ids with dashes for spaces and nothing unsafe."""
    assert learner_id("Jean Paul") == "jean-paul"
    assert learner_id("Maria.Dupont@Clinic.fr") == "maria.dupont@clinic.fr"
    assert learner_id("  ../  ") == ""


def test_learner_from_a_file_name():
    """The assignment name is taken out of a file name wherever it sits; the rest is the learner."""
    assert learner_from_file_name("maria_foundations", "foundations") == "maria"
    assert learner_from_file_name("Foundations - Jean Paul", "foundations") == "jean-paul"
    assert learner_from_file_name("foundations", "foundations") == ""


def test_plan_files_each_learner_once(tmp_path):
    """Folders, zips and named notebooks are each attributed; unknown and non-notebook files are listed."""
    _touch(tmp_path / "maria" / "foundations.ipynb")
    with zipfile.ZipFile(tmp_path / "lucas.zip", "w") as archive:
        archive.writestr("foundations.ipynb", "{}")
    _touch(tmp_path / "sophie_foundations.ipynb")
    _touch(tmp_path / "foundations.ipynb")
    _touch(tmp_path / "notes.pdf")
    plan = plan_collection(tmp_path, "foundations")
    assert sorted(plan.chosen) == ["lucas", "maria", "sophie"]
    assert any(item.startswith("foundations.ipynb (cannot tell whose") for item in plan.ignored)
    assert any(item.startswith("notes.pdf (not a notebook") for item in plan.ignored)


def test_the_newest_of_several_files_wins(tmp_path):
    """A learner who sent two versions is filed with the newest; the other is listed, not lost."""
    _touch(tmp_path / "maria" / "foundations (1).ipynb", mtime=1_000_000)
    newest = _touch(tmp_path / "maria" / "foundations (2).ipynb", mtime=2_000_000)
    plan = plan_collection(tmp_path, "foundations")
    assert plan.chosen["maria"] == newest
    assert plan.set_aside["maria"] == ["maria/foundations (1).ipynb"]


def test_collector_files_any_notebook_under_the_assignment_name(tmp_path):
    """nbgrader's zip collect is told the learner (first folder) and the single assignment notebook name."""
    LearnerFileCollector.notebook_name = "foundations.ipynb"
    LearnerFileCollector.extracted_root = str(tmp_path)
    collector = LearnerFileCollector()
    found = collector.collect(str(_touch(tmp_path / "maria" / "sub" / "My copy.ipynb")))
    assert found["student_id"] == "maria" and found["file_id"] == "foundations.ipynb"
    assert collector.collect(str(_touch(tmp_path / "maria" / "notes.txt"))) is None
    assert collector.collect(str(_touch(tmp_path / "loose.ipynb"))) is None
