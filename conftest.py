"""Test-wide set-up: quizzes run in notebooks under test write to a throwaway progress file, never a real one."""

import os
import tempfile
from pathlib import Path

# Set at import so the kernels nbval starts inherit it too.
_scratch = Path(tempfile.mkdtemp(prefix="mesocourse-test-"))
os.environ["MESOCOURSE_PROGRESS"] = str(_scratch / "progress.sqlite")
os.environ.setdefault("MESOCOURSE_LEARNER", "test-learner")
