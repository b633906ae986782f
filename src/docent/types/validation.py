"""The validation report: what ``docent check`` (and the last step of ``docent write``)
finds -- findings, each sentence's record, the repairs made, and the counts."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field, computed_field

from docent.types.draft import FindingKind, RepairAction, SentenceStatus, Severity, Verdict

__all__ = ["CheckedSentence", "Finding", "LocatedEvidence", "Repair", "UnverifiedSentence", "ValidationReport",
           "ValidationSummary"]


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


class LocatedEvidence(BaseModel):
    """A place in a source that a sentence was found in (``docent check``'s located evidence)."""

    text: str
    source: str | None = None  # the source's title
    locator: str | None = None  # "p. 5, 3.1 Continuous Bag-of-Words Model"
    page: int | None = None
    passage_id: int | None = None
    score: float | None = None  # the search's score (higher is closer)


class CheckedSentence(BaseModel):
    """One sentence of the report and how it fared; a sentence of a checked :class:`Draft`
    has its :attr:`DraftSentence.id`."""

    index: int
    id: str | None = None
    section: str | None = None
    paragraph: int = 0
    text: str
    raw: str | None = None  # as written, citations included (a report checked by docent check)
    citations: list[str] = Field(default_factory=list)  # as written, e.g. "[3]"
    verdict: Verdict | None = None
    score: float | None = None
    status: SentenceStatus = SentenceStatus.not_a_claim
    evidence: str | None = None  # the evidence span it was judged against
    locator: str | None = None  # where that span is, e.g. "p. 4, 3.3 Citation Quality"
    source: str | None = None  # the title of that span's source
    passage_id: int | None = None  # the passage that span comes from
    paragraph_citation: bool = False  # judged against its paragraph's closing citation
    page: int | None = None  # the page of the evidence, for a PDF
    located_score: float | None = None  # how close the located evidence is (search score)
    runner_up: LocatedEvidence | None = None  # the next-best place, elsewhere in the source(s)
    located: list[LocatedEvidence] = Field(default_factory=list)  # the best places, best first
    reason: str | None = None  # why a verdict other than "unverified", in one line


class Repair(BaseModel):
    """A change the repair loop of ``docent write`` made (or could not make) to the sentence
    ``sentence_id`` of the draft."""

    action: RepairAction
    section: str | None = None
    sentence_id: str | None = None
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
    located_score: float | None = None
    runner_up: LocatedEvidence | None = None


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
    reviewed: str | None = None  # after the reader's review: "verified by Docent 6, confirmed ..."

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
                    paragraph_citation=s.paragraph_citation, located_score=s.located_score,
                    runner_up=s.runner_up)
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
