"""The validation report: findings with severity, place, evidence and a proposal.

JSON schema (``ValidationReport.model_json_schema()``; ``verified_pct`` is computed and only
in the output)::

    {"report": str, "summary": {"cited": int, "claims_checked": int, "supported": int,
      "unverified": int, "partially_supported": int, "not_supported": int,
      "verified_pct": float, "supported_pct": float,
      "uncited": int, "errors": int, "warnings": int, "findings_by_kind": {kind: int},
      "length": int | null, "length_range": str | null, "repairs": int},
     "findings": [{"kind": "support" | "miscited" | "off_source" | "uncited" | "provenance" |
                   "bibliography" | "structure" | "length" | "citation",
                   "severity": "error" | "warning" | "info", "section": str | null,
                   "sentence_index": int | null, "sentence": str | null, "message": str,
                   "verdict": "supported" | "unverified" | "partially_supported"
                              | "not_supported" | null,
                   "score": float | null, "evidence": str | null, "locator": str | null,
                   "source": str | null, "proposal": str | null,
                   "proposal_passage": int | null}],
     "sentences": [{"index": int, "section": str | null, "paragraph": int, "text": str,
                    "citations": [str], "verdict": "supported" | ... | null,
                    "score": float | null, "status": "supported" | "unverified" | "partial"
                                                     | "unsupported" | "uncited" | "not_a_claim",
                    "evidence": str | null, "locator": str | null, "source": str | null,
                    "passage_id": int | null, "paragraph_citation": bool}],
     "repairs": [{"action": "rewritten" | "recited" | "removed" | "kept", "section": str | null,
                  "before": str, "after": str | null, "reason": str}]}

In ``summary``: ``cited`` counts the sentences a citation covers (their own, or their
paragraph's closing one), ``claims_checked`` those the judge gave a verdict (a citation that
resolves to nothing, or ``--no-judge``, leaves a cited sentence unjudged). Only ``supported``
sentences count as verified: ``verified_pct`` is ``supported`` of ``cited``, the figure every
summary shows ("verified 31 of 40 cited sentences"); ``supported_pct`` (``supported`` of
``claims_checked``) is kept for older readers. ``unverified`` sentences are those the judge
could not establish either way: a warning each, listed for the reader to check.

``sentences`` holds one record per sentence of the report in reading order (what the HTML
renderer marks), with the evidence span it was judged against, that span's source, locator and
passage; ``repairs`` what ``docent write`` changed while repairing (empty for
``docent check``).

``docent check`` exits 1 while any finding of severity ``error`` remains (:attr:`ok`); with
``--strict`` also while any sentence is unverified (:attr:`ValidationReport.ok_strict`).
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field, computed_field

from docent.types import Verdict

__all__ = [
    "CheckedSentence",
    "Finding",
    "Repair",
    "UnverifiedSentence",
    "ValidationReport",
    "ValidationSummary",
    "to_markdown",
]


class Finding(BaseModel):
    kind: str
    severity: str  # error / warning / info
    message: str
    section: str | None = None
    sentence_index: int | None = None
    sentence: str | None = None
    verdict: Verdict | None = None
    score: float | None = None
    evidence: str | None = None
    locator: str | None = None
    source: str | None = None
    proposal: str | None = None
    proposal_passage: int | None = None  # the passage id a miscited claim should cite


class CheckedSentence(BaseModel):
    """One sentence of the report and how it fared."""

    index: int
    section: str | None = None
    paragraph: int = 0
    text: str
    citations: list[str] = Field(default_factory=list)  # as written, e.g. "[3]"
    verdict: Verdict | None = None
    score: float | None = None
    # supported / unverified / partial / unsupported / uncited / not_a_claim
    status: str = "not_a_claim"
    evidence: str | None = None  # the evidence span it was judged against
    locator: str | None = None  # where that span is, e.g. "p. 4, 3.3 Citation Quality"
    source: str | None = None  # the title of that span's source
    passage_id: int | None = None  # the passage that span comes from
    paragraph_citation: bool = False  # judged against its paragraph's closing citation


class Repair(BaseModel):
    """A change the repair loop of ``docent write`` made (or could not make)."""

    action: str  # rewritten / recited / removed / kept
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


def _one_line(text: str) -> str:
    return " ".join(text.split())


def to_markdown(v: ValidationReport) -> str:
    """The readable validation report: the verified count first, the unverified sentences for
    the reader to check, then every finding and repair."""
    s = v.summary
    lines = [
        f"# Validation report: {v.report}", "",
        f"- verified {s.supported} of {s.covered} cited sentences ({s.verified_pct:g}%)",
        f"- unverified (check these yourself): {s.unverified}; partly supported: "
        f"{s.partially_supported}; not supported: {s.not_supported}"
        + (f"; not judged: {s.covered - s.claims_checked}" if s.covered > s.claims_checked
           else ""),
        f"- uncited factual sentences: {s.uncited}",
        f"- errors: {s.errors}; warnings: {s.warnings}",
    ]
    if s.length is not None:
        lines.append(f"- length: {s.length}" + (f" (asked {s.length_range})" if s.length_range
                                                 else ""))
    if s.findings_by_kind:
        lines.append("- findings by kind: " + ", ".join(
            f"{k} {n}" for k, n in sorted(s.findings_by_kind.items())))
    if v.repairs:
        lines.append(f"- repairs made while writing: {len(v.repairs)}")
    unverified = v.unverified_sentences()
    if unverified:
        lines += ["", "## Unverified sentences (check these yourself)", "",
                  "The judge could not establish that the cited passage supports these "
                  "sentences. Read each against the evidence it was judged on.", ""]
        for n, u in enumerate(unverified, 1):
            where = f" [{u.section}]" if u.section else ""
            cites = " " + " ".join(u.citations) if u.citations else ""
            lines.append(f"{n}.{where} {u.text}{cites}")
            place = ", ".join(x for x in (u.source, u.locator) if x) or "the cited passage"
            if u.paragraph_citation:
                place += "; judged against its paragraph's citation"
            if u.evidence:
                lines.append(f"   - evidence ({place}): “{_one_line(u.evidence)[:300]}”")
            else:
                lines.append(f"   - judged against {place}")
            if u.score is not None:
                lines.append(f"   - score {u.score:.2f}")
    lines += ["", "## Findings", ""]
    order = {"error": 0, "warning": 1, "info": 2}
    for f in sorted(v.findings, key=lambda f: (order.get(f.severity, 3),
                                               f.sentence_index or -1)):
        where = f" [{f.section}]" if f.section else ""
        lines.append(f"### {f.severity.upper()} {f.kind}{where}")
        if f.sentence:
            lines.append(f"> {f.sentence}")
        lines.append(f.message + (f" (verdict: {f.verdict.value}, score {f.score:.2f})"
                                  if f.verdict is not None and f.score is not None else ""))
        if f.evidence:
            lines.append(f"Evidence ({f.source or ''}{', ' + f.locator if f.locator else ''}): "
                         f"“{_one_line(f.evidence)[:300]}”")
        if f.proposal:
            lines.append(f"Proposal: {f.proposal}")
        lines.append("")
    if v.repairs:
        lines += ["## Repairs", ""]
        for r in v.repairs:
            where = f" [{r.section}]" if r.section else ""
            lines.append(f"- **{r.action}**{where}: {r.reason}")
            lines.append(f"  - before: {r.before}")
            if r.after:
                lines.append(f"  - after: {r.after}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
