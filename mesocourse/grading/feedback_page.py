"""The feedback page as clinic staff read and print it: prose, answers and explanations in one column, no code.

nbgrader's feedback exporter writes nbconvert's classic page in a Bootstrap frame: code cells with `In [10]:`
prompts, explanations in non-wrapping code boxes, a results table without rules, heading anchors, and a traceback
where a cell failed when the page was made. This rewrites that page (with Beautiful
Soup, which nbconvert already installs) into the course's own: code inputs, prompts and anchors removed, every box
wrapping inside the column, a ruled results table, and print styles.
"""

import re

from bs4 import BeautifulSoup

FEEDBACK_CLASS = "mesocourse-feedback"
# Last in the page, so it wins over nbconvert's styles; the column is as wide as a printed A4 page reads well (in em
# and px: Bootstrap 3 sets the root font to 10 px, so rem would be small).
FEEDBACK_CSS = """
body.mesocourse-feedback { max-width: 50em; margin: 0 auto; padding: 16px 20px; font-size: 16px;
  line-height: 1.5; overflow-wrap: anywhere; }
.mesocourse-feedback .container, .mesocourse-feedback #notebook-container { width: auto; max-width: 100%;
  padding: 0; margin: 0; box-shadow: none; }
.mesocourse-feedback .cell, .mesocourse-feedback .inner_cell, .mesocourse-feedback .output_wrapper,
.mesocourse-feedback .output, .mesocourse-feedback .output_area, .mesocourse-feedback .output_subarea,
.mesocourse-feedback .panel, .mesocourse-feedback .panel-body {
  display: block; padding-left: 0; margin-left: 0; max-width: 100%; overflow: visible; }
.mesocourse-feedback .panel-heading, .mesocourse-feedback .panel-body { padding: 6px 10px; }
.mesocourse-feedback pre, .mesocourse-feedback code { white-space: pre-wrap; overflow-wrap: anywhere;
  font-family: inherit; font-size: inherit; }
.mesocourse-feedback .output_subarea pre { background: #f4f7fb; border-left: 4px solid #0d3c61;
  padding: 6px 10px; margin: 4px 0; }
.mesocourse-feedback table { border-collapse: collapse; margin: 0.75em 0; max-width: 100%; }
.mesocourse-feedback th, .mesocourse-feedback td { border: 1px solid #8a99a8; padding: 4px 12px; text-align: left;
  vertical-align: top; }
.mesocourse-feedback th { background: #e8f1fb; }
.mesocourse-feedback img, .mesocourse-feedback svg { max-width: 100%; height: auto; }
@media print {
  body.mesocourse-feedback { max-width: none; padding: 0; font-size: 11pt; }
  .mesocourse-feedback a { color: inherit; text-decoration: none; }
  .mesocourse-feedback .jp-Cell, .mesocourse-feedback tr { break-inside: avoid; }
  .mesocourse-feedback h1, .mesocourse-feedback h2, .mesocourse-feedback h3, .mesocourse-feedback h4 {
    break-after: avoid; }
}
"""
# What a learner should not meet: code, In/Out prompts, heading anchors ("¶"). A graded cell's heading (question,
# score) sits around its code in nbgrader's page and stays.
REMOVED = ".input_area, .prompt, a.anchor-link"
# A traceback or an exception's one line ("CellTimeoutError: ...") is the program failing when the page was made,
# not feedback: the learner reads no such output (the course's own explanations never start like that).
TRACEBACK = "Traceback (most recent call last)"
EXCEPTION_LINE = re.compile(r"^\s*[A-Z]\w*(Error|Exception|Interrupt)\b")


def readable_feedback_html(page: str) -> str:
    """nbgrader's feedback page rewritten for reading and printing (see the module's docstring)."""
    soup = BeautifulSoup(page, "html.parser")
    for element in soup.select(REMOVED):
        element.decompose()
    for output in soup.select(".output_area"):
        text = output.get_text()
        if TRACEBACK in text or EXCEPTION_LINE.match(text):
            output.decompose()
    for box in soup.select(".panel-body"):
        if not box.get_text(strip=True) and not box.find(["img", "svg", "table", "textarea"]):
            box.decompose()  # a question's check cell, its code removed: its heading with the score stays
    # A code cell with nothing left to read goes entirely, so no empty box remains.
    for cell in soup.select(".code_cell"):
        if not cell.get_text(strip=True) and not cell.find(["img", "svg", "table"]):
            cell.decompose()
    body = soup.body or soup
    body["class"] = [*body.get("class", []), FEEDBACK_CLASS]
    style = soup.new_tag("style")
    style.string = FEEDBACK_CSS
    (soup.head or body).append(style)
    return str(soup)
