"""Repair plans: what should happen to each failing sentence of a checked Draft. The checks
decide; the writer acts (:func:`docent.write.repair.revise`); the pipeline owns the rounds
(:func:`docent.pipeline.validate_and_repair`)::

    report = validate(draft, store, judge)                 # sentences with their ids
    plan = plan_repairs(report, draft, rewritten=set(), last=False)
    [(p.action.value, p.sentence.id) for p in plan]        # [('rewritten', '2.1.3'), ...]

The rules, for sentences the model wrote (sections built from metadata or saying that a
source was not provided are never touched):

* **invented provenance, a wrong bibliographic fact, a citation that resolves to nothing**:
  removed;
* **miscited** (another passage supports the claim): re-cited to that passage;
* **not / partially supported**: rewritten from the best sentences of its cited passage
  (the writer may find no better sentence: then a partly supported one is kept, an unsupported
  one removed);
* still **not supported** after a rewrite, or in the last round: removed;
* **unverified** (a rewrite from the same evidence cannot make the judge surer), or still
  **partially supported** after a rewrite or in the last round: kept, and listed.

:class:`CachingJudge` remembers verdicts, so each round judges only the sentences that
changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from docent.check.judge import Judgement
from docent.types import (
    CheckedSentence,
    Draft,
    Finding,
    FindingKind,
    RepairAction,
    SectionStatus,
    Severity,
    ValidationReport,
    Verdict,
)

__all__ = ["CachingJudge", "PlannedRepair", "plan_repairs", "short", "unsalvaged"]

_REMOVE_KINDS = {FindingKind.provenance, FindingKind.bibliography, FindingKind.citation}
_SUPPORT_KINDS = {FindingKind.support, FindingKind.off_source, FindingKind.miscited}
# verdicts whose sentence is kept and listed (an unverified one at once; a partly supported
# one after a rewrite)
KEEPABLE = (Verdict.partially_supported, Verdict.unverified)


class CachingJudge:
    """A judge that remembers its verdicts, so a repair round re-judges only what changed."""

    def __init__(self, judge) -> None:
        self.inner = judge
        self.name = judge.name
        self._cache: dict[tuple, Judgement] = {}
        self.calls = 0

    def judge(self, claim: str, passages: list[str], roles: list[str] | None = None,
              **options) -> Judgement:
        key = (claim, tuple(passages), tuple(roles or ()), tuple(sorted(options.items())))
        if key not in self._cache:
            self.calls += 1
            self._cache[key] = self.inner.judge(claim, passages, roles=roles, **options)
        j = self._cache[key]
        return Judgement(j.verdict, j.score, j.evidence, j.evidence_index, j.raw)


@dataclass
class PlannedRepair:
    """One failing sentence and what to do with it: ``removed``, ``recited`` (to
    ``passage``), ``rewritten`` (to be tried by the writer) or ``kept``."""

    action: RepairAction
    sentence: CheckedSentence  # its id says which sentence of the draft
    finding: Finding
    reason: str
    passage: int | None = None  # re-cited: the passage id that supports it


def plan_repairs(report: ValidationReport, draft: Draft, *, rewritten: set[str],
                 last: bool) -> list[PlannedRepair]:
    """The repairs of one round for ``report`` (the validation of ``draft``): one per failing
    sentence the model wrote, in the findings' order. ``rewritten``: the ids of the sentences
    a round already rewrote (a second failure removes them); ``last``: the last round, where
    what still fails is removed or kept."""
    checked = {c.index: c for c in report.sentences}
    plan: list[PlannedRepair] = []
    planned: set[str] = set()
    for f in report.findings:
        if f.sentence_index is None or f.severity not in (Severity.error, Severity.warning) \
                or f.kind not in _SUPPORT_KINDS | _REMOVE_KINDS:
            continue
        sentence = checked.get(f.sentence_index)
        found = draft.find(sentence.id) if sentence is not None else None
        if found is None or sentence.id in planned \
                or draft.sections[found[0]].status != SectionStatus.written:
            continue

        def add(action: RepairAction, reason: str, passage: int | None = None) -> None:
            plan.append(PlannedRepair(action, sentence, f, reason, passage))
            if action is not RepairAction.kept:
                planned.add(sentence.id)

        again = sentence.id in rewritten
        if f.kind in _REMOVE_KINDS:
            add(RepairAction.removed, f.message)
        elif f.kind == FindingKind.miscited and f.proposal_passage is not None:
            add(RepairAction.recited, f.proposal or f.message, f.proposal_passage)
        elif f.verdict is Verdict.not_supported and (last or again):
            add(RepairAction.removed, f.message + (" after a rewrite" if again else ""))
        elif f.verdict is Verdict.unverified or (f.verdict in KEEPABLE and (last or again)):
            add(RepairAction.kept, ("not verified against " if f.verdict is Verdict.unverified
                                    else "still only partly supported by ")
                + f"{f.source or 'its source'} ({f.locator or ''})")
        elif f.verdict in (Verdict.not_supported, *KEEPABLE):
            add(RepairAction.rewritten, f.message)
    return plan


def short(report: ValidationReport) -> bool:
    """The validation found the report under its length range."""
    return any(f.kind == FindingKind.length and (f.length_gap or 0) < 0
               for f in report.findings)


def unsalvaged(draft: Draft) -> list[Finding]:
    """An error for each written section that no sentence of survived validation."""
    return [Finding(kind=FindingKind.structure, severity=Severity.error, section=s.title,
                    message=f"no sentence of “{s.title}” survived validation; the section "
                    "keeps a note instead")
            for s in draft.sections if s.status == SectionStatus.unverified]
