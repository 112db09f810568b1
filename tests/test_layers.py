"""The package's layers (ARCHITECTURE.md): engines load without any view library, and every view takes its look
from mesocourse.look."""

import ast
import json
import subprocess
import sys

import pytest

from mesocourse.paths import ROOT

# The plain-Python side: data models, rules and answer checking that grading, tests and scripts use without widgets.
ENGINES = [
    "mesocourse",
    "mesocourse.assets",
    "mesocourse.bank",
    "mesocourse.modules",
    "mesocourse.progress",
    "mesocourse.references",
    "mesocourse.seed_claims",
    "mesocourse.quiz.checking",
    "mesocourse.skin.model",
    "mesocourse.screening.rules",
    "mesocourse.aftercare.model",
    "mesocourse.cases.model",
    "mesocourse.grading.statistics",
]
VIEW_LIBRARIES = ("ipywidgets", "IPython", "matplotlib", "fpdf")
# Everything the look provides; a view that needs one of these imports it from mesocourse.look, never from a view.
LOOK = ROOT / "mesocourse" / "look.py"


def _loaded_view_libraries(module: str) -> list[str]:
    """The view libraries that importing `module` in a fresh interpreter pulls in."""
    probe = (
        f"import sys, json, importlib; importlib.import_module({module!r}); "
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(VIEW_LIBRARIES)!r}))))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(result.stdout)


@pytest.mark.parametrize("module", ENGINES)
def test_engine_imports_no_view_library(module):
    """An engine can be used by grading or a script without ipywidgets, IPython, matplotlib or fpdf installed."""
    assert _loaded_view_libraries(module) == []


def test_a_view_module_does_load_view_libraries():
    """The probe above can fail: a widget module does pull in ipywidgets."""
    assert "ipywidgets" in _loaded_view_libraries("mesocourse.quiz.widgets")


def _look_names() -> set[str]:
    tree = ast.parse(LOOK.read_text(encoding="utf-8"))
    names = {node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.ClassDef)}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return {name for name in names if not name.startswith("_")}


def _imports_of_look_names_elsewhere(path, look_names: set[str]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mesocourse"):
            if node.module == "mesocourse.look":
                continue
            found += [f"{alias.name} from {node.module}" for alias in node.names if alias.name in look_names]
    return found


def test_every_view_takes_its_look_from_mesocourse_look():
    """Tones, styles, message boxes and the palette are imported from mesocourse.look only, never from another view."""
    look_names = _look_names()
    assert {"TONES", "QUIZ_STYLE", "feedback_box", "status_box", "OKABE_ITO"} <= look_names
    problems = {
        str(path.relative_to(ROOT)): found
        for path in sorted((ROOT / "mesocourse").rglob("*.py"))
        if (found := _imports_of_look_names_elsewhere(path, look_names))
    }
    assert problems == {}
