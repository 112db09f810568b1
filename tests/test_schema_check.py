"""Schema checks remembered by content: what a notebook imports at start stays light, nothing invalid slips by."""

import json
import subprocess
import sys

import pytest

from mesocourse.schema_check import schema_errors

SCHEMA = {"type": "object", "required": ["title"], "properties": {"title": {"type": "string"}}}


def _in_fresh_python(code: str, cache, monkeypatch) -> str:
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


CHECK = (
    "import sys, json; from mesocourse.schema_check import schema_errors; "
    f"errors = schema_errors({{'title': 'x'}}, {json.dumps(SCHEMA)}); "
    "print(len(errors), 'jsonschema' in sys.modules)"
)


def test_data_found_valid_once_is_not_checked_again(tmp_path, monkeypatch):
    assert _in_fresh_python(CHECK, tmp_path, monkeypatch) == "0 True"
    assert _in_fresh_python(CHECK, tmp_path, monkeypatch) == "0 False"


def test_invalid_data_is_caught_every_time_and_never_remembered(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for _ in range(2):
        assert schema_errors({"title": 3}, SCHEMA)
    assert schema_errors({"title": "ok"}, SCHEMA) == []
    assert schema_errors({"title": 3}, SCHEMA), "a valid file must not make an invalid one pass"


def test_changed_data_or_schema_is_checked_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert schema_errors({"title": "ok"}, SCHEMA) == []
    stricter = {**SCHEMA, "properties": {"title": {"type": "string", "maxLength": 1}}}
    assert schema_errors({"title": "ok"}, stricter)


def test_a_read_only_cache_only_means_checking_each_time(tmp_path, monkeypatch):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert schema_errors({"title": "ok"}, SCHEMA) == []
    assert schema_errors({"title": 3}, SCHEMA)


HEAVY = ("jsonschema", "matplotlib", "nbformat", "nbgrader", "numpy", "pandas", "sqlalchemy")


@pytest.mark.parametrize("module", ["mesocourse.quiz.answer_form", "mesocourse.grading.answer_format"])
def test_what_a_graded_notebook_runs_imports_nothing_heavy(module):
    code = f"import sys, json; import {module}; print(json.dumps(sorted(set({HEAVY!r}) & set(sys.modules))))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []
