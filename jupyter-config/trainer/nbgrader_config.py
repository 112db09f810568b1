"""nbgrader settings that only the trainer's JupyterLab reads (JUPYTER_CONFIG_DIR=jupyter-config/trainer).

A laptop course has no shared nbgrader exchange: formgrader would warn that /usr/local/share/nbgrader/exchange is
missing and list every assignment as "draft". The course keeps its exchange inside grading/ instead, and
`make formgrader` publishes the released learner versions there first (mesocourse/grading/exchange.py).
The course root's nbgrader_config.py is read after this file; formgrader runs from the course root.
"""

c = get_config()  # noqa: F821 (provided by nbgrader when it reads this file)

# Relative to the course root, like nbgrader's other folders; mesocourse.grading.exchange.EXCHANGE says the same.
c.Exchange.root = "grading/exchange"
