"""Markdown output, and the small Markdown helpers the DOCX and HTML renderers share.

The Markdown rendering is :func:`to_markdown` (the report with its reference list); a
validation report is never appended to it (it is a file of its own)::

    render_markdown(draft) == to_markdown(draft).encode("utf-8")
    # True

The helpers read a draft paragraph the way :func:`docent.check.parse.parse_report` does (lines
joined, a list marker set apart) and turn inline markup (``**bold**``, ``*italic*``,
```code```) into styled runs instead of literal asterisks::

    styled_runs("a **bold** and *it* `x`")
    # [('a ', 0), ('bold', 1), (' and ', 0), ('it', 2), (' ', 0), ('x', 4)]
"""

from __future__ import annotations

import re

from docent.store import Store
from docent.types import Draft, ValidationReport

__all__ = [
    "BOLD",
    "CODE",
    "HIDDEN",
    "ITALIC",
    "body_markdown",
    "inline_styles",
    "references_heading",
    "render_markdown",
    "styled_runs",
    "to_markdown",
]

BOLD, ITALIC, CODE = 1, 2, 4
HIDDEN = -1  # a markup character that is not printed

_CODE_RE = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_BOLD_RE = re.compile(r"(?<!\\)\*\*(?=\S)(.+?)(?<=\S)(?<!\\)\*\*", re.DOTALL)
_ITALIC_RE = re.compile(r"(?<![\\*])\*(?=[^\s*])(.+?)(?<=[^\s*\\])\*(?!\*)", re.DOTALL)
_MASK = "\x00"


def render_markdown(draft: Draft, *, validation: ValidationReport | None = None,
                    store: Store | None = None) -> bytes:
    """The report and its reference list as UTF-8 Markdown (``validation`` is not printed)."""
    del validation, store  # the validation report is a separate file; the draft says it all
    return to_markdown(draft).encode("utf-8")


def references_heading(language: str) -> str:
    """The reference list's heading, as :func:`to_markdown` prints it."""
    return "参考文献" if language == "zh" else "References"


def inline_styles(text: str) -> list[int]:
    """One style per character of ``text``: a mask of BOLD/ITALIC/CODE, or HIDDEN for markup.

    Code spans are read first and nothing inside them is markup; bold and italic may nest.
    Unbalanced asterisks stay literal.
    """
    styles = [0] * len(text)
    work = list(text)

    def hide(i: int) -> None:
        styles[i] = HIDDEN
        work[i] = _MASK

    for m in _CODE_RE.finditer(text):
        ticks = len(m.group(1))
        for i in range(m.start(), m.start() + ticks):
            hide(i)
        for i in range(m.end() - ticks, m.end()):
            hide(i)
        for i in range(m.start() + ticks, m.end() - ticks):
            styles[i] = CODE
            work[i] = _MASK  # no markup inside code
    for pattern, flag, width in ((_BOLD_RE, BOLD, 2), (_ITALIC_RE, ITALIC, 1)):
        current = "".join(work)
        for m in pattern.finditer(current):
            if _MASK in m.group(0)[:width] + m.group(0)[-width:]:
                continue
            for i in (*range(m.start(), m.start() + width), *range(m.end() - width, m.end())):
                hide(i)
            for i in range(m.start() + width, m.end() - width):
                if styles[i] != HIDDEN:
                    styles[i] |= flag
    for i, ch in enumerate(text):  # a backslash escape: "\*" prints "*"
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in "*`_\\" and styles[i] != HIDDEN \
                and not styles[i] & CODE:
            styles[i] = HIDDEN
    return styles


def styled_runs(text: str, start: int = 0, end: int | None = None,
                styles: list[int] | None = None) -> list[tuple[str, int]]:
    """``text[start:end]`` as ``(text, style mask)`` runs with the markup characters dropped.

    Pass ``styles`` (from :func:`inline_styles` over the whole ``text``) to cut a paragraph
    into sentences without losing markup that spans the cut.
    """
    end = len(text) if end is None else end
    styles = inline_styles(text) if styles is None else styles
    runs: list[tuple[str, int]] = []
    buf: list[str] = []
    current = None
    for i in range(start, end):
        style = styles[i]
        if style == HIDDEN:
            continue
        if style != current and buf:
            runs.append(("".join(buf), current))  # type: ignore[arg-type]
            buf = []
        current = style
        buf.append(text[i])
    if buf:
        runs.append(("".join(buf), current))  # type: ignore[arg-type]
    return runs


def body_markdown(draft: Draft) -> str:
    """Title, headings and paragraphs: what the length requirement counts."""
    return draft.body_markdown()


def to_markdown(draft: Draft) -> str:
    zh = draft.language == "zh"
    lines = [body_markdown(draft).rstrip(), "", "## 参考文献" if zh else "## References", ""]
    for c in sorted(draft.citations, key=lambda c: c.number):
        lines.append(f"[{c.number}] {c.source_title}, {c.locator.label(dash='–')}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
