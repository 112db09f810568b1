"""The screenshot gallery (gallery.py) is built from what the browser tests saved, and names what is missing."""

import struct
import zlib

import pytest
from gallery import MissingScreenshots, build_gallery

from mesocourse.modules import course_modules

MODULES = course_modules()


def write_png(path, width: int, height: int) -> None:
    """A tiny valid grey PNG of the given size, standing in for a browser screenshot."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    )


def saved(shots, view: str, skip: str | None = None, width: int = 64) -> None:
    """Screenshots of every module in one view, as the browser tests save them (one left out if asked)."""
    for module in MODULES:
        if module.notebook != skip:
            write_png(shots / view / f"{module.notebook.removesuffix('.ipynb')}.png", width, 3)


def test_gallery_shows_every_module_with_its_title_width_and_a_link_to_full_size(tmp_path):
    """Each module's title appears with a thumbnail linking to its screenshot and the viewport width it was taken at."""
    shots = tmp_path / "browser" / "modules"
    saved(shots, "lab", width=64)
    saved(shots, "app", width=48)
    page = build_gallery(shots, tmp_path / "gallery.html", MODULES).read_text(encoding="utf-8")
    for module in MODULES:
        stem = module.notebook.removesuffix(".ipynb")
        assert module.title.replace("'", "&#x27;") in page
        assert f'<a href="browser/modules/lab/{stem}.png"><img src="browser/modules/lab/{stem}.png"' in page
        assert f'href="browser/modules/app/{stem}.png"' in page
    assert page.count("viewport 64 px wide") == len(MODULES)
    assert page.count("viewport 48 px wide") == len(MODULES)


def test_gallery_without_app_screenshots_shows_the_lab_view_only(tmp_path):
    """When the app view's tests did not run, the gallery shows the JupyterLab view and does not fail."""
    shots = tmp_path / "modules"
    saved(shots, "lab")
    page = build_gallery(shots, tmp_path / "gallery.html", MODULES).read_text(encoding="utf-8")
    assert "App (make app)" not in page and "JupyterLab (make course)" in page


@pytest.mark.parametrize("view", ["lab", "app"])
def test_a_missing_screenshot_stops_the_gallery_and_is_named(tmp_path, view):
    """One module without its screenshot (in either view) fails the build, naming that module; no page is written."""
    shots = tmp_path / "modules"
    saved(shots, "lab", skip=MODULES[3].notebook if view == "lab" else None)
    saved(shots, "app", skip=MODULES[3].notebook if view == "app" else None)
    with pytest.raises(MissingScreenshots, match=MODULES[3].notebook):
        build_gallery(shots, tmp_path / "gallery.html", MODULES)
    assert not (tmp_path / "gallery.html").exists()


def test_no_screenshots_at_all_fails(tmp_path):
    """Without any lab screenshot (the browser tests never ran) there is no gallery."""
    with pytest.raises(MissingScreenshots):
        build_gallery(tmp_path / "nothing", tmp_path / "gallery.html", MODULES)


def test_a_file_that_is_not_a_png_is_not_taken_for_a_screenshot(tmp_path):
    """An empty or broken file where a screenshot should be fails the build rather than showing a blank."""
    shots = tmp_path / "modules"
    saved(shots, "lab")
    (shots / "lab" / f"{MODULES[0].notebook.removesuffix('.ipynb')}.png").write_bytes(b"")
    with pytest.raises(MissingScreenshots, match="not a PNG"):
        build_gallery(shots, tmp_path / "gallery.html", MODULES)
