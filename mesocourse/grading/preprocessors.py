"""nbgrader preprocessors the course adds (wired in nbgrader_config.py, so formgrader uses them too).

* RestoreGradingMetadata (autograde, sanitising): a learner who flips a test cell's nbgrader flags (grade,
  solution, points...) or renames its grade id is graded with the original cell; nbgrader itself restores
  points and source only, and stops on an unknown grade id.
* TruncateLongOutput (autograde): a huge output (a print loop, a giant string) is cut to a readable size so
  the graded notebook, formgrader and feedback stay small; nbgrader's own limit counts lines, not characters.
* ReadAnswerSheet (autograde, sanitising, first): an answer-form submission (answers in answers.json) is rebuilt
  in the source's cell layout with each answer written into its answer cell as a plain value (graded_copy.py).
* HoldBackHiddenTests / ScoreAnswersAsData (autograde, around Execute): each course answer is read from the
  notebook as data before anything runs (in the learner's own version), the kernel runs test cells without their
  hidden tests, and the score is decided afterwards in the grading process (scoring.py), whatever the submission's
  code did.
* SealKeys (release, first): the public sources hold no key digest; each hidden test gets its digest here, from
  the solution and the clinic's secret, so the gradebook's copy is the only sealed one.
* CheckCellMetadataOnce (autograde without a kernel): nbgrader's own metadata check with the schema checked once,
  not again for every cell (that re-check was a third of the time of a learner graded without a kernel).
* HideGradingCode (feedback): removes hidden tests and marking guides from every cell before the HTML is made
  (nbgrader shows hidden tests in feedback by design) and opens the feedback with a plain results table.
"""

import tempfile
from functools import cache
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.preprocessors import CheckCellMetadata, NbGraderPreprocessor
from traitlets import Integer

from mesocourse.grading.authoring import (
    BEGIN_HIDDEN,
    BEGIN_RUBRIC,
    BEGIN_SOLUTION,
    END_HIDDEN,
    END_RUBRIC,
    END_SOLUTION,
    AuthoringError,
    question_label,
    read_assignment,
    region,
    seal,
)
from mesocourse.grading.course import awaiting_marks
from mesocourse.grading.graded_copy import (
    form_release,
    graded_layout,
    judge_in_version,
    learner_question_markdown,
    load_sheet,
    trainer_notebook,
    your_answer,
)
from mesocourse.grading.keys import find_secret_file, read_secret
from mesocourse.grading.scoring import hidden_key, judge, read_answer, verdict_outputs

TRUNCATION_NOTE = "\n… [output cut here: it was {size:,} characters long]"
SUMMARY_TAG = "mesocourse-feedback-summary"


class SealKeys(NbGraderPreprocessor):
    """At release, before nbgrader saves the source cells: seal every hidden test's key with the clinic's secret."""

    def preprocess(self, nb, resources):
        """Seal a scratch copy (the course's own layout check and sealing), then take its test cells' sources."""
        info = resources["nbgrader"]
        secret = read_secret(find_secret_file(Path(info["db_url"].removeprefix("sqlite:///")).parent))
        with tempfile.TemporaryDirectory(prefix="mesocourse-seal-") as scratch:
            copy = Path(scratch) / info["assignment"] / f"{info['notebook']}.ipynb"
            copy.parent.mkdir()
            nbformat.write(nb, copy)
            if not read_assignment(copy).autograded:
                return nb, resources  # not one of the course's own assignments: nothing to seal
            try:
                seal(copy, secret)
            except AuthoringError as problem:
                raise AuthoringError(f"the keys of {info['assignment']} could not be sealed: {problem}") from None
            sealed = nbformat.read(copy, as_version=4)
        for cell, sealed_cell in zip(nb.cells, sealed.cells, strict=True):
            cell.source = sealed_cell.source
        return nb, resources


class ReadAnswerSheet(NbGraderPreprocessor):
    """Before anything else: an answer-form submission becomes the source layout with the learner's answers in it."""

    def preprocess(self, nb, resources):
        """Rebuild the notebook from the source and answers.json (only for assignments released as answer forms)."""
        release = form_release(self.config, resources)
        if release is None:
            return nb, resources
        version = release.version(resources["nbgrader"]["student"])
        sheet = load_sheet(Path(resources.get("metadata", {}).get("path") or "."), version)
        for note in sheet.notes:
            self.log.warning("%s", note)
        return graded_layout(trainer_notebook(release.source_notebook), nb, version, sheet), resources


class DropMalformedMetadata(NbGraderPreprocessor):
    """Before nbgrader looks at any cell: grading metadata that is not a table with a text grade id is removed.

    nbgrader stops on `"nbgrader": "oops"`, a list as grade id, or grading flags without a grade id (F-1, F-3);
    such a cell is graded as an ordinary cell, and the original comes back through OverwriteCells.
    """

    def preprocess_cell(self, cell, resources, index):
        """Drop one cell's nbgrader metadata when nbgrader could not read it."""
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            return cell, resources
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if not isinstance(grade_id, str) or not grade_id:
            self.log.warning("Cell %d: unreadable nbgrader metadata, graded as an ordinary cell", index)
            del cell.metadata["nbgrader"]
        return cell, resources


class RestoreGradingMetadata(NbGraderPreprocessor):
    """Put back each known cell's nbgrader flags from the gradebook, whatever the submission says."""

    def preprocess(self, nb, resources):
        """Load the assignment's cells from the gradebook once, then fix every cell."""
        notebook_id = resources["nbgrader"]["notebook"]
        assignment_id = resources["nbgrader"]["assignment"]
        with Gradebook(resources["nbgrader"]["db_url"]) as gradebook:
            try:
                source = gradebook.find_notebook(notebook_id, assignment_id)
            except MissingEntry:
                return nb, resources
            self._grades = {cell.name: float(cell.max_score) for cell in source.grade_cells}
            self._solutions = {cell.name for cell in source.solution_cells}
            self._tasks = {cell.name: float(cell.max_score) for cell in source.task_cells}
            self._locked = {cell.name: cell.locked for cell in source.source_cells}
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        """Reset grade / solution / task / locked / points of a cell the gradebook knows."""
        meta = cell.metadata.get("nbgrader")
        grade_id = meta.get("grade_id") if meta else None
        if grade_id is None:
            # DeduplicateIds leaves `{}` on the extra copy of a pasted cell; nbgrader would stop on it later.
            cell.metadata.pop("nbgrader", None)
            return cell, resources
        if grade_id not in self._locked:
            # A renamed or invented grading cell: nbgrader would stop on it. It becomes a plain cell, and the
            # original (if it was renamed away) is put back by OverwriteCells.add_missing_cells.
            self.log.warning("Cell %s: unknown grade id, graded as an ordinary cell", grade_id)
            del cell.metadata["nbgrader"]
            return cell, resources
        changed = {
            "grade": grade_id in self._grades,
            "solution": grade_id in self._solutions,
            "task": grade_id in self._tasks,
            "locked": self._locked[grade_id],
        }
        points = self._grades.get(grade_id, self._tasks.get(grade_id))
        if points is not None:
            changed["points"] = points
        for key, value in changed.items():
            if meta.get(key) != value:
                self.log.warning("Cell %s: restored nbgrader field %r to %r", grade_id, key, value)
                meta[key] = value
        if points is None:
            meta.pop("points", None)
        return cell, resources


HELD = "mesocourse_held_tests"


def _grade_id_of(cell):
    meta = cell.metadata.get("nbgrader")
    return meta.get("grade_id") if isinstance(meta, dict) else None


class HoldBackHiddenTests(NbGraderPreprocessor):
    """Before execution: read each course answer as data and take the hidden tests out of what the kernel runs."""

    def preprocess(self, nb, resources):
        """Keys come from the gradebook (the trainer's own cells), answers from the submission, nothing is run."""
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            try:
                source = gradebook.find_notebook(info["notebook"], info["assignment"])
            except MissingEntry:
                return nb, resources
            tests = {cell.name: cell.source for cell in source.source_cells}
        keys = {name: key for name, text in tests.items() if (key := hidden_key(name, text or "")) is not None}
        release = form_release(self.config, resources)
        version = release.version(info["student"]) if release is not None else None
        cells = {_grade_id_of(cell): cell for cell in nb.cells if _grade_id_of(cell)}
        held = {}
        for grade_id, key in keys.items():
            test = cells.get(grade_id)
            if test is None or test.cell_type != "code":
                continue
            answer_cell = cells.get(f"{grade_id}-answer")
            answer = read_answer(answer_cell.source if answer_cell is not None else "", key.variable)
            own = version.questions.get(grade_id) if version is not None else None
            held[grade_id] = (tests[grade_id], key, answer, own)
            # The kernel runs only the visible format check; the trusted source is put back after execution.
            test.source = region(tests[grade_id], BEGIN_HIDDEN, END_HIDDEN)[1]
        resources[HELD] = held
        return nb, resources


class ScoreAnswersAsData(NbGraderPreprocessor):
    """After execution: put each held-back test back and give it the verdict decided here, not by the kernel."""

    def preprocess(self, nb, resources):
        """Replace every held test cell's outputs with the verdict (SaveAutoGrades then scores it)."""
        held = resources.get(HELD) or {}
        if not held:
            return nb, resources
        db_path = Path(resources["nbgrader"]["db_url"].removeprefix("sqlite:///"))
        secret = read_secret(find_secret_file(db_path.parent))
        for cell in nb.cells:
            grade_id = _grade_id_of(cell)
            if grade_id not in held:
                continue
            source, key, answer, own = held[grade_id]
            cell.source = source
            verdict = judge(key, answer, secret) if own is None else judge_in_version(key, answer, secret, own)
            cell.outputs = verdict_outputs(verdict)
        return nb, resources


@cache
def _cell_schema_validator():
    """jsonschema's validator for nbgrader's cell metadata, its schema checked once per process."""
    import jsonschema

    schema = MetadataValidator().schema
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


class _ValidatorWithCheckedSchema(MetadataValidator):
    """nbgrader's metadata validator; `jsonschema.validate` re-checked the schema itself for every cell."""

    def validate_cell(self, cell) -> None:
        """The same checks (schema version, then the schema) with the cached validator."""
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            return
        if meta.get("schema_version", 0) != self.schema_version:
            super().validate_cell(cell)  # nbgrader's own message for a schema too old or too new
        from jsonschema.exceptions import best_match

        error = best_match(_cell_schema_validator().iter_errors(meta))
        if error is not None:
            raise error


class CheckCellMetadataOnce(CheckCellMetadata):
    """nbgrader's CheckCellMetadata, with the metadata schema itself checked once instead of for every cell."""

    def preprocess(self, nb, resources):
        """Validate every cell's nbgrader metadata as nbgrader does; the same error on a corrupted notebook."""
        import traceback

        from nbgrader.nbgraderformat import ValidationError

        try:
            _ValidatorWithCheckedSchema().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            message = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(message)
            raise ValidationError(message) from None
        return nb, resources


class TruncateLongOutput(NbGraderPreprocessor):
    """Cut every text output of a code cell to max_characters."""

    max_characters = Integer(20_000, help="Longest text kept from one output").tag(config=True)

    def _cut(self, text):
        if isinstance(text, list):
            text = "".join(text)
        if len(text) <= self.max_characters:
            return text
        return text[: self.max_characters] + TRUNCATION_NOTE.format(size=len(text))

    def preprocess_cell(self, cell, resources, index):
        """Truncate stream text, rich text data and tracebacks of one cell."""
        if cell.cell_type != "code":
            return cell, resources
        for output in cell.get("outputs", []):
            if "text" in output:
                output.text = self._cut(output.text)
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/") or mime == "application/json" and isinstance(value, str):
                    output.data[mime] = self._cut(value)
            if "traceback" in output:
                joined = "\n".join(output.traceback)
                if len(joined) > self.max_characters:
                    output.traceback = [self._cut(joined)]
        return cell, resources


def strip_grading_code(source: str) -> str:
    """A cell's source without hidden tests, marking guides or solution delimiters."""
    _, source = region(source, BEGIN_HIDDEN, END_HIDDEN)
    _, source = region(source, BEGIN_RUBRIC, END_RUBRIC)
    lines = [line for line in source.split("\n") if BEGIN_SOLUTION not in line and END_SOLUTION not in line]
    return "\n".join(lines).rstrip()


def results_markdown(cells, unmarked=frozenset()) -> str:
    """The results table that opens a learner's feedback: each question, points, and right or not.

    `unmarked` holds the grade ids of written answers the trainer has not marked yet (shown as such, not as 0).
    """
    rows = ["## Your results", "", "| Question | Points | Result |", "|---|---|---|"]
    review = []
    for cell in cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade") or meta.get("grade_id") is None:
            continue
        score, points = meta.get("score"), meta.get("points")
        label = question_label(meta["grade_id"])
        # A graded code cell that is also an answer is marked by the trainer (nbgrader's manually graded code).
        test = cell.cell_type == "code" and not meta.get("solution")
        link = f"[{label}](#{meta['grade_id']})"
        if meta["grade_id"] in unmarked:
            score, result = None, "not marked yet"
        elif score is None:
            result = "waiting for your trainer"
        elif float(score) >= float(points):
            result = "✔ right" if test else "✔ full marks"
        elif test:
            result = "✘ not right"
            review.append(label)
        else:
            result = "marked by your trainer"
        shown = "–" if score is None else f"{float(score):g} of {float(points):g}"
        rows.append(f"| {link} | {shown} | {result} |")
    rows.append("")
    if review:
        rows.append(
            "**To review:** " + ", ".join(review) + ". Under each of them, the box after the check explains why."
        )
    else:
        rows.append("Every autograded question is right.")
    return "\n".join(rows)


class HideGradingCode(NbGraderPreprocessor):
    """Strip hidden tests and marking guides from feedback and open it with a plain results table."""

    def preprocess(self, nb, resources):
        """Clean every cell, then insert the summary (after GetGrades has put the scores in)."""
        self._version = None
        release = form_release(self.config, resources)
        if release is not None and resources.get("nbgrader", {}).get("student"):
            self._version = release.version(resources["nbgrader"]["student"])
        nb, resources = super().preprocess(nb, resources)
        summary = results_markdown(nb.cells, self._unmarked(resources))
        summary = nbformat.v4.new_markdown_cell(summary, metadata={"tags": [SUMMARY_TAG]})
        nb.cells.insert(0, summary)
        return nb, resources

    @staticmethod
    def _unmarked(resources) -> set[str]:
        """Grade ids of this learner's answers that still wait for the trainer (from the gradebook)."""
        info = resources.get("nbgrader", {})
        if not {"db_url", "notebook", "assignment", "student"} <= set(info):
            return set()
        with Gradebook(info["db_url"]) as gradebook:
            try:
                notebook = gradebook.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
            except MissingEntry:
                return set()
            return {grade.name for grade in notebook.grades if awaiting_marks(grade)}

    def preprocess_cell(self, cell, resources, index):
        """Remove grading code from one cell's source; show an answer-form learner their own version."""
        cell.source = strip_grading_code(cell.source)
        if self._version is not None:
            cell = self._as_learner_saw_it(cell)
        return cell, resources

    def _as_learner_saw_it(self, cell):
        """Question and answer cells in the learner's own letters and numbers (their feedback, not the source's)."""
        grade_id = _grade_id_of(cell) or ""
        base = grade_id.removesuffix("-question").removesuffix("-answer")
        question = self._version.questions.get(base)
        if question is None:
            return cell
        if grade_id == base:
            cell.source = ""  # the check's code means nothing to the learner: the verdict below is what counts
            return cell
        if grade_id.endswith("-question"):
            cell.source = learner_question_markdown(question)
            return cell
        answer = read_answer(cell.source, f"answer_q{question.number}")
        text = your_answer(question, answer).strip() or "Your answer could not be read."
        return nbformat.v4.new_markdown_cell(f"**{text}**", metadata=cell.metadata)
