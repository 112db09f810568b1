"""Checking a quiz answer against its bank question: plain functions, no widgets, so tests and grading can call them."""

import math
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from mesocourse.bank import Question

LETTERS = "ABCDEFGHIJKLMNOP"
# After this many wrong checks the quiz names the right answer with its explanation, so nobody is left guessing.
EXPLAIN_AFTER_WRONG = 2
# Typed text answers are compared letter by letter; far longer than any answer, short enough to compare at once.
MAX_TYPED_CHARACTERS = 300


class AnswerFormatError(ValueError):
    """An answer that cannot be checked (no option chosen, not a number): said plainly, not counted."""


@dataclass
class Verdict:
    """The outcome of checking one answer."""

    correct: bool
    lines: list[str] = field(default_factory=list)


def shuffled_options(question: Question, learner: str) -> list[int]:
    """Option order for this learner: shuffled, but the same on every retry and re-run (seeded per learner)."""
    order = list(range(len(question.options)))
    random.Random(f"{learner}:{question.id}").shuffle(order)
    return order


def _plain_number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def parse_number(text: str) -> float:
    """A typed number; accepts a decimal comma ("2,5"), a trailing unit ("2.5 mm") and a fraction ("22/7")."""
    cleaned = str(text).strip().replace(",", ".")
    for part in cleaned.split():
        try:
            if part.count("/") == 1:
                top, bottom = part.split("/")
                return _plain_number(top) / _plain_number(bottom)
            return _plain_number(part)
        except (ValueError, ZeroDivisionError):
            continue
    raise AnswerFormatError("Please type a number, for example 2.5 (a fraction such as 22/7 works too)")


def to_precision(value: float, digits: int) -> float:
    """`value` rounded to `digits` significant digits, as JavaScript's Number(value.toPrecision(digits)) does."""
    if value == 0:
        return 0.0
    exact = Decimal(value)
    # toPrecision rounds the exact binary value, half away from zero.
    exponent = exact.adjusted() - digits + 1
    return float(exact.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP))


def grade_choice(question: Question, chosen: set[int], order: list[int]) -> Verdict:
    """Check a choice answer given as original option indexes; feedback per chosen option, labelled as shown."""
    if not chosen:
        raise AnswerFormatError(
            "Please choose an answer first." if question.kind == "single" else "Please tick at least one answer first."
        )
    if question.kind == "single" and len(chosen) != 1:
        raise AnswerFormatError("Please choose one answer.")
    correct_set = {index for index, option in enumerate(question.options) if option.correct}
    lines = []
    for position, index in enumerate(order):
        if index in chosen:
            option = question.options[index]
            mark = "✔" if option.correct else "✘"
            lines.append(f"{mark} {LETTERS[position]}: {option.feedback}")
    if question.kind == "multiple" and not chosen - correct_set and chosen != correct_set:
        lines.append("Everything you ticked is right, but at least one correct answer is still missing.")
    return Verdict(chosen == correct_set, lines)


def grade_numeric(question: Question, typed: str) -> Verdict:
    """Check a numeric answer against the key within its tolerance; known wrong ranges get their own feedback."""
    value = parse_number(typed)
    if question.numeric_answers:
        return _grade_ordered(question, value)
    if abs(value - question.answer) <= question.tolerance + 1e-9:
        return Verdict(True, [f"{value:g} {question.unit}".strip() + " is right."])
    for hint in question.hints:
        if hint.low - 1e-9 <= value <= hint.high + 1e-9:
            return Verdict(False, [hint.feedback])
    return Verdict(False, [question.wrong_feedback])


def right_answer(question: Question, order: list[int]) -> str:
    """The right answer in words, with the letters as this learner sees them (for after the last try)."""
    if question.kind == "numeric" and question.numeric_answers:
        right = next((answer for answer in question.numeric_answers if answer.correct), None)
        if right is None:
            return "No typed number is marked right for this question."
        if right.value is not None:
            return f"The right answer is {right.value:g}."
        return f"The right answer is from {right.low:g} up to (not including) {right.high:g}."
    if question.kind == "numeric":
        return f"The right answer is {question.answer:g} {question.unit}".rstrip() + "."
    if question.text_answers:
        right = next((answer.text for answer in question.text_answers if answer.correct), None)
        return f"The right answer is “{right}”." if right else "No typed answer is marked right for this question."
    shown = [(LETTERS[position], question.options[index].text) for position, index in enumerate(order)]
    right = [
        f"{letter}. {text}"
        for (letter, text), index in zip(shown, order, strict=True)
        if question.options[index].correct
    ]
    if len(right) == 1:
        return f"The right answer is {right[0]}"
    return "The right answers are: " + "; ".join(right)


def _grade_ordered(question: Question, value: float) -> Verdict:
    """jupyterquiz's rule: round to `precision` significant digits, then the first matching answer decides."""
    digits = question.precision
    typed = to_precision(value, digits) if digits else value
    for answer in question.numeric_answers:
        if answer.value is not None:
            matches = typed == (to_precision(answer.value, digits) if digits else answer.value)
        else:
            matches = answer.low <= typed < answer.high
        if matches:
            return Verdict(answer.correct, [answer.feedback])
    return Verdict(False, [question.wrong_feedback])


def levenshtein(first: str, second: str) -> int:
    """Edits (insert, delete, replace one letter) that turn one text into the other."""
    previous = list(range(len(second) + 1))
    for row, letter in enumerate(first, start=1):
        current = [row]
        for column, other in enumerate(second, start=1):
            current.append(min(previous[column] + 1, current[-1] + 1, previous[column - 1] + (letter != other)))
        previous = current
    return previous[-1]


def grade_text(question: Question, typed: str) -> Verdict:
    """Check a typed answer as jupyterquiz does: trimmed, case ignored unless asked, fuzzy within a threshold."""
    submission = str(typed).strip()
    if not submission:
        raise AnswerFormatError("Please type an answer first.")
    if len(submission) > MAX_TYPED_CHARACTERS:
        raise AnswerFormatError(f"Please keep the answer under {MAX_TYPED_CHARACTERS} characters.")
    for answer in question.text_answers:
        mine, theirs = (submission, answer.text) if answer.match_case else (submission.lower(), answer.text.lower())
        if mine == theirs:
            return Verdict(answer.correct, [answer.feedback])
        if answer.fuzzy_threshold:
            ratio = 1 - levenshtein(mine, theirs) / max(len(mine), len(theirs))
            if ratio >= answer.fuzzy_threshold:
                return Verdict(answer.correct, [answer.feedback])
    return Verdict(False, [question.wrong_feedback])
