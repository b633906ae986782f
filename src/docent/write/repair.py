"""Repair: the writer's side of the rounds. :func:`docent.check.plans.plan_repairs` decides
what happens to each failing sentence; :func:`revise` does it on the draft::

    plan = plan_repairs(report, draft, rewritten=rewritten, last=False)
    revision = revise(draft, plan, numbers, store=store, model=model, embedder=None,
                      rewritten=rewritten)
    revision.sections, revision.made, revision.kept    # then the writer tops up if needed

A sentence is edited by its id in the draft (the check's record names it), never found by
its text: removed, re-cited to the passage that supports it, or written again -- from the
source sentence it was rendered from, else from the best sentences of its cited passage --
keeping its citation and its id; its evidence record goes with it. A
written section that loses every sentence keeps a note saying so -- a required section is
never silently dropped -- and :func:`docent.check.plans.unsalvaged` reports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docent.check.judge import select_evidence
from docent.check.parse import strip_citations as _strip
from docent.check.plans import KEEPABLE, PlannedRepair
from docent.index import Embedder
from docent.llm import ChatModel, Message
from docent.progress import Progress
from docent.sources.base import MEDIA_KINDS
from docent.store import Store
from docent.text import CJK_RE, sentence_key, sentence_spans
from docent.types import (
    Draft,
    DraftParagraph,
    DraftSection,
    DraftSentence,
    Repair,
    RepairAction,
    SectionStatus,
    SentenceEvidence,
    SourceKind,
)
from docent.write.compose import MARKER_RE, marker
from docent.write.sentences import clean_line, who_for

__all__ = ["Edit", "Revision", "revise", "rewrite_sentence"]

_NUM = re.compile(r"\[(\d+)\]")


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
class Edit:
    """One sentence's change: ``new`` replaces the text of sentence ``id`` (None removes it)."""

    id: str
    new: str | None
    rewritten: bool = False  # from several sentences of its passage (not re-cited)


@dataclass
class Revision:
    """What :func:`revise` made of a plan: the new sections (marker form), the repairs made,
    the failing sentences kept as they are, and whether any sentence was removed."""

    sections: list[DraftSection]
    made: list[Repair]
    kept: list[Repair]
    removed: bool


def _span_of(sentence: DraftSentence) -> SentenceEvidence | None:
    """The source sentence ``sentence`` was rendered from (not rewritten since)."""
    record = sentence.evidence
    return record if record is not None and not record.rewritten else None


def _rewrite(p: PlannedRepair, span: SentenceEvidence | None, cited: list[str],
             pid_of: dict[int, int], *, store: Store, model: ChatModel,
             embedder: Embedder | None, language: str) -> str | None:
    """The sentence rendered again from its own source sentence (a sentence ``docent write``
    rendered), else rewritten from the best sentences of the passages it cites; None when the
    model gives nothing new."""
    f = p.finding
    if span is not None:
        evidence = [span.text]
    else:
        passages = store.passages_by_id([pid_of[int(n)] for n in cited if int(n) in pid_of])
        texts = [q.text for q in passages.values()]
        evidence = select_evidence(p.sentence.text, texts, embedder, k=3) if texts else []
        if f.evidence and f.evidence not in evidence:
            evidence.insert(0, f.evidence)
    new = rewrite_sentence(model, p.sentence.text, evidence[:4], language) if evidence else None
    if new is not None and span is not None:
        # rendered from one source sentence: the same checks as its first rendering
        passage = store.passages_by_id([span.passage_id]).get(span.passage_id)
        source = store.source(passage.source_id) if passage is not None else None
        if source is not None:
            voice = "lecture" if source.kind in MEDIA_KINDS else (
                "paper" if source.kind is SourceKind.pdf else "document")
            new = clean_line(new, span.text, who_for(voice, source.title, language == "zh"),
                             language == "zh")
    if new is not None and sentence_key(_strip(new)) == sentence_key(p.sentence.text):
        return None  # the model gave the sentence back unchanged
    return new


def revise(draft: Draft, plan: list[PlannedRepair], numbers: dict[int, int], *, store: Store,
           model: ChatModel, embedder: Embedder | None, rewritten: set[str],
           progress: Progress | None = None) -> Revision:
    """Carry out ``plan`` on ``draft``. ``numbers`` (passage id -> the draft's citation number)
    grows when a sentence is re-cited to a passage the draft did not cite; ``rewritten``
    collects the ids of the rewritten sentences (a second failure removes them)."""
    language = draft.language or "zh"
    pid_of = {n: pid for pid, n in numbers.items()}
    edits: list[Edit] = []
    made: list[Repair] = []
    kept: list[Repair] = []
    for done, p in enumerate(plan):
        if progress:
            progress("repairing", done, len(plan))
        f, found = p.finding, draft.find(p.sentence.id)
        if found is None:
            continue
        sid, raw = found[1].id, found[1].text

        def record(action: RepairAction, reason: str, after: str | None = None) -> Repair:
            return Repair(action=action, section=f.section, sentence_id=sid, before=f.sentence,
                          after=after, reason=reason)

        if p.action is RepairAction.kept:
            kept.append(record(RepairAction.kept, p.reason))
            continue
        if p.action is RepairAction.recited:
            n = numbers.setdefault(p.passage, max(numbers.values(), default=0) + 1)
            after = _with_citations(p.sentence.text, [str(n)])
            edits.append(Edit(sid, after))
            made.append(record(RepairAction.recited, p.reason, after))
            continue
        new, span = None, None
        if p.action is RepairAction.rewritten:
            span = _span_of(found[1])
            new = _rewrite(p, span, _NUM.findall(raw), pid_of, store=store, model=model,
                           embedder=embedder, language=language)
            if new is None and f.verdict in KEEPABLE:
                kept.append(record(RepairAction.kept,
                                   p.reason + "; no better rewrite could be made"))
                continue
        if new is None:
            edits.append(Edit(sid, None))
            made.append(record(RepairAction.removed, p.reason + (
                "; no rewrite could be made" if p.action is RepairAction.rewritten else "")))
            continue
        rewritten.add(sid)
        after = _with_citations(new, _NUM.findall(raw))
        edits.append(Edit(sid, after, rewritten=span is None))
        made.append(record(RepairAction.rewritten, p.reason, after))
    if progress:
        progress("repairing", len(plan), len(plan))
    fixed = _apply(draft.sections, edits)
    return Revision(_guard_sections(_to_markers(fixed, numbers), language), made, kept,
                    any(e.new is None for e in edits))


def _apply(sections: list[DraftSection], edits: list[Edit]) -> list[DraftSection]:
    """The sections with each edit made; the sentence keeps its id and its evidence record
    (marked when the rewrite drew on more than that record's sentence); a paragraph that
    loses every sentence goes."""
    out = [s.model_copy(deep=True) for s in sections]
    by_id = {e.id: e for e in edits}
    for section in out:
        for paragraph in section.paragraphs:
            kept: list[DraftSentence] = []
            for s in paragraph.sentences:
                e = by_id.get(s.id)
                if e is not None and e.new is None:
                    continue
                if e is not None:
                    s.text = e.new
                    if s.evidence is not None:
                        s.evidence.rewritten = s.evidence.rewritten or e.rewritten
                kept.append(s)
            paragraph.sentences = kept
        section.paragraphs = [p for p in section.paragraphs if any(
            _strip(s.text).strip() for s in p.sentences)]
    return out


def _to_markers(sections: list[DraftSection], numbers: dict[int, int]) -> list[DraftSection]:
    pid_of = {n: pid for pid, n in numbers.items()}

    def sub(m: re.Match) -> str:
        n = int(m.group(1))
        return marker(pid_of[n]) if n in pid_of else m.group(0)

    out = [s.model_copy(deep=True) for s in sections]
    for section in out:
        for sentence in section.sentences():
            sentence.text = _NUM.sub(sub, sentence.text)
    return out


def _guard_sections(sections: list[DraftSection], language: str) -> list[DraftSection]:
    """A written section that lost every sentence keeps a note (never silently dropped)."""
    for s in sections:
        if s.status == SectionStatus.written and not any(
                MARKER_RE.search(t.text) or _strip(t.text) for t in s.sentences()):
            s.status = SectionStatus.unverified
            s.note = "every sentence failed validation and was removed"
            s.paragraphs = [DraftParagraph.of(
                "所提供的资料中没有能够核实本部分内容的段落，原有文字已在核验中删除。"
                if language == "zh" else
                "Nothing written for this section could be verified against the sources, so it "
                "was removed; this is not provided by the sources.")]
    return sections
