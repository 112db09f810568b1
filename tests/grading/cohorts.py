"""Synthetic cohorts of the cohort report's input, shared by the report tests and the report benchmark."""

import random
from pathlib import Path

import nbformat

from mesocourse.grading import authoring
from mesocourse.grading.authoring import read_assignment

SECRET = b"cohort-test-secret"
NEEDLES = "Work out how deep a needle goes from its inserted length and angle"
PRODUCT = "Check the planned product against the patient"
ASEPSIS = "Explain why asepsis and sterile single-use material are not negotiable"
OBJECTIVES = (NEEDLES, PRODUCT, ASEPSIS)


def source_notebook(folder: Path, questions: int = 3) -> Path:
    """An assignment source (cohort/cohort.ipynb) of letter, select-all and number questions, cycling objectives."""
    cells = []
    for number in range(1, questions + 1):
        objective = OBJECTIVES[(number - 1) % len(OBJECTIVES)]
        kind = ("letter", "letters", "number")[(number - 1) % 3]
        solution = {"letter": "B", "letters": ["A", "C"], "number": 3.5}[kind]
        options = dict(zip("ABCD", "abcd", strict=True)) if kind != "number" else None
        cells += authoring.autograded_cells(
            number,
            f"item{number}",
            f"Question {number} [ref-20]",
            kind,
            solution,
            "Why [ref-20].",
            options=options,
            secret=SECRET,
            objective=objective,
        )
    path = folder / "cohort" / "cohort.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(authoring.new_assignment_notebook("Cohort", "Test.", 5, cells), path)
    return path


def random_cohort(source_path: Path, learners: int, seed: int = 7) -> tuple:
    """(source, marks, typed) for `learners` learners of rising skill: stronger learners answer right more often,
    except on every fourth question, which they miss more often (a wrong key, as a trainer would meet it)."""
    source = read_assignment(source_path)
    rng = random.Random(seed)
    marks, typed = {}, {}
    for index in range(learners):
        learner = f"learner-{index:03d}"
        skill = index / max(learners - 1, 1)
        marks[learner], typed[learner] = {}, {}
        for question in source.autograded:
            # Every fourth question is a bad one: the stronger the learner, the more often they miss it.
            chance = 0.9 - 0.7 * skill if question.number % 4 == 0 else 0.2 + 0.7 * skill
            right = rng.random() < chance
            if question.kind == "letter":
                value = question.solution if right else rng.choice("ACD")
            elif question.kind == "letters":
                value = question.solution if right else sorted(rng.sample("ABCD", 2))
            else:
                value = question.solution if right else 7.0
            typed[learner][question.grade_id] = value
            marks[learner][question.grade_id] = question.points if value == question.solution else 0.0
    return source, marks, typed
