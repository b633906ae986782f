"""Number a draft's citations in order of first use and print it as Markdown with a reference
list naming each source and locator::

    print(to_markdown(draft))
    # # 大模型技术论文阅读报告
    # ## 一、论文基本信息
    # 论文题目：《Enabling Large Language Models to Generate Text with Citations》[1]。...
    # ## 参考文献
    # [1] Enabling Large Language Models to Generate Text with Citations, p. 1
"""

from __future__ import annotations

from docent.store import Store
from docent.render.markdown import body_markdown, to_markdown
from docent.types import Citation, DraftSection
from docent.write.compose import MARKER_RE

__all__ = ["body_markdown", "number_citations", "to_markdown"]


def number_citations(sections: list[DraftSection], store: Store) -> tuple[list[DraftSection],
                                                                         list[Citation]]:
    """Replace ``⟦passage id⟧`` markers with ``[n]`` (n by first appearance)."""
    numbers: dict[int, int] = {}
    for section in sections:
        for paragraph in section.paragraphs:
            for m in MARKER_RE.finditer(paragraph):
                numbers.setdefault(int(m.group(1)), len(numbers) + 1)
    passages = store.passages_by_id(numbers)
    sources = {}
    citations: list[Citation] = []
    for pid, n in numbers.items():
        p = passages.get(pid)
        if p is None:
            continue
        if p.source_id not in sources:
            sources[p.source_id] = store.source(p.source_id)
        s = sources[p.source_id]
        citations.append(Citation(
            number=n, passage_id=pid, source_id=s.id, source_title=s.title,
            source_kind=s.kind, locator=p.locator, excerpt=" ".join(p.text.split())[:160],
        ))
    numbered = [
        section.model_copy(update={"paragraphs": [
            MARKER_RE.sub(lambda m: f"[{numbers[int(m.group(1))]}]", para)
            for para in section.paragraphs]})
        for section in sections
    ]
    return numbered, citations
