"""Feedback pages reworded for clinic staff: question names and points instead of nbgrader's cell jargon."""

from mesocourse.grading.feedback import tidy_feedback_html

PAGE = """<h4>foundations (Score: 7.0 / 9.0)</h4>
<li><a href="#q03-honest-answer">Test cell</a> (Score: 0.0 / 1.0)</li>
<li><a href="#case1-petit-what-next">Written response</a> (Score: 4.0 / 5.0)</li>
<span class="nbgrader-label">Grade cell: <code>q03-honest-answer</code></span>
<span class="nbgrader-label">Student's answer</span>"""


def test_contents_entries_name_the_question_and_its_points():
    """ "Test cell (Score: 0.0 / 1.0)" becomes "Question 3: 0 of 1 point"."""
    page = tidy_feedback_html(PAGE)
    assert '<a href="#q03-honest-answer">Question 3</a>: 0 of 1 point' in page
    assert '<a href="#case1-petit-what-next">Written answer 1</a>: 4 of 5 points' in page
    assert "Test cell" not in page and "Written response" not in page


def test_title_and_cell_labels_read_plainly():
    """The page title gives points in words; cell labels say "Your answer" and name the question."""
    page = tidy_feedback_html(PAGE)
    assert "<h4>foundations: 7 of 9 points</h4>" in page
    assert "Question 3: check and result" in page
    assert "Your answer" in page and "Student's answer" not in page
