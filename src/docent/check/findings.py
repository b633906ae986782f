"""The validation report: findings with severity, place, evidence and a proposal. The models
live in :mod:`docent.types` beside the Draft they describe (renderers read them from there);
this module re-exports them and prints the report as Markdown (:func:`to_markdown`).

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

import re

from docent.types import ValidationReport

_CJK = re.compile(r"[\u4e00-\u9fff]")

__all__ = ["to_markdown"]


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
        *([f"- after the reader's review: {s.reviewed}"] if s.reviewed else []),
        f"- errors: {s.errors}; warnings: {s.warnings}",
    ]
    if s.length is not None:
        lines.append(f"- length: {s.length}" + (f" (asked {s.length_range})" if s.length_range
                                                 else ""))
    if s.findings_by_kind:
        lines.append("- findings by kind: " + ", ".join(
            f"{k} {n}" for k, n in sorted(s.findings_by_kind.items())))
    if v.repairs:
        made = sum(r.action != "kept" for r in v.repairs)
        kept = len(v.repairs) - made
        lines.append(f"- repairs made while writing: {made}" + (
            f" ({kept} failing sentences kept as they were, listed below)" if kept else ""))
    unverified = v.unverified_sentences()
    if unverified:
        located = any(u.located_score is not None for u in unverified)
        lines += ["", "## Unverified sentences (check these yourself)", "",
                  "Docent found where the cited source comes closest to each of these "
                  "sentences (the located evidence, with the next-best place) but could not "
                  "verify them. Read each against its evidence: confirm it, or correct it."
                  if located else
                  "The judge could not establish that the cited passage supports these "
                  "sentences. Read each against the evidence it was judged on.", ""]
        across = sum(1 for u in unverified if u.evidence and _CJK.search(u.text)
                     and not _CJK.search(u.evidence))
        if across and located:
            lines += [
                f"{across} of them " + ("is a Chinese sentence" if across == 1 else
                                        "are Chinese sentences")
                + " whose evidence is English. Docent's embedded model cannot judge a Chinese "
                "sentence against an English one, so it calls none of them wrong without a "
                "reason you can check (a number or a term the source never states); most "
                "are faithful, some change a number, a name or a direction.", ""]
        elif across:
            lines += [
                f"{across} of them " + ("is a Chinese sentence" if across == 1 else
                                        "are Chinese sentences")
                + " judged against English evidence. "
                "Across languages the judge verifies only what it is very sure of, so many "
                "of these read faithfully; others drop or change a detail (a qualifier, a "
                "term, the direction of a comparison), which only a reader catches.", ""]
        for n, u in enumerate(unverified, 1):
            where = f" [{u.section}]" if u.section else ""
            cites = " " + " ".join(u.citations) if u.citations else ""
            lines.append(f"{n}.{where} {u.text}{cites}")
            place = ", ".join(x for x in (u.source, u.locator) if x) or "the cited passage"
            if u.paragraph_citation:
                place += ("; cited by its paragraph's closing citation" if u.located_score
                          is not None else "; judged against its paragraph's citation")
            if u.evidence and u.located_score is not None:  # docent check: located evidence
                lines.append(f"   - located evidence ({place}; search score "
                             f"{u.located_score:.2f}): “{_one_line(u.evidence)[:300]}”")
            elif u.evidence:
                lines.append(f"   - evidence ({place}): “{_one_line(u.evidence)[:300]}”")
            else:
                lines.append(f"   - judged against {place}")
            if u.runner_up is not None:
                r = u.runner_up
                lines.append(f"   - runner-up ({', '.join(x for x in (r.source, r.locator) if x)}"
                             f"): “{_one_line(r.text)[:200]}”")
            if u.score is not None:  # the calibrated score; "verified" needs more
                lines.append(f"   - judge's score {u.score:.2f} (not enough to verify it)")
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
