"""Format checks for graded-assignment answers: they say at once when an answer is typed wrongly, never if it is right.

This is the only part of `mesocourse.grading` that learners receive: the released assignments call it from their
read-only check cells. It holds no answer and no key.
"""

import math

# The three kinds of plain value an autograded question asks for.
LETTER, LETTERS, NUMBER = "letter", "letters", "number"
KINDS = (LETTER, LETTERS, NUMBER)


class AnswerFormatProblem(Exception):
    """An answer typed in a form the grader cannot read; shown as plain sentences instead of a traceback."""

    def _render_traceback_(self):
        # IPython calls this instead of printing a traceback: the learner sees only what to fix.
        return [f"✘ {line}" if number == 0 else f"  {line}" for number, line in enumerate(str(self).splitlines())]


def _letters_text(choices: str) -> str:
    return f"{choices[0]} to {choices[-1]}" if len(choices) > 1 else choices


def _letter_problem(answer, choices: str) -> str | None:
    if isinstance(answer, list | tuple):
        return 'This question takes ONE letter between quotes (for example "A" if you choose A), not a list.'
    if not isinstance(answer, str):
        return 'Put your letter between quotes: for example "A" if you choose A.'
    letter = answer.strip().upper()
    if not letter:
        return 'Not answered yet: type the letter you choose between the quotes (for example "A" if you choose A).'
    if len(letter) != 1 or letter not in choices:
        return f'Type exactly one letter from {_letters_text(choices)} between the quotes (you typed "{answer}").'
    return None


def _letters_problem(answer, choices: str) -> str | None:
    form = 'each letter between quotes, separated by commas, inside square brackets: ["A", "C"] if you choose A and C'
    if isinstance(answer, str):
        return f"This question takes a list: {form}."
    if not isinstance(answer, list | tuple):
        return f"Type your letters as a list, {form}."
    if not answer:
        return f"Not answered yet: type every letter that applies, {form}."
    letters = []
    for item in answer:
        if not isinstance(item, str) or len(item.strip()) != 1 or item.strip().upper() not in choices:
            return f"Each item must be one letter from {_letters_text(choices)} between quotes (found {item!r})."
        letters.append(item.strip().upper())
    if len(set(letters)) != len(letters):
        return "Each letter should appear only once in your list."
    return None


def _number_problem(answer) -> str | None:
    if answer is None or answer == "":
        return "Not answered yet: replace None with your number, with a dot for decimals and no quotes."
    if isinstance(answer, bool):
        return "Type a number, with a dot for decimals and no quotes."
    if isinstance(answer, tuple) and len(answer) == 2 and all(isinstance(part, int) for part in answer):
        # `2,5` in Python is two numbers, not two and a half: a frequent slip for staff used to decimal commas.
        return f"Use a dot for decimals: write {answer[0]}.{answer[1]} rather than {answer[0]},{answer[1]}."
    if isinstance(answer, str):
        return "Type the number without quotes (and without the unit)."
    if not isinstance(answer, int | float) or abs(answer) > 1e12 or not math.isfinite(answer):
        # A thousand-digit whole number is no clinical value, and float() of it would overflow.
        return "Type one number, with a dot for decimals."
    return None


def format_problem(answer, kind: str, choices: str = "ABCD") -> str | None:
    """What is wrong with the way an answer is typed, in plain words, or None when the format is fine."""
    if kind == LETTER:
        return _letter_problem(answer, choices)
    if kind == LETTERS:
        return _letters_problem(answer, choices)
    if kind == NUMBER:
        return _number_problem(answer)
    raise ValueError(f"unknown answer kind {kind!r}; expected one of {', '.join(KINDS)}")


def check_format(answer, kind: str, choices: str = "ABCD") -> None:
    """Tell the learner whether the answer is typed in a readable form; it never says whether it is right."""
    problem = format_problem(answer, kind, choices)
    if problem:
        raise AnswerFormatProblem(problem)
    print("✔ Answer saved in a form the grader can read. (This check does not say whether it is right.)")


def _on_name_error(shell, etype, value, tb, tb_offset=None):
    """Replace Python's NameError traceback in an answer cell with what the learner most likely meant."""
    name = getattr(value, "name", None) or "it"
    if name.startswith("answer_q"):
        message = f"{name} has no answer yet: run the answer cell above this one first (Shift+Enter)."
    else:
        message = f'Python read {name} as a name, not as your answer. Put it between quotes: "{name}".'
    shell._showtraceback(etype, value, [f"✘ {message}"])


def prepare_assignment() -> None:
    """Set up friendly messages for typing slips (e.g. B without quotes) and tell the learner they can start."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((NameError,), _on_name_error)
    print("Ready. Answer each question in the cell under it, then run the check cell below your answer.")
