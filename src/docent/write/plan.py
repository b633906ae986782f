"""Plan a report: what each required section is for, what to search for, which evidence to use
and how much to write::

    plans = plan_report(brief, store, retriever)
    [(p.section.title, p.role, p.budget, len(p.evidence)) for p in plans]
    # [('论文基本信息', 'info', 260, 1), ('核心内容摘要', 'summary', 740, 8), ...]

Roles: ``info`` (bibliographic facts, taken from the paper's extracted metadata, never from a
model), ``summary``, ``technique``, ``media`` (a section about the lecture video: evidence from
media and subtitle sources only) and ``general``. Queries are issued in the assignment's
language and in the sources' language, so a Chinese assignment finds an English paper's passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docent.sources.base import MEDIA_KINDS
from docent.index import Retriever
from docent.store import Store
from docent.types import (
    NOT_PROSE,
    Brief,
    BriefSection,
    LengthUnit,
    Passage,
    PassageRole,
    Source,
    SourceKind,
)

__all__ = ["MEDIA_KINDS", "PAPER_KINDS", "SectionPlan", "plan_report", "target_length"]

PAPER_KINDS = {SourceKind.pdf}

_ROLE_PATTERNS = [
    ("info", r"基本信息|论文信息|文献信息|bibliograph|basic info|paper info|publication info"),
    ("summary", r"摘要|概述|概要|总结|主要内容|核心内容|summary|overview|abstract|main idea"),
    ("technique", r"技术|方法|原理|机制|模型结构|算法|technique|method|approach|mechanism|"
                  r"architecture|algorithm|how it works"),
]

# English queries per role, for sources in English whatever the assignment's language.
_EN_QUERIES = {
    "summary": ["the goal and main contributions of this paper",
                "main results and conclusions of the experiments",
                "the problem this work addresses and the proposed approach"],
    "technique": ["the proposed method and how it works", "key techniques and model design",
                  "evaluation metrics and how they are computed"],
    "media": ["the main points explained in the lecture", "how the model is built step by step",
              "key ideas of the transformer and attention"],
    "general": [],
}
_ZH_QUERIES = {
    "summary": ["论文的研究目标和主要贡献", "实验结果与结论"],
    "technique": ["论文提出的方法及其原理", "关键技术和评价指标"],
    "media": ["视频讲解的主要内容"],
    "general": [],
}


@dataclass
class SectionPlan:
    index: int
    section: BriefSection
    heading: str
    role: str
    budget: int  # length to write, in the brief's unit
    queries: list[str] = field(default_factory=list)
    evidence: list[tuple[Passage, Source]] = field(default_factory=list)
    missing: str | None = None  # the kind of source this section needs but was not provided


def section_role(section: BriefSection) -> str:
    if section.about_source == "video":
        return "media"
    for role, pattern in _ROLE_PATTERNS:
        if re.search(pattern, section.title, re.IGNORECASE):
            return role
    return "general"


def target_length(brief: Brief) -> tuple[int, LengthUnit]:
    """The length to aim for: a quarter of the way into the range (sentences that fail
    validation or lean on a dropped one are removed later, and a repair tops the report up to
    the minimum; every sentence more costs writing and judging time), a little over a bare
    minimum.

    >>> from docent.types import LengthRange
    >>> asked = LengthRange(min=2000, max=3000, unit="zh_chars")
    >>> target_length(Brief(assignment="2000-3000字", language="zh", length=asked))[0]
    2250
    """
    unit = brief.length.unit if brief.length else (
        LengthUnit.zh_chars if brief.language == "zh" else LengthUnit.words)
    rng = brief.length
    if rng and rng.min is not None and rng.max is not None:
        return rng.min + (rng.max - rng.min) // 4, unit
    if rng and rng.min is not None:
        return int(rng.min * 1.15), unit
    if rng and rng.max is not None:
        return int(rng.max * 0.8), unit
    return (1500 if unit is LengthUnit.zh_chars else 1000), unit


def _heading(section: BriefSection, i: int, language: str) -> str:
    number = section.number or str(i + 1)
    if language == "zh":
        digits = "一二三四五六七八九十"
        n = int(number) if number.isdigit() else i + 1
        return f"{digits[n - 1] if 0 < n <= 10 else n}、{section.title}"
    return f"{number}. {section.title}"


def _budgets(brief: Brief, roles: list[str], missing: list[bool]) -> list[int]:
    total, unit = target_length(brief)
    small = 60 if unit is LengthUnit.zh_chars else 40
    info = 280 if unit is LengthUnit.zh_chars else 150
    fixed = [info if r == "info" else small if m else 0 for r, m in zip(roles, missing)]
    flexible = [i for i, f in enumerate(fixed) if f == 0]
    rest = max(total - sum(fixed), 0)
    weights = {"technique": 1.3, "summary": 1.0, "media": 0.9, "general": 1.0}
    wsum = sum(weights[roles[i]] for i in flexible) or 1.0
    return [fixed[i] if fixed[i] else int(rest * weights[roles[i]] / wsum)
            for i in range(len(roles))]


def _paper_sections(store: Store, sources: list[Source]) -> list[str]:
    """Method-like section headings of the papers (e.g. '3.3 Citation Quality')."""
    skip = r"introduction|related|conclusion|limitation|acknowledg|reference|abstract|appendix"
    headings: list[str] = []
    for source in sources:
        for p in store.passages(source.id):
            sec = p.locator.section
            if (sec and p.role is PassageRole.body and sec not in headings
                    and not re.search(skip, sec, re.IGNORECASE)):
                headings.append(sec)
    return headings[:8]


def plan_report(brief: Brief, store: Store, retriever: Retriever, *,
                per_section: int = 8) -> list[SectionPlan]:
    sources = store.sources()
    kinds = {s.kind for s in sources}
    have_media = bool(kinds & MEDIA_KINDS)
    papers = [s for s in sources if s.kind in PAPER_KINDS]
    roles = [section_role(s) for s in brief.sections]
    missing = [r == "media" and not have_media for r in roles]
    budgets = _budgets(brief, roles, missing)
    technique_terms = [re.sub(r"^[\dA-Z.]+\s+", "", h) for h in _paper_sections(store, papers)]
    plans: list[SectionPlan] = []
    used: set[int] = set()
    for i, (section, role) in enumerate(zip(brief.sections, roles)):
        plan = SectionPlan(i, section, _heading(section, i, brief.language), role, budgets[i])
        if missing[i]:
            plan.missing = "video"
            plans.append(plan)
            continue
        if role == "info":
            front = [(p, s) for s in papers for p in store.passages(s.id)
                     if p.role in (PassageRole.front, PassageRole.abstract)]
            plan.evidence = front[:2]
            plans.append(plan)
            continue
        queries = [section.title] + ([section.details] if section.details else [])
        queries += _ZH_QUERIES[role] if brief.language == "zh" else []
        queries += _EN_QUERIES[role]
        if role == "technique":
            queries += technique_terms[:4]
        if role == "media" and papers and papers[0].bibliography:
            queries.append(papers[0].title)
        plan.queries = queries
        allowed = MEDIA_KINDS if role == "media" else None
        if role == "summary" and papers:
            allowed = PAPER_KINDS  # a summary of the paper comes from the paper
        lead: list[tuple[Passage, Source]] = []
        if role == "summary":  # the abstract, introduction and conclusion say it best
            lead = _summary_passages(store, papers)
        picked = _gather(retriever, queries, allowed, used | {p.id for p, _ in lead},
                         per_section - len(lead))
        plan.evidence = lead + picked
        used.update(p.id for p, _ in plan.evidence if p.id is not None)
        plans.append(plan)
    return plans


def _summary_passages(store: Store, papers: list[Source]) -> list[tuple[Passage, Source]]:
    out: list[tuple[Passage, Source]] = []
    for source in papers[:2]:
        passages = store.passages(source.id)
        pick = [p for p in passages if p.role is PassageRole.abstract][:1]
        intro = [p for p in passages if p.locator.section
                 and re.search(r"introduction|引言|绪论", p.locator.section, re.IGNORECASE)]
        concl = [p for p in passages if p.locator.section
                 and re.search(r"conclusion|结论|总结", p.locator.section, re.IGNORECASE)]
        pick += intro[:1] + concl[:1]
        out += [(p, source) for p in pick]
    return out


def _gather(retriever: Retriever, queries: list[str], allowed: set[SourceKind] | None,
            used: set[int], limit: int) -> list[tuple[Passage, Source]]:
    """Round-robin over the queries' hit lists: the best few of each, no repeats, no
    reference-list passages; appendix passages and those already used by an earlier section
    only when nothing else is left."""
    lists = []
    for q in queries:
        hits = [h for h in retriever.search(q, top=30)
                if h.passage.role not in NOT_PROSE
                and (allowed is None or h.source.kind in allowed)]
        lists.append(hits)
    chosen: dict[int, tuple[Passage, Source]] = {}
    spare: list[tuple[Passage, Source]] = []
    for rank in range(30):
        for hits in lists:
            if rank < len(hits):
                h = hits[rank]
                pid = h.passage.id
                if pid in chosen or pid is None:
                    continue
                if pid in used or h.passage.role is PassageRole.appendix:
                    spare.append((h.passage, h.source))
                    continue
                chosen[pid] = (h.passage, h.source)
                if len(chosen) >= limit:
                    return list(chosen.values())
    for p, s in spare:
        if len(chosen) >= limit:
            break
        chosen.setdefault(p.id, (p, s))
    return list(chosen.values())
