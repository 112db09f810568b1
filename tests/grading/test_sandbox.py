"""The sandbox command: bubblewrap with nothing of the course but the engine, and a clear refusal without it."""

import pytest

from mesocourse.grading.sandbox import INSTALL, SandboxMissing, bwrap_command, tools


def test_without_bubblewrap_grading_refuses_and_says_how_to_install_it(monkeypatch):
    """Outside CI the message gives the install command; under CI it says so too, and never skips."""
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(SandboxMissing, match=INSTALL):
        tools()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(SandboxMissing, match="this is CI"):
        tools()


def test_the_box_binds_no_course_folder_and_cuts_every_namespace(tmp_path):
    """Only system, Python, engine, the private copy and the socket folder are bound; no network, no home."""
    command = bwrap_command("bwrap", "prlimit", ["python", "-m", "ipykernel"], tmp_path / "w", tmp_path / "s", 10**9)
    assert command[:2] == ["prlimit", "--as=1000000000"]
    for flag in ("--unshare-all", "--die-with-parent", "--clearenv", "--new-session"):
        assert flag in command
    sources = [command[i + 1] for i, item in enumerate(command) if item in ("--bind", "--ro-bind")]
    assert not any(source.endswith(("assignments", "grading")) for source in sources)
    assert [source for source in sources if "--bind" in command] and str(tmp_path / "w") in sources
    assert command[-3:] == ["python", "-m", "ipykernel"]
