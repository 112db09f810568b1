"""The clinic's JupyterHub for a test: throwaway groups, accounts and folders, the hub itself, and all of it gone after.

Everything is made with the course's own code (mesocourse.hub) and deploy/jupyterhub_config.py, under names no
real account uses (a random suffix), on free ports of 127.0.0.1. Stopping the hub stops its proxy and servers; what
is left of the test accounts' processes is then ended by PID, the accounts and groups deleted.
"""

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from mesocourse.hub import accounts
from mesocourse.hub.settings import LEARNER, TRAINER, server_environment

ROOT = Path(__file__).resolve().parents[2]
HUB_VENV = ROOT / "deploy" / "venv"
PROXY = ROOT / "deploy" / "node_modules" / ".bin" / "configurable-http-proxy"
ARTIFACTS = ROOT / "test-artifacts" / "hub"
START_SECONDS = 120
STOP_SECONDS = 60
RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"


def hub_missing_reason() -> str | None:
    """Why the hub cannot run here, or None."""
    if os.geteuid() != 0:
        return "the hub test runs as root (it creates system accounts)"
    if not (HUB_VENV / "bin" / "jupyterhub").exists():
        return "deploy/venv has no jupyterhub: run `make hub-env`"
    if not PROXY.exists():
        return "configurable-http-proxy is not installed: run `make hub-env`"
    if not shutil.which("useradd"):
        return "useradd is missing"
    return None


def free_ports(count: int = 3) -> int:
    """The first of `count` consecutive ports on 127.0.0.1 that nothing listens on."""
    for _ in range(200):
        start = 20000 + secrets.randbelow(30000)
        with contextlib.ExitStack() as stack:
            try:
                for port in range(start, start + count):
                    probe = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
                    probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return start
    raise RuntimeError("no free ports on 127.0.0.1")


@dataclass
class Hub:
    """A running hub: its address, settings, accounts (name -> password) and folders."""

    url: str
    clinic: dict
    base: Path
    passwords: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)  # short name in the test -> account name (with the random suffix)
    process: subprocess.Popen | None = None

    def home(self, name: str) -> Path:
        return Path(pwd.getpwnam(self.names.get(name, name)).pw_dir)

    def log_text(self) -> str:
        path = self.base / "hub.log"
        return path.read_text(errors="replace")[-6000:] if path.exists() else ""

    def as_account(self, name: str, *command: str, role: str = LEARNER, cwd: Path | None = None):
        """Run a command as that account, with the environment its server on the hub has (what its terminal has)."""
        name, home = self.names.get(name, name), self.home(name)
        env = {"HOME": str(home), "USER": name, "LANG": "C.UTF-8"}
        env.update(server_environment(role, home, self.clinic, ROOT))
        env["PATH"] = os.pathsep.join([str(HUB_VENV / "bin"), env["PATH"]])
        return subprocess.run(
            [RUNUSER, "-u", name, "--", *command],
            cwd=str(cwd or home),
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def trainer(self, name: str, *arguments: str):
        """A `mesocourse` command as the trainer types it in their JupyterLab terminal, in their course folder."""
        folder = self.home(name) / self.clinic["trainer_course"]
        return self.as_account(name, str(HUB_VENV / "bin" / "mesocourse"), *arguments, role=TRAINER, cwd=folder)


def _wait_for_health(hub: Hub) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            raise RuntimeError(f"the hub stopped at start:\n{hub.log_text()}")
        try:
            with urllib.request.urlopen(hub.url + "/hub/health", timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the hub did not answer within {START_SECONDS} s:\n{hub.log_text()}")


def processes_of(uids: set[int]) -> list[int]:
    """PIDs of the processes these accounts own (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid in uids:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _stop(hub: Hub, names: list[str]) -> None:
    """Stop the hub (it stops its proxy and servers), then anything still running as a test account, by PID."""
    if hub.process and hub.process.poll() is None:
        hub.process.send_signal(signal.SIGTERM)
        try:
            hub.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            hub.process.kill()
            hub.process.wait(10)
    proxy_pid = hub.base / "state" / "proxy.pid"
    if proxy_pid.exists():
        with contextlib.suppress(ValueError, ProcessLookupError, PermissionError):
            os.kill(int(proxy_pid.read_text().strip()), signal.SIGTERM)
    uids = set()
    for name in names:
        with contextlib.suppress(KeyError):
            uids.add(pwd.getpwnam(name).pw_uid)
    for pid in processes_of(uids):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def running_hub(learners: list[str], trainers: list[str]):
    """Groups, accounts (with passwords), exchange and state in a throwaway folder, and the hub serving them."""
    suffix = secrets.token_hex(3)
    base = Path(tempfile.mkdtemp(prefix="mesocourse-hub-"))
    os.chmod(base, 0o711)  # the accounts pass through it to the exchange, and see nothing else in it
    port = free_ports()
    env = {
        "MESOCOURSE_HUB_STATE": str(base / "state"),
        "MESOCOURSE_EXCHANGE": str(base / "exchange"),
        "MESOCOURSE_LEARNERS_GROUP": f"mct-l-{suffix}",
        "MESOCOURSE_TRAINERS_GROUP": f"mct-t-{suffix}",
        "MESOCOURSE_HUB_PORT": str(port),
    }
    names = [f"{name}{suffix}" for name in trainers + learners]
    try:
        with mock.patch.dict(os.environ, env):
            clinic = accounts.clinic_settings()
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise
    hub = Hub(f"http://127.0.0.1:{port}", clinic, base)
    try:
        accounts.setup(clinic)
        for name in trainers:
            hub.passwords[name] = accounts.add_trainer(f"{name}{suffix}", clinic)
        for name in learners:
            hub.passwords[name] = accounts.add_learner(f"{name}{suffix}", clinic)
        hub.names = {name: f"{name}{suffix}" for name in trainers + learners}
        hub_env = {key: value for key, value in os.environ.items() if not key.startswith("MESOCOURSE_")}
        hub_env.update(env, PYTHONPATH=str(ROOT))
        with open(base / "hub.log", "wb") as log:
            hub.process = subprocess.Popen(
                [str(HUB_VENV / "bin" / "jupyterhub"), "-f", str(ROOT / "deploy" / "jupyterhub_config.py")],
                cwd=str(base),
                env=hub_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_for_health(hub)
        yield hub
    finally:
        _stop(hub, names)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            shutil.copy(base / "hub.log", ARTIFACTS / "hub.log")  # the hub's own account of the run, kept
        for name in names:
            with contextlib.suppress(accounts.HubError):
                accounts.remove(name, clinic)
        for group in (clinic["learners_group"], clinic["trainers_group"]):
            subprocess.run(["groupdel", group], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
