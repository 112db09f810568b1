"""One account's server on the clinic's hub: refresh the learner's workspace, then start JupyterHub's server.

Runs as the account itself (the hub's spawner starts it with the variables mesocourse/hub/settings.py sets), so the
workspace and everything in it belong to the learner. A learner's workspace has the modules and a folder for the
graded assignments they fetch from the Assignments tab; the trainer's course folder is left as it is.
"""

import os
import shutil
import sys
from pathlib import Path

from mesocourse.hub.settings import LEARNER

ASSIGNMENTS = "graded-assignments"
README = """\
# Your course folder

- `notebooks/`: the course modules. Start with `00.00-Start-Here.ipynb`.
- `graded-assignments/`: the graded assignments you fetched. Open the Nbgrader menu > Assignment List to fetch one,
  answer it here, then press Submit there; your feedback comes back the same way.

This folder is yours and nobody else's: new modules are added when you log in, and a notebook you changed is never
overwritten (your copy is kept next to the new one).
"""


def prepare_learner(folder: Path) -> None:
    """Refresh the modules in the learner's workspace (their own copies kept) and make the assignments folder."""
    from mesocourse.workspace import build

    build(folder, released=folder / ASSIGNMENTS / ".none")  # graded assignments come from the exchange
    (folder / ASSIGNMENTS).mkdir(exist_ok=True)
    (folder / "README.md").write_text(README, encoding="utf-8")


def command(idle_stop: int) -> list[str]:
    """jupyterhub-singleuser with the idle limits: a server unused for idle_stop seconds stops itself."""
    program = shutil.which("jupyterhub-singleuser", path=str(Path(sys.executable).parent)) or "jupyterhub-singleuser"
    return [
        program,
        f"--ServerApp.shutdown_no_activity_timeout={idle_stop}",
        f"--MappingKernelManager.cull_idle_timeout={max(idle_stop // 2, 60)}",
        "--MappingKernelManager.cull_interval=60",
    ]


def main(argv=None) -> int:
    """Prepare the folder for the role, then replace this process with the Jupyter server (same PID for the hub)."""
    folder = Path(os.environ["MESOCOURSE_WORKSPACE"])
    if os.environ.get("MESOCOURSE_ROLE") == LEARNER:
        prepare_learner(folder)
    else:
        folder.mkdir(parents=True, exist_ok=True)
    os.chdir(folder)  # formgrader and nbgrader read nbgrader_config.py from the folder the server starts in
    os.umask(0o077)  # what the server writes stays the account's own
    args = command(int(os.environ.get("MESOCOURSE_IDLE_STOP", "3600"))) + list(sys.argv[1:] if argv is None else argv)
    os.execv(args[0], args)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
