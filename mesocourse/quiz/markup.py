"""Question text as safe HTML: markdown (mistune), LaTeX kept whole for MathJax, pictures, and nothing that runs."""

import html
import re
from functools import cache

import bleach
import mistune

# $$...$$, $...$, \[...\] and \(...\) are set aside before markdown so * and _ inside formulas stay formulas.
MATH = re.compile(r"(?<!\\)\$\$.+?(?<!\\)\$\$|(?<!\\)\$[^$\n]+?(?<!\\)\$|\\\[.+?\\\]|\\\(.+?\\\)", re.DOTALL)
BLOCK_TAGS = ["p", "br", "pre", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "h4", "h5", "h6", "hr"]
# What JupyterLab keeps in a checkbox's text (its inline sanitizer); the same list for every option.
INLINE_TAGS = ["a", "abbr", "b", "code", "em", "i", "img", "li", "ol", "span", "strong", "ul", "sub", "sup"]
ATTRIBUTES = {"a": ["href", "title"], "img": ["src", "alt", "title", "width", "height"], "abbr": ["title"]}
PROTOCOLS = ["http", "https", "mailto", "data"]


@cache
def _markdown():
    return mistune.create_markdown(escape=False, plugins=["strikethrough", "table"])


def _math_as_mathjax(formula: str) -> str:
    """$...$ and $$...$$ written with \\( \\) and \\[ \\], which MathJax reads in every Jupyter front end."""
    if formula.startswith("$$"):
        return r"\[" + html.escape(formula[2:-2], quote=False) + r"\]"
    if formula.startswith("$"):
        return r"\(" + html.escape(formula[1:-1], quote=False) + r"\)"
    return html.escape(formula, quote=False)


def to_html(text: str, inline: bool = False) -> str:
    """Markdown and LaTeX as sanitised HTML; `inline` keeps only what fits in one option line."""
    formulas: list[str] = []

    def keep(match: re.Match) -> str:
        formulas.append(_math_as_mathjax(match.group(0)))
        return f"⟦math{len(formulas) - 1}⟧"

    rendered = _markdown()(MATH.sub(keep, str(text or ""))).strip()
    if inline and rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    tags = INLINE_TAGS if inline else INLINE_TAGS + BLOCK_TAGS
    cleaned = bleach.clean(rendered, tags=tags, attributes=ATTRIBUTES, protocols=PROTOCOLS, strip=True)
    return re.sub("⟦math(\\d+)⟧", lambda match: formulas[int(match.group(1))], cleaned)


def code_html(code: str, inline: bool = False) -> str:
    """A code snippet shown as code, never run; inline for an option (JupyterLab keeps <code> there, not <pre>)."""
    escaped = html.escape(code, quote=False)
    return f"<code>{escaped}</code>" if inline else f"<pre><code>{escaped}</code></pre>"
