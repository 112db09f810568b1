"""mesocourse.look, the course's one look: the course's colours against WCAG 2.2: contrast, and never colour alone."""

import re

import pytest

from mesocourse.look import (
    GRAPHIC_CONTRAST,
    OKABE_ITO,
    QUIZ_STYLE,
    TEXT_CONTRAST,
    TONES,
    contrast_ratio,
    feedback_box,
    relative_luminance,
    status_box,
)


def test_contrast_formula_matches_wcag_reference_values():
    """Black on white is 21:1, a colour on itself 1:1, and #767676 on white the well-known 4.54:1."""
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#3a7", "#3a7") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#ffffff", "#767676") == contrast_ratio("#767676", "#ffffff")
    assert relative_luminance("#ffffff") == pytest.approx(1.0)


def test_bad_colour_is_refused_plainly():
    """A colour that is not #rgb or #rrggbb is a clear error, not a wrong number."""
    with pytest.raises(ValueError, match="not a #rrggbb colour"):
        contrast_ratio("red", "#ffffff")


@pytest.mark.parametrize("tone", sorted(TONES))
def test_quiz_feedback_text_has_at_least_4_5_to_1_contrast(tone):
    """Every feedback tone's text colour on its background reaches WCAG's 4.5:1 for normal text."""
    colour, background, _ = TONES[tone]
    assert contrast_ratio(colour, background) >= TEXT_CONTRAST, (tone, contrast_ratio(colour, background))


@pytest.mark.parametrize("tone", sorted(TONES))
def test_feedback_colours_also_read_on_a_white_page(tone):
    """The feedback's border bar (its text colour) stands out from a white notebook at 3:1 or more."""
    colour, _, _ = TONES[tone]
    assert contrast_ratio(colour, "#ffffff") >= GRAPHIC_CONTRAST


@pytest.mark.parametrize("tone", ["right", "wrong"])
def test_feedback_says_right_or_wrong_with_a_symbol_and_words(tone):
    """Right and wrong are told by a symbol and a word in the text itself, so colour is never the only cue."""
    text = re.sub(r"<[^>]+>", " ", feedback_box(tone, ["Detail."]))
    symbol = {"right": "✔", "wrong": "✘"}[tone]
    assert symbol in text
    words = re.findall(r"[A-Za-z]{3,}", text.split("Detail.")[0])
    assert words, f"the {tone} headline needs words, not only a symbol: {text!r}"
    assert TONES["right"][2] != TONES["wrong"][2]


def test_a_custom_headline_replaces_the_tones_own_and_is_escaped():
    """Callers may word the headline themselves (certificate ready, not yet); it is shown as text, not markup."""
    box = feedback_box("right", ["Done."], headline="✔ Ready <now>")
    assert "✔ Ready &lt;now&gt;" in box and "Correct." not in box


def test_feedback_is_announced_to_screen_readers():
    """Feedback appears in a live status region, so screen readers read it out when it changes."""
    box = feedback_box("right", ["Yes."])
    assert 'role="status"' in box and 'aria-live="polite"' in box


def test_keyboard_focus_outline_is_visible():
    """The quiz draws a focus outline with at least 3:1 contrast against the white page (WCAG 2.4.7, 1.4.11)."""
    outline = re.search(r":focus-visible\s*{[^}]*outline:\s*\d+px solid (#[0-9a-fA-F]{3,6})", QUIZ_STYLE)
    assert outline, "the quiz style needs a visible :focus-visible outline"
    assert contrast_ratio(outline.group(1), "#ffffff") >= GRAPHIC_CONTRAST


def test_okabe_ito_palette_is_the_published_one():
    """The colour-blind-safe palette holds Okabe and Ito's eight colours, so figures can rely on it."""
    assert sorted(OKABE_ITO.values()) == sorted(
        ["#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
    )


def test_feedback_is_never_colour_alone():
    """Every feedback tone starts with a symbol or a word, so it reads without colour."""
    assert TONES["right"][2].startswith("✔ Correct")
    assert TONES["wrong"][2].startswith("✘ Not quite")


def test_status_box_is_announced_and_keeps_a_class_for_styling():
    """Every course message box is a live status region; an optional class lets widgets find their own box."""
    box = status_box("#000000", "#ffffff", "<strong>ℹ Note</strong>", css_class="mesocourse-verdict")
    assert box.startswith('<div class="mesocourse-verdict" role="status" aria-live="polite"')
    assert "<strong>ℹ Note</strong>" in box
    assert 'class="' not in status_box("#000000", "#ffffff", "x")
