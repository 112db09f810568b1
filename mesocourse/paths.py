"""Where the course's files live, found from the package so notebooks work from any folder."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
NOTEBOOKS = ROOT / "notebooks"
QUESTIONS = ASSETS / "questions"
SCHEMAS = ASSETS / "schemas"
