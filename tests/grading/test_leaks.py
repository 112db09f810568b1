"""The leak guard's matching: signatures are found in notebooks, HTML and text as a learner would read them."""

import json

import nbformat

from mesocourse.grading.leaks import (
    BUNDLE,
    FEEDBACK,
    RELEASE,
    Signature,
    html_text,
    notebook_text,
    readable_text,
    scan_text,
)

SIGNATURES = [
    Signature("solution", 'answer_q3 = "B"', (RELEASE, BUNDLE)),
    Signature("key digest", "0123456789abcdef0123456789abcdef", (RELEASE, FEEDBACK, BUNDLE)),
    Signature("hidden-test code", "check_key", (RELEASE, FEEDBACK, BUNDLE)),
]


def test_notebook_text_covers_sources_and_outputs():
    """Cell sources and text outputs are scanned; a digest printed in an output is found."""
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="0123456789abcdef0123456789abcdef")]
    text = notebook_text(nbformat.writes(nbformat.v4.new_notebook(cells=[cell])))
    assert [leak.kind for leak in scan_text("nb", text, SIGNATURES, FEEDBACK)] == ["key digest"]


def test_html_is_read_without_tags_so_highlighted_code_still_matches():
    """Syntax highlighting splits code into spans; the text underneath is what is matched."""
    page = '<span class="n">answer_q3</span> <span class="o">=</span> <span class="s2">&quot;B&quot;</span>'
    assert html_text(page) == 'answer_q3 = "B"'
    assert [leak.kind for leak in scan_text("page", html_text(page), SIGNATURES, RELEASE)] == ["solution"]


def test_solutions_are_allowed_in_feedback_but_not_before_grading():
    """A learner's own right answer appears in their feedback; the same line in a release is a leak."""
    text = 'answer_q3 = "B"'
    assert scan_text("feedback", text, SIGNATURES, FEEDBACK) == []
    assert len(scan_text("release", text, SIGNATURES, RELEASE)) == 1


def test_whitespace_and_line_breaks_do_not_hide_a_match():
    """Signatures match across reflowed whitespace."""
    assert scan_text("x", 'answer_q3  =\n "B"', SIGNATURES, BUNDLE)


def test_readable_text_picks_the_reader_by_file_type():
    """Notebook JSON is read as cells, HTML as text, anything else as is."""
    notebook = json.dumps({"cells": [{"cell_type": "markdown", "source": ["check_", "key"]}]})
    assert "check_key" in readable_text("a.ipynb", notebook)
    assert readable_text("a.html", "<b>check_key</b>") == "check_key"
    assert readable_text("a.txt", "plain") == "plain"


SECRET_SIGNATURE = Signature("answer-key secret", "clinic-secret-4f9a1c77e2", (RELEASE, FEEDBACK, BUNDLE))


def test_a_planted_exfiltration_through_feedback_output_is_caught():
    """CR-2: the secret compressed, base64-encoded and split over outputs (as G15 did) is decoded and found."""
    import base64
    import zlib

    blob = repr({"assignments/answer-key-secret.txt": "clinic-secret-4f9a1c77e2\n" + "x" * 3000}).encode()
    data = base64.b64encode(zlib.compress(blob, 9)).decode()
    page = "\n".join(f"<pre>SMUGGLED:{data[i : i + 500]}</pre>" for i in range(0, len(data), 500))
    kinds = {leak.kind for leak in scan_text("feedback.html", html_text(page), [SECRET_SIGNATURE], FEEDBACK)}
    assert "answer-key secret, encoded" in kinds
    hexed = ("clinic-secret-4f9a1c77e2" * 3).encode().hex()
    assert scan_text("f.html", hexed, [SECRET_SIGNATURE], FEEDBACK)[0].kind == "answer-key secret, encoded"


def test_a_large_encoded_blob_in_feedback_is_flagged_whatever_it_holds():
    """Encrypted or unknown encodings cannot be read back, so a big blob printed by a submission is refused."""
    import base64
    import os

    page = "SMUGGLED:" + base64.b64encode(os.urandom(9000)).decode()
    assert [leak.kind for leak in scan_text("f.html", page, [], FEEDBACK)] == ["encoded data printed by the submission"]
    assert scan_text("f.html", "x" * 50_000, [], FEEDBACK) == []


def test_a_learner_naming_the_checker_in_their_own_cell_is_not_a_leak():
    """F-5: the words check_key / mesocourse.grading.keys in feedback are the learner's own text, not a leak."""
    from mesocourse.grading.leaks import BEFORE_GRADING, HIDDEN_TEST_WORDS

    words = [Signature("hidden-test code", word, BEFORE_GRADING) for word in HIDDEN_TEST_WORDS]
    text = "import mesocourse.grading.keys as k\nk.check_key = print"
    assert scan_text("f.html", text, words, FEEDBACK) == []
    assert len(scan_text("r.ipynb", text, words, RELEASE)) == 2
