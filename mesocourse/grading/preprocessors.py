"""nbgrader preprocessors the course adds (wired in nbgrader_config.py, so formgrader uses them too).

* RestoreGradingMetadata (autograde, sanitising): a learner who flips a test cell's nbgrader flags (grade,
  solution, points...) or renames its grade id is graded with the original cell; nbgrader itself restores
  points and source only, and stops on an unknown grade id.
* TruncateLongOutput (autograde): a huge output (a print loop, a giant string) is cut to a readable size so
  the graded notebook, formgrader and feedback stay small; nbgrader's own limit counts lines, not characters.
* HideGradingCode (feedback): removes hidden tests and marking guides from every cell before the HTML is made
  (nbgrader shows hidden tests in feedback by design) and opens the feedback with a plain results table.
"""

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

from mesocourse.grading.authoring import (
    BEGIN_HIDDEN,
    BEGIN_RUBRIC,
    BEGIN_SOLUTION,
    END_HIDDEN,
    END_RUBRIC,
    END_SOLUTION,
    question_label,
    region,
)
from mesocourse.grading.course import awaiting_marks

TRUNCATION_NOTE = "\n… [output cut here: it was {size:,} characters long]"
SUMMARY_TAG = "mesocourse-feedback-summary"


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
        link = f"[{label}](#{meta['grade_id']})"
        if meta["grade_id"] in unmarked:
            score, result = None, "not marked yet"
        elif score is None:
            result = "waiting for your trainer"
        elif float(score) >= float(points):
            result = "✔ right" if cell.cell_type == "code" else "✔ full marks"
        elif cell.cell_type == "code":
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
        """Remove grading code from one cell's source."""
        cell.source = strip_grading_code(cell.source)
        return cell, resources
