"""The feedback page as clinic staff read and print it: prose, answers and explanations in one column, no code.

nbgrader's feedback exporter writes nbconvert's lab page: code cells with `In [10]:` prompts, explanations in
non-wrapping code boxes, a results table without rules and heading anchors. This rewrites that page (with Beautiful
Soup, which nbconvert already installs) into the course's own: code inputs, prompts and anchors removed, every box
wrapping inside the column, a ruled results table, and print styles.
"""

from bs4 import BeautifulSoup

FEEDBACK_CLASS = "mesocourse-feedback"
# Last in the page, so it wins over nbconvert's styles; the column is as wide as a printed A4 page reads well.
FEEDBACK_CSS = """
body.mesocourse-feedback { max-width: 48rem; margin: 0 auto; padding: 1rem 1.25rem; font-size: 16px;
  line-height: 1.5; overflow-wrap: anywhere; }
.mesocourse-feedback .jp-Notebook, .mesocourse-feedback .jp-Cell, .mesocourse-feedback .jp-Cell-outputWrapper,
.mesocourse-feedback .jp-OutputArea, .mesocourse-feedback .jp-OutputArea-child,
.mesocourse-feedback .jp-OutputArea-output { padding-left: 0; margin-left: 0; max-width: 100%; overflow: visible; }
.mesocourse-feedback pre, .mesocourse-feedback code { white-space: pre-wrap; overflow-wrap: anywhere;
  font-family: inherit; font-size: inherit; }
.mesocourse-feedback .jp-OutputArea-output pre { background: #f4f7fb; border-left: 4px solid #0d3c61;
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
# What a learner should not meet: code inputs, In/Out prompts, heading anchors ("¶").
REMOVED = ".jp-CodeCell .jp-Cell-inputWrapper, .jp-InputPrompt, .jp-OutputPrompt, a.anchor-link"


def readable_feedback_html(page: str) -> str:
    """nbgrader's feedback page rewritten for reading and printing (see the module's docstring)."""
    soup = BeautifulSoup(page, "html.parser")
    for element in soup.select(REMOVED):
        element.decompose()
    # A code cell with nothing left to read (no output) goes entirely, so no empty box remains.
    for cell in soup.select(".jp-CodeCell"):
        if not cell.get_text(strip=True) and not cell.find(["img", "svg", "table"]):
            cell.decompose()
    body = soup.body or soup
    body["class"] = [*body.get("class", []), FEEDBACK_CLASS]
    style = soup.new_tag("style")
    style.string = FEEDBACK_CSS
    (soup.head or body).append(style)
    return str(soup)
