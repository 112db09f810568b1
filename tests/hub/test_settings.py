"""Hub settings: secrets made once and private, each role's server environment, the interpreter check."""

import os
import sys
from pathlib import Path

import pytest

from mesocourse.hub.settings import LEARNER, TRAINER, closed_to_others, prepare_state, role_of, server_environment

CLINIC = {
    "learners_group": "no-such-learners-group",
    "trainers_group": "no-such-trainers-group",
    "exchange": "/srv/x/exchange",
    "learner_course": "course",
    "trainer_course": "course",
    "idle_stop": 600,
}


def test_the_proxy_token_is_made_once_and_readable_by_its_owner_only(tmp_path, monkeypatch):
    """A second start reads the same token; the folder is 0700 and the token file 0600."""
    monkeypatch.setattr(sys, "executable", "/usr/bin/python3")
    clinic = {**CLINIC, "state": str(tmp_path / "state")}
    first, second = prepare_state(clinic), prepare_state(clinic)
    assert first.proxy_token == second.proxy_token and len(first.proxy_token) == 64
    assert (tmp_path / "state").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "state" / "proxy_token").stat().st_mode & 0o777 == 0o600


def test_a_python_inside_a_closed_folder_is_refused_with_a_sentence(tmp_path, monkeypatch):
    """Learners' servers could not run such a Python: the hub says so at start instead of failing each spawn."""
    closed = tmp_path / "closed"
    (closed / "bin").mkdir(parents=True)
    program = closed / "bin" / "python"
    program.write_text("")
    program.chmod(0o755)
    closed.chmod(0o700)
    assert closed_to_others(program) in (closed, *closed.parents)  # pytest's own folders may be closed higher up
    assert closed_to_others(Path("/usr/bin/env")) is None
    monkeypatch.setattr(sys, "executable", str(program))
    with pytest.raises(SystemExit, match="other accounts cannot open"):
        prepare_state({**CLINIC, "state": str(tmp_path / "state")})


def test_a_learner_server_gets_the_learner_settings_and_the_exchange():
    """Learner: hub-learner settings, workspace in their home; trainer: formgrader settings, course folder."""
    learner = server_environment(LEARNER, Path("/home/maria"), CLINIC, Path("/opt/mesocourse"))
    assert learner["JUPYTER_CONFIG_DIR"] == "/opt/mesocourse/jupyter-config/hub-learner"
    assert learner["MESOCOURSE_WORKSPACE"] == "/home/maria/course"
    assert learner["MESOCOURSE_EXCHANGE"] == "/srv/x/exchange"
    assert learner["PYTHONPATH"] == "/opt/mesocourse"
    trainer = server_environment(TRAINER, Path("/home/anna"), CLINIC, Path("/opt/mesocourse"))
    assert trainer["JUPYTER_CONFIG_DIR"] == "/opt/mesocourse/jupyter-config/trainer"


def test_an_account_in_neither_group_has_no_role():
    """root, service accounts and unknown names get no server."""
    assert role_of("root", CLINIC) is None
    assert role_of("no-such-account-here", CLINIC) is None


def test_the_spawned_servers_inherit_no_course_variables_from_root():
    """Only the variables set per role reach the server (the progress file is the learner's own)."""
    learner = server_environment(LEARNER, Path("/home/maria"), CLINIC, Path("/opt/mesocourse"))
    assert "MESOCOURSE_PROGRESS" not in learner and "MESOCOURSE_LEARNER" not in learner
    assert os.pathsep.join(["/usr/bin", "/bin"]) in learner["PATH"]
