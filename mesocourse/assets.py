"""Loading the course's YAML data files with their JSON Schema, with errors that name the file and the entry."""

import json
from functools import cache
from typing import TYPE_CHECKING

import yaml

from mesocourse.paths import ASSETS, SCHEMAS
from mesocourse.references import UnknownReference, resolve
from mesocourse.schema_check import schema_errors

if TYPE_CHECKING:
    import jsonschema


class AssetError(ValueError):
    """A data file in assets/ that does not match its schema or cites an unknown reference."""


def _where(error: "jsonschema.ValidationError") -> str:
    return "/".join(str(part) for part in error.absolute_path) or "top level"


def check_references(entries, name: str) -> None:
    """Every `references` list anywhere in the data resolves, or AssetError names the entry."""

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "references":
                    for ref in value:
                        try:
                            resolve(ref)
                        except UnknownReference as unknown:
                            raise AssetError(f"{name}, entry {path or 'top level'}: {unknown}") from None
                else:
                    walk(value, f"{path}/{key}" if path else str(key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}/{index}" if path else str(index))

    walk(entries, "")


@cache
def load_asset(name: str, schema: str):
    """assets/<name> parsed, checked against assets/schemas/<schema>, with every reference resolved."""
    path = ASSETS / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise AssetError(f"assets/{name} cannot be read as YAML: {error}") from None
    schema_doc = json.loads((SCHEMAS / schema).read_text(encoding="utf-8"))
    errors = schema_errors(data, schema_doc)
    if errors:
        error = max(errors, key=lambda e: len(list(e.absolute_path)))
        raise AssetError(f"assets/{name}, entry {_where(error)}: {error.message}")
    check_references(data, f"assets/{name}")
    return data
