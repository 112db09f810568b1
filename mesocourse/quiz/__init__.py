"""Self-study quizzes: `checking` decides right or wrong (plain Python), `widgets` shows questions and feedback."""
