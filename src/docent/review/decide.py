"""What the reader has decided, and what is left to review (see :mod:`docent.review`)."""

from __future__ import annotations

import re

from pydantic import BaseModel

from docent.errors import DocentError
from docent.types import (
    CheckedSentence,
    LocatedEvidence,
    ReviewAction,
    ReviewDecision,
    ReviewSummary,
    SentenceStatus,
    Severity,
    ValidationReport,
)

__all__ = ["ReviewItem", "effective", "parse_set", "reviewed", "strict_ok", "summarize",
           "to_review"]

_RED = (SentenceStatus.unsupported, SentenceStatus.partial)
_OPEN = (*_RED, SentenceStatus.unverified)


class ReviewItem(BaseModel):
    """One sentence to review, with what the reader needs to decide."""

    id: str
    text: str
    status: str
    score: float | None = None
    reason: str | None = None
    section: str | None = None
    citations: list[str] = []
    evidence: LocatedEvidence | None = None
    runner_up: LocatedEvidence | None = None
    decision: ReviewDecision | None = None  # the reader's latest, if any


def effective(decisions: list[ReviewDecision]) -> dict[str, ReviewDecision]:
    """The decision in force for each sentence: the latest, with ``undone`` taking back the
    one before it."""
    stacks: dict[str, list[ReviewDecision]] = {}
    for d in decisions:
        stack = stacks.setdefault(d.sentence_id, [])
        if d.action is ReviewAction.undone:
            if stack:
                stack.pop()
        else:
            stack.append(d)
    return {sid: stack[-1] for sid, stack in stacks.items() if stack}


def _sid(s: CheckedSentence) -> str:
    return s.id or f"s{s.index + 1}"


def _risk(s: CheckedSentence) -> tuple:
    score = s.score if s.score is not None else s.located_score
    return (0 if s.status in _RED else 1, score if score is not None else 0.0, s.index)


def to_review(v: ValidationReport, decisions: list[ReviewDecision] | None = None,
              *, pending_only: bool = False) -> list[ReviewItem]:
    """The sentences to review, riskiest first: red (not or partly supported), then
    unverified by score, lowest first; with ``pending_only`` those without a decision."""
    decided = effective(decisions or [])
    out: list[ReviewItem] = []
    for s in sorted((s for s in v.sentences if s.status in _OPEN), key=_risk):
        d = decided.get(_sid(s))
        if pending_only and d is not None:
            continue
        evidence = None
        if s.evidence:
            evidence = LocatedEvidence(text=s.evidence, source=s.source, locator=s.locator,
                                       page=s.page, passage_id=s.passage_id,
                                       score=s.located_score)
        out.append(ReviewItem(id=_sid(s), text=s.text, status=str(s.status.value),
                              score=s.score if s.score is not None else s.located_score,
                              reason=s.reason, section=s.section, citations=s.citations,
                              evidence=evidence, runner_up=s.runner_up, decision=d))
    return out


def summarize(v: ValidationReport, decisions: list[ReviewDecision]) -> ReviewSummary:
    """Who checked what (:class:`ReviewSummary`)."""
    decided = effective(decisions)
    cited = [s for s in v.sentences if s.citations or s.paragraph_citation
             or s.verdict is not None]
    open_ = [s for s in v.sentences if s.status in _OPEN]
    out = ReviewSummary(cited=len(cited), to_review=len(open_),
                        pending=sum(1 for s in open_ if _sid(s) not in decided))
    for s in cited:
        d = decided.get(_sid(s))
        if d is not None:
            if d.action is ReviewAction.confirmed:
                out.confirmed += 1
            elif d.action is ReviewAction.removed:
                out.removed += 1
            else:
                out.corrected += 1
        elif s.status is SentenceStatus.supported:
            out.verified_by_docent += 1
        else:
            out.not_reviewed += 1
    return out


def reviewed(v: ValidationReport, decisions: list[ReviewDecision]) -> ValidationReport:
    """``v`` with the reader's decisions applied: a confirmed sentence is ``confirmed`` (not
    the judge's "supported"), a removed one leaves the report, a rewritten one has its new
    text; the findings on decided sentences are dropped (the reader settled them)."""
    decided = effective(decisions)
    out = v.model_copy(deep=True)
    keep = []
    for s in out.sentences:
        d = decided.get(_sid(s))
        if d is None:
            keep.append(s)
            continue
        if d.action is ReviewAction.removed:
            continue
        s.status = SentenceStatus.confirmed
        if d.action is ReviewAction.rewritten and d.text:
            s.text = d.text
        keep.append(s)
    out.sentences = keep
    settled = {s.index for s in v.sentences if _sid(s) in decided}
    out.findings = [f for f in out.findings if f.sentence_index not in settled]
    out = out.extended([], [])
    out.summary.reviewed = summarize(v, decisions).line()
    return out


def strict_ok(v: ValidationReport, decisions: list[ReviewDecision]) -> bool:
    """No error left that the reader did not settle, and every cited sentence verified by
    Docent or decided by the reader (``--strict`` after a review)."""
    after = reviewed(v, decisions)
    return not any(f.severity is Severity.error for f in after.findings) and \
        summarize(v, decisions).not_reviewed == 0


_SET = re.compile(r"^\s*([^=\s]+)\s*=\s*(\w+)\s*$")


def parse_set(value: str, ids: set[str], text: str | None = None,
              passage_id: int | None = None) -> ReviewDecision:
    """``"s12=confirmed"`` as a decision on a sentence of ``ids``; one clear
    :class:`~docent.errors.DocentError` for anything else (exit 2).

    >>> parse_set("s3=removed", {"s3"}).action.value
    'removed'
    >>> parse_set("s9=confirmed", {"s3"})
    Traceback (most recent call last):
    ...
    docent.errors.DocentError: s9: no such sentence in this run (see docent review RUN --json for the ids)
    """
    m = _SET.match(value)
    if not m:
        raise _usage(f"{value!r}: not ID=DECISION",
                     "e.g. --set s12=confirmed, --set s3=rewritten --text \"...\"")
    sid, action = m.group(1), m.group(2).lower()
    if sid not in ids:
        raise _usage(f"{sid}: no such sentence in this run",
                     "see docent review RUN --json for the ids")
    try:
        act = ReviewAction(action)
    except ValueError:
        raise _usage(f"{value}: unknown decision {action!r}",
                     "use confirmed, removed, rewritten (with --text), recited (with "
                     "--passage) or undone") from None
    if act is ReviewAction.rewritten and not (text or "").strip():
        raise _usage(f"{value}: a rewrite needs its new text", "give --text \"...\"")
    if act is ReviewAction.recited and passage_id is None:
        raise _usage(f"{value}: a re-citation needs the passage", "give --passage ID (the "
                     "runner-up's passage_id in docent review RUN --json)")
    return ReviewDecision(sentence_id=sid, action=act,
                          text=text.strip() if act is ReviewAction.rewritten and text else None,
                          passage_id=passage_id if act is ReviewAction.recited else None)


def _usage(message: str, fix: str) -> DocentError:
    err = DocentError(message, fix=fix)
    err.exit_code = 2
    return err
