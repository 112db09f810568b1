"""JupyterLab as a learner meets it on the clinic's hub: the learner settings plus nbgrader's Assignment List.

The hub's spawner points JUPYTER_CONFIG_DIR here (mesocourse/hub/settings.py). Everything of jupyter-config/learner
holds (no trainer tools, no terminal, code hidden: custom/ is that folder's), and the learner fetches, submits and
fetches feedback through the exchange; labconfig/page_config.json here hides every other nbgrader panel.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
c = get_config()  # noqa: F821 (provided by Jupyter when it reads this file)
load_subconfig(str(HERE.parent / "learner" / "jupyter_server_config.py"))  # noqa: F821 (provided by Jupyter)

c.ServerApp.jpserver_extensions = {
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.course_list": False,
    "nbgrader.server_extensions.assignment_list": True,
    "nbgrader.server_extensions.validate_assignment": False,
}
