"""mesocourse.grading.feedback_page: nbgrader's feedback page without code, prompts or anchors, and print styles."""

from mesocourse.grading.feedback_page import FEEDBACK_CLASS, readable_feedback_html

# The shape of nbgrader's feedback page (nbconvert's classic cells in nbgrader's Bootstrap frame), as it writes it.
NBGRADER_PAGE = """<!DOCTYPE html><html><head><style>pre { white-space: pre; }</style></head><body>
<div class="container"><div class="cell text_cell rendered"><div class="prompt input_prompt"></div>
<div class="inner_cell"><div class="text_cell_render rendered_html"><h2 id="Your-results">Your results<a
class="anchor-link" href="#Your-results">¶</a></h2><table><thead><tr><th>Question</th><th>Points</th>
<th>Result</th></tr></thead><tbody><tr><td>Question 1</td><td>1 of 1</td><td>✔ right</td></tr></tbody></table>
</div></div></div>
<div class="cell code_cell rendered celltag_hide-input"><div class="input"><div class="prompt input_prompt">In [1]:
</div><div class="inner_cell"><div class="input_area"><pre>from mesocourse.quiz.answer_form import show</pre></div>
</div></div><div class="output_wrapper"><div class="output"><div class="output_area"><div class="prompt"></div>
<div class="output_subarea output_error"><pre>ModuleNotFoundError  Traceback (most recent call last)</pre></div>
</div></div></div></div>
<div class="cell code_cell rendered"><div class="input"><div class="prompt input_prompt">In [3]:</div>
<div class="panel nbgrader_cell"><div class="panel-heading"><span>Question 1: check and result</span> Score: 1.0 / 1.0
</div><div class="panel-body"><div class="input_area"><pre>check(answer = "B")</pre></div></div></div></div>
<div class="output_wrapper"><div class="output"><div class="output_area"><div class="prompt">Out[3]:</div>
<div class="output_subarea output_stream"><pre>✔ Right. Why: a long explanation [ref-20].</pre></div>
</div></div></div></div>
<div class="cell code_cell rendered"><div class="output_wrapper"><div class="output"><div class="output_area">
<div class="output_subarea output_error"><pre>CellTimeoutError: No reply from kernel before timeout</pre></div>
</div></div></div></div></div></body></html>"""


def test_code_prompts_and_anchors_are_gone_and_the_explanations_stay():
    """No code input, no In/Out prompt, no ¶ anchor; the results table and every explanation are still there."""
    page = readable_feedback_html(NBGRADER_PAGE)
    assert "answer_form" not in page and 'answer = "B"' not in page
    assert "In [1]" not in page and "In [3]" not in page and "Out[3]" not in page
    assert "anchor-link" not in page and "¶" not in page and "Traceback" not in page and "CellTimeout" not in page
    assert "Why: a long explanation" in page and "<td>Question 1</td>" in page
    assert "Question 1: check and result" in page and "Score: 1.0 / 1.0" in page
    # The set-up cell, left with nothing to read, is removed entirely; the question's cell stays.
    assert page.count("code_cell") == 1


def test_the_page_wraps_rules_its_table_and_prints():
    """The course's styles come last: boxes wrap, the table has rules and padding, and there are print styles."""
    page = readable_feedback_html(NBGRADER_PAGE)
    assert f'<body class="{FEEDBACK_CLASS}">' in page
    style = page.rsplit("<style>", 1)[1]
    assert "white-space: pre-wrap" in style and "border: 1px solid" in style and "@media print" in style
    assert page.index("white-space: pre;") < page.index("white-space: pre-wrap")
