"""The learner bundle never ships the trainer's workspace: no cohort notebook, no report or statistics module."""

import shutil
import zipfile

from mesocourse.grading.bundle import build_bundle
from mesocourse.grading.course import Course
from mesocourse.grading.leaks import scan_bundle
from mesocourse.paths import ROOT

TRAINER_ONLY = (
    "grading/Cohort-Report.ipynb",
    "mesocourse/grading/cohort_widgets.py",
    "mesocourse/grading/cohort_report.py",
    "mesocourse/grading/cohort_figures.py",
    "mesocourse/grading/item_analysis.py",
    "mesocourse/grading/statistics.py",
)


def test_the_trainer_notebook_and_report_modules_are_not_in_the_bundle(tmp_path):
    """Built from a copy of the course that holds the trainer notebook, the zip has none of the trainer files."""
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    for folder in ("assignments", "notebooks", "assets", "mesocourse"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=ignore)
    for name in ("nbgrader_config.py", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "grading").mkdir()
    shutil.copy(ROOT / "grading" / "Cohort-Report.ipynb", tmp_path / "grading")
    course = Course(tmp_path)
    result = build_bundle(course, tmp_path / "bundle.zip")
    with zipfile.ZipFile(result.path) as archive:
        names = set(archive.namelist())
    assert "mesocourse/grading/answer_format.py" in names
    assert not names & set(TRAINER_ONLY)
    assert not any(name.startswith("grading/") or name.endswith("Cohort-Report.ipynb") for name in names)
    assert scan_bundle(course, result.path) == []
