"""nbgrader as a learner's Assignment List uses it on the hub: the course's exchange, fetched work in the workspace."""

import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by nbgrader when it reads this file)

# The same course id as the trainer's nbgrader_config.py, and the exchange folder deploy/jupyterhub_config.py names.
c.CourseDirectory.course_id = "mesotherapy-staff"
c.Exchange.root = os.environ.get("MESOCOURSE_EXCHANGE", "/srv/mesocourse/exchange")
# Fetched assignments (and their feedback) land in the workspace's graded-assignments folder.
c.Exchange.assignment_dir = str(Path(os.environ.get("MESOCOURSE_WORKSPACE", ".")) / "graded-assignments")
