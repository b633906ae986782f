"""Typed records passed between pipeline stages.

A :class:`Source` is one ingested file; its text is cut into :class:`Passage` records, each with
a :class:`Locator` precise enough for a reader to find it (PDF page, timestamp range, heading
path and chunk number) and its character span in the source's extracted text::

    >>> loc = Locator(page=3, section="4 Evaluation")
    >>> loc.label()
    'p. 3, 4 Evaluation'
    >>> Locator(start=724.0, end=761.5).label()
    '12:04-12:41'
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from enum import Enum

from pydantic import BaseModel, Field, computed_field, model_validator

__all__ = [
    "SourceKind",
    "PassageRole",
    "NOT_PROSE",
    "Locator",
    "Bibliography",
    "Source",
    "Passage",
    "SearchHit",
    "Citation",
    "DraftSection",
    "DraftParagraph",
    "DraftSentence",
    "SentenceEvidence",
    "Draft",
    "Verdict",
    "Severity",
    "FindingKind",
    "SentenceStatus",
    "SectionStatus",
    "RepairAction",
    "RunState",
    "Finding",
    "CheckedSentence",
    "Repair",
    "UnverifiedSentence",
    "ValidationSummary",
    "ValidationReport",
    "format_timestamp",
    "parse_timestamp",
    "LengthUnit",
    "LengthRange",
    "BriefSection",
    "Brief",
]


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
    """A paragraph: its sentences, and the list marker ("- ", "1. ") of a list item.

    >>> p = DraftParagraph.of("- One [1]. Two.")
    >>> p.marker, [s.text for s in p.sentences], p.markdown
    ('- ', ['One [1].', 'Two.'], '- One [1]. Two.')
    """

    marker: str = ""
    sentences: list[DraftSentence] = Field(default_factory=list)

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
    def markdown(self) -> str:
        return self.marker + self.text

    def spans(self) -> list[tuple[int, int, DraftSentence]]:
        """Each sentence with its ``(start, end)`` in :attr:`text`."""
        from docent.text import join_sentences

        out: list[tuple[int, int, DraftSentence]] = []
        done: list[str] = []
        for s in self.sentences:
            start = len(join_sentences(done + [s.text])) - len(s.text)
            out.append((start, start + len(s.text), s))
            done.append(s.text)
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


# --- validation: what `docent check` (and the last step of `docent write`) finds ------------

class Finding(BaseModel):
    kind: FindingKind
    severity: Severity
    message: str
    section: str | None = None
    sentence_index: int | None = None  # the :attr:`CheckedSentence.index` it is about
    sentence_id: str | None = None  # and that sentence's id, in a checked Draft
    sentence: str | None = None
    verdict: Verdict | None = None
    score: float | None = None
    evidence: str | None = None
    locator: str | None = None
    source: str | None = None
    proposal: str | None = None
    proposal_passage: int | None = None  # the passage id a miscited claim should cite
    length_gap: int | None = None  # a length error: how far under (< 0) or over (> 0) the range


class CheckedSentence(BaseModel):
    """One sentence of the report and how it fared; a sentence of a checked :class:`Draft`
    has its :attr:`DraftSentence.id`."""

    index: int
    id: str | None = None
    section: str | None = None
    paragraph: int = 0
    text: str
    citations: list[str] = Field(default_factory=list)  # as written, e.g. "[3]"
    verdict: Verdict | None = None
    score: float | None = None
    status: SentenceStatus = SentenceStatus.not_a_claim
    evidence: str | None = None  # the evidence span it was judged against
    locator: str | None = None  # where that span is, e.g. "p. 4, 3.3 Citation Quality"
    source: str | None = None  # the title of that span's source
    passage_id: int | None = None  # the passage that span comes from
    paragraph_citation: bool = False  # judged against its paragraph's closing citation


class Repair(BaseModel):
    """A change the repair loop of ``docent write`` made (or could not make)."""

    action: RepairAction
    section: str | None = None
    before: str
    after: str | None = None
    reason: str


class UnverifiedSentence(BaseModel):
    """A sentence the judge could not verify, and what it was judged against."""

    index: int | None = None
    section: str | None = None
    text: str
    citations: list[str] = Field(default_factory=list)
    evidence: str | None = None
    source: str | None = None
    locator: str | None = None
    score: float | None = None
    paragraph_citation: bool = False


class ValidationSummary(BaseModel):
    cited: int = 0  # sentences a citation covers (0 in reports saved before it was counted)
    claims_checked: int = 0  # sentences the judge gave a verdict
    supported: int = 0  # the verified ones
    unverified: int = 0  # the judge could not establish support: check them yourself
    partially_supported: int = 0
    not_supported: int = 0
    supported_pct: float = 0.0  # supported of claims_checked (kept for compatibility)
    uncited: int = 0
    errors: int = 0
    warnings: int = 0
    findings_by_kind: dict[str, int] = Field(default_factory=dict)
    length: int | None = None
    length_range: str | None = None
    repairs: int = 0

    @property
    def covered(self) -> int:
        """The cited sentences ("of M"): never fewer than were judged."""
        return max(self.cited, self.claims_checked)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def verified_pct(self) -> float:
        """Supported sentences as a share of the cited ones."""
        return round(100 * self.supported / self.covered, 1) if self.covered else 0.0

    def verified_line(self) -> str:
        """``verified 31 of 40 cited sentences (5 unverified, 2 partly, 1 not supported)``,
        with ``, 1 not judged`` when a cited sentence got no verdict."""
        counts = (f"{self.unverified} unverified, {self.partially_supported} partly, "
                  f"{self.not_supported} not supported")
        unjudged = self.covered - self.claims_checked
        if unjudged:
            counts += f", {unjudged} not judged"
        return f"verified {self.supported} of {self.covered} cited sentences ({counts})"


class ValidationReport(BaseModel):
    report: str
    summary: ValidationSummary
    findings: list[Finding]
    sentences: list[CheckedSentence] = Field(default_factory=list)
    repairs: list[Repair] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No error remains (what ``docent check`` and ``docent write`` gate on)."""
        return self.summary.errors == 0

    @property
    def ok_strict(self) -> bool:
        """No error remains and no sentence is unverified (``--strict``)."""
        return self.ok and self.summary.unverified == 0 and not any(
            s.status == "unverified" or s.verdict is Verdict.unverified for s in self.sentences)

    def unverified_sentences(self) -> list[UnverifiedSentence]:
        """Each unverified sentence in reading order, with the evidence it was judged against
        (from its sentence record, else from its finding)."""
        found: dict[int | None, UnverifiedSentence] = {}
        for s in self.sentences:
            if s.status == "unverified" or s.verdict is Verdict.unverified:
                found[s.index] = UnverifiedSentence(
                    index=s.index, section=s.section, text=s.text, citations=s.citations,
                    evidence=s.evidence, source=s.source, locator=s.locator, score=s.score,
                    paragraph_citation=s.paragraph_citation)
        loose: list[UnverifiedSentence] = []
        for f in self.findings:
            if f.verdict is not Verdict.unverified:
                continue
            item = found.get(f.sentence_index) if f.sentence_index is not None else None
            if item is None:
                item = UnverifiedSentence(index=f.sentence_index, section=f.section,
                                          text=f.sentence or "")
                if f.sentence_index is None:
                    loose.append(item)
                else:
                    found[f.sentence_index] = item
            item.evidence = item.evidence or f.evidence
            item.source = item.source or f.source
            item.locator = item.locator or f.locator
            item.score = item.score if item.score is not None else f.score
        return sorted(found.values(), key=lambda u: u.index or 0) + loose

    def extended(self, findings: list[Finding], repairs: list[Repair]) -> ValidationReport:
        """This report with more findings and the repairs made, counts updated."""
        out = self.model_copy(deep=True)
        out.findings += findings
        out.repairs += repairs
        s = out.summary
        s.errors = sum(1 for f in out.findings if f.severity == "error")
        s.warnings = sum(1 for f in out.findings if f.severity == "warning")
        s.findings_by_kind = dict(Counter(f.kind for f in out.findings if f.severity != "info"))
        s.repairs = len(out.repairs)
        return out

    @classmethod
    def build(cls, report: str, findings: list[Finding], verdicts: list[Verdict],
              length: int | None, length_range: str | None,
              sentences: list[CheckedSentence] | None = None,
              repairs: list[Repair] | None = None) -> ValidationReport:
        counts = Counter(verdicts)
        checked = len(verdicts)
        cited = (sum(1 for s in sentences if s.citations or s.verdict is not None
                     or s.paragraph_citation) if sentences else 0)
        summary = ValidationSummary(
            cited=max(cited, checked),
            claims_checked=checked,
            supported=counts[Verdict.supported],
            unverified=counts[Verdict.unverified],
            partially_supported=counts[Verdict.partially_supported],
            not_supported=counts[Verdict.not_supported],
            supported_pct=round(100 * counts[Verdict.supported] / checked, 1) if checked else 0.0,
            uncited=sum(1 for f in findings if f.kind == "uncited"),
            errors=sum(1 for f in findings if f.severity == "error"),
            warnings=sum(1 for f in findings if f.severity == "warning"),
            findings_by_kind=dict(Counter(f.kind for f in findings if f.severity != "info")),
            length=length, length_range=length_range, repairs=len(repairs or []),
        )
        return cls(report=report, summary=summary, findings=findings,
                   sentences=sentences or [], repairs=repairs or [])
