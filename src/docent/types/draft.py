"""The Draft -- sections, paragraphs, sentences with stable ids, their evidence and verdicts
-- with its citations, and the states of findings, sentences, sections, repairs and runs."""

from __future__ import annotations

import re
from enum import Enum
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field, model_validator

from docent.types.sources import LengthRange, LengthUnit, Locator, SourceKind

if TYPE_CHECKING:
    from docent.types.validation import ValidationReport

__all__ = ["Citation", "Draft", "DraftParagraph", "DraftSection", "DraftSentence", "FindingKind",
           "Named", "RepairAction", "RunState", "SectionStatus", "SentenceEvidence",
           "SentenceStatus", "Severity", "Verdict"]


class Named(str, Enum):
    """A state written as a word in JSON, the store and messages; it prints as that word and
    equals it (``Severity.error == "error"``, ``f"{Severity.error}" == "error"``)."""

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


class Severity(Named):
    error = "error"  # fails `docent check` and `docent write`
    warning = "warning"
    info = "info"


class FindingKind(Named):
    structure = "structure"  # a required section missing, out of order or empty
    length = "length"
    bibliography = "bibliography"  # a wrong title, author or year
    provenance = "provenance"  # a source the workspace does not hold
    citation = "citation"  # a citation that resolves to nothing, or read at paragraph level
    uncited = "uncited"  # a factual sentence without a citation
    support = "support"  # the cited passage does not (fully, verifiably) support the sentence
    miscited = "miscited"  # another passage supports it: the citation points elsewhere
    off_source = "off_source"  # a claim about the paper cited to another document


class SentenceStatus(Named):
    supported = "supported"
    confirmed = "confirmed"  # the reader confirmed it in review (not the judge's "supported")
    unverified = "unverified"
    partial = "partial"
    unsupported = "unsupported"
    uncited = "uncited"
    not_a_claim = "not_a_claim"


class SectionStatus(Named):
    written = "written"
    metadata = "metadata"  # bibliographic lines copied from the sources
    missing_source = "missing_source"  # the assignment asks for a source not provided
    no_evidence = "no_evidence"  # no passage of the sources matches the section
    unverified = "unverified"  # every sentence failed validation and was removed


class RepairAction(Named):
    rewritten = "rewritten"
    recited = "recited"
    removed = "removed"
    kept = "kept"


class RunState(Named):
    """Where a run (a report, or an ingest job of the web app) stands."""

    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    cancelled = "cancelled"
    interrupted = "interrupted"


class Citation(BaseModel):
    """One entry of a report's reference list: ``[number]`` -> a passage and its locator."""

    number: int
    passage_id: int
    source_id: int
    source_title: str
    source_kind: SourceKind
    locator: Locator
    excerpt: str  # the start of the passage, for the reader

    def label(self) -> str:
        return f"{self.source_title}, {self.locator.label()}"


class SentenceEvidence(BaseModel):
    """The source sentence a report sentence was written from: ``passage.text[start:end]``."""

    passage_id: int
    start: int
    end: int
    text: str  # the source sentence
    # rewritten in a repair from the best sentences of the passage (no longer from this span
    # alone): then it is judged against the whole passage
    rewritten: bool = False


class Verdict(str, Enum):
    """How far a passage supports a claim."""

    supported = "supported"
    partially_supported = "partially_supported"
    not_supported = "not_supported"
    unverified = "unverified"  # the judge could not establish support with confidence


class DraftSentence(BaseModel):
    """One sentence of a :class:`Draft`. Its ``id`` ("2.1.3": section, paragraph, sentence as
    first written) is given once and kept through re-citation, rewriting and the removal of
    other sentences; ``text`` is Markdown with its citation markers; ``evidence`` is the source
    sentence the writer rendered it from; ``verdict`` and ``score`` are the last check's."""

    id: str = ""
    text: str
    evidence: SentenceEvidence | None = None
    verdict: Verdict | None = None
    score: float | None = None


class DraftParagraph(BaseModel):
    """A paragraph: its sentences, the list marker ("- ", "1. ") of a list item, and a lead
    (a run-in heading printed in bold before the text: no sentence, nothing to check).

    >>> p = DraftParagraph.of("- One [1]. Two.")
    >>> p.marker, [s.text for s in p.sentences], p.markdown
    ('- ', ['One [1].', 'Two.'], '- One [1]. Two.')
    """

    marker: str = ""
    sentences: list[DraftSentence] = Field(default_factory=list)
    lead: str = ""  # a run-in heading printed in bold before the text ("流畅性（Fluency）")

    @classmethod
    def of(cls, markdown: str) -> DraftParagraph:
        """A paragraph written as Markdown, cut into sentences (without ids)."""
        from docent.text import split_sentences

        marker, sentences = split_sentences(markdown)
        return cls(marker=marker, sentences=[DraftSentence(text=t) for t in sentences])

    @property
    def text(self) -> str:
        """The sentences as one line (without the marker)."""
        from docent.text import join_sentences

        return join_sentences([s.text for s in self.sentences])

    @property
    def separator(self) -> str:
        """What follows the lead: "：" in a Chinese paragraph, ": " in an English one."""
        # the text's first words, not its first letter: "NNLM 架构……" is a Chinese paragraph
        return "：" if re.search(r"[\u4e00-\u9fff]", self.lead + self.text[:40]) else ": "

    @property
    def markdown(self) -> str:
        lead = f"**{self.lead}**{self.separator}" if self.lead else ""
        return self.marker + lead + self.text

    def spans(self) -> list[tuple[int, int, DraftSentence]]:
        """Each sentence with its ``(start, end)`` in :attr:`text` (the join adds at most a
        space between two sentences, so each is found after the one before)."""
        text, cursor = self.text, 0
        out: list[tuple[int, int, DraftSentence]] = []
        for s in self.sentences:
            start = text.index(s.text, cursor)
            out.append((start, start + len(s.text), s))
            cursor = start + len(s.text)
        return out


class DraftSection(BaseModel):
    title: str
    heading: str  # as printed, e.g. "（1）论文基本信息" or "1. Summary"
    paragraphs: list[DraftParagraph] = Field(default_factory=list)
    status: SectionStatus = SectionStatus.written
    note: str | None = None  # why a section could not be written from sources

    @model_validator(mode="before")
    @classmethod
    def _from_markdown(cls, data):
        """Paragraphs may be given as Markdown text (and were stored so before sentences had
        ids, with their evidence records in the section): cut them into sentences."""
        if not isinstance(data, dict) or not any(
                isinstance(p, str) for p in data.get("paragraphs") or []):
            return data
        from docent.text import sentence_key, strip_markers

        data = dict(data)
        records = {sentence_key(r.get("sentence", "")): r for r in data.pop("evidence", None) or []
                   if isinstance(r, dict)}
        paragraphs = []
        for p in data["paragraphs"]:
            if isinstance(p, str):
                p = DraftParagraph.of(p)
                for s in p.sentences:
                    record = records.get(sentence_key(strip_markers(s.text)))
                    s.evidence = SentenceEvidence.model_validate(record) if record else None
            paragraphs.append(p)
        data["paragraphs"] = paragraphs
        return data

    def add(self, markdown: str) -> DraftParagraph:
        """Append a paragraph written as Markdown; returns it."""
        self.paragraphs.append(DraftParagraph.of(markdown))
        return self.paragraphs[-1]

    def sentences(self) -> list[DraftSentence]:
        return [s for p in self.paragraphs for s in p.sentences]

    def markdown(self) -> str:
        """The paragraphs as Markdown, a blank line between them."""
        return "\n\n".join(p.markdown for p in self.paragraphs)


class Draft(BaseModel):
    """A written report: sections in the brief's order and the citations they use. Every
    sentence has an id once the draft is made (:meth:`number_sentences`).

    >>> d = Draft(title="T", language="en", sections=[DraftSection(
    ...     title="Summary", heading="1. Summary", paragraphs=["One. Two [1].", "Three."])])
    >>> [s.id for s in d.sentences()]
    ['1.1.1', '1.1.2', '1.2.1']
    """

    run_id: int | None = None
    title: str
    language: str
    sections: list[DraftSection]
    citations: list[Citation] = Field(default_factory=list)
    length: int = 0
    length_unit: LengthUnit = LengthUnit.zh_chars
    length_range: LengthRange | None = None

    @model_validator(mode="after")
    def _ids(self) -> Draft:
        self.number_sentences()
        return self

    def number_sentences(self) -> None:
        """Give an id to each sentence that has none (or a copy of an earlier one's): the next
        free paragraph number of its section for a new paragraph, the next free sentence number
        of its paragraph for a sentence added to one. Ids already given never change."""
        taken: set[str] = set()
        for si, section in enumerate(self.sections):
            ids = [s.id.split(".") for s in section.sentences() if s.id.count(".") == 2]
            top = max((int(i[1]) for i in ids if i[1].isdigit()), default=0)
            for paragraph in section.paragraphs:
                head = next((s.id.rsplit(".", 1)[0] for s in paragraph.sentences
                             if s.id.count(".") == 2 and s.id not in taken), None)
                if head is None:
                    top += 1
                    head = f"{si + 1}.{top}"
                k = max((int(s.id.rsplit(".", 1)[1]) for s in paragraph.sentences
                         if s.id.startswith(head + ".") and s.id.rsplit(".", 1)[1].isdigit()),
                        default=0)
                for s in paragraph.sentences:
                    while not s.id or s.id in taken:
                        k += 1
                        s.id = f"{head}.{k}"
                    taken.add(s.id)

    def sentences(self) -> list[DraftSentence]:
        """Every sentence, in reading order."""
        return [s for section in self.sections for s in section.sentences()]

    def find(self, sentence_id: str | None) -> tuple[int, DraftSentence] | None:
        """``(section index, sentence)`` of the sentence with that id, or None."""
        for si, section in enumerate(self.sections):
            for s in section.sentences():
                if s.id == sentence_id:
                    return si, s
        return None

    def judged(self, report: ValidationReport) -> Draft:
        """This draft with each sentence's verdict and score from ``report`` (by id)."""
        out = self.model_copy(deep=True)
        by_id = {c.id: c for c in report.sentences if c.id}
        for s in out.sentences():
            c = by_id.get(s.id)
            s.verdict, s.score = (c.verdict, c.score) if c is not None else (None, None)
        return out

    def body_markdown(self) -> str:
        """Title, headings and paragraphs (no reference list): what the length counts."""
        parts = [f"# {self.title}"]
        for section in self.sections:
            parts.append(f"## {section.heading}")
            parts.extend(p.markdown for p in section.paragraphs)
        return "\n\n".join(parts) + "\n"
