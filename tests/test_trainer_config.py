"""The trainer's Jupyter settings keep the trainer's JupyterLab tabs apart from a learner's on the same computer."""

from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

from mesocourse.grading.exchange import EXCHANGE
from mesocourse.paths import ROOT

CONFIG = ROOT / "jupyter-config"


def workspaces_dir(role: str) -> Path:
    """Where JupyterLab keeps the open tabs (workspaces) of a role's server."""
    config = PyFileConfigLoader("jupyter_server_config.py", path=str(CONFIG / role)).load_config()
    return Path(config.LabApp.workspaces_dir)


@pytest.mark.parametrize("learner_setting", [None, "/srv/shared/workspaces"])
def test_learner_and_trainer_never_share_workspaces(monkeypatch, learner_setting):
    """`make course` and `make formgrader` reopen only their own tabs, also when JUPYTERLAB_WORKSPACES_DIR is set."""
    if learner_setting:
        monkeypatch.setenv("JUPYTERLAB_WORKSPACES_DIR", learner_setting)
    else:
        monkeypatch.delenv("JUPYTERLAB_WORKSPACES_DIR", raising=False)
    assert workspaces_dir("learner") != workspaces_dir("trainer")


def test_trainer_exchange_setting_matches_the_publishing_step():
    """Formgrader's exchange (trainer settings) is the folder `make formgrader` publishes to."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(CONFIG / "trainer")).load_config()
    assert config.Exchange.root == EXCHANGE.as_posix()
