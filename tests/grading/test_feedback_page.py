"""mesocourse.grading.feedback_page: nbgrader's feedback page without code, prompts or anchors, and print styles."""

from mesocourse.grading.feedback_page import FEEDBACK_CLASS, readable_feedback_html

# The shape of nbconvert's lab page as nbgrader's feedback exporter writes it (JupyterLab 4 classes).
NBGRADER_PAGE = """<!DOCTYPE html><html><head><style>pre { white-space: pre; }</style></head><body>
<main><div class="jp-Cell jp-MarkdownCell"><div class="jp-Cell-inputWrapper"><div class="jp-InputPrompt"></div>
<div class="jp-RenderedHTMLCommon"><h2 id="Your-results">Your results<a class="anchor-link" href="#Your-results">¶</a>
</h2><table><thead><tr><th>Question</th><th>Points</th><th>Result</th></tr></thead>
<tbody><tr><td>Question 1</td><td>1 of 1</td><td>✔ right</td></tr></tbody></table></div></div></div>
<div class="jp-Cell jp-CodeCell"><div class="jp-Cell-inputWrapper"><div class="jp-InputPrompt">In&nbsp;[10]:</div>
<div class="jp-CodeMirrorEditor"><pre>from mesocourse.grading import check_format</pre></div></div>
<div class="jp-Cell-outputWrapper"><div class="jp-OutputArea"><div class="jp-OutputArea-child">
<div class="jp-OutputPrompt">Out[10]:</div><div class="jp-OutputArea-output"><pre>Why: a long explanation</pre></div>
</div></div></div></div>
<div class="jp-Cell jp-CodeCell"><div class="jp-Cell-inputWrapper"><div class="jp-InputPrompt">In&nbsp;[11]:</div>
<div class="jp-CodeMirrorEditor"><pre>answer = "B"</pre></div></div></div>
</main></body></html>"""


def test_code_prompts_and_anchors_are_gone_and_the_explanations_stay():
    """No code input, no In/Out prompt, no ¶ anchor; the results table and every explanation are still there."""
    page = readable_feedback_html(NBGRADER_PAGE)
    assert "check_format" not in page and 'answer = "B"' not in page
    assert "In&nbsp;[10]" not in page and "In\xa0[10]" not in page and "Out[10]" not in page
    assert "anchor-link" not in page and "¶" not in page
    assert "Why: a long explanation" in page and "<td>Question 1</td>" in page
    # The cell left with nothing to read is removed entirely; the one with an explanation stays.
    assert page.count("jp-CodeCell") == 1


def test_the_page_wraps_rules_its_table_and_prints():
    """The course's styles come last: boxes wrap, the table has rules and padding, and there are print styles."""
    page = readable_feedback_html(NBGRADER_PAGE)
    assert f'<body class="{FEEDBACK_CLASS}">' in page
    style = page.rsplit("<style>", 1)[1]
    assert "white-space: pre-wrap" in style and "border: 1px solid" in style and "@media print" in style
    assert page.index("white-space: pre;") < page.index("white-space: pre-wrap")
