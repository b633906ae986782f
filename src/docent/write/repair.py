"""Repair: what to do with the sentences the validation found failing, and doing it. The
rounds are the pipeline's (:func:`docent.pipeline.validate_and_repair`)::

    plan = plan_repairs(report, draft, numbers, store=store, model=model, embedder=None,
                        rewritten=set(), last=False)
    sections = revise(draft, plan, numbers)      # then the writer tops up, the pipeline checks

Each round validates the whole report (:func:`docent.check.validate`; verdicts are cached, so a
round only judges the sentences that changed) and acts on the findings about sentences the
model wrote:

* **miscited** (another passage supports the claim): the citation is moved to that passage;
* **not / partially supported**: the sentence is rewritten from the best sentences of its cited
  passage and keeps its citation;
* still **not supported** after a rewrite, or invented provenance, a wrong bibliographic fact or
  a citation that resolves to nothing: the sentence is removed;
* still **partially supported** after a rewrite: kept, and listed.

Sections built from metadata or saying that a source was not provided are never touched. A
written section that loses every sentence keeps a note saying so and an error finding -- a
required section is never silently dropped. When removals leave the report short, the writer
adds paragraphs from unused evidence and the next round checks them. Whatever is still wrong
after the last round stays in the validation report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docent.progress import Progress
from docent.check.findings import Finding, Repair, ValidationReport
from docent.check.judge import Judgement, select_evidence
from docent.check.parse import strip_citations as _strip
from docent.index import Embedder
from docent.llm import ChatModel, Message
from docent.store import Store
from docent.text import CJK_RE, sentence_spans
from docent.types import (
    Draft,
    DraftSection,
    FindingKind,
    RepairAction,
    SectionStatus,
    Severity,
    Verdict,
)
from docent.write.compose import MARKER_RE, marker

__all__ = ["CachingJudge", "RepairPlan", "needs_more", "plan_repairs", "revise", "rewrite_sentence",
           "short", "unsalvaged"]

_NUM = re.compile(r"\[(\d+)\]")
# verdicts whose sentence is kept and listed (an unverified one at once: a rewrite from the
# same evidence cannot make the judge surer; a partly supported one after a rewrite)
_KEEPABLE = (Verdict.partially_supported, Verdict.unverified)


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
class _Slot:
    section: int
    paragraph: int
    start: int
    end: int
    raw: str
    text: str  # as the checks see it (citations removed)


def _slots(sections: list[DraftSection]) -> list[_Slot]:
    """Every sentence of the written sections, split as :func:`docent.check.parse_report`
    splits them."""
    out: list[_Slot] = []
    for si, section in enumerate(sections):
        for pi, para in enumerate(section.paragraphs):
            for s, e in sentence_spans(para):
                out.append(_Slot(si, pi, s, e, para[s:e], _strip(para[s:e])))
    return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


_SYSTEM = {
    "zh": "你是严谨的学术编辑。根据给出的证据改写句子，使它只陈述证据明确支持的内容。"
          "只输出改写后的一句中文，不要解释，不要引号。",
    "en": "You are a careful academic editor. Rewrite the sentence so that it states only what "
          "the evidence explicitly supports. Output the rewritten sentence only, no quotes.",
}


def rewrite_sentence(model: ChatModel, sentence: str, evidence: list[str],
                     language: str) -> str | None:
    """The sentence rewritten from ``evidence`` (one sentence, same language), or None."""
    zh = language == "zh"
    lines = "\n".join(f"- {e}" for e in evidence)
    user = (f"证据：\n{lines}\n\n原句：{sentence}\n\n改写后的句子：" if zh else
            f"Evidence:\n{lines}\n\nSentence: {sentence}\n\nRewritten sentence:")
    reply = model.complete([Message("system", _SYSTEM["zh" if zh else "en"]),
                            Message("user", user)], max_tokens=120, temperature=0.0,
                           repeat_penalty=1.1)
    text = reply.text.strip().splitlines()[0] if reply.text.strip() else ""
    text = re.sub(r"^(改写后的句子|改写|Rewritten sentence)\s*[:：]\s*", "", text, flags=re.IGNORECASE)
    text = text.strip(" \"'“”‘’「」*")
    text = MARKER_RE.sub("", _NUM.sub("", text)).strip()
    spans = sentence_spans(text)
    if spans:
        text = text[spans[0][0]: spans[0][1]].strip()
    if len(text) < 6 or (zh and not CJK_RE.search(text)):
        return None
    if not re.search(r"[。！？.!?]$", text):
        text += "。" if zh else "."
    return text


def _with_citations(text: str, numbers: list[str]) -> str:
    marks = "".join(f"[{n}]" for n in numbers)
    m = re.search(r"([。！？；.!?;]+[”’\"')）]*)\s*$", text)
    if m:
        return text[: m.start()].rstrip() + marks + m.group(1)
    return text.rstrip() + marks


@dataclass
class RepairPlan:
    """The edits of one round: ``(slot, replacement or None to remove, Repair)``."""

    edits: list[tuple[_Slot, str | None, Repair]]
    kept: list[Repair]


_REMOVE_KINDS = {FindingKind.provenance, FindingKind.bibliography, FindingKind.citation}
_SUPPORT_KINDS = {FindingKind.support, FindingKind.off_source, FindingKind.miscited}


def plan_repairs(report: ValidationReport, draft: Draft, numbers: dict[int, int], *,
                 store: Store, model: ChatModel, embedder: Embedder | None,
                 rewritten: set[str], last: bool, progress: Progress | None = None
                 ) -> RepairPlan:
    """What to do with each failing sentence the model wrote (re-cite, rewrite from its
    evidence, remove, keep); ``numbers`` grows when a sentence is re-cited to a passage the draft
    did not cite, ``rewritten`` collects the rewritten sentences (a second failure removes
    them), ``last``: the last round, where what still fails is removed or kept."""
    sections, language = draft.sections, draft.language or "zh"
    slots = _slots(sections)
    by_key: dict[tuple[str, str], list[_Slot]] = {}
    for slot in slots:
        by_key.setdefault((sections[slot.section].heading, _norm(slot.text)), []).append(slot)
    plan = RepairPlan([], [])
    taken: set[int] = set()
    pid_of = {n: pid for pid, n in numbers.items()}
    todo = [f for f in report.findings if f.sentence and f.severity in ("error", "warning")
            and (f.kind in _SUPPORT_KINDS or f.kind in _REMOVE_KINDS)]
    for done, f in enumerate(todo):
        if progress:
            progress("repairing", done, len(todo))
        slot = next((s for s in by_key.get((f.section or "", _norm(f.sentence)), [])
                     if id(s) not in taken), None)
        if slot is None or sections[slot.section].status != "written":
            continue  # metadata and missing-source sections are not the model's text
        cited = _NUM.findall(slot.raw)
        key = _norm(slot.text)
        if f.kind in _REMOVE_KINDS:
            taken.add(id(slot))
            plan.edits.append((slot, None, Repair(action=RepairAction.removed, section=f.section,
                                                  before=f.sentence, reason=f.message)))
        elif f.kind == FindingKind.miscited and f.proposal_passage is not None:
            n = numbers.setdefault(f.proposal_passage, max(numbers.values(), default=0) + 1)
            taken.add(id(slot))
            plan.edits.append((slot, _with_citations(slot.text, [str(n)]), Repair(
                action=RepairAction.recited, section=f.section, before=f.sentence,
                after=_with_citations(slot.text, [str(n)]), reason=f.proposal or f.message)))
        elif f.verdict is Verdict.not_supported and (last or key in rewritten):
            taken.add(id(slot))
            plan.edits.append((slot, None, Repair(
                action=RepairAction.removed, section=f.section, before=f.sentence,
                reason=f.message + (" after a rewrite" if key in rewritten else ""))))
        elif f.verdict is Verdict.unverified or (f.verdict in _KEEPABLE
                                                  and (last or key in rewritten)):
            plan.kept.append(Repair(action=RepairAction.kept, section=f.section, before=f.sentence,
                                    reason=("not verified against " if f.verdict is
                                            Verdict.unverified else "still only partly "
                                            "supported by ")
                                    + f"{f.source or 'its source'} ({f.locator or ''})"))
        elif f.verdict in (Verdict.not_supported, *_KEEPABLE):
            passages = store.passages_by_id([pid_of[int(n)] for n in cited if int(n) in pid_of])
            texts = [p.text for p in passages.values()]
            evidence = select_evidence(f.sentence, texts, embedder, k=3) if texts else []
            if f.evidence and f.evidence not in evidence:
                evidence.insert(0, f.evidence)
            new = rewrite_sentence(model, f.sentence, evidence[:4], language) if evidence \
                else None
            taken.add(id(slot))
            if new is not None and _norm(_strip(new)) == key:
                new = None  # the model gave the sentence back unchanged
            if new is None and f.verdict in _KEEPABLE:
                plan.kept.append(Repair(action=RepairAction.kept, section=f.section,
                                        before=f.sentence,
                                        reason=f.message + "; no better rewrite could be made"))
                continue
            if new is None:
                plan.edits.append((slot, None, Repair(
                    action=RepairAction.removed, section=f.section, before=f.sentence,
                    reason=f.message + "; no rewrite could be made")))
                continue
            rewritten.add(_norm(new))
            after = _with_citations(new, cited)
            plan.edits.append((slot, after, Repair(action=RepairAction.rewritten, section=f.section,
                                                   before=f.sentence, after=after,
                                                   reason=f.message)))
    if progress:
        progress("repairing", len(todo), len(todo))
    return plan


def _apply(sections: list[DraftSection], plan: RepairPlan) -> list[DraftSection]:
    out = [s.model_copy(deep=True) for s in sections]
    edits = sorted(plan.edits, key=lambda e: (e[0].section, e[0].paragraph, -e[0].start))
    for slot, new, _ in edits:
        section = out[slot.section]
        para = section.paragraphs[slot.paragraph]
        section.paragraphs[slot.paragraph] = para[: slot.start] + (new or "") + para[slot.end:]
        # the sentence's evidence record follows it: gone when it is removed, renamed when it
        # is rewritten (from the same evidence) or re-cited
        key = _norm(slot.text)
        for ev in list(section.evidence):
            if _norm(ev.sentence) == key:
                if new is None:
                    section.evidence.remove(ev)
                else:
                    ev.sentence = _strip(new)
                break
    for section in out:
        section.paragraphs = [re.sub(r"[ \t]{2,}", " ", p).strip() for p in section.paragraphs
                              if _strip(p).strip()]
    return out


def _to_markers(sections: list[DraftSection], numbers: dict[int, int]) -> list[DraftSection]:
    pid_of = {n: pid for pid, n in numbers.items()}

    def sub(m: re.Match) -> str:
        n = int(m.group(1))
        return marker(pid_of[n]) if n in pid_of else m.group(0)

    return [s.model_copy(update={"paragraphs": [_NUM.sub(sub, p) for p in s.paragraphs]})
            for s in sections]


def revise(draft: Draft, plan: RepairPlan, numbers: dict[int, int]) -> list[DraftSection]:
    """``draft``'s sections with ``plan``'s edits made, back in marker form (``⟦passage id⟧``,
    ``numbers`` maps passage ids to the draft's citation numbers, including any a re-citation
    added); a written section that lost every sentence keeps a note."""
    fixed = _apply(draft.sections, plan)
    return _guard_sections(_to_markers(fixed, numbers), draft.language or "zh")


def needs_more(report: ValidationReport, plan: RepairPlan) -> bool:
    """The report is under its range, or the plan removes sentences: the writer adds more."""
    return short(report) or any(new is None for _, new, _ in plan.edits)


def unsalvaged(draft: Draft) -> list[Finding]:
    """An error for each written section that no sentence of survived validation."""
    return [Finding(kind=FindingKind.structure, severity=Severity.error, section=s.title,
                    message=f"no sentence of “{s.title}” survived validation; the section "
                    "keeps a note instead")
            for s in draft.sections if s.status == SectionStatus.unverified]


def short(report: ValidationReport) -> bool:
    """The validation found the report under its length range."""
    return any(f.kind == FindingKind.length and f.severity == Severity.error
               and "under" in f.message for f in report.findings)


def _guard_sections(sections: list[DraftSection], language: str) -> list[DraftSection]:
    """A written section that lost every sentence keeps a note (never silently dropped)."""
    for s in sections:
        if s.status == SectionStatus.written and not any(MARKER_RE.search(p) or _strip(p) for p in
                                             s.paragraphs):
            s.status = SectionStatus.unverified
            s.note = "every sentence failed validation and was removed"
            s.paragraphs = ["所提供的资料中没有能够核实本部分内容的段落，原有文字已在核验中删除。"
                            if language == "zh" else
                            "Nothing written for this section could be verified against the "
                            "sources, so it was removed; this is not provided by the sources."]
    return sections
