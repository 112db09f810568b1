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
    start = command.index("prlimit")
    assert command[start : start + 2] == ["prlimit", "--as=1000000000"]
    assert "--unshare-all" in command or {"--unshare-net", "--unshare-pid", "--unshare-ipc"} <= set(command)
    for flag in ("--die-with-parent", "--clearenv", "--new-session"):
        assert flag in command
    sources = [command[i + 1] for i, item in enumerate(command) if item in ("--bind", "--ro-bind")]
    assert not any(source.endswith(("assignments", "grading")) for source in sources)
    assert [source for source in sources if "--bind" in command] and str(tmp_path / "w") in sources
    assert command[-3:] == ["python", "-m", "ipykernel"]


def _run_in_box(folder, source: str) -> str:
    """Run one cell in a real box (as autograde does) and return what it printed."""
    import nbformat

    from mesocourse.grading.sandbox import SandboxedExecute

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    SandboxedExecute(timeout=60).preprocess(notebook, {"metadata": {"path": str(folder)}})
    outputs = notebook.cells[0].outputs
    return "".join(output.get("text", "") + output.get("evalue", "") for output in outputs)


SPAWN = """import subprocess
started = []
try:
    for _ in range(200):
        started.append(subprocess.Popen(["sleep", "30"]))
except OSError as error:
    print("refused:", error)
print("started", len(started))
for process in started:
    process.kill()"""

FILL = """written = 0
for folder in (".", "/tmp", "/dev/shm"):
    try:
        with open(folder + "/fill.bin", "wb") as target:
            for _ in range(200):
                target.write(b"x" * 2**20)
                target.flush()
                written += 1
    except OSError as error:
        print(folder, error.strerror)
print("written MB", written)"""


def test_a_box_cannot_start_200_processes(tmp_path):
    """The process cap is per box (prlimit inside its user namespace, nobody when grading as root)."""
    printed = _run_in_box(tmp_path, SPAWN)
    assert "refused:" in printed and "started 200" not in printed


def test_a_box_cannot_write_600_mb_in_its_folders(tmp_path):
    """Working copy, /tmp and /dev/shm are size-capped tmpfs: 200 MB in each ends in 'No space left on device'."""
    printed = _run_in_box(tmp_path, FILL)
    assert "No space left on device" in printed
    assert int(printed.rsplit("written MB", 1)[1]) < 600
    assert not (tmp_path / "fill.bin").exists()
