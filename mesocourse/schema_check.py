"""Schema checks of the course's data files, remembered: a file already found valid is not checked (nor is
jsonschema imported, over 2 s here) again until its content or its schema changes.

The result is kept as an empty marker file named after a hash of the schema and the data, in the user's cache
folder (XDG_CACHE_HOME, else ~/.cache); when that folder cannot be written the check simply runs every time.
"""

import hashlib
import json
import os
from pathlib import Path


def cache_folder() -> Path:
    """Where the markers of valid files are kept."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "mesocourse" / "valid"


def _marker(data, schema: dict) -> Path:
    text = json.dumps([schema, data], sort_keys=True, default=str, ensure_ascii=False)
    return cache_folder() / hashlib.sha256(text.encode("utf-8")).hexdigest()


def schema_errors(data, schema: dict) -> list:
    """jsonschema's errors for data against a Draft 2020-12 schema; [] at once for data already found valid."""
    marker = _marker(data, schema)
    if marker.is_file():
        return []
    import jsonschema

    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    if not errors:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # a read-only home: checked again next time, nothing else changes
    return errors
