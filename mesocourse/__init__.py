"""Engine of the mesotherapy staff course: notebooks call these functions, never the reverse.

Importing the package costs nothing: `show_quiz` (and with it the widget stack) loads on first use, so engines and
grading import without ipywidgets.
"""

__all__ = ["show_quiz"]


def __getattr__(name: str):
    """`from mesocourse import show_quiz` for the notebooks, without loading widgets for everyone else."""
    if name == "show_quiz":
        from mesocourse.quiz.widgets import show_quiz

        return show_quiz
    raise AttributeError(f"module 'mesocourse' has no attribute {name!r}")
