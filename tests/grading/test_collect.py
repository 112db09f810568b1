"""Collecting received files: whose submission each file is, which one wins, and what is set aside."""

import os
import zipfile

from mesocourse.grading.collect import (
    LearnerFileCollector,
    choose_in_zip,
    learner_from_file_name,
    learner_id,
    plan_collection,
)


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


def test_links_are_never_followed_and_are_listed(tmp_path):
    """F-6, F-7: a linked notebook or a linked learner folder is listed, not filed (it may point anywhere)."""
    secret = _touch(tmp_path / "elsewhere" / "source.ipynb")
    inbox = tmp_path / "inbox"
    (inbox / "fsym").mkdir(parents=True)
    (inbox / "fsym" / "foundations.ipynb").symlink_to(secret)
    _touch(tmp_path / "realdir" / "foundations.ipynb")
    (inbox / "dirlink").symlink_to(tmp_path / "realdir")
    plan = plan_collection(inbox, "foundations")
    assert plan.chosen == {}
    assert any(item.startswith("dirlink (a link") for item in plan.ignored)
    assert any(item.startswith("fsym/foundations.ipynb (a link") for item in plan.ignored)


def test_accented_names_are_transliterated_and_clashes_refused(tmp_path):
    """F-8: José becomes jose; Zoé and Zoë, two people with one id, are both refused with a reason."""
    assert learner_id("José García") == "jose-garcia"
    _touch(tmp_path / "Zoé Martin" / "foundations.ipynb")
    _touch(tmp_path / "Zoë Martin" / "foundations.ipynb")
    plan = plan_collection(tmp_path, "foundations")
    assert "zoe-martin" not in plan.chosen
    assert any("different names give the same id 'zoe-martin'" in item for item in plan.ignored)


def test_ids_never_end_like_an_archive(tmp_path):
    """F-9: bob.tar.zip and bob/ are two learners; nbgrader can no longer merge them."""
    assert learner_id("bob.tar") == "bob-tar"
    with zipfile.ZipFile(tmp_path / "bob.tar.zip", "w") as archive:
        archive.writestr("foundations.ipynb", "{}")
    _touch(tmp_path / "bob" / "foundations.ipynb")
    assert sorted(plan_collection(tmp_path, "foundations").chosen) == ["bob", "bob-tar"]


def test_mac_debris_is_never_the_notebook(tmp_path):
    """F-11: Finder's __MACOSX/._foundations.ipynb is skipped, in a zip and in a folder."""
    path = tmp_path / "macuser.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("foundations.ipynb", "{}")
        archive.writestr("__MACOSX/._foundations.ipynb", b"\x00\x05\x16\x07 AppleDouble")
    member, others, problem = choose_in_zip(path, "foundations.ipynb")
    assert (member.filename, others, problem) == ("foundations.ipynb", [], "")
    _touch(tmp_path / "inbox" / "ana" / "._foundations.ipynb")
    assert plan_collection(tmp_path / "inbox", "foundations").chosen == {}


def test_the_notebook_named_like_the_assignment_wins_in_a_zip_and_drafts_are_listed(tmp_path):
    """F-12: the final foundations.ipynb is filed even when a draft was packed after it; the draft is listed."""
    path = tmp_path / "drafter.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("foundations.ipynb", (2024, 5, 2, 10, 0, 0)), "{}")
        archive.writestr(zipfile.ZipInfo("drafts/foundations-v1.ipynb", (2024, 6, 1, 10, 0, 0)), "{}")
    member, others, _ = choose_in_zip(path, "foundations.ipynb")
    assert member.filename == "foundations.ipynb" and others == ["drafts/foundations-v1.ipynb"]


def test_a_damaged_zip_is_refused_with_a_reason(tmp_path):
    """F-10: a cut-short download is named before anything is moved."""
    path = tmp_path / "maria.zip"
    path.write_bytes(b"PK\x03\x04 this download was cut short")
    member, _, problem = choose_in_zip(path, "foundations.ipynb")
    assert member is None and "cannot be opened" in problem


def test_a_zip_bomb_is_refused_and_the_others_are_filed(tmp_path):
    """N6: a small zip whose notebook unpacks to 60 MB of spaces is refused with a note, before anything is read."""
    path = tmp_path / "mallory.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("foundations.ipynb", "w", force_zip64=True) as member:
            member.write(b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
            for _ in range(60):
                member.write(b" " * 2**20)
    assert path.stat().st_size < 2**20
    member, _, problem = choose_in_zip(path, "foundations.ipynb")
    assert member is None and "unpacks to 60 MB" in problem


def test_a_folder_and_a_stray_file_of_the_same_learner_file_the_folder(tmp_path):
    """N8: bob/foundations.ipynb and a stray Bob_foundations.ipynb are one learner: the folder's notebook is filed."""
    inbox = tmp_path / "inbox"
    folder = _touch(inbox / "bob" / "foundations.ipynb", mtime=1_700_000_000)
    _touch(inbox / "Bob_foundations.ipynb", mtime=1_700_000_500)
    plan = plan_collection(inbox, "foundations")
    assert plan.chosen == {"bob": folder}
    assert plan.set_aside["bob"] == ["Bob_foundations.ipynb"]
