"""The learner bundle: no trainer workspace or tools, each learner's own assignments, `make course`'s settings."""

import json
import shutil
import zipfile

import nbformat

from mesocourse.grading.bundle import build_bundle, build_bundles
from mesocourse.grading.course import Course
from mesocourse.grading.handout import handout_folder
from mesocourse.grading.leaks import scan_bundle
from mesocourse.paths import ROOT
from tests.grading.conftest import _copy_course

TRAINER_ONLY = (
    "grading/Cohort-Report.ipynb",
    "mesocourse/grading/cohort_widgets.py",
    "mesocourse/grading/cohort_report.py",
    "mesocourse/grading/cohort_figures.py",
    "mesocourse/grading/item_analysis.py",
    "mesocourse/grading/statistics.py",
)


def _course_copy(tmp_path):
    course = Course(_copy_course(tmp_path))
    (course.root / "grading").mkdir()
    return course


def test_the_trainer_notebook_and_report_modules_are_not_in_the_bundle(tmp_path):
    """Built from a copy of the course that holds the trainer notebook, the zip has none of the trainer files."""
    course = _course_copy(tmp_path)
    shutil.copy(ROOT / "grading" / "Cohort-Report.ipynb", tmp_path / "grading")
    result = build_bundle(course, tmp_path / "bundle.zip")
    with zipfile.ZipFile(result.path) as archive:
        names = set(archive.namelist())
    assert "mesocourse/grading/answer_format.py" in names
    assert not names & set(TRAINER_ONLY)
    assert not any(name.startswith("grading/") or name.endswith("Cohort-Report.ipynb") for name in names)
    assert scan_bundle(course, result.path) == []


def _notebook(marker: str, output: str = "") -> dict:
    cell = nbformat.v4.new_code_cell(f"# {marker}", execution_count=3 if output else None)
    if output:
        cell.outputs = [nbformat.v4.new_output("stream", text=output)]
    return nbformat.v4.new_notebook(cells=[cell])


def test_each_learner_gets_their_own_copy_the_learner_settings_and_no_outputs(tmp_path):
    """Per-learner zips hold that learner's hand-out (never another's or the all-learners release), the settings
    `make course` uses (custom.css, pre-save hook, no terminal), and notebooks without the trainer's outputs."""
    course = _course_copy(tmp_path)
    assignment = course.assignments()[0]
    released = course.released_notebook(assignment)
    released.parent.mkdir(parents=True)
    nbformat.write(_notebook("every learner's forms"), released)
    for learner in ("ana", "ben"):
        folder = handout_folder(course, learner, assignment)
        folder.mkdir(parents=True)
        nbformat.write(_notebook(f"{learner}'s own version"), folder / released.name)
        (folder / "answers.json").write_text("{}", encoding="utf-8")
    module = sorted((course.root / "notebooks").glob("*.ipynb"))[1]
    trainer_copy = nbformat.read(module, as_version=4)
    trainer_copy.cells.append(_notebook("run", "the trainer's output").cells[0])
    trainer_copy.metadata["widgets"] = {"state": "saved by the trainer"}
    nbformat.write(trainer_copy, module)

    results = build_bundles(course, tmp_path / "zips")
    assert sorted(result.learner for result in results) == ["ana", "ben"]
    for result in results:
        with zipfile.ZipFile(result.path) as archive:
            names = set(archive.namelist())
            shipped = archive.read(f"assignments/{assignment}/{released.name}").decode()
            page = json.loads(archive.read(f"notebooks/{module.name}"))
            config = archive.read("jupyter-config/learner/jupyter_server_config.py").decode()
            css = archive.read("jupyter-config/learner/custom/custom.css")
        assert f"{result.learner}'s own version" in shipped and "every learner's forms" not in shipped
        assert f"assignments/{assignment}/answers.json" in names
        assert css == (ROOT / "jupyter-config" / "learner" / "custom" / "custom.css").read_bytes()
        assert "pre_save_hook" in config and "terminals_enabled = False" in config
        assert "jupyter-config/lab-settings/overrides.json" in names
        assert all(cell.get("outputs", []) == [] for cell in page["cells"]) and "widgets" not in page["metadata"]
        assert "the trainer's output" not in json.dumps(page)
        assert scan_bundle(course, result.path) == []
    # The zip's Makefile starts JupyterLab with that same folder of settings.
    with zipfile.ZipFile(results[0].path) as archive:
        assert "JUPYTER_CONFIG_DIR := $(CURDIR)/jupyter-config/learner" in archive.read("Makefile").decode()


def test_an_assignment_with_own_copies_is_left_out_of_a_zip_for_nobody(tmp_path):
    """Without a learner, an assignment released per learner is not shipped at all, and the result says so."""
    course = _course_copy(tmp_path)
    assignment = course.assignments()[0]
    released = course.released_notebook(assignment)
    released.parent.mkdir(parents=True)
    nbformat.write(_notebook("every learner's forms"), released)
    folder = handout_folder(course, "ana", assignment)
    folder.mkdir(parents=True)
    nbformat.write(_notebook("ana's own version"), folder / released.name)
    result = build_bundle(course, tmp_path / "nobody.zip")
    assert result.no_own_copy == [assignment] and assignment not in result.assignments
    assert not any(name.startswith("assignments/") for name in result.members)
