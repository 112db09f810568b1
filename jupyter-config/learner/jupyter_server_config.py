"""JupyterLab as a learner meets it (`make course`): the course opens with nothing to dismiss and no trainer tools.

Used by pointing JUPYTER_CONFIG_DIR at this folder; labconfig/page_config.json next to this file hides nbgrader's
panels (create assignment, formgrader, course list) in the browser, and this file turns its server parts off.
"""

import os
from pathlib import Path

from mesocourse.saved_pages import pre_save_hook

HERE = Path(__file__).resolve().parent
c = get_config()  # noqa: F821 (provided by Jupyter when it reads this file)

# overrides.json there answers JupyterLab's "receive Jupyter news?" question once for everyone (no first-start prompt).
c.LabApp.app_settings_dir = str(HERE.parent / "lab-settings")

# custom/custom.css next to this file hides code cells' inputs and the [3]: prompts (JupyterLab serves a site's
# CSS from <JUPYTER_CONFIG_DIR>/custom/ when this is on), so a learner reads prose, pictures and widgets only.
c.LabApp.custom_css = True

# A saved page keeps no output that needs a live widget ("model not found" on reopening): a plain "run this page"
# note takes each widget's place in the file, and running the page brings the widgets back.
c.ContentsManager.pre_save_hook = pre_save_hook

# Learners study and answer quizzes; grading is the trainer's job, in the trainer configuration next door.
# (A clinic whose learners fetch and submit through nbgrader's exchange on a shared server can turn
# assignment_list and validate_assignment back on there.)
c.ServerApp.jpserver_extensions = {
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.course_list": False,
    "nbgrader.server_extensions.assignment_list": False,
    "nbgrader.server_extensions.validate_assignment": False,
}

# No terminal: from one, a learner could read any file their account can, outside the workspace JupyterLab serves.
# (JupyterLab already refuses file-browser and contents-API paths outside its root folder, `../` included.)
c.ServerApp.terminals_enabled = False
c.ContentsManager.allow_hidden = False

# A learner's own JupyterLab preferences and open tabs stay in their home as usual, never in the course folder.
_home_lab = Path.home() / ".jupyter" / "lab"
c.LabApp.user_settings_dir = os.environ.get("JUPYTERLAB_SETTINGS_DIR", str(_home_lab / "user-settings"))
c.LabApp.workspaces_dir = os.environ.get("JUPYTERLAB_WORKSPACES_DIR", str(_home_lab / "workspaces"))
