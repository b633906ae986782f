"""Write paragraphs from evidence and attach citations by construction.

Small local models drop citation markers when asked to cite, so they are never asked: each
paragraph is written from two or three numbered passages, then every sentence is aligned to the
passage that supports it best (shared terms and multilingual embedding similarity, so a Chinese
sentence aligns with an English passage) and the marker ``⟦passage id⟧`` is placed before its
final punctuation. :func:`docent.write.render` numbers the markers ``[1]``, ``[2]``... in order.

Bibliographic facts are never generated: :func:`info_paragraphs` fills them in from the
metadata extracted from the paper.
"""

from __future__ import annotations

import re

import numpy as np

from docent.sources.base import MEDIA_KINDS
from docent.index import Embedder, dense_text, tokenize
from docent.llm import ChatModel, Message
from docent.sources.links import code_host
from docent.store import Store, text_sha
from docent.text import sentence_spans
from docent.types import (
    Bibliography,
    Brief,
    LengthUnit,
    Passage,
    Source,
    SourceKind,
    format_timestamp,
)

__all__ = ["align", "info_paragraphs", "marker", "missing_paragraph", "write_paragraph"]

MARKER_RE = re.compile(r"⟦(\d+)⟧")


def marker(passage_id: int) -> str:
    return f"⟦{passage_id}⟧"


def _cite(sentence: str, passage_id: int) -> str:
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


def info_paragraphs(brief: Brief, papers: list[tuple[Source, Passage | None]],
                    media: list[tuple[Source, Passage | None]]) -> list[str]:
    """The bibliographic section, from extracted metadata only (title, authors, ...)."""
    zh = brief.language == "zh"
    out: list[str] = []
    for source, front in papers:
        bib = source.bibliography
        title = (bib.title if bib and bib.title else source.title)
        cite = (lambda s: _cite(s, front.id)) if front is not None and front.id else (lambda s: s)
        facts: list[str] = []
        if zh:
            facts.append(cite(f"论文题目：《{title}》。"))
            if bib and bib.authors:
                facts.append(cite(f"作者：{'、'.join(bib.authors)}。"))
            if bib and bib.affiliations:
                facts.append(cite(f"作者单位：{'；'.join(bib.affiliations)}。"))
            when = [x for x in (bib.venue if bib else None,
                                f"{bib.year}年" if bib and bib.year else None) if x]
            if when:
                facts.append(f"发表信息：{'，'.join(when)}。")
            if bib and bib.arxiv_id:
                facts.append(f"arXiv 编号：{bib.arxiv_id}，论文地址：https://arxiv.org/abs/{bib.arxiv_id}。")
            elif bib and bib.doi:
                facts.append(f"DOI：{bib.doi}，论文地址：https://doi.org/{bib.doi}。")
            elif _address(bib):
                facts.append(f"论文地址：{_address(bib)}。")
            facts.append(f"篇幅：共 {source.pages} 页。" if source.pages else "")
        else:
            facts.append(cite(f"Title: {title}."))
            if bib and bib.authors:
                facts.append(cite(f"Authors: {', '.join(bib.authors)}."))
            if bib and bib.affiliations:
                facts.append(cite(f"Affiliations: {'; '.join(bib.affiliations)}."))
            when = [x for x in (bib.venue if bib else None, str(bib.year) if bib and bib.year
                                else None) if x]
            if when:
                facts.append(f"Published: {', '.join(when)}.")
            if bib and bib.arxiv_id:
                facts.append(f"arXiv: {bib.arxiv_id} (https://arxiv.org/abs/{bib.arxiv_id}).")
            elif bib and bib.doi:
                facts.append(f"DOI: {bib.doi} (https://doi.org/{bib.doi}).")
            elif _address(bib):
                facts.append(f"Address: {_address(bib)}.")
            facts.append(f"Length: {source.pages} pages." if source.pages else "")
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


# --- paragraphs from evidence --------------------------------------------------------------

def _excerpt(passage: Passage, limit: int = 1400) -> str:
    text = " ".join(passage.text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


_GENERIC_LABEL = re.compile(
    r"^(?:[^\s：:。]{0,12}?(?:解析|要点|摘要|总结|概述|简介|介绍|信息|目标|结论|方法)|"
    r"(?:summary|overview|key points?|analysis|introduction))\s*[：:]\s*", re.IGNORECASE)


def _clean(text: str, section_title: str = "", truncated: bool = False) -> str:
    """Plain prose out of a model's answer: no headings, lists, markers, citations, echoed
    labels, repeated sentences (small models loop) or a sentence cut off by the token limit."""
    lines = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(#+|[-*•]|\d+[.)、]|[（(]\d+[)）])\s*", "", line).strip()
        if line:
            lines.append(line)
    out = " ".join(lines)
    out = re.sub(r"\[\s*\d+(?:\s*[,，]\s*\d+)*\s*\]|【\d+】|\*+|__|`", "", out)
    out = re.sub(r"(出处类型|来源类型|Source type)\s*[：:][^。；.]*[。；.]?", "", out)
    out = re.sub(r"\s+([，。；：！？])", r"\1", out).strip()
    if section_title and out.startswith(section_title):
        out = out[len(section_title):].lstrip("：: ，,")
    out = _GENERIC_LABEL.sub("", out, count=1)
    kept: list[str] = []
    seen: set[str] = set()
    for s, e in sentence_spans(out):
        sentence = out[s:e]
        key = re.sub(r"\W+", "", sentence.lower())
        if not key or key in seen or _loops(sentence):
            continue
        seen.add(key)
        kept.append(sentence)
    if kept and (truncated or not re.search(r"[。！？.!?”\"）)]$", kept[-1])):
        if not re.search(r"[。！？.!?”\"）)]$", kept[-1]):
            kept.pop()
    joiner = "" if re.search(r"[\u4e00-\u9fff]", out) else " "
    return joiner.join(kept)


def _loops(sentence: str) -> bool:
    """A sentence in which some phrase of 4+ characters comes back three or more times."""
    compact = re.sub(r"\s+", "", sentence)
    if len(compact) < 40:
        return False
    for size in (4, 6, 8, 12):
        grams = [compact[i : i + size] for i in range(0, len(compact) - size, 2)]
        if grams and max(grams.count(g) for g in set(grams)) >= 4:
            return True
    return False


def write_paragraph(model: ChatModel, brief: Brief, section_title: str, focus: str,
                    passages: list[tuple[Passage, Source]], target: int,
                    unit: LengthUnit) -> str:
    """One paragraph of about ``target`` units, in the brief's language, from ``passages``."""
    zh = brief.language == "zh"
    def kind(s: Source) -> str:
        if s.kind in MEDIA_KINDS:
            return "讲解视频字幕" if zh else "lecture transcript"
        return "论文" if zh and s.kind is SourceKind.pdf else ("paper" if s.kind is SourceKind.pdf
                                                               else s.kind.value)

    sources = "\n\n".join(
        f"[{i}] ({kind(s)}: {s.title}, {p.locator.label()})\n{_excerpt(p)}"
        for i, (p, s) in enumerate(passages, start=1))
    audience = brief.audience or ("初学者" if zh else "beginners")
    has_media = any(s.kind in MEDIA_KINDS for _, s in passages)
    if zh:
        system = (f"你是一名认真的学生，正在撰写《{brief.title or '阅读报告'}》。只能依据给出的资料写作，"
                  f"不要添加资料中没有的事实、数字或人名。语言：{brief.tone or '正式书面语'}，"
                  f"面向{audience}，必要时解释术语。")
        user = (f"资料：\n{sources}\n\n请用中文写一段约{target}字的段落，作为报告“{section_title}”"
                f"部分的内容{('，重点：' + focus) if focus else ''}。用第三人称转述（如“作者提出”），"
                "不要用“我们”。" + ("来自视频字幕的内容写成“视频中讲到”，不要说成论文的内容。"
                                  if has_media else "")
                + "只输出一段连贯的正文，不要标题、列表、编号或任何标注。")
    else:
        system = (f"You are a careful student writing '{brief.title or 'a reading report'}'. Use "
                  "only the given sources; add no facts, numbers or names they do not contain. "
                  f"Tone: {brief.tone or 'formal'}; audience: {audience}; explain terms.")
        user = (f"Sources:\n{sources}\n\nWrite one paragraph of about {target} words in English "
                f"for the section '{section_title}'{(' focusing on ' + focus) if focus else ''}."
                " Report in the third person (the authors propose...), never 'we'."
                + (" Say 'the lecture explains' for transcript content; never present it as the"
                   " paper's." if has_media else "")
                + " Output only the paragraph: no heading, no list, no citation numbers.")
    # Chinese: ~1.4 characters per token for Qwen; English: ~0.75 words per token.
    max_tokens = int(target / 1.2) + 48 if unit is LengthUnit.zh_chars else int(target * 1.5) + 48
    reply = model.complete([Message("system", system), Message("user", user)],
                           max_tokens=max_tokens, temperature=0.3, repeat_penalty=1.15)
    return _clean(reply.text, section_title, truncated=reply.finish_reason == "length")


def passage_vectors(passages: list[Passage], embedder: Embedder,
                    store: Store | None = None) -> np.ndarray:
    """The passages' dense vectors: from the workspace's vector cache when ingest made them,
    embedded now otherwise."""
    texts = [dense_text(p.text, p.locator.section, p.role) for p in passages]
    shas = [text_sha(t) for t in texts]
    cached = store.cached_vectors(embedder.name, shas) if store is not None else {}
    missing = [i for i, sha in enumerate(shas) if sha not in cached]
    fresh = embedder.embed_passages([texts[i] for i in missing]) if missing else []
    found = dict(zip(missing, fresh))
    return np.vstack([cached[sha] if sha in cached else found[i] for i, sha in enumerate(shas)])


def align(paragraph: str, passages: list[Passage], embedder: Embedder | None,
          *, store: Store | None = None, min_score: float = 0.0) -> tuple[str, list[int]]:
    """Cite every sentence of ``paragraph`` to the passage that supports it best.

    Score = cosine of multilingual embeddings (when an embedder is configured) plus the share
    of the sentence's terms found in the passage. Returns the cited paragraph and the passage
    ids used, in order.
    """
    spans = sentence_spans(paragraph)
    sentences = [paragraph[s:e] for s, e in spans]
    if not sentences or not passages:
        return paragraph, []
    pvecs = passage_vectors(passages, embedder, store) if embedder is not None else None
    pterms = [set(tokenize(p.text)) for p in passages]
    out: list[str] = []
    used: list[int] = []
    for sentence in sentences:
        terms = set(tokenize(sentence))
        lexical = np.array([len(terms & t) / max(len(terms), 1) for t in pterms])
        score = lexical.copy()
        if pvecs is not None:
            score += pvecs @ embedder.embed_query(sentence)
        best = int(np.argmax(score))
        pid = passages[best].id
        if score[best] >= min_score and pid is not None and len(terms) >= 2:
            out.append(_cite(sentence, pid))
            used.append(pid)
        else:
            out.append(sentence)
    joiner = "" if re.search(r"[\u4e00-\u9fff]", paragraph) else " "
    return joiner.join(out), used
