"""The box a submission's code runs in during autograde: bubblewrap, with a private copy and nothing else.

Debian's `bubblewrap` (bwrap, the sandbox Flatpak uses) needs no daemon: the kernel gets new PID, network, IPC and
UTS namespaces (and a user namespace, unless grading runs as root: then setpriv makes the box the real nobody), a
read-only system and Python, the course engine (code only), and a copy of the submission's notebook (and answers
file) on a size-capped tmpfs. The course folder, the gradebook, other submissions, the home folder and the network
are simply not there. Limits: address space per process (prlimit), 128 processes for the whole box, 128 MB in each
of its working folder and /tmp (64 MB in /dev/shm), a time budget for the whole notebook, output capped as it
streams; the PID namespace ends every process the submission started when its kernel stops. Not capped: the sum of
the box's processes' memory (that needs cgroups, e.g. systemd-run -p MemoryMax, where systemd runs the machine).
The kernel talks to nbgrader over Unix sockets in a folder shared with the box (IPC transport), so no port is needed.
A grading worker starts each box ahead of need, empty (spare_kernels.py); the notebook's files are put in just before
it runs, and a kernel that fails to start is replaced once, then reported as a grading problem, never as the
learner's kernel dying.
"""

import json
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer

import mesocourse
from mesocourse.grading.spare_kernels import SpareKernels
from mesocourse.grading.submission_files import copy_for_sandbox

INSTALL = "sudo apt-get install bubblewrap"
ENGINE = "/opt/mesocourse-engine"
WORK = "/home/learner/work"
SUBMISSION = "/home/learner/submission"
NOBODY = 65534
BUDGET_ERROR = "NotebookTimeBudget"
DEAD_ERROR = "KernelStopped"
FLOOD_ERROR = "OutputFlood"
TIMEOUT_ERROR = "CellTimeoutError"
# Messages that carry output, and how many bytes of it the grading process keeps per cell and per notebook.
OUTPUT_MESSAGES = ("stream", "display_data", "execute_result", "update_display_data", "error")
CELL_OUTPUT = 1_000_000
NOTEBOOK_OUTPUT = 10_000_000
CUT_NOTE = f"\n… [output cut here: more than {CELL_OUTPUT:,} characters]\n"
# A clinic notebook's kernel needs a few hundred MB; 2 GiB of address space stops a runaway allocation.
DEFAULT_MEMORY = 2 * 1024**3
# Per box, not per process: processes and threads (RLIMIT_NPROC, counted inside the box's own user namespace),
# and the size of each in-memory folder it may write (its working copy, /tmp, /dev/shm). A kernel runs about ten
# threads, and when grading runs as root every box counts against one shared user's limit: 128 leaves room for
# several kernels at once and still stops a process bomb well before it hurts the machine.
DEFAULT_PROCESSES = 128
DEFAULT_DISK = 128 * 1024**2
# Copies the checked submission into the size-capped working folder, then becomes the kernel.
COPY_THEN_RUN = 'cp -R "$0"/. . && exec "$@"'
# The same copy for a kernel started ahead of need, run by the grading process before the notebook's first cell.
COPY_IN = (
    f"def _copy_in(folder={SUBMISSION!r}):\n    import os, shutil\n    for name in os.listdir(folder):\n"
    f"        shutil.copyfile(os.path.join(folder, name), os.path.join({WORK!r}, name))\n"
    "_copy_in()\ndel _copy_in\n"
)
START_ERROR = "KernelStartError"
# One spare kernel per grading process (autograde's workers switch it on with SandboxedExecute.spare_kernels).
SPARES = SpareKernels()


class SandboxMissing(RuntimeError):
    """bubblewrap is not installed, so no submission code may run."""


class KernelStartError(RuntimeError):
    """The box's kernel did not start, twice: a problem of the grading machine, not of the submission."""


def in_ci() -> bool:
    """Whether this runs under CI (where a missing sandbox must fail, never be skipped)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def tools() -> tuple[str, str]:
    """Paths of bwrap and prlimit, or SandboxMissing saying how to install them."""
    bwrap, prlimit = shutil.which("bwrap"), shutil.which("prlimit")
    if bwrap and prlimit:
        return bwrap, prlimit
    where = " (this is CI: `make sandbox` installs it)" if in_ci() else ""
    raise SandboxMissing(
        f"Submissions are only run inside a sandbox, and bubblewrap (bwrap) is not installed{where}. "
        f"Install it with `{INSTALL}` (or `make sandbox`), then run autograde again."
    )


def _system_binds() -> list[str]:
    """Read-only system folders a Python kernel needs (merged /usr: /bin and /lib are links into it)."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib64", "lib32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ("ld.so.cache", "localtime", "fonts", "alternatives", "ssl/certs", "mime.types"):
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    return args


def _python_prefixes() -> list[str]:
    return [prefix for prefix in dict.fromkeys((sys.base_prefix, sys.prefix)) if not prefix.startswith("/usr")]


def _python_binds() -> list[str]:
    """The Python environment read-only (it holds no course data), wherever it lives."""
    return [item for prefix in _python_prefixes() for item in ("--ro-bind", prefix, prefix)]


def _open_parents(paths: list[str]) -> list[str]:
    """The folders above each mount point, made passable (bwrap would make them 0700, shut to nobody)."""
    parents = {str(parent) for path in paths for parent in Path(path).parents if str(parent) != "/"}
    skip = ("/usr", "/proc", "/dev")
    ordered = sorted((p for p in parents if p not in ("/tmp",) and not p.startswith(skip)), key=lambda p: p.count("/"))
    return [item for parent in ordered for item in ("--perms", "0755", "--dir", parent)]


def identity() -> tuple[list[str], list[str]]:
    """bwrap's namespace flags, and what runs first inside the box, so that the box runs as an ordinary user.

    As an ordinary trainer: a user namespace maps the box's nobody onto the trainer. As root, such a mapping would
    be root to the kernel, which exempts root from RLIMIT_NPROC: bwrap then sets up the box without a user
    namespace (so it can still bind a Python under /root) and setpriv makes it the real nobody before anything runs.
    """
    if os.geteuid() != 0:
        return ["--unshare-all", "--uid", str(NOBODY), "--gid", str(NOBODY)], []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        raise SandboxMissing(f"Grading as root needs setpriv (util-linux) to run the box as nobody: `{INSTALL}`.")
    namespaces = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    drop = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--inh-caps=-all"]
    return namespaces, [*drop, "--bounding-set=-all", "--"]


def bwrap_command(
    bwrap: str,
    prlimit: str,
    kernel_cmd: list[str],
    work: Path,
    shared: Path,
    memory: int,
    processes: int = DEFAULT_PROCESSES,
    disk: int = DEFAULT_DISK,
) -> list[str]:
    """The full command: prlimit caps, then bwrap with only the system, Python, engine, copy and sockets.

    The submission is bound read-only and copied into a size-capped tmpfs; /tmp and /dev/shm are capped tmpfs
    too, and prlimit inside the box caps its processes (inside, so it counts the box's own user only).
    """
    engine = Path(mesocourse.__file__).resolve().parent
    environment = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": "/tmp",
        "PYTHONPATH": ENGINE,
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1",
        # One thread per numerical library: threads count against the box's process limit.
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }
    namespaces, inside = identity()
    return [
        prlimit,
        f"--as={memory}",
        "--core=0",
        f"--fsize={256 * 1024**2}",
        "--",
        bwrap,
        *namespaces,
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        *[item for name, value in environment.items() for item in ("--setenv", name, value)],
        *_system_binds(),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        *["--perms", "1777", "--size", str(disk // 2), "--tmpfs", "/dev/shm"],
        *["--perms", "1777", "--size", str(disk), "--tmpfs", "/tmp"],
        *_open_parents([*_python_prefixes(), f"{ENGINE}/mesocourse", SUBMISSION, WORK, str(shared)]),
        *_python_binds(),
        "--ro-bind",
        str(engine),
        f"{ENGINE}/mesocourse",
        "--ro-bind",
        str(work),
        SUBMISSION,
        *["--perms", "1777", "--size", str(disk), "--tmpfs", WORK],
        "--bind",
        str(shared),
        str(shared),
        "--chdir",
        WORK,
        *inside,
        prlimit,
        f"--nproc={processes}",
        "--",
        "/bin/sh",
        "-c",
        COPY_THEN_RUN,
        SUBMISSION,
        *kernel_cmd,
    ]


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel started inside bubblewrap, on a private copy of its folder, reached over Unix sockets."""

    memory = Integer(DEFAULT_MEMORY, help="Address-space cap of the kernel, in bytes").tag(config=True)
    processes = Integer(DEFAULT_PROCESSES, help="Processes and threads the whole box may run").tag(config=True)
    disk = Integer(DEFAULT_DISK, help="Bytes the box may write in its working folder, and in /tmp").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.transport = "ipc"
        self._box: Path | None = None
        # Started ahead of need: the box starts empty and gets its notebook later (stage, then COPY_IN).
        self.late_copy = False

    async def _async_pre_start_kernel(self, **kw):
        """Make the box's folders: sockets and connection file in one, the private copy in the other."""
        self._tools = tools()
        self._box = Path(tempfile.mkdtemp(prefix="mesocourse-sandbox-"))
        shared, work = self._box / "sockets", self._box / "work"
        shared.mkdir()
        work.mkdir()
        self._nobody = os.geteuid() == 0
        if not self.late_copy:
            self.stage(Path(kw.get("cwd") or os.getcwd()))
        if self._nobody:
            # The box runs as nobody: it may pass through the box folder and own its two folders, nothing else.
            os.chmod(self._box, 0o711)
            for path in (shared, work):
                os.chown(path, NOBODY, NOBODY)
        else:
            for folder in (shared, work):
                os.chmod(folder, 0o777)  # the kernel runs as an unmapped user and must create its sockets here
        # A signal would reach bwrap, not the kernel inside: interrupts go as messages on the control channel.
        self.kernel_spec.interrupt_mode = "message"
        self.connection_file = str(shared / "kernel.json")
        self.ip = str(shared / "kernel-ipc")
        started = await super()._async_pre_start_kernel(**kw)
        if self._nobody:
            os.chown(self.connection_file, NOBODY, NOBODY)  # its key stays 0600, readable by the box alone
        return started

    def stage(self, source: Path) -> None:
        """Put a copy of the notebook (and answers file) only in the box's folder, links never followed."""
        work = self._box / "work"
        for name in copy_for_sandbox(source, work):
            if self._nobody:
                os.chown(work / name, NOBODY, NOBODY)

    def format_kernel_cmd(self, extra_arguments=None):
        """The kernel's own command, wrapped in prlimit and bwrap."""
        kernel_cmd = super().format_kernel_cmd(extra_arguments)
        bwrap, prlimit = self._tools
        work, shared = self._box / "work", self._box / "sockets"
        return bwrap_command(bwrap, prlimit, kernel_cmd, work, shared, self.memory, self.processes, self.disk)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        """Remove the private copy and the sockets once the kernel is gone."""
        try:
            await super()._async_cleanup_resources(restart=restart)
        finally:
            # Also when the kernel ended itself (os._exit): its box folder must not be left behind.
            if not restart and self._box is not None:
                shutil.rmtree(self._box, ignore_errors=True)
                self._box = None

    # jupyter_client's async manager binds cleanup_resources to its own method: nbclient calls it for a kernel that
    # ended itself (no shutdown), which would leave that box's folder, with the learner's notebook, behind.
    cleanup_resources = _async_cleanup_resources


def _output_size(msg: dict) -> int:
    """Characters of output one kernel message carries (0 for status and other messages)."""
    if msg.get("msg_type") not in OUTPUT_MESSAGES:
        return 0
    content = msg.get("content", {})
    values = [content.get("text", ""), *content.get("data", {}).values(), *content.get("traceback", [])]
    return sum(len(value) if isinstance(value, str) else len(str(value)) for value in values)


def _error(ename: str, message: str):
    return nbformat.v4.new_output("error", ename=ename, evalue=message, traceback=[message])


class SandboxedExecute(Execute):
    """nbgrader's Execute in the sandbox, with a time budget for the whole notebook and a timeout never off.

    Output is counted while it streams in: past `cell_output` characters a cell's output is dropped, past
    `notebook_output` the box is ended (a print loop would otherwise fill the grading process's memory). A cell
    that ignores the interrupt after its timeout has its kernel ended too; either way the answers are scored.
    """

    budget = Integer(300, help="Seconds the whole notebook may run; later cells are not run").tag(config=True)
    spare_kernels = Bool(False, help="Start the next notebook's kernel while this one runs (one per process)").tag(
        config=True
    )
    cell_output = Integer(CELL_OUTPUT, help="Output characters kept per cell").tag(config=True)
    notebook_output = Integer(NOTEBOOK_OUTPUT, help="Output characters after which the kernel is ended").tag(
        config=True
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        kwargs.setdefault("shutdown_kernel", "immediate")  # nothing in the box needs a graceful end
        super().__init__(**kwargs)

    def preprocess(self, nb, resources=None, km=None):
        """Refuse without a sandbox; otherwise run every cell inside it, within the budget.

        A kernel that fails before the first cell runs (it never started, or died starting) is the machine's
        problem, not the learner's: it is replaced once by a kernel started on the spot, then reported as such.
        """
        tools()
        # 0, negative or None would mean "wait forever" to nbclient (review F-14).
        self._cell_limit = self.timeout if isinstance(self.timeout, int) and self.timeout >= 1 else 60
        self._on_the_spot = False
        try:
            return self._run(nb, resources, km)
        except Exception as error:
            if self._ran_a_cell:
                raise
            self.log.warning("The grading kernel did not start (%s: %s); starting another", type(error).__name__, error)
        self._on_the_spot = True
        try:
            return self._run(nb, resources, None)
        except Exception as error:
            if self._ran_a_cell:
                raise
            raise KernelStartError(f"the sandbox's kernel did not start, twice ({type(error).__name__})") from error

    def _run(self, nb, resources, km):
        """One try at running the notebook, cells marked as not run once the box was ended."""
        self._deadline = time.monotonic() + max(1, self.budget)
        self._index = 0
        self._ran_a_cell = False
        self._sizes, self._total, self._flooded = {}, 0, False
        try:
            return super().preprocess(nb, resources, km)
        except (DeadKernelError, CellTimeoutError) as stopped:
            if not self._ran_a_cell:
                raise
            # The box was ended (os._exit, memory cap, an output flood) or its cell ignored the interrupt: the
            # course's answers are scored as data all the same, so the cells that could not run are marked.
            if self._flooded:
                megabytes = self.notebook_output / 1e6
                message = f"Not run: the notebook printed more than {megabytes:g} million characters."
                nb.cells[self._index].setdefault("outputs", []).append(_error(FLOOD_ERROR, message))
            elif isinstance(stopped, CellTimeoutError):
                message = "Not run: a cell before it kept running after its time and its kernel was ended."
                timed_out = f"Stopped after {self._cell_limit} s: the cell did not stop when interrupted."
                nb.cells[self._index].setdefault("outputs", []).append(_error(TIMEOUT_ERROR, timed_out))
            else:
                message = "Not run: the notebook stopped its own kernel before this cell."
            for cell in nb.cells[self._index + 1 :]:
                if cell.cell_type == "code":
                    cell.outputs = [_error(DEAD_ERROR, message)]
            return nb, resources if resources is not None else self.resources
        finally:
            self.timeout = self._cell_limit

    def preprocess_cell(self, cell, resources, index):
        """Run one cell with what is left of the budget; once it is spent, mark the cell as not run."""
        self._index = index
        left = self._deadline - time.monotonic()
        if cell.cell_type == "code" and left <= 0:
            message = f"Not run: the notebook used up its {self.budget} s of running time."
            cell.outputs = [_error(BUDGET_ERROR, message)]
            return cell, resources
        self.timeout = max(1, min(self._cell_limit, math.ceil(left)))
        self._ran_a_cell = self._ran_a_cell or cell.cell_type == "code"
        return super().preprocess_cell(cell, resources, index)

    def create_kernel_manager(self):
        """The spare kernel when spare kernels are on (the notebook's files put in it), else a new manager."""
        if not self.spare_kernels or self._on_the_spot:
            return super().create_kernel_manager()
        if not self.kernel_name:
            self.kernel_name = self.nb.metadata.get("kernelspec", {}).get("name") or ""
        settings = {name: self.config.get(name, {}) for name in ("SandboxedKernelManager", "KernelManager")}
        key = (self.kernel_name, tuple(self.extra_arguments), json.dumps(settings, sort_keys=True, default=repr))
        self.km = SPARES.take(key, super().create_kernel_manager, self._start_empty)
        if self.km.has_kernel:
            self.km.stage(Path(self.resources.get("metadata", {}).get("path") or os.getcwd()))
        return self.km

    def _start_empty(self, manager) -> None:
        """Start a box with no notebook in it yet, with the arguments nbclient would give the kernel."""
        arguments = list(self.extra_arguments)
        if manager.ipykernel and self.ipython_hist_file:
            if not any(argument.startswith("--HistoryManager.hist_file") for argument in arguments):
                arguments.append(f"--HistoryManager.hist_file={self.ipython_hist_file}")
        manager.late_copy = True
        try:
            run_sync(manager.start_kernel)(extra_arguments=arguments)
        except Exception:
            manager.late_copy = False  # started again in the usual way, with the notebook copied in at start
            raise

    def start_new_kernel_client(self):
        """nbclient's client start-up; a box started ahead of need then copies its notebook in, like COPY_THEN_RUN."""
        client = super().start_new_kernel_client()
        if getattr(self.km, "late_copy", False):
            reply = self.wait_for_reply(self.kc.execute(COPY_IN, silent=True, store_history=False))
            if (reply or {}).get("content", {}).get("status") != "ok":
                raise KernelStartError("the notebook could not be copied into the sandbox")
        return client

    def process_message(self, msg, cell, cell_index):
        """Keep a cell's output up to its cap; past the notebook's cap end the box and keep nothing more."""
        size = _output_size(msg)
        if size:
            before = self._sizes.get(cell_index, 0)
            self._sizes[cell_index] = before + size
            self._total += size
            if self._total > self.notebook_output and not self._flooded:
                self._flooded = True
                self._end_box()
            if before > self.cell_output:
                return None
            if self._sizes[cell_index] > self.cell_output:
                # The first message past the cap: what fits of it, then one line saying the rest was cut.
                self._sizes[cell_index] = self.cell_output + 1
                kept = msg["content"].get("text", "")[: max(0, self.cell_output - before)]
                cut = {**msg, "msg_type": "stream", "content": {"name": "stdout", "text": kept + CUT_NOTE}}
                return super().process_message(cut, cell, cell_index)
        return super().process_message(msg, cell, cell_index)

    def _end_box(self) -> None:
        """Kill the box now (bwrap's PID namespace takes every process in it along); nbclient then sees it dead."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.kill()
