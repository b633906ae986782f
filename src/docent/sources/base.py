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
from typing import Protocol

from docent.types import Bibliography, Locator, Passage, PassageRole, SourceKind

__all__ = ["ParsedDocument", "Parser", "Segment"]


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


class Parser(Protocol):
    """Parses files of some suffixes. Raise :class:`~docent.errors.SourceError` on bad input."""

    kind: SourceKind
    suffixes: tuple[str, ...]

    def parse(self, path: Path) -> ParsedDocument: ...
