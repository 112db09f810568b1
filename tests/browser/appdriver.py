"""Start the course's app view (Voilà) exactly as `make app` does, and tell when a Voilà page has finished drawing.

The command is read from the Makefile's `app` recipe, so the test breaks when `make app` changes and the test
does not; only the port, the token and "no browser" are the test's own.
"""

import os
import secrets
import shlex
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from labdriver import ROOT, LabServer, free_port, server_process

# A Voilà page is drawn when it is shown, every cell output it sent has been drawn and no widget area is empty.
PAGE_DRAWN = """() => {
    const cells = document.querySelector('#rendered_cells');
    if (!cells || cells.style.display === 'none') return false;
    if (document.querySelector('script[type="application/vnd.voila.cell-output+json"]')) return false;
    return ![...cells.querySelectorAll('.jp-OutputArea-output')].some(output => !output.childElementCount);
}"""


def app_command() -> list[str]:
    """The `jupyter server` command line of `make app`, environment assignments included (from `make -n`)."""
    recipe = subprocess.run(["make", "-n", "-s", "app"], cwd=ROOT, capture_output=True, text=True, check=True)
    lines = recipe.stdout.replace("\\\n", " ").splitlines()
    line = next(line for line in lines if "jupyter server" in line)
    return shlex.split(line)


def _split_environment(words: list[str]) -> tuple[dict, list[str]]:
    env = {}
    while words and "=" in words[0] and not words[0].startswith("-"):
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    return env, words


@contextmanager
def running_app(root: Path, env: dict | None = None):
    """The app view serving root/notebooks on 127.0.0.1 with a random port and token, as `make app` starts it."""
    make_env, words = _split_environment(app_command())
    program, arguments = words[0], words[1:]
    assert program.endswith("jupyter") and arguments[0] == "server", f"`make app` runs {words[:2]}"
    ours = ("--ServerApp.root_dir=", "--ServerApp.port=")  # a throwaway copy and a free port instead
    arguments = [word for word in arguments[1:] if not word.startswith(ours)]
    state = Path(tempfile.mkdtemp(prefix="mesocourse-app-"))
    server_env = {**os.environ, **make_env, **(env or {})}
    server_env["JUPYTER_RUNTIME_DIR"] = str(state / "runtime")
    server_env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{server_env.get('PATH', '')}"
    port, token = free_port(), secrets.token_hex(16)
    command = [
        sys.executable, "-m", "jupyter_server", *arguments,
        f"--ServerApp.root_dir={root / 'notebooks'}",
        "--no-browser",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
    ]  # fmt: skip
    server = LabServer(port, token, root, state / "server.log", None)
    with server_process(command, root, server_env, server, state) as running:
        yield running


def open_app_page(page, server: LabServer, notebook: str, timeout_ms: int = 180_000) -> None:
    """Open a module in the app view and wait until Voilà has run it and drawn every output and widget."""
    page.goto(server.url(f"voila/render/{notebook}"), timeout=timeout_ms)
    wait_until_drawn(page, timeout_ms)


def wait_until_drawn(page, timeout_ms: int = 180_000) -> None:
    """Wait until the Voilà page on screen has drawn all it was sent (after opening it or following a link)."""
    page.wait_for_function(PAGE_DRAWN, timeout=timeout_ms, polling=250)


def visible_code(page) -> list[str]:
    """Anything of a code cell a learner could see in the app view: its source, an editor or a [3]: prompt."""
    return page.evaluate(
        """() => {
            const found = [];
            for (const el of document.querySelectorAll(
                    '.jp-CodeCell .jp-InputArea, .jp-InputPrompt, .jp-OutputPrompt, .cm-editor, .CodeMirror')) {
                if (el.getClientRects().length && el.textContent.trim()) found.push(el.textContent.trim().slice(0, 80));
            }
            const text = document.body.innerText;
            for (const clue of ['show_quiz(', 'from mesocourse', 'In [']) {
                if (text.includes(clue)) found.push('page text contains ' + clue);
            }
            return found;
        }"""
    )


def app_problems(page) -> list[str]:
    """Error output, Voilà's cell-error notes and widgets that failed to draw, as the learner would see them."""
    return page.evaluate(
        """() => {
            const problems = [];
            for (const el of document.querySelectorAll(
                    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-RenderedText')) {
                const text = el.textContent.trim();
                if (/Traceback|Error|Exception|Warning/.test(text)) problems.push('error: ' + text.slice(0, 500));
            }
            const text = document.body.innerText;
            for (const clue of ['Error displaying widget', 'model not found', 'There was an error when executing']) {
                if (text.includes(clue)) problems.push('page says: ' + clue);
            }
            return problems;
        }"""
    )
