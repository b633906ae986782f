"""Repair plans (docent.check.plans): which failing sentence of a checked draft is removed,
re-cited, rewritten or kept, addressed by its id, never by its text."""

from __future__ import annotations

from docent.check.plans import plan_repairs, short
from docent.types import (
    CheckedSentence,
    Draft,
    DraftSection,
    Finding,
    FindingKind,
    RepairAction,
    SectionStatus,
    Severity,
    ValidationReport,
    Verdict,
)

TEXT = "Same words [1]. Same words [1]. Wrong title [1]. Moved [1]. Unsure [1]."


def _report() -> tuple[Draft, ValidationReport]:
    draft = Draft(title="T", language="en", sections=[
        DraftSection(title="Info", heading="1. Info", paragraphs=["Title: X [1]."],
                     status=SectionStatus.metadata),
        DraftSection(title="Summary", heading="2. Summary", paragraphs=[TEXT]),
    ])
    sentences = [CheckedSentence(index=k + 1, id=s.id, section="2. Summary",
                                 text=s.text.replace(" [1]", ""))
                 for k, s in enumerate(draft.sections[1].sentences())]
    sentences.insert(0, CheckedSentence(index=0, id="1.1.1", section="1. Info",
                                        text="Title: X."))

    def about(i: int, kind: FindingKind, verdict: Verdict | None = None,
              severity: Severity = Severity.warning, **kw) -> Finding:
        return Finding(kind=kind, severity=severity, message=f"m{i}", section="2. Summary",
                       sentence_index=i, sentence_id=sentences[i].id,
                       sentence=sentences[i].text, verdict=verdict, **kw)

    findings = [
        about(0, FindingKind.bibliography, severity=Severity.error),  # metadata: untouched
        about(2, FindingKind.support, Verdict.not_supported, Severity.error),
        about(3, FindingKind.bibliography, severity=Severity.error),
        about(3, FindingKind.support, Verdict.partially_supported),  # already removed
        about(4, FindingKind.miscited, Verdict.not_supported, Severity.error,
              proposal_passage=42, proposal="cite p. 9"),
        about(5, FindingKind.support, Verdict.unverified),
        Finding(kind=FindingKind.length, severity=Severity.error, message="length 10 words is "
                "under the required 20-30 words by 10", length_gap=-10),
    ]
    return draft, ValidationReport.build("T", findings, [], None, None, sentences)


def test_each_failing_sentence_is_planned_by_its_id():
    draft, report = _report()
    plan = plan_repairs(report, draft, rewritten=set(), last=False)
    got = [(p.action, p.sentence.id, p.passage) for p in plan]
    # the second "Same words." is the one that failed (the first, with the same text, passed)
    assert got == [(RepairAction.rewritten, "2.1.2", None),
                   (RepairAction.removed, "2.1.3", None),
                   (RepairAction.recited, "2.1.4", 42),
                   (RepairAction.kept, "2.1.5", None)]
    assert draft.find(plan[1].sentence.id)[1].text == "Wrong title [1]."
    assert short(report)


def test_a_rewritten_sentence_failing_again_or_the_last_round_removes_it():
    draft, report = _report()
    again = plan_repairs(report, draft, rewritten={"2.1.2"}, last=False)
    assert (again[0].action, again[0].reason) == (RepairAction.removed, "m2 after a rewrite")
    last = plan_repairs(report, draft, rewritten=set(), last=True)
    assert last[0].action is RepairAction.removed
