"""The validation report: findings with severity, place, evidence and a proposal.

JSON schema (``ValidationReport.model_json_schema()``)::

    {"report": str, "summary": {"claims_checked": int, "supported": int,
      "partially_supported": int, "not_supported": int, "supported_pct": float,
      "uncited": int, "errors": int, "warnings": int, "findings_by_kind": {kind: int},
      "length": int | null, "length_range": str | null, "repairs": int},
     "findings": [{"kind": "support" | "miscited" | "off_source" | "uncited" | "provenance" |
                   "bibliography" | "structure" | "length" | "citation",
                   "severity": "error" | "warning" | "info", "section": str | null,
                   "sentence_index": int | null, "sentence": str | null, "message": str,
                   "verdict": "supported" | "partially_supported" | "not_supported" | null,
                   "score": float | null, "evidence": str | null, "locator": str | null,
                   "source": str | null, "proposal": str | null,
                   "proposal_passage": int | null}],
     "sentences": [{"index": int, "section": str | null, "paragraph": int, "text": str,
                    "citations": [str], "verdict": "supported" | ... | null,
                    "score": float | null, "status": "supported" | "partial" | "unsupported"
                                                     | "uncited" | "not_a_claim"}],
     "repairs": [{"action": "rewritten" | "recited" | "removed" | "kept", "section": str | null,
                  "before": str, "after": str | null, "reason": str}]}

``sentences`` holds one record per sentence of the report in reading order (what the HTML
renderer marks), ``repairs`` what ``docent write`` changed while repairing (empty for
``docent check``).

``docent check`` exits 1 while any finding of severity ``error`` remains.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field

from docent.types import Verdict

__all__ = [
    "CheckedSentence",
    "Finding",
    "Repair",
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
    status: str = "not_a_claim"  # supported / partial / unsupported / uncited / not_a_claim


class Repair(BaseModel):
    """A change the repair loop of ``docent write`` made (or could not make)."""

    action: str  # rewritten / recited / removed / kept
    section: str | None = None
    before: str
    after: str | None = None
    reason: str


class ValidationSummary(BaseModel):
    claims_checked: int = 0
    supported: int = 0
    partially_supported: int = 0
    not_supported: int = 0
    supported_pct: float = 0.0
    uncited: int = 0
    errors: int = 0
    warnings: int = 0
    findings_by_kind: dict[str, int] = Field(default_factory=dict)
    length: int | None = None
    length_range: str | None = None
    repairs: int = 0


class ValidationReport(BaseModel):
    report: str
    summary: ValidationSummary
    findings: list[Finding]
    sentences: list[CheckedSentence] = Field(default_factory=list)
    repairs: list[Repair] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.summary.errors == 0

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
        summary = ValidationSummary(
            claims_checked=checked,
            supported=counts[Verdict.supported],
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


def to_markdown(v: ValidationReport) -> str:
    s = v.summary
    lines = [
        f"# Validation report: {v.report}", "",
        f"- claims checked: {s.claims_checked}; supported {s.supported} ({s.supported_pct}%), "
        f"partially {s.partially_supported}, not supported {s.not_supported}",
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
                         f"“{f.evidence[:300]}”")
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
