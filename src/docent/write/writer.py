"""The write stage: brief + ingested sources -> a cited draft, resumable run by run.

>>> draft = write_report(brief, store, settings, retriever, model, embedder)
>>> print(to_markdown(draft))

Each finished section is saved in the workspace as soon as it is written, so an interrupted
``docent write`` continues from the sections already done. Length is steered into the brief's
range by the brief's own counting rule: sections get budgets, paragraphs are added from unused
evidence while the report is short, and trailing sentences are trimmed while it is long.
"""

from __future__ import annotations

from collections.abc import Callable

from docent.brief import report_length
from docent.check.findings import ValidationReport
from docent.config import Settings
from docent.index import Embedder, Retriever
from docent.llm import ChatModel
from docent.store import Store
from docent.text import sentence_spans
from docent.types import Brief, Draft, DraftSection, LengthUnit, PassageRole
from docent.write.compose import align, info_paragraphs, missing_paragraph, write_paragraph
from docent.write.plan import MEDIA_KINDS, PAPER_KINDS, SectionPlan, plan_report, target_length
from docent.write.render import body_markdown, number_citations

__all__ = ["write_checked", "write_report"]

Progress = Callable[[str, int, int], None]

_FOCUS = {
    "zh": {"summary": "研究目标、方法与结论", "technique": "关键技术的原理，用通俗的语言解释",
           "media": "视频讲解中与论文相关、能帮助理解的要点", "general": ""},
    "en": {"summary": "the goal, method and conclusions", "technique":
           "how the key techniques work, in plain words", "media":
           "what the lecture explains that helps to understand the paper", "general": ""},
}


def _groups(plan: SectionPlan, size: int = 2) -> list[list]:
    ev = plan.evidence
    return [ev[i : i + size] for i in range(0, len(ev), size)]


def _paragraph_target(unit: LengthUnit) -> int:
    return 220 if unit is LengthUnit.zh_chars else 140


def _section_length(section: DraftSection, unit: LengthUnit) -> int:
    return report_length("\n\n".join(section.paragraphs), unit)


class _Writer:
    def __init__(self, brief: Brief, store: Store, settings: Settings, model: ChatModel,
                 embedder: Embedder | None, progress: Progress | None) -> None:
        self.brief, self.store, self.settings = brief, store, settings
        self.model, self.embedder, self.progress = model, embedder, progress
        self.total, self.unit = target_length(brief)
        self.cursor: dict[int, int] = {}  # next evidence group per section

    def paragraph(self, plan: SectionPlan, group: list, target: int, focus: str) -> str | None:
        text = write_paragraph(self.model, self.brief, plan.section.title, focus, group, target,
                               self.unit)
        if not text:
            return None
        cited, _ = align(text, [p for p, _ in group], self.embedder, store=self.store)
        return cited

    def section(self, plan: SectionPlan) -> DraftSection:
        out = DraftSection(title=plan.section.title, heading=plan.heading)
        if plan.missing:
            out.status, out.note = "missing_source", f"no {plan.missing} was provided"
            out.paragraphs = [missing_paragraph(self.brief, plan.missing)]
            return out
        if plan.role == "info":
            out.status = "metadata"
            sources = self.store.sources()
            papers = [(s, self._front(s.id)) for s in sources if s.kind in PAPER_KINDS]
            media = [(s, None) for s in sources if s.kind in MEDIA_KINDS]
            out.paragraphs = info_paragraphs(self.brief, papers, media)
            return out
        groups = _groups(plan)
        if not groups:
            out.status, out.note = "no_evidence", "no passage of the sources matches this section"
            out.paragraphs = ["所提供的资料中没有与本部分相关的内容。" if self.brief.language == "zh"
                              else "The sources hold nothing on this section."]
            return out
        focus = _FOCUS["zh" if self.brief.language == "zh" else "en"][plan.role]
        per = _paragraph_target(self.unit)
        i = 0
        while i < len(groups) and _section_length(out, self.unit) < plan.budget * 0.9:
            remaining = plan.budget - _section_length(out, self.unit)
            para = self.paragraph(plan, groups[i], max(min(per, remaining), per // 2), focus)
            if para:
                out.paragraphs.append(para)
            i += 1
        self.cursor[plan.index] = i
        return out

    def _front(self, source_id: int):
        for p in self.store.passages(source_id):
            if p.role in (PassageRole.front, PassageRole.abstract) or p.locator.page == 1:
                return p
        return None


def write_report(
    brief: Brief,
    store: Store,
    settings: Settings,
    retriever: Retriever,
    model: ChatModel,
    embedder: Embedder | None,
    *,
    run_id: int,
    progress: Progress | None = None,
) -> Draft:
    """Write (or finish writing) run ``run_id``; finished sections are kept in the workspace."""
    writer, _, sections = _write_sections(brief, store, settings, retriever, model, embedder,
                                          run_id, progress)
    return _draft(writer, sections, run_id)[0]


def write_checked(
    brief: Brief,
    store: Store,
    settings: Settings,
    retriever: Retriever,
    model: ChatModel,
    embedder: Embedder | None,
    judge,
    *,
    run_id: int,
    rounds: int = 2,
    progress: Progress | None = None,
) -> tuple[Draft, ValidationReport]:
    """Write run ``run_id``, then validate and repair it (:mod:`docent.write.repair`).

    ``rounds`` repair rounds at most (0: validate only). Repaired sections are saved in the
    run, so an interrupted repair resumes from them.
    """
    from docent.write.repair import repair_sections

    writer, plans, sections = _write_sections(brief, store, settings, retriever, model, embedder,
                                              run_id, progress)

    def save(fixed: list[DraftSection]) -> None:
        for i, section in enumerate(fixed):
            store.save_run_section(run_id, i, section.model_dump_json())

    return repair_sections(
        sections, render=lambda secs: _draft(writer, secs, run_id),
        top_up=lambda secs: _fit_length(writer, plans, secs, run_id), save=save,
        brief=brief, store=store, retriever=retriever, model=model, judge=judge,
        embedder=embedder, rounds=rounds, progress=progress)


def _write_sections(brief: Brief, store: Store, settings: Settings, retriever: Retriever,
                    model: ChatModel, embedder: Embedder | None, run_id: int,
                    progress: Progress | None):
    writer = _Writer(brief, store, settings, model, embedder, progress)
    plans = plan_report(brief, store, retriever)
    saved = store.run_sections(run_id)
    sections: list[DraftSection] = []
    for plan in plans:
        if progress:
            progress("sections", plan.index, len(plans))
        if plan.index in saved:
            sections.append(DraftSection.model_validate_json(saved[plan.index]))
            writer.cursor[plan.index] = len(sections[-1].paragraphs)
            continue
        section = writer.section(plan)
        store.save_run_section(run_id, plan.index, section.model_dump_json())
        sections.append(section)
    if progress:
        progress("sections", len(plans), len(plans))
    sections = _fit_length(writer, plans, sections, run_id)
    return writer, plans, sections


def _draft(writer: _Writer, sections: list[DraftSection], run_id: int
           ) -> tuple[Draft, dict[int, int]]:
    """The numbered draft and its ``{passage id: citation number}`` map."""
    brief = writer.brief
    numbered, citations = number_citations(sections, writer.store)
    title = brief.title or ("阅读报告" if brief.language == "zh" else "Reading report")
    draft = Draft(run_id=run_id, title=title, language=brief.language, sections=numbered,
                  citations=citations, length_unit=writer.unit, length_range=brief.length)
    draft.length = report_length(body_markdown(draft), writer.unit)
    return draft, {c.passage_id: c.number for c in citations}


def _fit_length(writer: _Writer, plans: list[SectionPlan], sections: list[DraftSection],
                run_id: int) -> list[DraftSection]:
    """Add paragraphs while the report is under the range, trim sentences while over it."""
    brief, unit = writer.brief, writer.unit
    rng = brief.length

    def total() -> int:
        body = "\n\n".join(p for s in sections for p in [s.heading, *s.paragraphs])
        return report_length(body, unit)

    lo = rng.min if rng and rng.min is not None else None
    hi = rng.max if rng and rng.max is not None else None
    flexible = [p for p in plans if not p.missing and p.role != "info" and p.evidence]
    rounds = 0
    while lo is not None and total() < lo + (lo // 20) and flexible and rounds < 12:
        rounds += 1
        progressed = False
        for plan in sorted(flexible, key=lambda p: _section_length(sections[p.index], unit)
                           - p.budget):
            groups = _groups(plan)
            i = writer.cursor.get(plan.index, 0)
            focus = _FOCUS["zh" if brief.language == "zh" else "en"][plan.role]
            if i >= len(groups):  # evidence used up: write again from the best, more detail
                i = i % max(len(groups), 1)
                focus = (focus + "；补充更多细节和例子") if brief.language == "zh" else (
                    focus + "; add more detail and examples")
            para = writer.paragraph(plan, groups[i], _paragraph_target(unit), focus)
            writer.cursor[plan.index] = writer.cursor.get(plan.index, 0) + 1
            if para:
                sections[plan.index].paragraphs.append(para)
                writer.store.save_run_section(run_id, plan.index,
                                              sections[plan.index].model_dump_json())
                progressed = True
            if total() >= lo + (lo // 20):
                break
        if not progressed:
            break
    while hi is not None and total() > hi:
        longest = max((s for s in sections if s.status == "written" and s.paragraphs),
                      key=lambda s: _section_length(s, unit), default=None)
        if longest is None:
            break
        last = longest.paragraphs[-1]
        spans = sentence_spans(last)
        if len(spans) <= 1:
            if len(longest.paragraphs) == 1:
                break
            longest.paragraphs.pop()
        else:
            longest.paragraphs[-1] = last[: spans[-2][1]]
    return sections
