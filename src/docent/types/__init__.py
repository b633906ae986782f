"""Typed records passed between pipeline stages: :mod:`~docent.types.sources` (sources,
passages, locators, the brief), :mod:`~docent.types.draft` (the Draft and the states) and
:mod:`~docent.types.validation` (the validation report).

A :class:`Source` is one ingested file; its text is cut into :class:`Passage` records, each with
a :class:`Locator` precise enough for a reader to find it (PDF page, timestamp range, heading
path and chunk number) and its character span in the source's extracted text. A
:class:`Draft` is written, validated, repaired and rendered: sections -> paragraphs ->
sentences, each with a stable id::

    >>> d = Draft(title="T", language="en", sections=[DraftSection(
    ...     title="Summary", heading="1. Summary", paragraphs=["It holds [1]. So it is."])])
    >>> [(s.id, s.text) for s in d.sentences()]
    [('1.1.1', 'It holds [1].'), ('1.1.2', 'So it is.')]
"""

from __future__ import annotations

from docent.types.draft import (
    Citation,
    Draft,
    DraftParagraph,
    DraftSection,
    DraftSentence,
    FindingKind,
    RepairAction,
    RunState,
    SectionStatus,
    SentenceEvidence,
    SentenceStatus,
    Severity,
    Verdict,
)
from docent.types.sources import (
    NOT_PROSE,
    Bibliography,
    Brief,
    BriefSection,
    LengthRange,
    LengthUnit,
    Locator,
    Passage,
    PassageRole,
    SearchHit,
    Source,
    SourceKind,
    format_timestamp,
    parse_timestamp,
)
from docent.types.review import ReviewAction, ReviewDecision, ReviewSummary
from docent.types.validation import (
    CheckedSentence,
    LocatedEvidence,
    Finding,
    Repair,
    UnverifiedSentence,
    ValidationReport,
    ValidationSummary,
)

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
    "LocatedEvidence",
    "ReviewAction",
    "ReviewDecision",
    "ReviewSummary",
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
