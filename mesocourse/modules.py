"""The course's modules in reading order (assets/modules.yaml): contents, navigation, progress, certificate."""

from dataclasses import dataclass
from functools import cache

import yaml

from mesocourse.paths import ASSETS, NOTEBOOKS, SCHEMAS
from mesocourse.schema_check import schema_errors

MODULES_FILE = ASSETS / "modules.yaml"


@dataclass(frozen=True)
class Module:
    """One notebook of the course and what it teaches."""

    notebook: str
    title: str
    minutes: int
    objectives: tuple[str, ...]
    bank: str | None = None

    @property
    def number(self) -> str:
        """The NN.MM part of the notebook name."""
        return self.notebook.split("-", 1)[0]

    @property
    def path(self):
        """Where the notebook lives."""
        return NOTEBOOKS / self.notebook


@cache
def course_modules() -> tuple[Module, ...]:
    """All modules, validated against assets/schemas/modules.schema.json."""
    raw = yaml.safe_load(MODULES_FILE.read_text(encoding="utf-8"))
    schema = yaml.safe_load((SCHEMAS / "modules.schema.json").read_text(encoding="utf-8"))
    errors = schema_errors(raw, schema)
    if errors:
        from jsonschema.exceptions import best_match

        raise best_match(errors)
    return tuple(
        Module(item["notebook"], item["title"], item["minutes"], tuple(item["objectives"]), item.get("bank"))
        for item in raw
    )


def quiz_modules() -> tuple[Module, ...]:
    """The modules that end in a quiz (the ones that count towards mastery and the certificate)."""
    return tuple(module for module in course_modules() if module.bank)
