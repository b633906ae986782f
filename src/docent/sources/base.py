"""What a parser returns, and the Protocol every parser follows.

A parser turns one file into a :class:`ParsedDocument`: the full extracted text, the passages
cut from it (each with a :class:`~docent.types.Locator` and its span in that text) and what it
learnt about the document (title, pages or duration, bibliography)::

    from docent.sources import parse
    doc = parse(Path("paper.pdf"))
    doc.passages[0].locator.label()      # 'p. 1, Abstract'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from docent.progress import Progress
from docent.types import Bibliography, Locator, Passage, PassageRole, SourceKind

if TYPE_CHECKING:
    from docent.config import Settings
    from docent.store import Store

__all__ = ["MEDIA_KINDS", "MEDIA_SUFFIXES", "ParsedDocument", "Parser", "Segment", "ParseContext"]

#: File types read as recordings (speech recognised, or their subtitles used).
MEDIA_SUFFIXES = (".mp4", ".mkv", ".webm", ".mov", ".mp3", ".wav", ".m4a", ".flac")
#: Source kinds that come from a recording: cited by time, shown as "the video".
MEDIA_KINDS = frozenset({SourceKind.media, SourceKind.subtitles})


@dataclass
class Segment:
    """A stretch ``text[start:end]`` of the extracted text that shares one locator and role."""

    start: int
    end: int
    locator: Locator
    role: PassageRole = PassageRole.body


@dataclass
class ParsedDocument:
    kind: SourceKind
    title: str
    text: str  # the full extracted text; every passage is text[char_start:char_end]
    passages: list[Passage]
    pages: int | None = None
    duration: float | None = None
    language: str | None = None
    bibliography: Bibliography | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class ParseContext:
    """What a parser may need beyond the file: settings, the workspace (for caches and
    checkpoints, e.g. transcripts), a progress callback and per-call options."""

    settings: Settings | None = None
    store: Store | None = None
    progress: Progress | None = None
    sha256: str | None = None  # content hash of the file, when the caller has it
    subtitles: Path | None = None  # media: use this subtitle file instead of recognising speech
    language: str | None = None  # media: spoken language, instead of detecting it


class Parser(Protocol):
    """Parses files of some suffixes. Raise :class:`~docent.errors.SourceError` on bad input."""

    kind: SourceKind
    suffixes: tuple[str, ...]

    def parse(self, path: Path, ctx: ParseContext | None = None) -> ParsedDocument: ...
