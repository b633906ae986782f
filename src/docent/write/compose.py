"""What the writer states without a model, and the citation markers it places.

Small local models drop citation markers when asked to cite, so they are never asked: each
sentence is rendered from its own evidence (:mod:`docent.write.sentences`) and the marker
``⟦passage id⟧`` of that evidence is placed before its final punctuation (:func:`cite`);
:func:`number_citations` numbers the markers ``[1]``, ``[2]``... in order.

Bibliographic facts are never generated: :func:`info_paragraphs` fills them in from the
metadata extracted from the paper; :func:`missing_paragraph` says that a source the assignment
needs was not provided.

>>> cite("作者提出了 ALCE。", 7)
'作者提出了 ALCE⟦7⟧。'
"""

from __future__ import annotations

import re

from docent.sources.links import code_host
from docent.store import Store
from docent.types import (
    Citation,
    DraftSection,
    Bibliography,
    Brief,
    Passage,
    Source,
    SourceKind,
    format_timestamp,
)

__all__ = ["MARKER_RE", "cite", "info_paragraphs", "loops", "marker", "missing_paragraph",
           "number_citations"]

MARKER_RE = re.compile(r"⟦(\d+)⟧")


def marker(passage_id: int) -> str:
    return f"⟦{passage_id}⟧"


def cite(sentence: str, passage_id: int) -> str:
    """Put the marker before the sentence's closing punctuation: '…精确率⟦7⟧。'."""
    m = re.search(r"([。！？；.!?;]+[”’\"')）]*)\s*$", sentence)
    if m:
        return sentence[: m.start()].rstrip() + marker(passage_id) + m.group(1)
    return sentence.rstrip() + marker(passage_id)


# --- facts from metadata ---------------------------------------------------------------------

def _address(bib: Bibliography | None) -> str | None:
    """A paper's web address from its metadata (the link it was ingested from), never a code
    repository's."""
    url = bib.url if bib else None
    if url and url.startswith(("http://", "https://")) and not code_host(url):
        return url
    return None


# the bibliographic lines, by report language (copied facts: the checks compare them with the
# extracted metadata)
_INFO = {
    "zh": {"title": "论文题目：《{}》。", "authors": "作者：{}。", "and": "、",
           "affiliations": "作者单位：{}。", "sep": "；", "year": "{}年", "published": "发表信息：{}。", "list": "，",
           "arxiv": "arXiv 编号：{0}，论文地址：https://arxiv.org/abs/{0}。",
           "doi": "DOI：{0}，论文地址：https://doi.org/{0}。", "address": "论文地址：{}。",
           "pages": "篇幅：共 {} 页。"},
    "en": {"title": "Title: {}.", "authors": "Authors: {}.", "and": ", ",
           "affiliations": "Affiliations: {}.", "sep": "; ", "year": "{}", "published": "Published: {}.",
           "list": ", ", "arxiv": "arXiv: {0} (https://arxiv.org/abs/{0}).",
           "doi": "DOI: {0} (https://doi.org/{0}).", "address": "Address: {}.",
           "pages": "Length: {} pages."},
}


def info_paragraphs(brief: Brief, papers: list[tuple[Source, Passage | None]],
                    media: list[tuple[Source, Passage | None]]) -> list[str]:
    """The bibliographic section, from extracted metadata only (title, authors, ...)."""
    zh = brief.language == "zh"
    out: list[str] = []
    for source, front in papers:
        bib = source.bibliography
        title = (bib.title if bib and bib.title else source.title)
        cited = (lambda s: cite(s, front.id)) if front is not None and front.id else (lambda s: s)
        t = _INFO["zh" if zh else "en"]
        facts = [cited(t["title"].format(title))]
        if bib and bib.authors:
            facts.append(cited(t["authors"].format(t["and"].join(bib.authors))))
        if bib and bib.affiliations:
            facts.append(cited(t["affiliations"].format(t["sep"].join(bib.affiliations))))
        when = [x for x in (bib.venue if bib else None,
                            t["year"].format(bib.year) if bib and bib.year else None) if x]
        if when:
            facts.append(t["published"].format(t["list"].join(when)))
        if bib and bib.arxiv_id:
            facts.append(t["arxiv"].format(bib.arxiv_id))
        elif bib and bib.doi:
            facts.append(t["doi"].format(bib.doi))
        elif _address(bib):
            facts.append(t["address"].format(_address(bib)))
        if source.pages:
            facts.append(t["pages"].format(source.pages))
        out.append(" ".join(f for f in facts if f) if not zh else "".join(f for f in facts if f))
    for source, first in media:
        length = format_timestamp(source.duration) if source.duration else None
        kind = "讲解视频" if source.kind is SourceKind.media else "讲解视频字幕"
        link = source.path if source.path.startswith(("http://", "https://")) else None
        if zh:
            text = (f"配套{kind}：《{source.title}》" + (f"，时长 {length}" if length else "")
                    + (f"，视频地址：{link}" if link else "") + "。")
        else:
            text = (f"Lecture: {source.title}" + (f" ({length})" if length else "")
                    + (f", {link}" if link else "") + ".")
        out.append(text)
    if not papers and not media:
        out.append("本次未提供论文，无法给出论文的基本信息。" if zh else
                   "No paper was provided, so its bibliographic details cannot be given.")
    return out


def missing_paragraph(brief: Brief, kind: str) -> str:
    if brief.language == "zh":
        what = {"video": "讲解视频（或其字幕）", "web": "网页资料", "paper": "论文"}.get(kind, kind)
        return (f"本次提供的资料中没有{what}，因此本部分无法依据该来源撰写。"
                f"为避免编造内容，此处不作补充；如需完成本部分，请提供相应的{what}后重新生成。")
    what = {"video": "lecture video (or its subtitles)", "web": "web page",
            "paper": "paper"}.get(kind, kind)
    return (f"No {what} was provided, so this section cannot be written from that source. "
            f"Rather than invent its content, it is left out; provide the {what} and run again.")


# --- sentence hygiene ------------------------------------------------------------------------

def loops(sentence: str) -> bool:
    """A sentence in which some phrase of 4+ characters comes back three or more times."""
    compact = re.sub(r"\s+", "", sentence)
    if len(compact) < 40:
        return False
    for size in (4, 6, 8, 12):
        grams = [compact[i : i + size] for i in range(0, len(compact) - size, 2)]
        if grams and max(grams.count(g) for g in set(grams)) >= 4:
            return True
    return False


def number_citations(sections: list[DraftSection], store: Store) -> tuple[list[DraftSection],
                                                                         list[Citation]]:
    """Replace ``⟦passage id⟧`` markers with ``[n]`` (n by first appearance)."""
    numbers: dict[int, int] = {}
    for section in sections:
        for sentence in section.sentences():
            for m in MARKER_RE.finditer(sentence.text):
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
    numbered = [section.model_copy(deep=True) for section in sections]
    for section in numbered:
        for sentence in section.sentences():
            sentence.text = MARKER_RE.sub(lambda m: f"[{numbers[int(m.group(1))]}]",
                                          sentence.text)
    return numbered, citations
