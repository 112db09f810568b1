"""Formgrader on a laptop: no missing-exchange warning, and the course's released assignments listed as released."""

import shutil

import nbformat
import pytest
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from mesocourse.grading.exchange import EXCHANGE, publish_releases
from mesocourse.paths import ROOT

TRAINER_CONFIG = ROOT / "jupyter-config" / "trainer"


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A course folder with one released learner version (grading/release/foundations), formgrader's cwd."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    release = tmp_path / "grading" / "release" / "foundations"
    release.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), release / "foundations.ipynb")
    monkeypatch.chdir(tmp_path)  # formgrader runs from the course root (make formgrader)
    return tmp_path


def formgrader_api(course) -> NbGraderAPI:
    """NbGraderAPI with the settings formgrader reads: the trainer's nbgrader_config.py, then the course's."""
    config = Config()
    for folder in (TRAINER_CONFIG, course):
        config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config())
    return NbGraderAPI(CourseDirectory(config=config, root=str(course)), config=config)


@pytest.mark.parametrize("released", [True, False])
def test_formgrader_finds_the_exchange_inside_the_course(course, released):
    """After `make formgrader`'s first step the exchange is grading/exchange: no missing-exchange warning."""
    if not released:
        shutil.rmtree(course / "grading" / "release")
    publish_releases(course)
    api = formgrader_api(course)
    assert api.exchange_root == EXCHANGE.as_posix()
    assert not api.exchange_missing
    assert (course / EXCHANGE).is_dir()


def test_published_releases_are_listed_as_released(course):
    """After `make formgrader`'s publishing step, formgrader's status of the released assignment is "released"."""
    assert publish_releases(course) == ["foundations"]
    api = formgrader_api(course)
    assert api.get_released_assignments() == {"foundations"}
    assert (course / EXCHANGE / "mesotherapy-staff" / "outbound" / "foundations" / "foundations.ipynb").is_file()
    # The learner version the course made is left as it was.
    assert (course / "grading" / "release" / "foundations" / "foundations.ipynb").is_file()


def test_publishing_twice_replaces_the_published_copy(course):
    """A re-released assignment is published again over the old copy (nbgrader's --force), not refused."""
    publish_releases(course)
    nbformat.write(nbformat.v4.new_notebook(), course / "grading" / "release" / "foundations" / "extra.ipynb")
    assert publish_releases(course) == ["foundations"]
    assert (course / EXCHANGE / "mesotherapy-staff" / "outbound" / "foundations" / "extra.ipynb").is_file()


def test_nothing_released_yet_publishes_nothing(course):
    """Before any release there is nothing to publish, and no error."""
    shutil.rmtree(course / "grading" / "release")
    assert publish_releases(course) == []
