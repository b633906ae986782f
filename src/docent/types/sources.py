"""Sources, passages and their locators, and the brief an assignment is read into.

    >>> loc = Locator(page=3, section="4 Evaluation")
    >>> loc.label()
    'p. 3, 4 Evaluation'
    >>> Locator(start=724.0, end=761.5).label()
    '12:04-12:41'
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import BaseModel, Field

__all__ = ["NOT_PROSE", "Bibliography", "Brief", "BriefSection", "LengthRange", "LengthUnit",
           "Locator", "Passage", "PassageRole", "SearchHit", "Source", "SourceKind",
           "format_timestamp", "parse_timestamp"]


class SourceKind(str, Enum):
    pdf = "pdf"
    subtitles = "subtitles"
    media = "media"
    web = "web"
    markdown = "markdown"
    text = "text"
    docx = "docx"


class PassageRole(str, Enum):
    """What part of a document a passage comes from."""

    front = "front"  # title block, authors, affiliations
    abstract = "abstract"
    body = "body"
    references = "references"
    appendix = "appendix"
    footnote = "footnote"  # a page's footnotes: never prose evidence
    figure = "figure"  # a figure's or table's text and its caption: never prose evidence


#: Roles whose passages are never the evidence a report's prose is written from.
NOT_PROSE = (PassageRole.references, PassageRole.footnote, PassageRole.figure)


def format_timestamp(seconds: float) -> str:
    """``724.3`` -> ``'12:04'``; ``3725`` -> ``'1:02:05'``."""
    total = int(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def parse_timestamp(text: str) -> float:
    """``'12:04'`` -> 724.0; ``'1:02:05.5'`` -> 3725.5; ``'00:01:02,500'`` -> 62.5."""
    parts = text.strip().replace(",", ".").split(":")
    if not 1 <= len(parts) <= 3:
        raise ValueError(f"not a timestamp: {text!r}")
    value = 0.0
    for part in parts:
        value = value * 60 + float(part)
    return value


class Locator(BaseModel):
    """Where a passage is: page (PDF), time range (media, subtitles), heading path and chunk."""

    page: int | None = None  # 1-based PDF page
    section: str | None = None  # heading, or heading path "A > B" for web/markdown/docx
    start: float | None = None  # seconds
    end: float | None = None
    chunk: int | None = None  # 1-based chunk number within the source (web, text, docx)

    def label(self, dash: str = "-") -> str:
        """Where the passage is, for a reader and for a citation that points at it
        (``'p. 4, 3.3 Citation Quality'``, ``'12:04-12:41'``; ``dash="–"`` for typeset text).

        >>> Locator(start=724.0, end=761.5).label(dash="–")
        '12:04–12:41'
        """
        parts: list[str] = []
        if self.page is not None:
            parts.append(f"p. {self.page}")
        if self.start is not None and self.end is not None:
            parts.append(f"{format_timestamp(self.start)}{dash}{format_timestamp(self.end)}")
        elif self.start is not None:
            parts.append(format_timestamp(self.start))
        if self.section:
            parts.append(self.section)
        if self.chunk is not None and self.page is None and self.start is None:
            parts.append(f"chunk {self.chunk}")
        return ", ".join(parts) if parts else "whole document"

    def contains_time(self, seconds: float) -> bool:
        return (
            self.start is not None
            and self.end is not None
            and self.start <= seconds < self.end
        )


class Bibliography(BaseModel):
    """Bibliographic facts read from the document itself, never from a model's memory."""

    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    affiliations: list[str] = Field(default_factory=list)
    abstract: str | None = None
    venue: str | None = None
    year: int | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    url: str | None = None  # canonical URL of a web page, or https://arxiv.org/abs/<id>


class Source(BaseModel):
    id: int | None = None
    path: str  # absolute path (or URL) it was ingested from
    kind: SourceKind
    title: str
    sha256: str
    size: int = 0
    pages: int | None = None
    duration: float | None = None  # seconds, for media and subtitles
    language: str | None = None  # "en", "zh", ...
    bibliography: Bibliography | None = None
    passage_count: int = 0
    ingested_at: datetime | None = None


class Passage(BaseModel):
    id: int | None = None
    source_id: int | None = None
    ordinal: int  # 0-based order within the source
    text: str
    locator: Locator
    char_start: int  # span in the source's extracted text: text == source_text[start:end]
    char_end: int
    role: PassageRole = PassageRole.body


class SearchHit(BaseModel):
    passage: Passage
    source: Source
    score: float
    lexical_rank: int | None = None  # 1-based rank in the lexical list, None if absent
    dense_rank: int | None = None


class LengthUnit(str, Enum):
    """How a report's length is counted; the rule is ``docent.brief.count_length``."""

    zh_chars = "zh_chars"  # 字, as a word processor counts Chinese
    words = "words"  # English words (whitespace-separated)

    @property
    def symbol(self) -> str:
        return "字" if self is LengthUnit.zh_chars else "words"


class LengthRange(BaseModel):
    """A length requirement: ``min``/``max`` inclusive, either open (None)."""

    min: int | None = None
    max: int | None = None
    unit: LengthUnit

    def contains(self, n: int) -> bool:
        return (self.min is None or n >= self.min) and (self.max is None or n <= self.max)

    def label(self) -> str:
        """``'2000-3000 字'``, ``'1500-2000 words'``, ``'≥2000 字'``, ``'≤800 words'``."""
        unit = self.unit.symbol
        if self.min is not None and self.max is not None:
            span = str(self.min) if self.min == self.max else f"{self.min}-{self.max}"
            return f"{span} {unit}"
        if self.min is not None:
            return f"≥{self.min} {unit}"
        if self.max is not None:
            return f"≤{self.max} {unit}"
        return f"any length ({unit})"


class BriefSection(BaseModel):
    """One required section of the report, in the order the assignment gives."""

    number: str | None = None  # "1", "2", ... for numbered lists; None for bullets and lists
    title: str
    about_source: str | None = None  # "paper" / "video" / "web" when about one kind of source
    details: str | None = None  # what the assignment says the section holds, if anything


class Brief(BaseModel):
    """What an assignment asks for (``docent.brief.parse_brief``)."""

    assignment: str
    title: str | None = None
    sections: list[BriefSection] = Field(default_factory=list)
    length: LengthRange | None = None
    language: str  # "zh" or "en": the language to write the report in
    audience: str | None = None
    tone: str | None = None
    expected_sources: list[str] = Field(default_factory=list)  # provided: paper / video / web
    citations_required: bool = False
    notes: list[str] = Field(default_factory=list)  # what the parser was unsure of
