"""Start JupyterLab with the course's settings and drive it from Chromium; shared by tests/browser and bench/.

Everything runs on a temporary copy of the course, so running cells in the browser (and JupyterLab's autosave)
never writes outputs into the committed notebooks.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "jupyter-config"
ARTIFACTS = ROOT / "test-artifacts"
# Debian's chromium package; Playwright's own browser download needs open internet, which CI does not have.
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
INSTALL_HINT = "run `make browser` (it installs Debian's chromium package with apt-get)"
SERVER_START_SECONDS = 90
# What a learner's server needs (the engine is installed, so it is not copied); the trainer's also needs nbgrader's.
LEARNER_FOLDERS = ("notebooks",)
TRAINER_FOLDERS = ("notebooks", "assignments")
TRAINER_FILES = ("nbgrader_config.py",)
# Test-only JupyterLab preferences: no autosave (the copy is thrown away, and a save must not disturb timings).
TEST_USER_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}
# Selectors of JupyterLab 4 and ipywidgets 8 that the tests and the benchmark rely on.
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
# One question of a quiz (mesocourse.quiz): a box with the prompt, the options, Check my answer and the feedback.
QUIZ_QUESTION = ".mesocourse-quiz > .widget-vbox:has(.widget-button)"
STDERR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


def chromium_missing_reason() -> str | None:
    """Why the browser tests cannot run here (no Chromium or no playwright package), or None when they can."""
    if not CHROMIUM.exists():
        return f"Chromium was not found at {CHROMIUM}: {INSTALL_HINT}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed: run `make setup`"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def course_copy(destination: Path, role: str = "learner") -> Path:
    """Copy what a `role` session of the course reads to destination (the trainer's adds assignments/)."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in TRAINER_FOLDERS if role == "trainer" else LEARNER_FOLDERS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, destination / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    if role == "trainer":
        for name in TRAINER_FILES:
            if (ROOT / name).exists():
                shutil.copy2(ROOT / name, destination / name)
        (destination / "grading").mkdir(exist_ok=True)
    return destination


@dataclass
class LabServer:
    """A running JupyterLab: where it listens, its token, the folder it serves and its log."""

    port: int
    token: str
    root: Path
    log: Path
    process: subprocess.Popen | None

    @property
    def base(self) -> str:
        """The server's address without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """A URL on the server with the token attached."""
        joiner = "&" if "?" in path else "?"
        return f"{self.base}/{path.lstrip('/')}{joiner}token={self.token}"

    def log_text(self) -> str:
        """What the server printed so far (for failure messages)."""
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


def _write_user_settings(folder: Path) -> None:
    for relative, values in TEST_USER_SETTINGS.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


def _wait_until_up(server: LabServer) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {server.process.returncode}:\n{server.log_text()}")
        try:
            with urllib.request.urlopen(server.url("api/status"), timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"JupyterLab did not answer within {SERVER_START_SECONDS} s:\n{server.log_text()}")


@contextmanager
def running_lab(root: Path, role: str = "learner", env: dict | None = None):
    """JupyterLab serving `root` on 127.0.0.1 (random free port, random token) with the course's `role` settings."""
    prefix = [sys.executable, "-m", "jupyterlab", "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={root}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        prefix.append("--allow-root")  # CI containers run as root
    with _serving(prefix, root, role, env, cwd=root) as server:
        yield server


@contextmanager
def running_workspace(folder: Path, env: dict | None = None):
    """The learner workspace exactly as `make course` starts it (`python -m mesocourse.workspace`), in `folder`."""
    prefix = [sys.executable, "-m", "mesocourse.workspace", f"--folder={folder}"]
    # Started from the course folder, as make runs it.
    with _serving(prefix, folder, "learner", env, cwd=ROOT) as server:
        yield server


@contextmanager
def _serving(prefix: list[str], root: Path, role: str, env: dict | None, cwd: Path):
    state = Path(tempfile.mkdtemp(prefix=f"mesocourse-lab-{role}-"))
    _write_user_settings(state / "user-settings")
    server_env = {**os.environ, **(env or {})}
    server_env["JUPYTER_CONFIG_DIR"] = str(CONFIG / role)
    # Runtime files (kernel connection files) of this server stay out of the user's own Jupyter folders.
    server_env["JUPYTER_RUNTIME_DIR"] = str(state / "runtime")
    server_env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{server_env.get('PATH', '')}"
    port, token = free_port(), secrets.token_hex(16)
    log = state / "server.log"
    command = [
        *prefix,
        "--no-browser",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--LabApp.user_settings_dir={state / 'user-settings'}",
        f"--LabApp.workspaces_dir={state / 'workspaces'}",
    ]
    root.mkdir(parents=True, exist_ok=True)
    with server_process(command, cwd, server_env, LabServer(port, token, root, log, None), state) as server:
        yield server


@contextmanager
def server_process(command: list[str], cwd: Path, env: dict, server: "LabServer", state: Path):
    """Start a Jupyter server, wait until it answers, then stop it and remove its state folder, whatever happens."""
    with open(server.log, "w", encoding="utf-8") as log_file:
        server.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(server)
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
        shutil.rmtree(state, ignore_errors=True)


def _api(server: LabServer, method: str, path: str):
    request = urllib.request.Request(server.url(path), method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


def shutdown_kernels(server: LabServer) -> None:
    """Stop every session and kernel of the server, so the next test starts clean on a quiet machine."""
    for session in _api(server, "GET", "api/sessions") or []:
        try:
            _api(server, "DELETE", f"api/sessions/{session['id']}")
        except urllib.error.HTTPError:
            pass  # already gone
    for kernel in _api(server, "GET", "api/kernels") or []:
        try:
            _api(server, "DELETE", f"api/kernels/{kernel['id']}")
        except urllib.error.HTTPError:
            pass  # already gone


def launch_chromium(playwright):
    """Debian's Chromium driven by Playwright (never Playwright's own download)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def open_notebook(page, server: LabServer, notebook: str, timeout_ms: int = 60_000) -> None:
    """Open notebooks/<notebook> in JupyterLab and wait until its kernel is ready.

    Each call gets its own JupyterLab workspace, so the tab does not also reopen what earlier tests opened.
    """
    page.goto(server.url(f"lab/workspaces/test-{secrets.token_hex(4)}/tree/notebooks/{notebook}"))
    page.wait_for_selector(NOTEBOOK, timeout=timeout_ms)
    wait_until_idle(page, timeout_ms)


def kernel_status(page) -> str | None:
    """The execution indicator's status of the active notebook (idle, busy, ...)."""
    return page.evaluate(
        """() => {
            const el = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
            return el ? el.getAttribute('data-status') : null;
        }"""
    )


def wait_until_idle(page, timeout_ms: int = 120_000) -> None:
    """Wait until the notebook's kernel is idle and no code cell is still queued or running ([*])."""
    page.wait_for_function(
        """(selector) => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            if (!panel) return false;
            const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
            if (!indicator || indicator.getAttribute('data-status') !== 'idle') return false;
            return ![...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                .some(prompt => prompt.textContent.includes('*'));
        }""",
        arg=NOTEBOOK,
        timeout=timeout_ms,
        polling=200,
    )


def open_dialogs(page) -> list[str]:
    """The text of every JupyterLab dialog on screen (a learner would have to dismiss each one)."""
    return page.evaluate("() => [...document.querySelectorAll('.jp-Dialog')].map(d => d.innerText.trim())")


def _choose_menu_item(page, menu: str, command: str) -> None:
    dialogs = open_dialogs(page)
    if dialogs:
        raise AssertionError(f"a dialog blocks the page: {dialogs}")
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=menu).first.click()
    item = page.locator(f'.lm-Menu-item[data-command="{command}"]')
    # Lumino acts on the item under the pointer once it is marked active; click only then.
    item.hover()
    page.wait_for_function(
        "(command) => document.querySelector(`.lm-Menu-item.lm-mod-active[data-command='${command}']`)",
        arg=command,
        timeout=5_000,
    )
    item.click()


def run_all_cells(page, timeout_ms: int = 180_000) -> None:
    """Run > Run All Cells through the menu bar, as the start page tells learners, then wait for the kernel."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(3):
        _choose_menu_item(page, "Run", "runmenu:run-all")
        try:
            page.wait_for_function(
                """() => [...document.querySelectorAll(
                        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')]
                    .some(prompt => /\\[(\\*|\\d+)\\]/.test(prompt.textContent))""",
                timeout=5_000,
            )
            break
        except PlaywrightTimeout:  # the menu closed without running anything: open it again
            page.keyboard.press("Escape")
    # Every code cell must have been run: its prompt shows a number, not [ ] or [*].
    page.wait_for_function(
        """() => [...document.querySelectorAll(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')]
            .map(prompt => prompt.textContent.trim()).filter(text => text)
            .every(text => /\\[\\d+\\]/.test(text))""",
        timeout=timeout_ms,
        polling=250,
    )
    wait_until_idle(page, timeout_ms)


def output_problems(page) -> list[str]:
    """Tracebacks, error or warning output and widgets that failed to display, as the learner would see them."""
    return page.evaluate(
        """(stderrSelector) => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const problems = [];
            for (const el of panel.querySelectorAll(stderrSelector)) {
                const text = el.textContent.trim();
                if (/Traceback|Error|Exception|Warning/.test(text)) {
                    problems.push('error output: ' + text.slice(0, 800));
                }
            }
            for (const el of panel.querySelectorAll('.jp-OutputArea-output')) {
                const text = el.textContent.trim();
                if (text.includes('Error displaying widget')) problems.push('widget failed: ' + text.slice(0, 300));
                // A widget the browser could not draw falls back to its Python text, e.g. VBox(children=(...)).
                if (/^[A-Z]\\w*\\((children|value|layout|description|options)=/.test(text)) {
                    problems.push('widget shown as text instead of drawn: ' + text.slice(0, 120));
                }
            }
            return problems;
        }""",
        STDERR_OUTPUT,
    )


def bring_into_view(locator) -> None:
    """Scroll an element of the notebook into view (JupyterLab skips drawing cells far off screen)."""
    locator.wait_for(state="attached")
    locator.evaluate("element => element.scrollIntoView({block: 'center'})")
    locator.wait_for(state="visible")


def images_without_alt(page) -> list[str]:
    """Images and SVG drawings in the notebook's outputs that a screen reader could not describe."""
    return page.evaluate(
        """() => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const missing = [];
            for (const img of panel.querySelectorAll('.jp-OutputArea-output img')) {
                if (!(img.getAttribute('alt') || '').trim()) missing.push('img ' + (img.src || '').slice(0, 60));
            }
            for (const svg of panel.querySelectorAll('.jp-OutputArea-output svg')) {
                if (svg.closest('button, .jp-icon, .lm-Widget.jp-Toolbar')) continue;
                const labelled = svg.getAttribute('aria-label') || svg.querySelector('title')
                    || svg.getAttribute('aria-hidden') === 'true' || svg.getAttribute('role') === 'presentation';
                if (!labelled) missing.push('svg without title or aria-label');
            }
            return missing;
        }"""
    )


def overlapping_options(page) -> list[str]:
    """Answer options (radio and tick-box labels) of the quizzes on the page whose text runs into another option."""
    return page.evaluate(
        """(questionSelector) => {
            const problems = [];
            for (const question of document.querySelectorAll(questionSelector)) {
                const labels = [...question.querySelectorAll('.widget-radio-box label, .widget-checkbox label')]
                    .filter(label => label.getClientRects().length && label.textContent.trim().replace('\u200b', ''));
                for (const label of labels) {
                    // Text taller than its box spills over the options below it.
                    if (label.scrollHeight > label.clientHeight + 1) {
                        problems.push(`"${label.innerText.slice(0, 50)}" does not fit its line and spills over`);
                    }
                }
                const boxes = labels.map(label => label.getBoundingClientRect());
                for (let i = 0; i + 1 < boxes.length; i++) {
                    if (boxes[i].bottom > boxes[i + 1].top + 1) {
                        problems.push(`"${labels[i].innerText.slice(0, 50)}" overlaps the next option`);
                    }
                }
                for (const input of question.querySelectorAll('.widget-radio-box input, .widget-checkbox input')) {
                    const box = input.getBoundingClientRect();
                    if (box.width < 8 || box.height < 8) {
                        problems.push(`the button of "${input.parentElement.innerText.slice(0, 50)}" is squeezed away`);
                    }
                }
            }
            return problems;
        }""",
        QUIZ_QUESTION,
    )


def screenshot(page, name: str) -> Path:
    """Save what the browser shows under test-artifacts/browser/ (kept by CI as an artefact)."""
    folder = ARTIFACTS / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    return path


# Full-page screenshots: JupyterLab and Voilà scroll inside a panel, not the page, so the window is made as tall
# as the panel's content first (up to Chromium's largest capture) and put back afterwards.
MAX_CAPTURE_HEIGHT = 30_000
# How much taller than its panel the content is, measured to the last cell (JupyterLab also pads a notebook by
# about a window's height below its last cell, so scrollHeight would grow with the window).
SCROLL_OVERFLOW = """() => Math.max(0, ...[...document.querySelectorAll('*')]
    .filter(el => /auto|scroll/.test(getComputedStyle(el).overflowY) && el.clientHeight > 200)
    .map(el => {
        const cells = el.querySelectorAll('.jp-Cell');
        if (!cells.length) return el.scrollHeight - el.clientHeight;
        const top = el.getBoundingClientRect().top - el.scrollTop;
        const bottom = Math.max(...[...cells].map(cell => cell.getBoundingClientRect().bottom));
        return Math.ceil(bottom - top + 16 - el.clientHeight);
    }))"""
MODULE_SHOTS = ARTIFACTS / "browser" / "modules"


SCROLL_TO_TOP = """() => { for (const el of document.querySelectorAll('*')) if (el.scrollTop) el.scrollTop = 0; }"""


def full_page_screenshot(page, path: Path) -> Path:
    """Save the whole page, scrolled content included, as a PNG at the window's width."""
    viewport = dict(page.viewport_size)
    height = viewport["height"]
    page.evaluate(SCROLL_TO_TOP)
    for _ in range(5):  # cells drawn once in view can grow the content again
        overflow = page.evaluate(SCROLL_OVERFLOW)
        if overflow <= 1 or height >= MAX_CAPTURE_HEIGHT:
            break
        height = min(MAX_CAPTURE_HEIGHT, height + overflow)
        page.set_viewport_size({"width": viewport["width"], "height": height})
        page.wait_for_timeout(300)  # let the panel lay out at the new size
    path.parent.mkdir(parents=True, exist_ok=True)
    page.evaluate(SCROLL_TO_TOP)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)
    return path


def module_screenshot(page, view: str, notebook: str) -> Path:
    """The full-page screenshot of one module in one view (lab or app) that the gallery shows."""
    return full_page_screenshot(page, MODULE_SHOTS / view / f"{notebook.removesuffix('.ipynb')}.png")


def visible_code(page) -> list[str]:
    """Code, "[3]:" prompts and "•••" collapsed-code lines of the active notebook that a learner can see."""
    return page.evaluate(
        """() => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const seen = [];
            const shown = el => el.checkVisibility({visibilityProperty: true});
            for (const el of panel.querySelectorAll('.jp-InputPrompt, .jp-OutputPrompt')) {
                if (shown(el) && el.textContent.trim()) seen.push('prompt ' + el.textContent.trim());
            }
            for (const el of panel.querySelectorAll('.jp-InputPlaceholder')) {
                if (shown(el)) seen.push('collapsed code line: ' + el.textContent.trim().slice(0, 60));
            }
            for (const el of panel.querySelectorAll('.jp-CodeCell .jp-InputArea-editor')) {
                if (shown(el)) seen.push('code: ' + el.textContent.trim().slice(0, 60));
            }
            return seen;
        }"""
    )


def save_notebook(page) -> None:
    """File > Save Notebook, as a learner (or JupyterLab's autosave) saves it, then wait until it is saved."""
    _choose_menu_item(page, "File", "docmanager:save")
    page.wait_for_function(
        "() => !document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)')"
        "?.title?.className?.includes('jp-mod-dirty')"
        " && !document.querySelector('.lm-TabBar-tab.lm-mod-current.jp-mod-dirty')",
        timeout=30_000,
    )


def page_screenshots(page, name: str) -> list[Path]:
    """The whole notebook, one screen at a time from the top (JupyterLab scrolls inside its panel, not the page)."""
    folder = ARTIFACTS / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    scroller = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"
    paths, top = [], 0
    while True:
        reached = page.evaluate(
            "([selector, top]) => { const el = document.querySelector(selector); el.scrollTop = top;"
            " return [el.scrollTop, el.scrollHeight, el.clientHeight]; }",
            [scroller, top],
        )
        page.wait_for_timeout(300)  # let JupyterLab draw the cells that came into view
        path = folder / f"{name}-{len(paths):02d}.png"
        page.screenshot(path=str(path))
        paths.append(path)
        scrolled, height, visible = reached
        if scrolled + visible >= height - 1 or len(paths) >= 60:
            return paths
        top = scrolled + visible - 40
