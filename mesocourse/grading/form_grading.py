"""Grade a cohort's answer forms in the trainer's process: nbgrader's own Autograde, one gradebook session for all.

An answer form has nothing to run: the answers are data (answers.json), read and scored by the course's
preprocessors, and learner-added code never scores, so it is not run either. What is left of nbgrader's
Autograde for one learner is cheap work (rebuild the notebook, score it, write the graded copy), and its cost was
mostly overhead around it: a new gradebook connection for every step (about 11 per learner) and a commit, with
SQLite's sync to disk, for every cell. Here every gradebook nbgrader opens during the run is the same session,
each learner's writes are committed once, together (a learner that fails leaves nothing half-written), and the
notebook is validated once, after the last step, instead of after every one. The steps themselves are
nbgrader's and the course's, as configured in nbgrader_config.py, so the grades are those of nbgrader's own run
(tests/grading/test_form_grading.py compares them with the sandboxed run, cell by cell and copy by copy).
"""

from contextlib import contextmanager

from mesocourse.grading.course import Course, captured_output


@contextmanager
def one_gradebook_session(db_url: str, course_id: str):
    """While inside: every nbgrader Gradebook on db_url shares one session, and its commits wait for ours.

    Yields the session; the caller commits (or rolls back) once per learner. nbgrader opens a new engine for
    each Gradebook and commits after every cell; both are the bulk of a learner's time without a kernel.
    """
    from nbgrader import api as nbgrader_api

    shared = nbgrader_api.Gradebook(db_url, course_id)
    session = shared.db
    original_init, original_close = nbgrader_api.Gradebook.__init__, nbgrader_api.Gradebook.close

    class _CommitLater:
        """The shared session as nbgrader sees it: its commits write but do not end the learner's transaction."""

        def __getattr__(self, name):
            return getattr(session, name)

        def commit(self):
            # As a commit would, minus the disk sync: write the changes, then let every object be read again
            # (nbgrader reads totals such as a notebook's score back from the database after its commits).
            session.flush()
            session.expire_all()

        def remove(self):
            """Closing one of nbgrader's gradebooks keeps the shared session open."""

    def shared_init(self, url, course_id="default_course", authenticator=None):
        if url != db_url:
            original_init(self, url, course_id, authenticator)
            return
        self.engine, self.db, self.course_id, self.authenticator = shared.engine, _CommitLater(), course_id, None

    def shared_close(self):
        if not isinstance(self.db, _CommitLater):
            original_close(self)

    nbgrader_api.Gradebook.__init__, nbgrader_api.Gradebook.close = shared_init, shared_close
    try:
        yield session
    finally:
        nbgrader_api.Gradebook.__init__, nbgrader_api.Gradebook.close = original_init, original_close
        session.rollback()  # anything not committed by the caller (an interrupted learner) is dropped
        shared.close()


def grade_forms(course: Course, assignment_id: str, learners: list[str], overrides: dict, log, bar) -> dict:
    """Grade answer-form submissions here, one after the other; returns each learner's raw outcome (never raises)."""
    if not learners:
        return {}
    from mesocourse.grading.autograde import grade_with, without_kernel

    # nbconvert's optimistic validation checks the notebook once, after the last step, not after each of them.
    api = course.api(**overrides, **without_kernel(course.config), **{"NotebookExporter.optimistic_validation": True})
    outcomes = {}
    with one_gradebook_session(course.db_url, course.course_id) as session, captured_output():
        for learner in learners:
            outcomes[learner] = grade_with(api, assignment_id, learner)
            if outcomes[learner]["success"]:
                session.commit()
            else:
                session.rollback()
            log.write(outcomes[learner]["log"])
            bar.update(1)
    return outcomes
