"""Every module's full-page screenshot from the browser tests on one page (test-artifacts/gallery.html), for review.

Run `make gallery` (or `python tests/browser/gallery.py`) after the browser tests. The JupyterLab view must have a
screenshot of every module; the app view (Voilà) is shown when its tests ran, and then also needs every module.
A missing screenshot stops the build with its name, so the page never hides a module the tests did not reach.
"""

import html
import os
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

from labdriver import ARTIFACTS, MODULE_SHOTS

from mesocourse.modules import Module, course_modules

VIEWS = {"lab": "JupyterLab (make course)", "app": "App (make app)"}
REQUIRED_VIEWS = ("lab",)
GALLERY = ARTIFACTS / "gallery.html"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
STYLE = """
body { font-family: system-ui, sans-serif; margin: 24px; color: #1d2a33; }
section { border-top: 1px solid #ccd; padding: 12px 0; }
h2 { font-size: 18px; margin: 0 0 8px; }
.views { display: flex; gap: 24px; flex-wrap: wrap; }
figure { margin: 0; width: 340px; }
figure img { width: 340px; height: 520px; object-fit: cover; object-position: top; border: 1px solid #99a; }
figcaption { font-size: 13px; margin-top: 4px; }
"""


class MissingScreenshots(Exception):
    """Screenshots the gallery needs but the browser tests did not save."""


@dataclass(frozen=True)
class Shot:
    """One saved screenshot: where it is and its size in CSS pixels (the tests capture at scale 1)."""

    path: Path
    width: int
    height: int


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header; a file that is not a PNG is reported as missing."""
    header = path.read_bytes()[:24]
    if len(header) < 24 or not header.startswith(PNG_SIGNATURE) or header[12:16] != b"IHDR":
        raise MissingScreenshots(f"{path} is not a PNG screenshot")
    return struct.unpack(">II", header[16:24])


def collect(shots: Path, modules: tuple[Module, ...]) -> dict[str, dict[str, Shot]]:
    """The screenshots per view and module; raises MissingScreenshots naming every one that is absent."""
    views = [view for view in VIEWS if view in REQUIRED_VIEWS or (shots / view).is_dir()]
    found: dict[str, dict[str, Shot]] = {view: {} for view in views}
    missing = []
    for view in views:
        for module in modules:
            path = shots / view / f"{module.notebook.removesuffix('.ipynb')}.png"
            if path.is_file():
                found[view][module.notebook] = Shot(path, *png_size(path))
            else:
                missing.append(f"{VIEWS[view]}: {module.notebook}")
    if missing:
        raise MissingScreenshots("no screenshot of " + "; ".join(missing))
    return found


def gallery_html(found: dict[str, dict[str, Shot]], modules: tuple[Module, ...], out: Path) -> str:
    """The gallery page: per module its title, then each view's thumbnail linking to the full-size picture."""
    sections = []
    for module in modules:
        figures = []
        for view, shots in found.items():
            shot = shots[module.notebook]
            link = html.escape(Path(os.path.relpath(shot.path, out.parent)).as_posix())
            figures.append(
                f'<figure><a href="{link}"><img src="{link}" loading="lazy" '
                f'alt="{html.escape(module.title)} in {html.escape(VIEWS[view])}"></a>'
                f"<figcaption>{html.escape(VIEWS[view])}: viewport {shot.width} px wide, "
                f"page {shot.height} px tall</figcaption></figure>"
            )
        sections.append(
            f"<section><h2>{html.escape(module.number)} {html.escape(module.title)}</h2>"
            f'<div class="views">{"".join(figures)}</div></section>'
        )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Every screen of the course</title>'
        f"<style>{STYLE}</style></head><body><h1>Every screen of the course</h1>"
        "<p>Full-page screenshots the browser tests took after running each module. "
        "Click a picture for full size.</p>" + "".join(sections) + "</body></html>"
    )


def build_gallery(shots: Path = MODULE_SHOTS, out: Path = GALLERY, modules: tuple[Module, ...] | None = None) -> Path:
    """Write the gallery page from the saved screenshots and return its path."""
    modules = modules or course_modules()
    page = gallery_html(collect(shots, modules), modules, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


def main() -> int:
    """Build test-artifacts/gallery.html, or say which screenshots are missing and how to make them."""
    try:
        path = build_gallery()
    except MissingScreenshots as problem:
        print(f"Cannot build the gallery: {problem}. Run the browser tests first (make test).", file=sys.stderr)
        return 1
    print(f"Gallery written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
