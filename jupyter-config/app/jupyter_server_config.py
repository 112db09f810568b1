"""The course as an app (`make app`): every module rendered by Voilà, widgets live, no code, no JupyterLab.

Used by pointing JUPYTER_CONFIG_DIR at this folder and starting `jupyter server` in notebooks/. Voilà runs as a
server extension (rather than the stand-alone `voila` command) so that the browser opens on the start page with
the server's token, and the modules' relative links (01.00-What-Is-Mesotherapy.ipynb) open as Voilà pages.
"""

c = get_config()  # noqa: F821 (provided by Jupyter when it reads this file)

# Only Voilà: no JupyterLab, no classic notebook, no terminal, no nbgrader, so no page ever shows a code cell.
c.ServerApp.jpserver_extensions = {
    "voila.server_extension": True,
    "jupyterlab": False,
    "notebook": False,
    "jupyter_lsp": False,
    "jupyter_server_terminals": False,
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.course_list": False,
    "nbgrader.server_extensions.assignment_list": False,
    "nbgrader.server_extensions.validate_assignment": False,
}
c.ServerApp.terminals_enabled = False

# Only this computer, and only with the token the server prints and opens the browser with.
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.open_browser = True
# The start page first; the modules link to each other with relative links, which stay inside /voila/render/.
c.ServerApp.default_url = "/voila/render/00.00-Start-Here.ipynb"

# Voilà's defaults, said out loud: sources stripped, no traceback shown to a learner (the server log keeps it).
c.VoilaConfiguration.strip_sources = True
c.VoilaConfiguration.show_tracebacks = False
c.VoilaConfiguration.template = "lab"
c.VoilaConfiguration.theme = "light"
