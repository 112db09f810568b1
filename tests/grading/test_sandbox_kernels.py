"""Many sandboxed kernels started at the same moment all come up: no port to collide on, no learner reported dead."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from mesocourse.grading.autograde import autograde
from mesocourse.grading.sandbox import SandboxedKernelManager

pytestmark = pytest.mark.pipeline
AT_ONCE = 8


async def _start_run_stop(folder) -> str:
    """Start one sandboxed kernel, run a line in it, stop it; returns the reply's status ("ok" when it lived)."""
    manager = SandboxedKernelManager(kernel_name="python3")
    await manager.start_kernel(cwd=str(folder))
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=120)
        reply = await client.execute_interactive("print(6 * 7)", timeout=60)
        return reply["content"]["status"]
    finally:
        client.stop_channels()
        await manager.shutdown_kernel(now=True)


def test_eight_kernels_started_at_once_all_answer(tmp_path):
    """Kernels talk over Unix sockets in their own folder, so starting many together cannot race for a port."""
    folders = []
    for index in range(AT_ONCE):
        folder = tmp_path / f"learner-{index}"
        folder.mkdir()
        folders.append(folder)

    async def all_at_once():
        return await asyncio.gather(*(_start_run_stop(folder) for folder in folders), return_exceptions=True)

    # A thread of its own: an event loop may already run in this one (Playwright's, from the browser tests).
    with ThreadPoolExecutor(max_workers=1) as worker:
        outcomes = worker.submit(asyncio.run, all_at_once()).result()
    assert outcomes == ["ok"] * AT_ONCE


def test_the_kernels_use_no_network_port():
    """The transport is IPC: the connection file names socket paths, not TCP ports on a shared address."""
    manager = SandboxedKernelManager(kernel_name="python3")
    assert manager.transport == "ipc"


ANSWER = "answer = 6 * 7  # the learner's line"
TEST = "assert answer == 42\n### BEGIN HIDDEN TESTS\nassert isinstance(answer, int)\n### END HIDDEN TESTS"
ENDS_ITS_KERNEL = "import os\nos._exit(1)"


def _cell(kind: str, source: str, grade_id: str, **flags):
    """A notebook cell with nbgrader's metadata, as nbgrader's create-assignment panel writes it."""
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    meta = {"grade": False, "solution": False, "locked": False, "schema_version": 3, "grade_id": grade_id, **flags}
    return make(source, metadata={"nbgrader": meta})


@pytest.fixture(scope="module")
def code_cohort(tmp_path_factory, copy_course):
    """A trainer's own nbgrader assignment with a code test, released, and ten learners' notebooks handed in."""
    from mesocourse.grading.course import Course, captured_output

    course = Course(copy_course(tmp_path_factory.mktemp("code-cohort")))
    source = course.source_dir / "squares"
    source.mkdir()
    notebook = nbformat.v4.new_notebook(
        cells=[
            _cell("markdown", "Set `answer` to six times seven.", "task", locked=True),
            _cell("code", f"### BEGIN SOLUTION\n{ANSWER}\n### END SOLUTION", "answer", solution=True),
            _cell("code", TEST, "check", grade=True, locked=True, points=2),
        ]
    )
    notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, source / "squares.ipynb")
    course.secret()
    with captured_output():
        assert course.api().generate_assignment("squares", force=True, create=True)["success"]
    for index in range(AT_ONCE + 1):
        handed_in = nbformat.read(course.release_dir / "squares" / "squares.ipynb", as_version=4)
        handed_in.cells[1].source = ANSWER if index % 2 else "answer = 41"
        if index == AT_ONCE:
            handed_in.cells.insert(1, nbformat.v4.new_code_cell(ENDS_ITS_KERNEL))
        folder = course.submitted_dir / f"learner-{index}" / "squares"
        folder.mkdir(parents=True)
        nbformat.write(handed_in, folder / "squares.ipynb")
    return course, autograde(course, "squares", jobs=2, show_progress=False)


def test_a_cohort_graded_by_two_workers_has_no_learner_wrongly_reported(code_cohort):
    """Kernels started side by side, ahead of need, all grade: only the notebook that ended its own kernel says so."""
    _, results = code_cohort
    by_learner = {result.learner: result for result in results}
    control = by_learner.pop(f"learner-{AT_ONCE}")
    assert {result.status for result in by_learner.values()} == {"graded"}
    assert [result.autograded_score for _, result in sorted(by_learner.items())] == [0, 2] * (AT_ONCE // 2)
    assert not any("stopped its own kernel" in "; ".join(result.notes) for result in by_learner.values())
    assert control.status == "graded" and control.autograded_score == 0
    assert any("stopped its own kernel" in note for note in control.notes)


def test_no_box_folder_is_left_behind_by_a_cohort(code_cohort):
    """Every box is removed, also that of the notebook that ended its own kernel (it held the learner's copy)."""
    import tempfile
    from pathlib import Path

    course, _ = code_cohort
    left = [
        folder
        for folder in Path(tempfile.gettempdir()).glob("mesocourse-sandbox-*")
        if any(path.name == "squares.ipynb" for path in folder.rglob("*.ipynb"))
        and folder.stat().st_mtime >= course.db_path.stat().st_mtime - 600
    ]
    assert left == []
