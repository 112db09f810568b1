"""Score the course's answer cells as data, in the trainer's process: learner code never decides its own score.

An answer cell holds `answer_qN = <value>`. The value is read with `ast.literal_eval` (nothing is run) and
checked against the keyed digest in the question's hidden test, with the course's secret, in the grading process.
The kernel that runs the submission never sees the hidden test, the digest or the secret.
"""

import ast
from dataclasses import dataclass

import nbformat

from mesocourse.grading.answer_format import KINDS, format_problem
from mesocourse.grading.authoring import BEGIN_HIDDEN, END_HIDDEN, region
from mesocourse.grading.keys import is_expected

# A real answer is a few characters; anything this long is not read (and scores 0).
MAX_ANSWER_SOURCE = 10_000
WRONG = "WrongAnswer"
NOT_A_VALUE = "the answer is not a plain value (a letter, a list of letters or a number)"


@dataclass(frozen=True)
class HiddenKey:
    """What one course hidden test checks: the answer variable, its kind and keyed digest, and the explanation."""

    grade_id: str
    variable: str
    kind: str
    digest: str
    explanation: str = ""
    choices: str = "ABCD"
    decimals: int = 1
    tolerance: float = 0.0


@dataclass(frozen=True)
class Answer:
    """A learner's answer read from their notebook: the value, or why none could be read."""

    value: object = None
    problem: str = ""
    holds_code: bool = False


@dataclass(frozen=True)
class Verdict:
    """Right or not, and the plain sentences the learner sees in feedback."""

    right: bool
    message: str


def hidden_key(grade_id: str, test_source: str) -> HiddenKey | None:
    """The key of a course test cell (its one `check_key(...)` call), or None for any other kind of test."""
    hidden, _ = region(test_source, BEGIN_HIDDEN, END_HIDDEN)
    try:
        tree = ast.parse(hidden)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    calls = [
        node for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "check_key"
    ]
    if len(calls) != 1 or len(calls[0].args) < 4 or not isinstance(calls[0].args[1], ast.Name):
        return None
    call = calls[0]
    try:
        gid, kind, digest = (ast.literal_eval(call.args[index]) for index in (0, 2, 3))
        options = {keyword.arg: ast.literal_eval(keyword.value) for keyword in call.keywords if keyword.arg}
    except (ValueError, TypeError, SyntaxError):
        return None
    if gid != grade_id or kind not in KINDS or not isinstance(digest, str):
        return None
    if len(call.args) > 4 and "explanation" not in options:
        options["explanation"] = ast.literal_eval(call.args[4])
    return HiddenKey(
        grade_id,
        call.args[1].id,
        kind,
        digest,
        str(options.get("explanation", "")),
        str(options.get("choices", "ABCD")),
        int(options.get("decimals", 1)),
        float(options.get("tolerance", 0.0)),
    )


def _is_answer_line(node, variable: str) -> bool:
    return (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id == variable
    )


def _is_literal(node) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return False
    return True


def read_answer(source: str, variable: str) -> Answer:
    """The value of the last `variable = <literal>` line of an answer cell, parsed as data and never run."""
    if len(source) > MAX_ANSWER_SOURCE:
        return Answer(problem="the answer cell is far too long to hold one answer", holds_code=True)
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return Answer(problem="the answer is not typed as the question asks (not a plain value)")
    lines = [node for node in tree.body if _is_answer_line(node, variable)]
    holds_code = any(not (_is_answer_line(node, variable) and _is_literal(node.value)) for node in tree.body)
    if not lines:
        return Answer(problem=f"no `{variable} = ...` line in the answer cell", holds_code=holds_code)
    try:
        value = ast.literal_eval(lines[-1].value)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return Answer(problem=NOT_A_VALUE, holds_code=True)
    return Answer(value=value, holds_code=holds_code)


def judge(key: HiddenKey, answer: Answer, secret: bytes) -> Verdict:
    """Check one answer against its key with the course's secret: right, or not with the reason."""
    why = f"\nWhy: {key.explanation}" if key.explanation else ""
    if answer.problem:
        return Verdict(False, f"✘ Not the expected answer ({answer.problem}).{why}")
    typed = format_problem(answer.value, key.kind, key.choices)
    if typed:
        return Verdict(False, f"✘ Not the expected answer. {typed}{why}")
    try:
        right = is_expected(
            key.grade_id, answer.value, key.kind, key.digest, key.decimals, key.tolerance, key.choices, secret
        )
    except (ValueError, TypeError, OverflowError):
        right = False
    return Verdict(True, f"✔ Right.{why}") if right else Verdict(False, f"✘ Not the expected answer.{why}")


def verdict_outputs(verdict: Verdict) -> list:
    """The test cell's outputs nbgrader scores: plain text when right, an error output (0 points) when not."""
    if verdict.right:
        return [nbformat.v4.new_output("stream", name="stdout", text=verdict.message + "\n")]
    lines = verdict.message.splitlines()
    return [nbformat.v4.new_output("error", ename=WRONG, evalue=lines[0], traceback=lines)]
