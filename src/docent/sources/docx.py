"""Word documents (.docx) through python-docx: paragraphs and tables in order, heading paths.

Paragraphs and tables are read in document order and joined with blank lines (a table becomes
one block, a row per line, cells separated by `` | ``). Paragraphs in the ``Title`` and
``Heading N`` styles (or styles based on them, or localised names such as ``标题 1``) open a
section; each passage carries the heading path above it in ``Locator.section`` and a running
chunk number. Title and authors come from the document properties::

    doc = DocxParser().parse(Path("report.docx"))
    doc.title, doc.bibliography.authors     # ('季度报告', ['王芳', 'Ada Lovelace'])
    doc.passages[0].locator.label()         # '季度报告 > 1 背景, chunk 1'

A file that is not a Word document (not a zip, or a zip without ``word/document.xml``) raises
:class:`SourceError`; one with no text raises :class:`EmptySourceError`.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.styles.style import BaseStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

from docent.errors import EmptySourceError, SourceError
from docent.sources.base import ParseContext, ParsedDocument
from docent.sources.chunking import chunk_segments
from docent.sources.text import Heading, heading_segments, readable_stem
from docent.text import detect_language, normalize_space
from docent.types import Bibliography, SourceKind

__all__ = ["DocxParser", "heading_level", "table_text"]

_HEADING_RE = re.compile(r"^(?:heading|标题|titre|überschrift|título|titolo)\s*(\d)$", re.I)
_TITLE_STYLES = {"title", "标题"}
# Authors python-docx and some tools write into new files' properties: not real authors.
_PLACEHOLDER_AUTHORS = {"python-docx", "author", "user", "administrator", "microsoft office user"}


def heading_level(style: BaseStyle | None) -> int | None:
    """1-9 for heading styles, 0 for the Title style, None otherwise (base styles followed)."""
    depth = 0
    while style is not None and depth < 4:
        name = normalize_space(style.name or "")
        m = _HEADING_RE.match(name)
        if m:
            return int(m.group(1))
        if name.lower() in _TITLE_STYLES:
            return 0
        style = getattr(style, "base_style", None)
        depth += 1
    return None


def table_text(table: Table) -> str:
    """A table as text: a row per line, cells joined by `` | ``; merged cells given once."""
    lines: list[str] = []
    for row in table.rows:
        cells = []
        previous = None
        for cell in row.cells:
            if previous is not None and cell._tc is previous._tc:  # a horizontally merged cell
                continue
            previous = cell
            cells.append(normalize_space(cell.text))
        if any(cells):
            lines.append(" | ".join(cells))
    return "\n".join(lines)


def _open(path: Path) -> DocxDocument:
    try:
        return docx.Document(str(path))
    except Exception as exc:  # PackageNotFoundError, BadZipFile, KeyError, XML errors...
        raise SourceError(
            path, "not a readable Word document (.docx)",
            fix="open it in Word or LibreOffice and save it again as .docx",
        ) from exc


def _authors(author: str | None) -> list[str]:
    names = [normalize_space(a) for a in re.split(r"[;；、]", author or "")]
    return [n for n in names if n and n.lower() not in _PLACEHOLDER_AUTHORS]


class DocxParser:
    """``.docx`` files: paragraphs and tables in order, heading paths, title and authors."""

    kind = SourceKind.docx
    suffixes: tuple[str, ...] = (".docx",)

    def parse(self, path: Path, ctx: ParseContext | None = None) -> ParsedDocument:
        document = _open(path)
        blocks: list[str] = []
        headings: list[Heading] = []
        title_paragraph: str | None = None
        tables = 0
        offset = 0
        try:
            for item in document.iter_inner_content():
                level: int | None = None
                is_table = not isinstance(item, Paragraph)
                if isinstance(item, Paragraph):
                    block = item.text.strip()
                    level = heading_level(item.style) if block else None
                else:
                    block = table_text(item)
                if not block:
                    continue
                tables += is_table
                if level is not None:
                    title = normalize_space(block)
                    headings.append(Heading(offset, offset + len(block), level, title))
                    if level == 0 and title_paragraph is None:
                        title_paragraph = title
                blocks.append(block)
                offset += len(block) + 2
            properties = document.core_properties
            core_title = normalize_space(properties.title or "")
            authors = _authors(properties.author)
        except Exception as exc:  # malformed XML parts surface while iterating
            raise SourceError(path, f"cannot read the document's content: {exc}") from exc

        text = "\n\n".join(blocks)
        if not text.strip():
            raise EmptySourceError(path, "the document has no text",
                                   fix="add some text or remove the file")
        passages = chunk_segments(text, heading_segments(text, headings))
        if not passages:
            raise EmptySourceError(path, "the document has headings but no text")
        first_h1 = next((h.title for h in headings if h.level == 1), None)
        title = core_title or title_paragraph or first_h1 or readable_stem(path)
        return ParsedDocument(
            kind=self.kind,
            title=title,
            text=text,
            passages=passages,
            language=detect_language(text),
            bibliography=Bibliography(title=title, authors=authors),
            extra={"paragraphs": len(blocks) - tables, "tables": tables,
                   "headings": len(headings)},
        )
