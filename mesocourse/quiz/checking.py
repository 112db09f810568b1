"""Checking a quiz answer against its bank question: plain functions, no widgets, so tests and grading can call them."""

import random
from dataclasses import dataclass, field

from mesocourse.bank import Question

LETTERS = "ABCDEFGHIJKLMNOP"
# After this many wrong checks the quiz names the right answer with its explanation, so nobody is left guessing.
EXPLAIN_AFTER_WRONG = 2


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


def parse_number(text: str) -> float:
    """A typed number; accepts a decimal comma ("2,5") and a trailing unit ("2.5 mm")."""
    cleaned = str(text).strip().replace(",", ".")
    for part in cleaned.split():
        try:
            return float(part)
        except ValueError:
            continue
    raise AnswerFormatError("Please type a number, for example 2.5")


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
    if abs(value - question.answer) <= question.tolerance + 1e-9:
        return Verdict(True, [f"{value:g} {question.unit}".strip() + " is right."])
    for hint in question.hints:
        if hint.low - 1e-9 <= value <= hint.high + 1e-9:
            return Verdict(False, [hint.feedback])
    return Verdict(False, [question.wrong_feedback])


def right_answer(question: Question, order: list[int]) -> str:
    """The right answer in words, with the letters as this learner sees them (for after the last try)."""
    if question.kind == "numeric":
        return f"The right answer is {question.answer:g} {question.unit}".rstrip() + "."
    shown = [(LETTERS[position], question.options[index].text) for position, index in enumerate(order)]
    right = [
        f"{letter}. {text}"
        for (letter, text), index in zip(shown, order, strict=True)
        if question.options[index].correct
    ]
    if len(right) == 1:
        return f"The right answer is {right[0]}"
    return "The right answers are: " + "; ".join(right)
