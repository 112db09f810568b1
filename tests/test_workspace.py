"""The learner workspace `make course` serves: the modules and released assignments, nothing a trainer keeps."""

import json
import re

import nbformat
import pytest
from nbclient import NotebookClient

from mesocourse import workspace
from mesocourse.paths import NOTEBOOKS, ROOT


@pytest.fixture
def trainer_course(tmp_path):
    """What a trainer's machine holds beside the modules: a release, a gradebook, submissions and the secret."""
    grading = tmp_path / "grading"
    (grading / "release" / "foundations").mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), grading / "release" / "foundations" / "foundations.ipynb")
    (grading / "answer-key-secret.txt").write_text("mesocourse-answer-key-v1-" + "ab" * 32 + "\n")
    (grading / "gradebook.db").write_bytes(b"SQLite format 3\x00")
    (grading / "submitted" / "maria" / "foundations").mkdir(parents=True)
    return grading


def _listing(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_the_workspace_holds_modules_and_releases_only(tmp_path, trainer_course):
    """No source assignment, gradebook, submission or secret: only notebooks/, graded-assignments/ and a README."""
    result = workspace.build(tmp_path / "ws", released=trainer_course / "release")
    files = _listing(result.folder)
    modules = sorted(f"notebooks/{p.name}" for p in NOTEBOOKS.glob("*.ipynb"))
    assert [f for f in files if f.startswith("notebooks/")] == modules
    assert "graded-assignments/foundations/foundations.ipynb" in files
    others = [f for f in files if not f.startswith(("notebooks/", "graded-assignments/"))]
    assert others == [workspace.MANIFEST, "README.md"]
    assert not [f for f in files if re.search(r"secret|gradebook|submitted|\.py$", f)]
    text = "".join((result.folder / f).read_text(encoding="utf-8", errors="ignore") for f in files)
    assert "mesocourse-answer-key-v1-" not in text and "### BEGIN SOLUTION" not in text


def test_a_refresh_never_overwrites_the_learners_work(tmp_path, trainer_course, monkeypatch):
    """An unchanged copy is updated; a copy the learner changed is kept beside the new one; answers are kept."""
    folder = tmp_path / "ws"
    workspace.build(folder, released=trainer_course / "release")
    start = folder / "notebooks" / "00.00-Start-Here.ipynb"
    notes = nbformat.read(start, as_version=4)
    notes.cells.append(nbformat.v4.new_markdown_cell("My notes"))
    nbformat.write(notes, start)
    assert workspace.build(folder, released=trainer_course / "release").kept == []  # course unchanged: kept as is
    answered = folder / "graded-assignments" / "foundations" / "foundations.ipynb"
    answered.write_text('{"my": "answers"}', encoding="utf-8")
    manifest = json.loads((folder / workspace.MANIFEST).read_text(encoding="utf-8"))
    manifest["notebooks/00.00-Start-Here.ipynb"] = "an older version"
    (folder / workspace.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    result = workspace.build(folder, released=trainer_course / "release")
    assert len(result.kept) == 1 and "(your copy " in result.kept[0]
    assert "My notes" in (folder / result.kept[0]).read_text(encoding="utf-8")
    assert start.read_bytes() == (NOTEBOOKS / start.name).read_bytes()
    assert answered.read_text(encoding="utf-8") == '{"my": "answers"}'


def test_the_workspace_is_never_the_course_folder():
    """Serving the course root would show assignments/ and grading/ again: refused."""
    with pytest.raises(ValueError):
        workspace.build(ROOT)
    with pytest.raises(ValueError):
        workspace.build(ROOT.parent)


def test_a_module_runs_from_the_workspace(tmp_path):
    """The engine finds its assets from the package, so a notebook copied into the workspace runs there."""
    result = workspace.build(tmp_path / "ws", released=tmp_path / "none")
    path = result.folder / "notebooks" / "03.00-Injection-Depths.ipynb"
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=120, resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []


def test_make_course_serves_the_workspace_with_the_learner_settings():
    """`make course` runs this module (not JupyterLab on the course root), and the learner settings are used."""
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\ncourse:")[1].split("\n\n")[0]
    assert "-m mesocourse.workspace" in recipe and "root_dir" not in recipe
    command = workspace.lab_command(ROOT / "learner-workspace", 8888)
    assert f"--ServerApp.root_dir={ROOT / 'learner-workspace'}" in command
    assert workspace.lab_environment({})["JUPYTER_CONFIG_DIR"].endswith("jupyter-config/learner")


def test_the_workspace_folder_is_ignored_by_git():
    """Learners' copies and answers never show up as changes to the course."""
    import subprocess

    done = subprocess.run(["git", "check-ignore", "learner-workspace/x.ipynb"], cwd=ROOT, capture_output=True)
    assert done.returncode == 0


def test_a_busy_port_is_said_in_a_sentence_and_the_next_free_one_used():
    """When the asked port is taken, the learner is told which port the course opens on; JupyterLab does not move."""
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = holder.getsockname()[1]
        port, message = workspace.choose_port(busy)
        assert port != busy and workspace.port_is_free(port)
        assert f"Port {busy} is already in use" in message and f"http://127.0.0.1:{port}/lab" in message
        assert "--ServerApp.port_retries=0" in workspace.lab_command(ROOT / "learner-workspace", port)
        refused, sentence = workspace.choose_port(busy, tries=0)
        assert refused is None and sentence.startswith("The course cannot start") and "PORT=" in sentence


def test_a_free_port_is_taken_without_a_word():
    """A free asked port is used as it is, with nothing to say."""
    port = workspace.DEFAULT_PORT
    while not workspace.port_is_free(port):
        port += 1
    assert workspace.choose_port(port) == (port, "")
