"""Hub accounts: names checked before anything is made, the clinic settings read alone, rosters kept."""

import pytest

from mesocourse.hub import accounts
from mesocourse.hub.accounts import HubError, clinic_settings


def test_the_clinic_settings_are_read_without_configuring_a_hub(monkeypatch, tmp_path):
    """`mesocourse hub` reads CLINIC from deploy/jupyterhub_config.py and makes no state folder or secret."""
    monkeypatch.setenv("MESOCOURSE_HUB_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("MESOCOURSE_HUB_PORT", "8123")
    clinic = clinic_settings()
    assert clinic["port"] == 8123 and clinic["ip"] == "127.0.0.1"
    assert not (tmp_path / "state").exists()


@pytest.mark.parametrize("name", ["Maria", "maria dupont", "../etc", "-rf", "1maria", "a" * 40, ""])
def test_a_name_that_cannot_be_an_account_is_refused_in_plain_words(name):
    """No useradd runs for a name with capitals, spaces, slashes or a leading dash."""
    with pytest.raises(HubError, match="cannot be an account name"):
        accounts._check_name(name)


def test_a_dotted_learner_id_is_a_valid_account_name():
    """maria.dupont is both a course learner id and a system account."""
    accounts._check_name("maria.dupont")


def test_removing_an_account_outside_the_course_groups_is_refused(monkeypatch):
    """`hub remove root` (or any account not in a course group) deletes nothing."""
    monkeypatch.setattr(accounts.os, "geteuid", lambda: 0)
    monkeypatch.setattr(accounts, "_run", lambda *a, **k: pytest.fail("userdel must not run"))
    with pytest.raises(HubError, match="not a course account"):
        accounts.remove("root", {"learners_group": "no-such-group-a", "trainers_group": "no-such-group-b"})


def test_a_new_learner_joins_the_trainer_roster_once(tmp_path, monkeypatch):
    """The roster gets the learner's id on its own line, and never twice."""
    monkeypatch.setattr(accounts, "_chown_tree", lambda *a: None)
    (tmp_path / "grading").mkdir()
    (tmp_path / "grading" / "learners.txt").write_text("anna\n")
    accounts._add_to_roster(tmp_path, "maria.dupont", "trainer")
    accounts._add_to_roster(tmp_path, "maria.dupont", "trainer")
    assert (tmp_path / "grading" / "learners.txt").read_text().split() == ["anna", "maria.dupont"]
