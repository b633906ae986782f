"""Beginner explanations from the workspace's own-language sources.

Where a source in the report's language (a Chinese tutorial in the knowledge base of a Chinese
report) explains a technique the paper uses, the technique's paragraph opens with that
explanation, cited to it, and then gives the paper's own use of it, cited to the paper::

    found = explanations(store, brief, ["3.1 Pre-training BERT", "3.2 Fine-tuning BERT"])
    [ev.text for ev in found["3.2 Fine-tuning BERT"]]
    # ['作为 NLP 领域里程碑式的成果，BERT 的一个重大意义就是正式确立了预训练-微调的两阶段思想，……']

A tutorial section explains a technique when its heading names it: the technique's own words
(an acronym, a name: "BERT", "MLM") or the glossary's Chinese of its terms ("Fine-tuning" ->
微调, "Feedforward" -> 前馈), weighted by how few of the paper's technique names share them (the
paper's own name, in every one of them, tells them apart least). The explanation is the
opening of that section: its first sentences that stand alone and speak of the subject, not of
the tutorial ("在上一章，我们……", "如图3.1所示").

A restated same-language sentence keeps its source's numbers, names, negations and contrasts
(:func:`faithful_restatement`); a restatement that does not is replaced by the source sentence
itself, which needs no rendering.
"""

from __future__ import annotations

import re
from collections import Counter

from docent.glossary import Glossary
from docent.sources.base import MEDIA_KINDS
from docent.store import Store
from docent.text import CJK_RE, normalize_space, sentence_spans, unstated_numbers
from docent.types import Brief, Passage, PassageRole, Source, SourceKind
from docent.write.points import Evidence
from docent.write.rules import _DENIES_ZH

__all__ = ["explanations", "faithful_restatement", "heading_keys", "tutorial_sentence"]

# words of a section name too common to say which technique it is
_GENERIC = set("""a an the of and or with for to in on by via using based new novel our model models
approach approaches method methods network networks neural net task tasks learning training
data procedure procedures system systems framework overview details setup general simple
input output inputs outputs representation representations architecture language languages""".split())

# a tutorial speaking of itself, its figures or its reader: no statement about the technique
_TUTORIAL = re.compile(r"我们|咱们|本章|本节|本文|上一章|上一节|下一节|上文|下文|前文|后文|如图|"
                       r"图\s*\d|表\s*\d|接下来|读者|此处|这里|如下|以下|下面|笔者|代码|"
                       r"如前所述|前面|后面|有兴趣")
# markup, code, formulas and links: not prose
_MARKUP = re.compile(r"<[A-Za-z/!]|https?://|`|\$|\||\*\*|!\[|\]\(|^[>#\-*+]|^\d+\.\s")
# a sentence that leans on the one before it: 这/该/其/此 as its subject, a connective
_LEANS = re.compile(r"^(?:这|该|其|此|它|他们|她们|因此|所以|但|而|同时|此外|另外|另一方面|"
                    r"例如|比如|具体来说|具体而言|也就是|即|然而|不过|当然|首先|其次|最后|"
                    r"通过上述|针对这|对此|由此|因而|于是|那么|同样|类似)")
_CONTRASTS = re.compile(r"但|然而|不过|却|相反|而非|而是")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9\-+#.]*[A-Za-z0-9+#]|[A-Za-z]")


def _unnumbered(name: str) -> str:
    """A section name without its number: "A.2 Pre-training Procedure" -> "Pre-training
    Procedure"."""
    return re.sub(r"^\s*[A-Z]?\d+(?:\.\d+)*\.?\s+", "", name).strip()


def heading_keys(name: str, glossary: Glossary) -> set[str]:
    """What a tutorial's heading would name a technique by: the technique name's own words
    (lower case, the generic ones left out) and the glossary's Chinese of its terms.

    >>> sorted(heading_keys("3.2 Fine-tuning BERT", Glossary()))
    ['bert', 'fine-tuning', '微调']
    >>> sorted(heading_keys("2.1 Feedforward Neural Net Language Model (NNLM)", Glossary()))
    ['feedforward', 'nnlm', '前馈', '语言模型']
    """
    bare = _unnumbered(name)
    keys = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9\-]+", bare)
            if w.lower() not in _GENERIC and len(w) >= 2}
    for _, zh in glossary.terms_in(bare):
        if CJK_RE.search(zh):
            keys.add(zh.removesuffix("的"))
    return keys


def _has(text: str, key: str) -> bool:
    """``key`` in ``text``: a Latin key as a whole word ("bert" is not in "RoBERTa")."""
    if CJK_RE.search(key):
        return key in text
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(key)}(?![A-Za-z0-9])", text,
                     re.IGNORECASE) is not None


def _levels(section: str | None) -> list[str]:
    """A passage's heading path, deepest last, each without its numbering ("3.1.1 BERT" ->
    "BERT", "（3）预训练任务——MLM + NSP" -> "预训练任务——MLM + NSP")."""
    parts = [p.strip() for p in (section or "").split(" > ") if p.strip()]
    return [re.sub(r"^(?:第.{1,3}[章节]|[（(]\s*\S{1,3}\s*[)）]|\d+(?:\.\d+)*\.?)\s*", "", p)
            for p in parts]


def tutorial_sentence(text: str) -> bool:
    """Whether a same-language source sentence can open a technique's explanation: prose that
    stands alone and speaks of the subject, not of the tutorial, its figures or its code.

    >>> tutorial_sentence("BERT 的模型架构是取了 Transformer 的 Encoder 部分堆叠而成。")
    True
    >>> tutorial_sentence("在上一章，我们详细讲解了注意力机制。")
    False
    >>> tutorial_sentence("因此，预训练数据一定是从无监督的语料中获取。")
    False
    """
    text = normalize_space(text)
    if CJK_RE.search(text):
        if not 16 <= len(text) <= 130 or text[-1] not in "。！；":
            return False
    elif not 8 <= len(text.split()) <= 40 or text[-1] not in ".!":
        return False
    return not (_TUTORIAL.search(text) or _MARKUP.search(text) or _LEANS.match(text)
                or re.search(r"[?？：:]$|\bwe\b|\bI\b|\byou\b", text))


def _foreign(text: str, paper: str) -> bool:
    """Whether a tutorial sentence names something (a Latin name outside the parentheses that
    gloss a term) that the paper never names: it explains another system than the paper's
    ("Transformer 的前馈神经网络……" for word2vec's feedforward language model)."""
    bare = re.sub(r"[（(][^（）()]*[)）]", "", text)
    return any(not _has(paper, w) for w in re.findall(r"[A-Za-z][A-Za-z0-9\-]+", bare))


def _opening(passage: Passage, source: Source, paper: str, count: int = 2) -> list[Evidence]:
    """The first ``count`` explaining sentences among the first five of a passage (its
    Markdown heading line left out) that name nothing the paper (its text: ``paper``) does
    not."""
    text = passage.text
    out: list[Evidence] = []
    for s, e in sentence_spans(text)[:5]:
        while text.startswith("#", s) and "\n" in text[s:e]:  # the heading line
            s = text.index("\n", s) + 1
            while s < e and text[s].isspace():
                s += 1
        if s < e and tutorial_sentence(text[s:e]) and not _foreign(text[s:e], paper):
            out.append(Evidence(passage, source, s, e))
        elif out:
            break  # the explanation stops where the tutorial turns to itself
        if len(out) >= count:
            break
    return out


def explanations(store: Store, brief: Brief, names: list[str],
                 glossary: Glossary | None = None) -> dict[str, list[Evidence]]:
    """``{technique name: the opening sentences of the same-language source section that
    explains it}`` for the paper's technique sections ``names`` that such a source explains;
    each source section explains one technique at most."""
    docs = [s for s in store.sources() if s.kind is not SourceKind.pdf and s.kind not in MEDIA_KINDS
            and (s.language or "") == brief.language]
    if not docs or not names:
        return {}
    passages = [(p, s) for s in docs for p in store.passages(s.id) if p.role is PassageRole.body]
    glossary = glossary or Glossary.from_texts(p.text for p, _ in passages)
    paper = " ".join(p.text for s in store.sources() if s.kind is SourceKind.pdf
                     for p in store.passages(s.id))
    keys = {name: heading_keys(name, glossary) for name in names}
    spread = Counter(k for ks in keys.values() for k in ks)
    out: dict[str, list[Evidence]] = {}
    used: set[str] = set()
    scored = []
    for name, ks in keys.items():
        bare = _unnumbered(name).lower()
        for order, (p, s) in enumerate(passages):
            levels = _levels(p.locator.section)
            if not levels:
                continue
            deepest, above = levels[-1], " ".join(levels[:-1])
            score = sum(1.0 / spread[k] for k in ks if _has(deepest, k))
            if score == 0:
                continue
            score += sum(0.5 / spread[k] for k in ks if _has(above, k) and not _has(deepest, k))
            if deepest.strip().lower() == bare:
                score += 1.0
            scored.append((score, -order, name, p, s))
    for score, _, name, p, s in sorted(scored, key=lambda t: (-t[0], -t[1])):
        if score < 0.5 or name in out or (p.locator.section or "") in used:
            continue
        # the section's first passage that opens with an explanation
        section = p.locator.section or ""
        for q, t in passages:
            if (q.locator.section or "") == section:
                found = _opening(q, t, paper)
                if found:
                    out[name] = found
                    used.add(section)
                    break
    return out


def faithful_restatement(line: str, source: str) -> bool:
    """Whether a same-language restatement keeps what its source states: no number, name,
    negation or contrast of its own, none of the source's negations lost, and not much
    longer.

    >>> src = "BERT 的模型架构是取了 Transformer 的 Encoder 部分堆叠而成。"
    >>> faithful_restatement("BERT 的模型由 Transformer 的 Encoder 部分堆叠而成。", src)
    True
    >>> faithful_restatement("BERT 不使用 Transformer 的 Encoder。", src)
    False
    >>> faithful_restatement("BERT 由 12 层 GPT 的 Encoder 堆叠而成。", src)
    False
    """
    line, source = normalize_space(line), normalize_space(source)
    if not line or len(line) > 1.3 * len(source) + 10 or len(line) < 0.4 * len(source):
        return False
    if unstated_numbers(line, [source]):
        return False
    low = source.lower()
    if any(w.lower() not in low for w in _LATIN.findall(line)):
        return False
    if len(_DENIES_ZH.findall(line)) != len(_DENIES_ZH.findall(source)):
        return False
    return not (_CONTRASTS.search(line) and not _CONTRASTS.search(source))


_RESTATE_ZH = ("你把教程里的句子改写进一份学生的阅读报告。规则：\n"
               "1. 每条原句改写成意思完全相同的中文，编号与原句相同，一行一条；\n"
               "2. 用简短、通俗的句子，长句可以拆成两句；\n"
               "3. 不添加、不删除任何事实，数字、名称和英文术语照抄；\n"
               "4. 不写“我们”“本章”。只输出编号的句子。")
_RESTATE_EN = ("You restate a tutorial's sentences for a student's report. Rules:\n"
               "1. Each numbered sentence restated with exactly the same meaning, same number, one "
               "per line;\n2. Short, plain sentences; a long one may become two;\n"
               "3. Add and drop no fact; copy numbers, names and terms;\n"
               "4. Never write \"we\" or \"this chapter\". Output only the numbered sentences.")


def _as_written(text: str) -> str:
    """A source sentence as a report sentence: its Markdown emphasis and spacing cleaned."""
    text = normalize_space(re.sub(r"\*\*|__", "", text))
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", text)


def restate(model, brief: Brief, evidence: list[Evidence], *, said: set[str] | None = None):
    """The same-language ``evidence`` sentences restated for the report (one short model
    call), each cited to its passage: a restatement that is not faithful
    (:func:`faithful_restatement`) gives way to the source sentence itself. A sentence already
    in ``said`` (the report's so far; it grows) is not written again."""
    from docent.llm import Message
    from docent.write.compose import cite
    from docent.write.lines import numbered
    from docent.write.sentences import Rendered, _unsaid

    said = set() if said is None else said
    zh = brief.language == "zh"
    given = [_as_written(ev.text) for ev in evidence]
    listed = "\n".join(f"{i}. {t}" for i, t in enumerate(given, 1))
    reply = model.complete(
        [Message("system", _RESTATE_ZH if zh else _RESTATE_EN),
         Message("user", f"原句：\n{listed}\n\n输出：" if zh else f"Sentences:\n{listed}\n\nOutput:")],
        max_tokens=sum(len(t) for t in given) * (2 if zh else 1) + 24 * len(given),
        temperature=0.0, stop=[f"\n{len(given) + 1}."])
    lines = numbered(reply.text)
    out = []
    for i, (ev, source) in enumerate(zip(evidence, given), 1):
        line = normalize_space((lines.get(i) or "").strip("“”\"' *"))
        if zh and line and line[-1] not in "。！？":
            line = line.rstrip("，,;；.") + "。"
        text = line if line and faithful_restatement(line, source) else source
        pieces = _unsaid(text, said)
        if pieces and ev.passage.id is not None:
            joiner = "" if zh else " "
            out.append(Rendered(joiner.join(cite(p, ev.passage.id) for p in pieces),
                                joiner.join(pieces), ev))
    return out
