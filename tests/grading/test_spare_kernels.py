"""Kernels started ahead of need: each serves one notebook in a box of its own; one that fails to start is replaced."""

import nbformat
import pytest

from mesocourse.grading.autograde import FAILED, KERNEL_DIED, _failure
from mesocourse.grading.sandbox import SPARES, KernelStartError, SandboxedExecute, SandboxedKernelManager
from tests.grading.test_sandbox import FILL

pytestmark = pytest.mark.pipeline
FIRST = "import os\nprint(sorted(os.listdir('.')))\nsecret_of_the_first = 42\nopen('left-behind.txt', 'w').write('x')"
SECOND = "import os\nprint(sorted(os.listdir('.')), 'secret_of_the_first' in globals())"


def _notebook(folder, name: str, *sources: str):
    """A notebook of code cells written into its own folder (as a submission is), and that folder's resources."""
    folder.mkdir(parents=True, exist_ok=True)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / name)
    return notebook, {"metadata": {"path": str(folder)}}


def _printed(notebook, index: int = 0) -> str:
    return "".join(output.get("text", "") + output.get("evalue", "") for output in notebook.cells[index].outputs)


@pytest.fixture
def spares():
    """Spare kernels on, as in autograde's workers; the spare left at the end is shut down."""
    yield lambda **kwargs: SandboxedExecute(timeout=60, spare_kernels=True, **kwargs)
    SPARES.close()


def test_a_kernel_started_ahead_serves_one_notebook_with_its_own_files_only(spares, tmp_path):
    """The second notebook gets a fresh kernel in a fresh box: its own file, nothing the first one left or set."""
    execute = spares()
    first, resources = _notebook(tmp_path / "alice", "alice.ipynb", FIRST)
    execute.preprocess(first, resources)
    second, resources = _notebook(tmp_path / "bob", "bob.ipynb", SECOND)
    execute.preprocess(second, resources)
    assert _printed(first) == "['alice.ipynb']\n"
    assert _printed(second) == "['bob.ipynb'] False\n"


def test_a_box_started_ahead_keeps_its_disk_cap(spares, tmp_path):
    """The notebook is copied into the same size-capped folder: writing 600 MB still ends in a full disk."""
    execute = spares()
    execute.preprocess(*_notebook(tmp_path / "warm-up", "w.ipynb", "1"))
    notebook, resources = _notebook(tmp_path / "filler", "f.ipynb", FILL)
    execute.preprocess(notebook, resources)
    assert "No space left on device" in _printed(notebook)


class FailsToStart(SandboxedKernelManager):
    """A box whose kernel exits at once for the first `failures` starts (as a start-up race would end it)."""

    failures = 0

    def format_kernel_cmd(self, extra_arguments=None):
        """The real command, or one that ends before the kernel ever answers."""
        command = super().format_kernel_cmd(extra_arguments)
        if FailsToStart.failures > 0:
            FailsToStart.failures -= 1
            return ["/bin/false"]
        return command


@pytest.mark.parametrize("spare", [True, False])
def test_a_kernel_that_fails_to_start_is_replaced_and_the_notebook_runs(spare, tmp_path):
    """One failed start costs nothing: the notebook runs in a kernel started on the spot, every cell once."""
    FailsToStart.failures = 2 if spare else 1  # with spares on, the spare and the next one both fail
    execute = SandboxedExecute(timeout=60, spare_kernels=spare, kernel_manager_class=FailsToStart)
    try:
        notebook, resources = _notebook(tmp_path / "carol", "carol.ipynb", "print('ran', 6 * 7)")
        execute.preprocess(notebook, resources)
    finally:
        SPARES.close()
    assert _printed(notebook) == "ran 42\n"


def test_a_kernel_that_never_starts_is_a_grading_problem_never_a_dead_kernel(tmp_path):
    """Two failed starts end in KernelStartError, which autograde reports as its own failure, not the learner's."""
    FailsToStart.failures = 10
    execute = SandboxedExecute(timeout=60, kernel_manager_class=FailsToStart)
    notebook, resources = _notebook(tmp_path / "dan", "dan.ipynb", "print('never')")
    with pytest.raises(KernelStartError) as raised:
        execute.preprocess(notebook, resources)
    FailsToStart.failures = 0
    # What nbgrader hands back then: nbclient's own line about the dead kernel, and the error that ended it.
    log = "[ERROR] Error occurred while starting new kernel client: Kernel died before replying to kernel_info"
    status, reason = _failure({"log": log, "error": f"KernelStartError: {raised.value}"}, 60)
    assert status == FAILED and status != KERNEL_DIED
    assert "could not start" in reason and "not of the submission" in reason
