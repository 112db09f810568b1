"""mesocourse.assets: data files are checked against their schema and their references."""

import pytest
import yaml

from mesocourse import assets
from mesocourse.assets import AssetError, check_references, load_asset


def test_bad_reference_is_named_with_its_entry():
    """An unknown key inside nested data names where it sits."""
    with pytest.raises(AssetError, match=r"entry 1/positions/0: unknown reference key 'ref-nope'"):
        check_references([{"references": ["ref-1"]}, {"positions": [{"references": ["ref-nope"]}]}], "x.yaml")


def test_schema_violation_names_file_and_entry(tmp_path, monkeypatch):
    """A data file that breaks its schema fails with the file and the entry path, not a traceback from deep inside."""
    (tmp_path / "history.yaml").write_text(yaml.safe_dump([{"year": "soon"}]), encoding="utf-8")
    monkeypatch.setattr(assets, "ASSETS", tmp_path)
    load_asset.cache_clear()
    try:
        with pytest.raises(AssetError, match=r"assets/history.yaml, entry 0"):
            load_asset("history.yaml", "history.schema.json")
    finally:
        load_asset.cache_clear()
