"""The learner's settings on the hub: the laptop learner's settings plus the Assignment List, nothing more."""

import json

from traitlets.config.loader import PyFileConfigLoader

from mesocourse.paths import ROOT

FOLDER = ROOT / "jupyter-config" / "hub-learner"


def _server_config():
    return PyFileConfigLoader("jupyter_server_config.py", path=str(FOLDER)).load_config()


def test_only_the_assignment_list_of_nbgrader_is_on():
    """Formgrader, the course list and validate stay off; learners fetch and submit through the Assignment List."""
    extensions = _server_config().ServerApp.jpserver_extensions
    assert extensions["nbgrader.server_extensions.assignment_list"] is True
    assert not any(on for name, on in extensions.items() if not name.endswith("assignment_list"))


def test_the_laptop_learner_settings_still_hold():
    """No terminal, code hidden by the learner's CSS, saved pages without live widgets."""
    config = _server_config()
    assert config.ServerApp.terminals_enabled is False
    assert config.LabApp.custom_css is True
    assert (FOLDER / "custom" / "custom.css").read_text() == (
        ROOT / "jupyter-config" / "learner" / "custom" / "custom.css"
    ).read_text()


def test_the_browser_hides_every_nbgrader_panel_but_the_assignment_list():
    """The trainer's panels are switched off plugin by plugin; the Assignment List and its menu stay."""
    disabled = json.loads((FOLDER / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    for plugin in ("create-assignment", "formgrader", "course-list"):
        assert disabled[f"@jupyter/nbgrader:{plugin}"] is True
    assert "@jupyter/nbgrader:assignment-list" not in disabled and "@jupyter/nbgrader" not in disabled
