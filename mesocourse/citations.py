"""Numbered citations for a module's prose: `[seed-004]` becomes a linked [1] and the module ends with its sources.

The reference key stays in the notebook source (in the link, `[[1]](#source-seed-004)`), so the tests that trace every
statement to assets/references.yaml still read it; the learner reads a number and a plain "Sources" list.
`make navigation` writes the numbers and the list, and a test fails while they are stale.
"""

import html
import re

from mesocourse.references import KEY_PATTERN, resolve

ANCHOR = "source-"
_KEY = KEY_PATTERN.pattern.removeprefix(r"\b").removesuffix(r"\b")
# A citation as an author writes it ([seed-004]) or as this module wrote it before ([[3]](#source-seed-004)).
CITATION = re.compile(rf"\[\[\d+\]\]\(#{ANCHOR}(?P<numbered>{_KEY})\)|\[(?P<bare>{_KEY})\](?!\()")


def number_citations(sources: list[str]) -> tuple[list[str], list[str]]:
    """The markdown cells with each citation numbered in order of first use, and the keys in that order."""
    order: list[str] = []

    def numbered(match: re.Match) -> str:
        key = match.group("numbered") or match.group("bare")
        if key not in order:
            order.append(key)
        return f"[[{order.index(key) + 1}]](#{ANCHOR}{key})"

    return [CITATION.sub(numbered, source) for source in sources], order


def sources_markdown(keys: list[str]) -> str:
    """The module's closing "Sources" list: one numbered line per key, each the target of its [n] links."""
    lines = ["## Sources", ""]
    for number, key in enumerate(keys, start=1):
        citation = html.escape(resolve(key)["citation"], quote=False)
        lines.append(f'{number}. <span id="{ANCHOR}{key}"></span>{citation}')
    return "\n".join(lines)
