"""The app view's settings (jupyter-config/app, `make app`): Voilà only, on this computer, start page first."""

import json
import shlex
import subprocess
import sys
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

from mesocourse.paths import ROOT

CONFIG = ROOT / "jupyter-config"
INSTALLED_SERVER_EXTENSIONS = Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d"


def app_config():
    """The traitlets config that jupyter-config/app/jupyter_server_config.py produces."""
    return PyFileConfigLoader("jupyter_server_config.py", path=str(CONFIG / "app")).load_config()


def installed_server_extensions() -> set[str]:
    """Every server extension the environment turns on when installed (JupyterLab, nbgrader, Voilà, ...)."""
    names = set()
    for path in INSTALLED_SERVER_EXTENSIONS.glob("*.json"):
        names |= set(json.loads(path.read_text(encoding="utf-8"))["ServerApp"]["jpserver_extensions"])
    return names


def test_app_server_runs_voila_and_nothing_else():
    """Every installed server extension but Voilà is off: no JupyterLab, notebook, terminal or nbgrader page."""
    extensions = app_config().ServerApp.jpserver_extensions
    on = {name for name in installed_server_extensions() if extensions.get(name, True)}
    assert on <= {"voila.server_extension", "notebook_shim"}, on
    assert extensions["voila.server_extension"] is True
    assert app_config().ServerApp.terminals_enabled is False


def test_app_opens_the_start_page_on_localhost_without_code_or_tracebacks():
    """The app listens on 127.0.0.1, opens the start page, strips code and shows no traceback."""
    config = app_config()
    assert config.ServerApp.ip == "127.0.0.1"
    assert config.ServerApp.default_url == "/voila/render/00.00-Start-Here.ipynb"
    assert (ROOT / "notebooks" / "00.00-Start-Here.ipynb").exists()
    assert config.VoilaConfiguration.strip_sources is True
    assert config.VoilaConfiguration.show_tracebacks is False


def test_make_app_uses_the_app_settings_with_a_token():
    """`make app` serves notebooks/ with jupyter-config/app on 127.0.0.1 and never turns the token off."""
    recipe = subprocess.run(["make", "-n", "-s", "app"], cwd=ROOT, capture_output=True, text=True, check=True)
    line = next(line for line in recipe.stdout.replace("\\\n", " ").splitlines() if "jupyter server" in line)
    words = shlex.split(line)
    assert f"JUPYTER_CONFIG_DIR={CONFIG / 'app'}" in words
    assert "--ServerApp.ip=127.0.0.1" in words
    assert f"--ServerApp.root_dir={ROOT / 'notebooks'}" in words
    assert not [word for word in words if "token=" in word.lower() or "password" in word.lower()]


def test_learner_lab_hides_the_voila_preview_button():
    """Voilà's JupyterLab preview (a trainer's tool) stays out of the learner's JupyterLab."""
    page_config = json.loads((CONFIG / "learner" / "labconfig" / "page_config.json").read_text(encoding="utf-8"))
    assert page_config["disabledExtensions"]["@voila-dashboards/jupyterlab-preview"] is True
    preview = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@voila-dashboards" / "jupyterlab-preview"
    assert preview.is_dir(), "the preview extension moved: update its name in page_config.json"
