"""Markdown and plain-text parsers, plus the heading helpers the web and docx parsers share.

Markdown keeps its source text as is (code blocks included); every passage carries the path of
headings above it in ``Locator.section`` and a running chunk number. ``#`` lines inside fenced
code blocks are code, not headings, because headings come from markdown-it's token stream::

    >>> from pathlib import Path
    >>> doc = MarkdownParser().parse(Path("examples/sources/kb-zh/transformer-architecture.md"))
    >>> doc.title
    '第二章 Transformer 架构'
    >>> any(p.locator.section.endswith("2.1.6 多头注意力") for p in doc.passages)
    True

Plain ``.txt`` files are decoded as UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030
(common for Chinese files), and cut into sentence-aware passages; blank lines end a sentence.
A file holding binary data under a text suffix (a PNG renamed ``notes.md``, random bytes) is
refused with one line: ``notes.md: not a text file: it holds binary data (it looks like a PNG
image) (...)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from docent.errors import EmptySourceError, SourceError
from docent.sources.base import ParseContext, ParsedDocument, Segment
from docent.sources.chunking import chunk_segments
from docent.text import detect_language, normalize_space
from docent.types import Locator, SourceKind

__all__ = [
    "Heading",
    "MarkdownParser",
    "PlainTextParser",
    "decode_text",
    "front_matter_title",
    "heading_segments",
    "markdown_headings",
    "read_text",
    "readable_stem",
]

_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
# C0 controls other than tab, newline, carriage return and form feed: a sign of binary data.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_BYTES_RE = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SAMPLE_BYTES = 65536
# signatures of binary files that are often misnamed .txt or .md
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
          (b"GIF8", "a GIF image"), (b"%PDF-", "a PDF"), (b"PK\x03\x04", "a ZIP archive"),
          (b"\x1f\x8b", "a gzip archive"), (b"\x7fELF", "a program"))
_MAX_TITLE_CHARS = 100


@dataclass(frozen=True)
class Heading:
    """A heading occupying ``text[start:end]`` (its whole line or block), ``level`` 1 = top."""

    start: int
    end: int
    level: int
    title: str


def readable_stem(path: Path) -> str:
    """``lets-build-gpt.srt`` -> ``'lets build gpt'``."""
    return normalize_space(re.sub(r"[-_]+", " ", path.stem)) or path.name


def _binary_kind(data: bytes) -> str | None:
    """What binary ``data`` looks like ("a PNG image"), "" for unknown binary, None for text."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    sample = data[:_SAMPLE_BYTES]
    controls = len(_CONTROL_BYTES_RE.findall(sample))
    return "" if b"\x00" in sample or controls > max(3, len(sample) // 1000) else None


def _binary_error(path: Path, kind: str = "") -> SourceError:
    looks = f" (it looks like {kind})" if kind else ""
    return SourceError(path, f"not a text file: it holds binary data{looks}",
                       fix="ingest the original file under its real suffix, or remove it")


def decode_text(path: Path, data: bytes) -> str:
    """Decode ``data`` read from ``path``; raise :class:`SourceError` when it is not text.

    Binary data (NUL or other control bytes, or the signature of an image, archive or PDF) is
    refused. Tries UTF-8 (BOM or not), then UTF-16 when a BOM says so, then GB18030. Line
    endings are normalised to ``\\n`` so that offsets are the same on every platform.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    elif (kind := _binary_kind(data)) is not None:
        raise _binary_error(path, kind)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(_CONTROL_RE.findall(text)) > max(3, len(text) // 1000):
            raise _binary_error(path)
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise SourceError(path, "cannot decode the file as text (tried UTF-8, UTF-16 and GB18030)",
                      fix="save it as UTF-8 and ingest it again")


def read_text(path: Path) -> str:
    """Read and decode ``path``; raise :class:`EmptySourceError` when it holds no text."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot read the file: {exc.strerror or exc}") from exc
    text = decode_text(path, data)
    if not text.strip():
        raise EmptySourceError(path, "the file is empty", fix="add some text or remove the file")
    return text


def heading_segments(text: str, headings: list[Heading]) -> list[Segment]:
    """Cut ``text`` at ``headings`` (in order) into segments labelled with the heading path.

    A segment runs from one heading to the next and includes its heading line, so a passage
    reads with its title. Text before the first heading gets no section. Segments with nothing
    but their heading (a chapter title directly followed by a subsection) are left out.
    """
    segments: list[Segment] = []
    stack: list[Heading] = []
    first = headings[0].start if headings else len(text)
    if text[:first].strip():
        segments.append(Segment(0, first, Locator()))
    for i, heading in enumerate(headings):
        while stack and stack[-1].level >= heading.level:
            stack.pop()
        stack.append(heading)
        stop = headings[i + 1].start if i + 1 < len(headings) else len(text)
        if not text[heading.end:stop].strip():
            continue
        path = " > ".join(h.title for h in stack if h.title)
        segments.append(Segment(heading.start, stop, Locator(section=path or None)))
    return segments


def _inline_text(token: Token | None) -> str:
    """Plain text of a heading's inline token: markup (``**``, backticks, links) dropped."""
    if token is None:
        return ""
    if not token.children:
        return normalize_space(token.content)
    parts = []
    for child in token.children:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return normalize_space("".join(parts))


def markdown_headings(text: str) -> list[Heading]:
    """Top-level ATX and setext headings of markdown ``text`` (never ``#`` lines in code)."""
    body = text
    front = _FRONT_MATTER_RE.match(text)
    if front:  # blank the YAML front matter, keeping its lines, so it is not read as a heading
        body = re.sub(r"[^\n]", " ", front.group(0)) + text[front.end():]
    line_starts = [0]
    for m in re.finditer("\n", body):
        line_starts.append(m.end())

    def offset(line: int) -> int:
        return line_starts[line] if line < len(line_starts) else len(body)

    tokens = MarkdownIt("commonmark").parse(body)
    headings: list[Heading] = []
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or token.level != 0 or token.map is None:
            continue
        inline = tokens[i + 1] if i + 1 < len(tokens) and tokens[i + 1].type == "inline" else None
        start, end = offset(token.map[0]), offset(token.map[1])
        headings.append(Heading(start, end, int(token.tag[1:]), _inline_text(inline)))
    return headings


def front_matter_title(text: str) -> str | None:
    """``title:`` from YAML front matter, if there is one."""
    front = _FRONT_MATTER_RE.match(text)
    if not front:
        return None
    m = re.search(r"^title:[ \t]*(.+?)[ \t]*$", front.group(1), re.MULTILINE)
    return m.group(1).strip("\"'") if m else None


class MarkdownParser:
    """``.md`` files: heading paths in ``Locator.section``, sentence-aware passages."""

    kind = SourceKind.markdown
    suffixes: tuple[str, ...] = (".md", ".markdown")

    def parse(self, path: Path, ctx: ParseContext | None = None) -> ParsedDocument:
        text = read_text(path)
        headings = markdown_headings(text)
        segments = heading_segments(text, headings)
        passages = chunk_segments(text, segments)
        if not passages:
            raise EmptySourceError(path, "the markdown file has headings but no text")
        h1 = next((h.title for h in headings if h.level == 1 and h.title), None)
        title = front_matter_title(text) or h1 or readable_stem(path)
        return ParsedDocument(
            kind=self.kind,
            title=title,
            text=text,
            passages=passages,
            language=detect_language(text),
            extra={"headings": len(headings)},
        )


def _plain_title(text: str, path: Path) -> str:
    """The first line when it is short and followed by more text, else the file name."""
    stripped = text.strip()
    first, _, rest = stripped.partition("\n")
    first = first.strip()
    if rest.strip() and first and len(first) <= _MAX_TITLE_CHARS and not first.endswith(
        (".", "。", ",", "，", ";", "；", ":", "：")
    ):
        return normalize_space(first)
    return readable_stem(path)


class PlainTextParser:
    """``.txt`` files: one run of sentence-aware passages; paragraphs end sentences."""

    kind = SourceKind.text
    suffixes: tuple[str, ...] = (".txt",)

    def parse(self, path: Path, ctx: ParseContext | None = None) -> ParsedDocument:
        text = read_text(path)
        passages = chunk_segments(text, [Segment(0, len(text), Locator())])
        if not passages:
            raise EmptySourceError(path, "the file has no text")
        return ParsedDocument(
            kind=self.kind,
            title=_plain_title(text, path),
            text=text,
            passages=passages,
            language=detect_language(text),
        )
