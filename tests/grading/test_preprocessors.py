"""nbgrader preprocessors of the course: feedback without grading code, outputs cut to size, a results table."""

import nbformat

from mesocourse.grading.preprocessors import (
    HideGradingCode,
    TruncateLongOutput,
    results_markdown,
    strip_grading_code,
)

TEST_CELL = """# Checks how your answer is typed
check_format(answer_q1, "letter")
### BEGIN HIDDEN TESTS
from mesocourse.grading.keys import check_key
check_key("q01-x", answer_q1, "letter", "0123abcd", explanation="Because.")
### END HIDDEN TESTS"""


def _graded(grade_id, score, points, cell_type="code"):
    make = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
    return make("", metadata={"nbgrader": {"grade": True, "grade_id": grade_id, "score": score, "points": points}})


def test_hidden_tests_are_removed_and_the_visible_check_stays():
    """Feedback keeps what the learner saw and loses the hidden region and its delimiters."""
    cleaned = strip_grading_code(TEST_CELL)
    assert "check_format(answer_q1" in cleaned
    assert "check_key" not in cleaned and "HIDDEN" not in cleaned and "0123abcd" not in cleaned


def test_marking_guides_and_solution_delimiters_are_removed():
    """A case cell loses its marking guide; delimiter lines never reach feedback."""
    source = "Case text\n### BEGIN MARK SCHEME\n- 1 point for X\n### END MARK SCHEME\n### BEGIN SOLUTION\nkept"
    assert strip_grading_code(source) == "Case text\nkept"


def test_the_feedback_notebook_opens_with_the_results_table():
    """HideGradingCode strips every cell and inserts the results table first."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(TEST_CELL), _graded("q01-x", 0.0, 1.0)]
    cleaned, _ = HideGradingCode().preprocess(notebook, {})
    assert cleaned.cells[0].source.startswith("## Your results")
    assert all("check_key" not in cell.source for cell in cleaned.cells)


def test_results_table_names_questions_to_review():
    """Right, not right and trainer-marked answers read in words, with the questions to review listed."""
    table = results_markdown(
        [
            _graded("q01-depth", 1.0, 1.0),
            _graded("q02-pick", 0.0, 2.0),
            _graded("case1-call", None, 4.0, "markdown"),
        ]
    )
    assert "| [Question 1](#q01-depth) | 1 of 1 | ✔ right |" in table
    assert "| [Question 2](#q02-pick) | 0 of 2 | ✘ not right |" in table
    assert "| [Written answer 1](#case1-call) | – | waiting for your trainer |" in table
    assert "**To review:** Question 2." in table


def test_unmarked_written_answers_are_not_shown_as_zero():
    """Before the trainer marks it, a written answer reads "not marked yet", not "0 of 4"."""
    table = results_markdown([_graded("case1-call", 0.0, 4.0, "markdown")], unmarked={"case1-call"})
    assert "| [Written answer 1](#case1-call) | – | not marked yet |" in table


def test_long_outputs_are_cut_with_a_note():
    """A five-million-character print becomes max_characters plus a note saying how long it was."""
    cell = nbformat.v4.new_code_cell("print('x' * 5_000_000)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 5_000_000)]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    cut, _ = TruncateLongOutput(max_characters=1000).preprocess(notebook, {})
    text = cut.cells[0].outputs[0].text
    assert len(text) < 1100 and "5,000,000 characters" in text


def test_short_outputs_are_left_alone():
    """Normal outputs are not touched."""
    cell = nbformat.v4.new_code_cell("print('ok')")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ok\n")]
    cut, _ = TruncateLongOutput().preprocess(nbformat.v4.new_notebook(cells=[cell]), {})
    assert cut.cells[0].outputs[0].text == "ok\n"
