"""Source parsers, chosen by file type through a registry.

>>> from docent.sources import parser_for, supported_suffixes
>>> parser_for(Path("paper.pdf")).kind.value
'pdf'

``parse(path)`` returns a :class:`~docent.sources.base.ParsedDocument`; ``iter_files(folder)``
yields every supported file in a folder, recursively (a folder is a knowledge base).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from docent.errors import SourceError, UnsupportedSourceError
from docent.registry import Registry
from docent.sources.base import (
    MEDIA_KINDS,
    MEDIA_SUFFIXES,
    ParseContext,
    ParsedDocument,
    Parser,
    Segment,
)

__all__ = [
    "MEDIA_KINDS",
    "MEDIA_SUFFIXES",
    "ParseContext",
    "ParsedDocument",
    "Parser",
    "PARSERS",
    "Segment",
    "register",
    "parser_for",
    "parse",
    "iter_files",
    "supported_suffixes",
]

def _load_builtin() -> None:
    """Register the built-in parsers (as defaults: a plugin's parser for a suffix wins)."""
    from docent.sources.docx import DocxParser
    from docent.sources.media import MediaParser
    from docent.sources.pdf import PdfParser
    from docent.sources.subtitles import SubtitleParser
    from docent.sources.text import MarkdownParser, PlainTextParser
    from docent.sources.web import HtmlParser

    for parser in (PdfParser(), SubtitleParser(), MarkdownParser(), PlainTextParser(),
                   HtmlParser(), DocxParser(), MediaParser()):
        register(parser, default=True)


#: Parsers by lower-case suffix (``".pdf"``); the built-ins are loaded on first use.
PARSERS: Registry[Parser] = Registry("source parser", builtins=_load_builtin)


def register(parser: Parser, *, default: bool = False) -> Parser:
    """Make ``parser`` handle its suffixes (a later registration wins; the built-ins, registered
    with ``default=True``, never replace a plugin's parser, whenever it was registered)."""
    for suffix in parser.suffixes:
        PARSERS.register(suffix.lower(), parser, default=default)
    return parser


def supported_suffixes() -> list[str]:
    return PARSERS.names()


def parser_for(path: Path) -> Parser:
    parser = PARSERS.find(path.suffix.lower())
    if parser is None:
        raise UnsupportedSourceError(
            path,
            f"unsupported file type {path.suffix or '(no suffix)'!r}",
            fix="supported: " + " ".join(supported_suffixes()),
        )
    return parser


def parse(path: Path, ctx: ParseContext | None = None) -> ParsedDocument:
    """Parse one file; raises :class:`~docent.errors.SourceError` naming the file on bad input."""
    if not path.exists():
        raise SourceError(path, "no such file")
    if path.is_dir():
        raise SourceError(path, "is a folder", fix="ingest a folder's files with iter_files")
    return parser_for(path).parse(path, ctx)


def iter_files(folder: Path) -> Iterator[Path]:
    """Every supported file under ``folder``, recursively, in a stable order; hidden ones skipped."""
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_file() and path.suffix.lower() in PARSERS:
            yield path
