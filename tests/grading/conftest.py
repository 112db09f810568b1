"""Shared set-up for the grading tests: a throwaway copy of the course to release, collect and grade in."""

import shutil
from pathlib import Path

import pytest

from mesocourse.paths import ROOT


def _copy_course(target: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc")
    for folder in ("assignments", "notebooks", "assets", "mesocourse"):
        shutil.copytree(ROOT / folder, target / folder, ignore=ignore)
    for name in ("nbgrader_config.py", "pyproject.toml"):
        shutil.copy(ROOT / name, target / name)
    with open(target / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"\nc.Exchange.root = {str(target / 'no-exchange')!r}\n")
    return target


@pytest.fixture(scope="session")
def copy_course():
    """A function that copies the course's sources, engine and nbgrader settings into a folder."""
    return _copy_course
