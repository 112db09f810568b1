"""Engine of the mesotherapy staff course: notebooks call these functions, never the reverse."""

from mesocourse.quiz import show_quiz

__all__ = ["show_quiz"]
