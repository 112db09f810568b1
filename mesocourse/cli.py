"""`mesocourse`: the trainer's commands for graded assignments (release, collect, autograde, feedback, ...).

Every command works on the course folder (found from the current folder, or given with --course) through
nbgrader's Python API. Mistakes a trainer can make end in a one-paragraph message, never a traceback.
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

from mesocourse.words import counted

DESCRIPTION = "Trainer commands for the mesotherapy course's graded assignments (nbgrader underneath)."
EPILOG = """\
A round with a cohort, run from the course folder:
  mesocourse release foundations           make the learner version (checked; holds no key)
  mesocourse bundle                        a zip per learner: modules + their own assignments
  mesocourse collect foundations inbox/    file the notebooks you received (a folder or zip per learner)
  mesocourse autograde foundations         grade everyone, two at a time, with a progress bar
  make formgrader                          mark written case answers in the browser (nbgrader formgrader)
  mesocourse feedback foundations          one feedback page per learner, in grading/feedback/
  mesocourse export                        grades.csv for your records
  mesocourse status                        who submitted what, and what is left to do
  mesocourse report foundations            cohort report: questions to review, objectives, who needs a word
  mesocourse cues                          whether the questions give answers away (longest option, key letters)
  mesocourse export-bank                   the self-study quizzes as Moodle XML and GIFT, for your LMS
  mesocourse keys show                     where the clinic's answer-key secret is and how to back it up
  mesocourse hub add-learner NAME          on the clinic's JupyterHub (as root): a learner's own account

Run `mesocourse COMMAND --help` for the options of one command.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mesocourse",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--course", metavar="FOLDER", help="the course folder (default: found from here)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    def command(name, summary, description=None):
        return commands.add_parser(name, help=summary, description=description or summary)

    sub = command("release", "check an assignment and make each learner's own version (grading/handout/)")
    sub.add_argument("assignment", help="assignment id, e.g. foundations")
    sub.add_argument(
        "--learners",
        metavar="IDS",
        help="comma-separated learner ids (default: grading/learners.txt and the gradebook's students)",
    )
    sub.add_argument("--exchange", action="store_true", help="also put it in the nbgrader exchange (JupyterHub)")

    sub = command(
        "collect",
        "file submissions you received (a folder) or fetch them from the nbgrader exchange",
        "File submissions into grading/submitted/. FOLDER holds, per learner, a sub-folder named after the "
        "learner with their notebook, a zip named after the learner, or a notebook named after the learner "
        "(e.g. maria.dupont_foundations.ipynb). The newest file wins; earlier submissions are kept aside.",
    )
    sub.add_argument("assignment", help="assignment id")
    sub.add_argument("folder", nargs="?", help="folder of received files (leave out with --exchange)")
    sub.add_argument("--exchange", action="store_true", help="collect from the nbgrader exchange instead")

    sub = command("autograde", "grade every learner's submission (in parallel, with a progress bar)")
    sub.add_argument("assignment", help="assignment id")
    sub.add_argument("--learner", action="append", metavar="ID", help="only this learner (repeatable)")
    sub.add_argument("--jobs", type=int, default=None, metavar="N", help="learners graded at once (default 2)")
    sub.add_argument("--timeout", type=float, default=None, metavar="SECONDS", help="longest run of one cell")

    sub = command("feedback", "make each learner's feedback page (which questions, and why)")
    sub.add_argument("assignment", help="assignment id")
    sub.add_argument("--learner", action="append", metavar="ID", help="only this learner (repeatable)")
    sub.add_argument("--exchange", action="store_true", help="also release feedback through the nbgrader exchange")

    sub = command("export", "write grades.csv (one row per learner and assignment)")
    sub.add_argument("--output", metavar="FILE", help="where to write it (default grading/reports/grades.csv)")

    command("status", "who submitted what, what is graded, what is left to mark")

    sub = command(
        "report",
        "cohort report: Moodle's item statistics, objectives and who needs a word (HTML page + terminal table)",
    )
    sub.add_argument("assignment", help="assignment id")

    sub = command("bundle", "build the learner zips (modules, own assignments; no keys, no trainer tools)")
    sub.add_argument("--output", metavar="FILE", help="where to write it (default grading/bundle/...; needs --learner)")
    sub.add_argument("--learner", help="only this learner's zip (default: one zip per learner with own copies)")

    sub = command("check", "check source assignments: layout, keys, references, and that solutions pass")
    sub.add_argument("assignment", nargs="*", help="assignment ids (default: all)")
    sub.add_argument("--quick", action="store_true", help="skip running the notebooks")

    sub = command(
        "keys",
        "the clinic's answer-key secret: where it is, rotate it, strip keys from sources",
        "The secret (grading/answer-key-secret.txt, ignored by git) seals the keys of every assignment you release. "
        "`keys show` says where it is and how to back it up; `keys rotate` makes a new one (the old one is kept as "
        "a dated backup and refused from then on) and seals every released assignment again; `keys strip` puts the "
        "placeholder back in sources' hidden tests before you commit them (sources are public).",
    )
    sub.add_argument("action", choices=["show", "rotate", "strip"], help="what to do")
    sub.add_argument("assignment", nargs="*", help="for strip: assignment ids (default: all)")

    sub = command(
        "export-bank",
        "write the self-study question banks as Moodle XML and GIFT (one category per module)",
        "Write grading/export/mesocourse-banks.xml and .gift. Import either in Moodle (Question bank > Import); "
        "feedback per option, explanations, tolerances, units and references come along.",
    )
    sub.add_argument("bank", nargs="*", help="bank names, e.g. 03-injection-depths (default: every module)")
    sub.add_argument("--output", metavar="FOLDER", help="where to write (default grading/export/)")
    sub.add_argument("--format", choices=["xml", "gift", "both"], default="both", help="which format (default both)")

    command("leaks", "scan releases, feedback and learner bundles for keys, solutions and hidden tests")

    command("cues", "check banks and graded keys for test-wiseness cues (see assets/questions/README.md)")

    from mesocourse.hub.commands import add_parser

    add_parser(command)
    return parser


def course_own_assignments(course) -> list[str]:
    """The course's own assignments (the ones in its question layout), without plain nbgrader ones."""
    return [assignment for assignment in course.assignments() if not course.is_plain_nbgrader(assignment)]


def _course(args):
    from mesocourse.grading.course import Course

    course = Course(Path(args.course)) if args.course else Course()
    args.opened_course = course
    return course


def _release(args) -> int:
    from mesocourse.grading.release import release

    course = _course(args)
    learners = [name for name in (args.learners or "").split(",") if name.strip()] or None
    result = release(course, course.require_assignment(args.assignment), exchange=args.exchange, learners=learners)
    if result.plain:
        from mesocourse.grading.plain import cannot_check

        print(
            f"Released {result.assignment_id}: {result.questions} autograded test cells, {result.written} manually "
            f"graded answers, {result.points:g} points, a copy for each of {len(result.handout.zips)} learners "
            "(checked: no solution or hidden test inside)."
        )
        print(cannot_check("release", result.assignment_id))
    else:
        print(
            f"Released {result.assignment_id}: {result.questions} autograded questions, {result.written} written "
            f"case answers, {result.points:g} points, one version for each of {len(result.handout.zips)} learners "
            "(checked: no solution, hidden test or key inside)."
        )
    for learner, archive in sorted(result.handout.zips.items()):
        print(f"  {learner}: {archive.relative_to(course.root)}")
    if result.exchange:
        print("It is also in the nbgrader exchange: learners can fetch it from the Assignments tab.")
    else:
        holds = "the notebooks" if result.plain else "the notebook and answers.json"
        print(f"Send each learner their own zip (it holds {holds}).")
    return 0


def _collect(args) -> int:
    from mesocourse.grading.collect import collect_exchange, collect_folder
    from mesocourse.grading.course import TrainerError

    course = _course(args)
    assignment = course.require_assignment(args.assignment)
    if args.exchange:
        learners = collect_exchange(course, assignment)
        for learner, notes in learners.notes.items():
            print(f"  {learner}: {'; '.join(notes)}")
        print(f"Collected from the exchange; {len(learners)} learners have submitted {assignment}.")
        return 0
    if not args.folder:
        raise TrainerError(
            "Give the folder of received files (`mesocourse collect ASSIGNMENT FOLDER`), or use --exchange."
        )
    result = collect_folder(course, assignment, args.folder)
    print(result.table())
    if result.ignored:
        print("\nNot collected:\n  - " + "\n  - ".join(result.ignored))
    print(f"\n{len(result.collected)} submissions filed in grading/submitted/. Next: mesocourse autograde {assignment}")
    return 0


def _autograde(args) -> int:
    from mesocourse.grading.autograde import DEFAULT_JOBS, autograde, results_table, summary_line

    course = _course(args)
    assignment = course.require_assignment(args.assignment)
    started = time.monotonic()
    results = autograde(course, assignment, args.learner, jobs=args.jobs or DEFAULT_JOBS, timeout=args.timeout)
    if course.is_plain_nbgrader(assignment):
        from mesocourse.grading.plain import cannot_check

        print(cannot_check("autograde", assignment))
    print(results_table(results))
    print(f"\n{summary_line(results)} ({time.monotonic() - started:.0f} s)")
    return 0


def _feedback(args) -> int:
    from mesocourse.grading.feedback import generate_feedback

    course = _course(args)
    assignment = course.require_assignment(args.assignment)
    result = generate_feedback(course, assignment, args.learner, exchange=args.exchange)
    print(result.table(course.root))
    print(f"\n{len(result.files)} feedback pages checked (no hidden test, key or marking guide inside).")
    if result.unmarked:
        print("Some written answers are not marked yet: mark them in formgrader, then run feedback again.")
    if result.released_to_exchange:
        print("Feedback released: learners fetch it from the Assignments tab.")
    else:
        print("Send each learner their own page (grading/feedback/<learner>/...).")
    return 0


def _export(args) -> int:
    from mesocourse.grading.export import export_csv

    course = _course(args)
    path, rows = export_csv(course, args.output)
    print(f"Wrote {len(rows)} rows to {path}.")
    pending = sum(row.written_to_mark for row in rows)
    if pending:
        verb = "is" if pending == 1 else "are"
        print(f"{counted(pending, 'written answer')} {verb} not marked yet: their totals are left blank.")
    return 0


def _status(args) -> int:
    from mesocourse.grading.export import status_overview

    print(status_overview(_course(args)))
    return 0


def _report(args) -> int:
    from mesocourse.grading.cohort_report import write_html
    from mesocourse.grading.item_analysis import analyse, report_table, summary_lines, write_csv

    course = _course(args)
    assignment = course.require_assignment(args.assignment)
    analysis = analyse(course, assignment)
    if course.is_plain_nbgrader(assignment):
        from mesocourse.grading.plain import cannot_check

        print(cannot_check("report", assignment))
    print(f"{assignment}: {len(analysis.questions)} autograded questions, {analysis.test.learners} learners\n")
    print(report_table(analysis))
    print("\n" + summary_lines(analysis))
    files = [write_html(course, analysis), write_csv(course, analysis)]
    print("\nSaved: " + ", ".join(str(path.relative_to(course.root)) for path in files))
    print(
        "facility = share of points earned; discr. = correlation with the rest of the test (below 0.20 is weak); "
        "effic. = discrimination against the most it could be.\nOpen the HTML page for the plots, the objectives "
        "and who needs a word (trainer only: it shows the keys)."
    )
    return 0


def _bundle(args) -> int:
    from mesocourse.grading.bundle import build_bundle, build_bundles
    from mesocourse.grading.course import TrainerError

    course = _course(args)
    if args.learner:
        results = [build_bundle(course, args.output, args.learner)]
    elif args.output:
        raise TrainerError("--output names one zip: give --learner too (without it, each learner gets a zip).")
    else:
        results = build_bundles(course)
    for result in results:
        who = f" for {result.learner}" if result.learner else ""
        print(f"Wrote {result.path}{who} ({len(result.members)} files; checked: no key, solution or hidden test).")
        print(f"  Assignments inside: {', '.join(result.assignments) or 'none'}.")
        if result.no_own_copy:
            print(f"  Not inside (no own copy{who}; see `mesocourse release`): {', '.join(result.no_own_copy)}.")
    if results[0].not_released:
        print(f"Not inside (not released yet): {', '.join(results[0].not_released)}.")
    if results[0].stale:
        print(f"Changed since release (run `mesocourse release` to update): {', '.join(results[0].stale)}.")
    return 0


def _check(args) -> int:
    from mesocourse.grading.plain import cannot_check
    from mesocourse.grading.release import check_source

    course = _course(args)
    ids = [course.require_assignment(name) for name in args.assignment] or course.assignments()
    problems = []
    for assignment in ids:
        found = check_source(course, assignment, run_tests=not args.quick)
        plain = f" ({cannot_check('check', assignment)})" if course.is_plain_nbgrader(assignment) else ""
        print(f"{assignment}: {'ok' if not found else f'{len(found)} problems'}{plain}")
        problems += found
    for problem in problems:
        print(f"  - {problem}")
    return 1 if problems else 0


def _keys(args) -> int:
    from mesocourse.grading import clinic_key
    from mesocourse.grading.authoring import unseal

    course = _course(args)
    if args.action == "show":
        print(clinic_key.describe(course))
        return 0
    if args.action == "strip":
        ids = [course.require_assignment(name) for name in args.assignment] or course_own_assignments(course)
        for assignment in ids:
            changed = unseal(course.source_notebook(assignment))
            print(f"{assignment}: {f'{len(changed)} keys stripped' if changed else 'holds no key'}")
        return 0
    result = clinic_key.rotate(course)
    where = clinic_key.shown(course, result.path)
    print(f"New answer-key secret: {where}.")
    if result.backup:
        print(f"The old one is kept in {clinic_key.shown(course, result.backup)} and is refused from now on.")
    if result.gradebook_backup:
        print(f"The gradebook as it was: {clinic_key.shown(course, result.gradebook_backup)}.")
    sealed = ", ".join(result.resealed) if result.resealed else "none released yet"
    print(f"Sealed again with the new secret: {sealed}.\n{clinic_key.BACKUP_ADVICE}")
    return 0


def _leaks(args) -> int:
    from mesocourse.grading.leaks import scan_bundle, scan_feedback, scan_releases

    course = _course(args)
    leaks = scan_releases(course) + scan_feedback(course)
    for bundle in sorted((course.root / "grading" / "bundle").glob("*.zip")):
        leaks += scan_bundle(course, bundle)
    for leak in leaks:
        print(f"LEAK {leak}")
    print("No leak found in releases, feedback or bundles." if not leaks else f"{len(leaks)} leaks found.")
    return 1 if leaks else 0


def _cues(args) -> int:
    from mesocourse.bank import bank_names, load_bank
    from mesocourse.grading.authoring import read_assignment
    from mesocourse.grading.variants import drawn_questions, sibling_versions
    from mesocourse.item_cues import assignment_items, bank_items, cue_problems, cue_summary

    course = _course(args)
    problems, graded = [], []
    sets = [(name, bank_items(load_bank(name))) for name in bank_names()]
    for assignment in course_own_assignments(course):
        source = read_assignment(course.source_notebook(assignment))
        items = assignment_items(source, drawn_questions(assignment), sibling_versions(assignment))
        graded += items
        sets.append((f"assignments/{assignment}", items))
    # Key letters are judged over all graded keys together: one assignment is too short to balance four letters.
    for name, items in sets:
        print(cue_summary(name, items))
        problems += [f"{name}: {p}" for p in cue_problems(items, letters=False)]
    print(cue_summary("all graded keys", graded))
    problems += [f"all graded keys: {p}" for p in cue_problems(graded)]
    for problem in problems:
        print(f"  - {problem}")
    print("No cue found." if not problems else f"{len(problems)} cue problems: see assets/questions/README.md.")
    return 1 if problems else 0


def _export_bank(args) -> int:
    from mesocourse.bank import BankError
    from mesocourse.bank_export import FORMATS, export_banks
    from mesocourse.grading.course import TrainerError
    from mesocourse.paths import ROOT

    root = Path(args.course) if args.course else ROOT
    folder = Path(args.output) if args.output else root / "grading" / "export"
    formats = FORMATS if args.format == "both" else (args.format,)
    try:
        written = export_banks(folder, args.bank or None, formats)
    except BankError as problem:
        raise TrainerError(str(problem)) from None
    except OSError as problem:
        raise TrainerError(f"could not write to {folder} ({problem.strerror or problem}).") from None
    for path in written:
        print(f"Wrote {path}")
    print("Import in Moodle: Question bank > Import, format 'Moodle XML' (or 'GIFT'); one category per module.")
    return 0


def _hub(args) -> int:
    from mesocourse.hub.commands import run

    return run(args)


HANDLERS = {
    "release": _release,
    "collect": _collect,
    "autograde": _autograde,
    "feedback": _feedback,
    "export": _export,
    "status": _status,
    "report": _report,
    "bundle": _bundle,
    "check": _check,
    "keys": _keys,
    "leaks": _leaks,
    "cues": _cues,
    "export-bank": _export_bank,
    "hub": _hub,
}


def without_iri_grammar() -> None:
    """Let jsonschema load without its IRI grammar, which takes about a second to build at import.

    jsonschema registers the "iri" format check only when rfc3987_syntax imports; no schema a trainer command
    checks (nbformat's, nbgrader's, the course's own) uses that format, and every other check is unchanged.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


def main(argv=None) -> int:
    """Run one trainer command; returns the exit code (0 fine, 1 a problem to fix, 2 a usage mistake)."""
    without_iri_grammar()
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    from mesocourse.grading.authoring import AuthoringError
    from mesocourse.grading.course import TrainerError

    # nbgrader and its database layer warn about internals a trainer cannot act on.
    warnings.filterwarnings("ignore")
    try:
        return HANDLERS[args.command](args)
    except (TrainerError, AuthoringError) as problem:
        print(f"mesocourse {args.command}: {problem}", file=sys.stderr)
        return 1
    except Exception as error:
        # A gradebook damaged past its first page shows up only when nbgrader reads it (F-16).
        if not type(error).__module__.startswith(("sqlalchemy", "sqlite3")):
            raise
        print(
            f"mesocourse {args.command}: the gradebook cannot be read ({type(error).__name__}): restore "
            "grading/gradebook.db from your backup (nothing was changed).",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print(f"mesocourse {args.command}: stopped. Submissions are untouched; run the command again.", file=sys.stderr)
        return 130
    finally:
        _announce_secret(args)


def _announce_secret(args) -> None:
    """Tell the trainer, once, that this command made the clinic's answer-key secret and how to keep it."""
    course = getattr(args, "opened_course", None)
    if course is not None and course.secret_created:
        from mesocourse.grading.clinic_key import created_notice

        print(created_notice(course, course.secret_created))


if __name__ == "__main__":
    sys.exit(main())
