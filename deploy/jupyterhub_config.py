"""JupyterHub for the course on one clinic server: system accounts (PAM), one process per learner, nbgrader's exchange.

Started by `make hub` (as root: the hub starts each learner's server under that learner's own account). The lines a
clinic changes are in CLINIC below; everything else follows from them. `mesocourse hub ...` reads the same CLINIC
settings from this file, so accounts, folders and the hub never disagree. Secrets are made on first start in
CLINIC["state"] (never in git): the cookie secret that signs logins and the token between hub and proxy.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
COURSE = HERE.parent  # the course install: engine, modules, settings (learners read it; assignments/ is locked)

CLINIC = {
    # Where browsers reach the hub. Keep 127.0.0.1 behind the clinic's HTTPS reverse proxy (deploy/README.md);
    # the hub's own API and the proxy's API take the next two ports.
    "ip": os.environ.get("MESOCOURSE_HUB_IP", "127.0.0.1"),
    "port": int(os.environ.get("MESOCOURSE_HUB_PORT", "8000")),
    # System groups: members of the first log in as learners, of the second as trainers (hub admins, formgrader).
    # `mesocourse hub add-learner NAME` and `add-trainer NAME` create the accounts in them.
    "learners_group": os.environ.get("MESOCOURSE_LEARNERS_GROUP", "mesocourse-learners"),
    "trainers_group": os.environ.get("MESOCOURSE_TRAINERS_GROUP", "mesocourse-trainers"),
    # nbgrader's exchange: one folder every account can reach (put it on the disk you back up).
    "exchange": os.environ.get("MESOCOURSE_EXCHANGE", "/srv/mesocourse/exchange"),
    # The hub's database, secrets and logs (root only, mode 0700). Back up the cookie secret with the server.
    "state": os.environ.get("MESOCOURSE_HUB_STATE", str(HERE / "state")),
    # The trainer's course folder, inside each trainer's home (gradebook, submissions, the answer-key secret).
    "trainer_course": "course",
    # The learner's workspace inside their home: modules, graded assignments they fetched, their progress.
    "learner_course": "course",
    # A learner's server with no activity this long stops itself, its idle kernels sooner (seconds): memory back
    # for the others. The bench (deploy/README.md) measures about what one learner's server and kernel take.
    "idle_stop": int(os.environ.get("MESOCOURSE_IDLE_STOP", "3600")),
}


def configure(c) -> None:
    """JupyterHub's settings, all derived from CLINIC."""
    from mesocourse.hub.settings import prepare_state, spawn_settings

    state = prepare_state(CLINIC)

    c.JupyterHub.bind_url = f"http://{CLINIC['ip']}:{CLINIC['port']}"
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = CLINIC["port"] + 1
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{CLINIC['port'] + 2}"
    c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
    c.ConfigurableHTTPProxy.auth_token = state.proxy_token
    c.ConfigurableHTTPProxy.pid_file = str(state.folder / "proxy.pid")
    c.JupyterHub.cookie_secret_file = str(state.folder / "cookie_secret")
    c.JupyterHub.db_url = f"sqlite:///{state.folder / 'jupyterhub.sqlite'}"
    c.JupyterHub.pid_file = str(state.folder / "hub.pid")
    # Stopping the hub stops the proxy and every learner's server with it.
    c.JupyterHub.cleanup_servers = True
    c.JupyterHub.cleanup_proxy = True

    # Accounts: the server's own system accounts through PAM, so no identity server and no second password list; only
    # members of the two course groups may log in (never root or a service account).
    c.JupyterHub.authenticator_class = "pam"
    c.PAMAuthenticator.allowed_groups = {CLINIC["learners_group"], CLINIC["trainers_group"]}
    c.PAMAuthenticator.admin_groups = {CLINIC["trainers_group"]}
    c.PAMAuthenticator.open_sessions = False
    c.Authenticator.delete_invalid_users = True

    # Each learner's server runs as their own account in their own home (0700): another learner's files, the
    # trainer's course folder and the install's assignments/ are closed to it by the system, not by the course.
    c.JupyterHub.spawner_class = "localprocess"
    c.Spawner.ip = "127.0.0.1"
    c.Spawner.cmd = [sys.executable, "-m", "mesocourse.hub.singleuser"]
    c.Spawner.http_timeout = 120
    c.Spawner.start_timeout = 180
    c.Spawner.pre_spawn_hook = spawn_settings(CLINIC, COURSE)


if not globals().get("CLINIC_ONLY"):  # `mesocourse hub` reads CLINIC alone
    configure(get_config())  # noqa: F821 (provided by JupyterHub when it reads this file)
