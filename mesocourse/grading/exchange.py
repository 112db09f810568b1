"""Formgrader's "released" label on a laptop: the course's learner versions published to a course-local exchange.

Formgrader reads an assignment's status from nbgrader's exchange, not from grading/release/, and warns when the
exchange folder is missing. The course therefore keeps its exchange in grading/exchange (set for formgrader in
jupyter-config/trainer/nbgrader_config.py), and `make formgrader` first publishes every learner version there with
nbgrader's own release step. Learners still get their files in the bundle; nothing is fetched from this exchange.
"""

import sys
from pathlib import Path

from traitlets.config import Config

from mesocourse.grading.course import Course, TrainerError, captured_output, quiet

# Relative to the course root, as nbgrader's other folders are (formgrader runs from the course root).
EXCHANGE = Path("grading") / "exchange"


def publish_releases(root: Path | str | None = None) -> list[str]:
    """Copy each assignment of grading/release/ into the course's exchange; returns the names published."""
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeError
    from nbgrader.exchange.default.release_assignment import ExchangeReleaseAssignment

    course = Course(root)
    overrides = Config()
    overrides.Exchange.root = str(course.root / EXCHANGE)
    course.config.merge(overrides)
    release = course.release_dir
    names = sorted(path.name for path in release.iterdir() if path.is_dir()) if release.is_dir() else []
    (course.root / EXCHANGE).mkdir(parents=True, exist_ok=True)
    quiet()
    for name in names:
        coursedir = CourseDirectory(config=course.config, assignment_id=name)
        try:
            with captured_output():
                ExchangeReleaseAssignment(coursedir=coursedir, config=course.config, force=True).start()
        except ExchangeError as problem:
            raise TrainerError(f"Could not show {name} as released in formgrader: {problem}") from None
    return names


def main() -> int:
    """Publish before formgrader starts, and say in one line what formgrader will list as released."""
    try:
        names = publish_releases()
    except TrainerError as problem:
        print(problem, file=sys.stderr)
        return 1
    if names:
        print("Formgrader lists as released: " + ", ".join(names))
    else:
        print("No assignment released yet: formgrader lists them as draft until `make release A=...`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
