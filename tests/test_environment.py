"""Set-up files: environment.yml and pyproject.toml list the same packages; the two commands are documented."""

import re
import tomllib

import yaml

from mesocourse.paths import ROOT


def requirement_names(requirements):
    return {re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].lower() for requirement in requirements}


def pyproject_packages():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    everything = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        everything += extra
    return {re.sub(r"\s", "", requirement) for requirement in everything}


def conda_packages():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    items = list(environment["dependencies"])
    for item in environment["dependencies"]:
        if isinstance(item, dict):
            # Packages published on PyPI only are listed under pip:, besides the course itself (-e .).
            items += [entry for entry in item.get("pip", []) if not entry.startswith("-")]
    return {
        re.sub(r"\s", "", item) for item in items if isinstance(item, str) and not item.startswith(("python", "pip"))
    }


def test_environment_yml_and_pyproject_agree():
    """Every package and version bound in pyproject.toml is in environment.yml and the other way round."""
    assert pyproject_packages() == conda_packages()


def test_the_comparison_can_fail():
    """A package present on one side only shows up as a difference."""
    assert requirement_names(pyproject_packages() | {"numpy>=2"}) != requirement_names(conda_packages())


def test_readme_starts_with_the_two_commands():
    """The README's first section gives `make course` and `make test`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_section = readme.split("\n## ", 2)[1] if readme.startswith("# ") else readme
    assert "make course" in first_section and "make test" in first_section


def test_ci_runs_make_test_only():
    """CI runs exactly what a maintainer runs."""
    commands = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))
    ]
    assert commands == ["make test"]
