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
from typing import TYPE_CHECKING, Callable, Protocol

from docent.types import Bibliography, Locator, Passage, PassageRole, SourceKind

if TYPE_CHECKING:
    from docent.config import Settings
    from docent.store import Store

__all__ = ["ParsedDocument", "Parser", "Segment", "ParseContext"]


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
    progress: Callable[[str, int, int], None] | None = None
    sha256: str | None = None  # content hash of the file, when the caller has it
    subtitles: Path | None = None  # media: use this subtitle file instead of recognising speech
    language: str | None = None  # media: spoken language, instead of detecting it


class Parser(Protocol):
    """Parses files of some suffixes. Raise :class:`~docent.errors.SourceError` on bad input."""

    kind: SourceKind
    suffixes: tuple[str, ...]

    def parse(self, path: Path, ctx: ParseContext | None = None) -> ParsedDocument: ...
