"""The course's Jupyter settings (jupyter-config/): no first-start prompts, no trainer tools for learners."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from traitlets.config.loader import PyFileConfigLoader

from mesocourse.paths import ROOT

CONFIG = ROOT / "jupyter-config"
LAB_SCHEMAS = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
LAB_EXTENSIONS = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
NBGRADER_SERVER_EXTENSIONS = {
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.validate_assignment",
}


def server_config(role: str):
    """The traitlets config that jupyter-config/<role>/jupyter_server_config.py produces."""
    loader = PyFileConfigLoader("jupyter_server_config.py", path=str(CONFIG / role))
    return loader.load_config()


def overrides() -> dict:
    """jupyter-config/lab-settings/overrides.json: JupyterLab default settings for the course, by plugin."""
    return json.loads((CONFIG / "lab-settings" / "overrides.json").read_text(encoding="utf-8"))


def plugin_schema(plugin: str) -> dict:
    """JupyterLab's settings schema of a plugin such as @jupyterlab/apputils-extension:notification."""
    package, name = plugin.split(":")
    return json.loads((LAB_SCHEMAS / package / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("plugin", sorted(overrides()))
def test_every_override_is_valid_for_jupyterlab(plugin):
    """Each overridden plugin and setting exists in this JupyterLab and has a value its schema accepts."""
    settings = overrides()[plugin]
    schema = plugin_schema(plugin)
    assert set(settings) <= set(schema["properties"]), "a setting name JupyterLab does not know"
    jsonschema.validate(settings, schema)


def test_no_news_question_and_no_kernel_dialog():
    """JupyterLab neither asks about news nor asks which kernel to start."""
    assert overrides()["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert overrides()["@jupyterlab/notebook-extension:tracker"]["autoStartDefaultKernel"] is True


def test_arrow_keys_are_left_to_widgets_for_keyboard_users():
    """In widgets the four arrow keys reach the widget (preventDefault false), so options and sliders can move."""
    shortcuts = overrides()["@jupyterlab/shortcuts-extension:shortcuts"]["shortcuts"]
    in_widgets = [item for item in shortcuts if ".jupyter-widgets :focus" in item["selector"]]
    assert {key for item in in_widgets for key in item["keys"]} == {"ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"}
    assert all(item["preventDefault"] is False for item in in_widgets)


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_both_roles_read_the_shared_overrides(role):
    """Learner and trainer servers take their settings overrides from jupyter-config/lab-settings."""
    assert Path(server_config(role).LabApp.app_settings_dir) == CONFIG / "lab-settings"


def test_learner_server_turns_every_nbgrader_server_extension_off():
    """The learner's server loads none of nbgrader's server parts (formgrader above all)."""
    extensions = server_config("learner").ServerApp.jpserver_extensions
    assert {name for name, enabled in extensions.items() if not enabled} == NBGRADER_SERVER_EXTENSIONS


def test_nbgrader_server_extension_names_are_the_installed_ones():
    """The names switched off are exactly the ones nbgrader enables on install (so a rename cannot slip by)."""
    installed = json.loads(
        (Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / "nbgrader.json").read_text()
    )["ServerApp"]["jpserver_extensions"]
    assert set(installed) == NBGRADER_SERVER_EXTENSIONS


def test_learner_lab_hides_nbgrader_panels_and_menus():
    """labconfig/page_config.json disables nbgrader's JupyterLab extension (create assignment, formgrader menu)."""
    page_config = json.loads((CONFIG / "learner" / "labconfig" / "page_config.json").read_text(encoding="utf-8"))
    disabled = {name for name, off in page_config["disabledExtensions"].items() if off}
    assert "@jupyter/nbgrader" in disabled
    assert (LAB_EXTENSIONS / "@jupyter" / "nbgrader" / "package.json").exists(), "nbgrader's lab extension moved"


def test_trainer_keeps_formgrader():
    """The trainer's server turns formgrader on and hides no nbgrader panel."""
    extensions = server_config("trainer").ServerApp.jpserver_extensions
    assert extensions["nbgrader.server_extensions.formgrader"] is True
    assert not (CONFIG / "trainer" / "labconfig" / "page_config.json").exists()


def test_make_course_uses_the_learner_settings_on_localhost_and_opens_the_start_page():
    """`make course` serves the learner workspace with the learner settings, on 127.0.0.1, opening the start page."""
    from mesocourse import workspace

    recipe = subprocess.run(["make", "-n", "-s", "course"], cwd=ROOT, capture_output=True, text=True, check=True)
    command = next(line for line in recipe.stdout.splitlines() if "mesocourse.workspace" in line)
    assert "learner-workspace" in command
    lab = " ".join(workspace.lab_command(ROOT / "learner-workspace", 8888))
    assert workspace.lab_environment({})["JUPYTER_CONFIG_DIR"] == str(CONFIG / "learner")
    assert "--ServerApp.ip=127.0.0.1" in lab and lab.endswith("notebooks/00.00-Start-Here.ipynb")
    assert "token=" not in lab


def test_learners_get_no_terminal():
    """A terminal could read any file the account can, outside the served folder: off for learners."""
    assert server_config("learner").ServerApp.terminals_enabled is False


def test_learner_server_saves_pages_without_dead_widgets():
    """The learner's server runs the course's pre-save hook, so a reopened page never shows "model not found"."""
    from mesocourse.saved_pages import pre_save_hook

    assert server_config("learner").ContentsManager.pre_save_hook is pre_save_hook


def test_learner_lab_loads_the_course_css_that_hides_code_and_prompts():
    """custom_css is on and custom/custom.css hides prompts and collapsed inputs (JupyterLab's own mechanism)."""
    assert server_config("learner").LabApp.custom_css is True
    css = (CONFIG / "learner" / "custom" / "custom.css").read_text(encoding="utf-8")
    for selector in (".jp-InputPrompt", ".jp-OutputPrompt", ".jp-InputPlaceholder"):
        assert selector in css
