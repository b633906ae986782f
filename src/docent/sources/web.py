"""Saved web pages (.html, .htm): main text through trafilatura, heading paths kept.

trafilatura drops navigation, menus, sidebars and footers and returns the article as markdown,
so headings survive as ``#`` lines; each passage carries the heading path above it in
``Locator.section`` and a running chunk number. Title, canonical URL, author(s) and date come
from the page's metadata (``<title>``, ``<link rel="canonical">``, ``og:`` and ``article:``
tags)::

    doc = HtmlParser().parse(Path("saved/attention.html"))
    doc.bibliography.url                 # 'https://example.org/attention'
    doc.passages[1].locator.label()      # 'Attention Is ... > What attention is, chunk 2'

The page is decoded with the charset it declares (``<meta charset>``), else as UTF-8 or
GB18030. A page with no main text (only boilerplate) raises :class:`EmptySourceError`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import trafilatura

from docent.errors import EmptySourceError, SourceError
from docent.sources.base import ParseContext, ParsedDocument
from docent.sources.chunking import chunk_segments
from docent.sources.text import decode_text, heading_segments, markdown_headings, readable_stem
from docent.text import count_tokens, detect_language, normalize_space
from docent.types import Bibliography, SourceKind

__all__ = ["HtmlParser", "decode_html"]

_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Below this many tokens the balanced extraction is checked against a precise one, which
# returns nothing for pages of navigation and footer only.
_SHORT_TEXT_TOKENS = 50


def decode_html(path: Path, data: bytes) -> str:
    """Decode a saved page: BOM, then the ``<meta charset>`` it declares, then UTF-8/GB18030."""
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        declared = _CHARSET_RE.search(data[:4096])
        if declared:
            charset = declared.group(1).decode("ascii").lower()
            try:
                return data.decode(charset).replace("\r\n", "\n")
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong or unknown declaration: guess below
    return decode_text(path, data)


def _extract(path: Path, html: str, **options: Any) -> str | None:
    try:
        return trafilatura.extract(
            html,
            output_format="markdown",
            include_formatting=True,
            include_tables=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            with_metadata=False,
            **options,
        )
    except Exception as exc:  # trafilatura and lxml raise a variety of parse errors
        raise SourceError(path, f"cannot parse the HTML: {exc}") from exc


def _metadata(html: str) -> Any:
    """trafilatura's metadata, or None: a broken ``<head>`` must not stop ingesting the text."""
    try:
        return trafilatura.extract_metadata(html)
    except Exception:  # noqa: BLE001 - metadata is optional, the main text was already found
        return None


def _year(date: str | None) -> int | None:
    m = re.match(r"(\d{4})", date or "")
    return int(m.group(1)) if m else None


def _authors(author: str | None) -> list[str]:
    if not author:
        return []
    return [normalize_space(a) for a in re.split(r";|\s+and\s+|\|", author) if a.strip()]


class HtmlParser:
    """``.html``/``.htm`` pages saved from the web: main text only, heading paths, metadata."""

    kind = SourceKind.web
    suffixes: tuple[str, ...] = (".html", ".htm")

    def parse(self, path: Path, ctx: ParseContext | None = None) -> ParsedDocument:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SourceError(path, f"cannot read the file: {exc.strerror or exc}") from exc
        if not data.strip():
            raise EmptySourceError(path, "the file is empty", fix="save the page again")
        html = decode_html(path, data)

        extracted = _extract(path, html)
        if extracted and count_tokens(extracted) < _SHORT_TEXT_TOKENS:
            # Little text: make sure it is an article, not the menu of a page with none.
            if not _extract(path, html, favor_precision=True):
                extracted = None
        text = (extracted or "").strip("\n")
        if not text.strip():
            raise EmptySourceError(
                path, "no main text found in the page (only navigation or boilerplate)",
                fix="save the article itself, or copy its text into a .txt or .md file",
            )
        text += "\n"

        headings = markdown_headings(text)
        passages = chunk_segments(text, heading_segments(text, headings))
        if not passages:
            raise EmptySourceError(path, "no main text found in the page")

        meta = _metadata(html)
        first_h1 = next((h.title for h in headings if h.level == 1 and h.title), None)
        title = normalize_space(getattr(meta, "title", None) or "") or first_h1 or readable_stem(path)
        date = getattr(meta, "date", None)
        bibliography = Bibliography(
            title=title,
            authors=_authors(getattr(meta, "author", None)),
            venue=getattr(meta, "sitename", None) or None,
            year=_year(date),
            url=getattr(meta, "url", None) or None,
        )
        return ParsedDocument(
            kind=self.kind,
            title=title,
            text=text,
            passages=passages,
            language=detect_language(text),
            bibliography=bibliography,
            extra={"date": date, "hostname": getattr(meta, "hostname", None)},
        )
