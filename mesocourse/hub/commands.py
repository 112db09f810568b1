"""`mesocourse hub ...`: set up the clinic's hub server and its accounts (root only, on the hub server)."""

import sys
from pathlib import Path

from mesocourse.hub.accounts import CONFIG_FILE, HubError, add_learner, add_trainer, clinic_settings, remove, setup

ACTIONS = ("setup", "add-learner", "add-trainer", "remove")


def add_parser(command) -> None:
    """The `hub` sub-command: an action and, for the account actions, a name."""
    sub = command(
        "hub",
        "clinic JupyterHub: set up folders and groups, add or remove learner and trainer accounts (as root)",
        "On the hub server, as root. `hub setup` makes the course groups and the shared nbgrader exchange; "
        "`hub add-learner NAME` makes a learner's account (own home, 0700) and adds them to the trainers' rosters; "
        "`hub add-trainer NAME` makes a trainer's account with their own course folder; `hub remove NAME` deletes "
        "a course account and its home. Settings: deploy/jupyterhub_config.py (CLINIC).",
    )
    sub.add_argument("action", choices=ACTIONS, help="what to do")
    sub.add_argument("name", nargs="?", help="the account name (e.g. maria.dupont)")
    sub.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sub.add_argument("--config", metavar="FILE", default=str(CONFIG_FILE), help="the hub's configuration file")


def run(args) -> int:
    """Do the action; a HubError ends in one sentence and exit code 1."""
    try:
        clinic = clinic_settings(Path(args.config))
        if args.action == "setup":
            for line in setup(clinic):
                print(line)
            return 0
        if not args.name:
            print(f"mesocourse hub {args.action}: say which account, e.g. mesocourse hub {args.action} maria.dupont")
            return 2
        if args.action == "remove":
            remove(args.name, clinic)
            print(f"Removed {args.name} and their home folder.")
            return 0
        given = sys.stdin.readline().strip() if args.password_stdin else None
        make = add_learner if args.action == "add-learner" else add_trainer
        password = make(args.name, clinic, given)
        role = args.action.removeprefix("add-")
        print(f"Made the {role} account {args.name}.")
        if not given:
            print(f"Password (give it to {args.name} in person; it is not stored anywhere else): {password}")
        return 0
    except HubError as problem:
        print(f"mesocourse hub {args.action}: {problem}", file=sys.stderr)
        return 1
