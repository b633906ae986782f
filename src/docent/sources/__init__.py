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
from docent.sources.base import ParseContext, ParsedDocument, Parser, Segment

__all__ = [
    "ParseContext",
    "ParsedDocument",
    "Parser",
    "Segment",
    "register",
    "parser_for",
    "parse",
    "iter_files",
    "supported_suffixes",
]

_REGISTRY: dict[str, Parser] = {}


def register(parser: Parser) -> Parser:
    """Make ``parser`` handle its suffixes (a later registration wins)."""
    for suffix in parser.suffixes:
        _REGISTRY[suffix.lower()] = parser
    return parser


def _load_builtin() -> None:
    if _REGISTRY:
        return
    from docent.sources.docx import DocxParser
    from docent.sources.media import MediaParser
    from docent.sources.pdf import PdfParser
    from docent.sources.subtitles import SubtitleParser
    from docent.sources.text import MarkdownParser, PlainTextParser
    from docent.sources.web import HtmlParser

    for parser in (PdfParser(), SubtitleParser(), MarkdownParser(), PlainTextParser(),
                   HtmlParser(), DocxParser(), MediaParser()):
        register(parser)


def supported_suffixes() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def parser_for(path: Path) -> Parser:
    _load_builtin()
    parser = _REGISTRY.get(path.suffix.lower())
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
    _load_builtin()
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_file() and path.suffix.lower() in _REGISTRY:
            yield path
