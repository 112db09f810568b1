"""JupyterLab for the trainer: nbgrader's formgrader and assignment tools on, no first-start prompts.

Used by pointing JUPYTER_CONFIG_DIR at this folder and starting JupyterLab from the course root, where
nbgrader_config.py maps nbgrader's course directory onto assignments/ and grading/.
"""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
c = get_config()  # noqa: F821 (provided by Jupyter when it reads this file)

# formgrader renders learners' graded notebooks on this server, with the trainer's rights: nbconvert cleans their
# HTML (the graded copies are made inert at autograde, mesocourse/grading/untrusted.py, this is the second guard).
c.HTMLExporter.sanitize_html = True

c.LabApp.app_settings_dir = str(HERE.parent / "lab-settings")

c.ServerApp.jpserver_extensions = {
    "nbgrader.server_extensions.formgrader": True,
    "nbgrader.server_extensions.course_list": True,
    "nbgrader.server_extensions.assignment_list": True,
    "nbgrader.server_extensions.validate_assignment": True,
}

_home_lab = Path.home() / ".jupyter" / "lab"
c.LabApp.user_settings_dir = os.environ.get("JUPYTERLAB_SETTINGS_DIR", str(_home_lab / "user-settings"))
# The trainer's open tabs are kept apart from a learner's (`make course` on the same computer uses
# ~/.jupyter/lab/workspaces or JUPYTERLAB_WORKSPACES_DIR): otherwise each reopens the other's notebooks.
c.LabApp.workspaces_dir = os.environ.get("MESOCOURSE_TRAINER_WORKSPACES_DIR", str(_home_lab / "trainer-workspaces"))
