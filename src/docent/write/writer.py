"""The write stage: brief + ingested sources -> a cited draft, resumable run by run::

    draft = write_report(brief, store, settings, retriever, model, embedder)
    print(to_markdown(draft))

Each finished section is saved in the workspace as soon as it is written, so an interrupted
``docent write`` continues from the sections already done. Length is steered into the brief's
range by the brief's own counting rule: sections get budgets, paragraphs are added from unused
evidence while the report is short, and trailing sentences are trimmed while it is long.
"""

from __future__ import annotations

import re
from collections import Counter

from docent.progress import Progress
from docent.config import Settings
from docent.glossary import Glossary
from docent.index import Embedder, Retriever
from docent.llm import ChatModel, Message
from docent.store import Store
from docent.text import report_length, sentence_key, split_sentences
from docent.types import (
    NOT_PROSE,
    Brief,
    Draft,
    DraftParagraph,
    DraftSection,
    DraftSentence,
    LengthUnit,
    PassageRole,
    SectionStatus,
    SentenceEvidence,
)
from docent.write.compose import (MARKER_RE, cite, info_paragraphs, missing_paragraph,
                                  number_citations)
from docent.write.explain import restate
from docent.write.points import Point, content_words, fresh, plan_points
from docent.write.sentences import Rendered, render_point
from docent.write.plan import MEDIA_KINDS, PAPER_KINDS, SectionPlan, plan_report, target_length

__all__ = ["ReportWriter", "write_report"]


# "中文（English term）" right after Chinese text: the gloss of a term
_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])[（(]\s*([A-Za-z][A-Za-z0-9 .\-]{1,40}?)\s*[）)]")


def _framed(sentence: str, point: Point, first: bool, language: str) -> str:
    """The first sentence of a lecture point says it is the lecture's (the citation gives the
    time range: a time written into the sentence is a number its passage never states). A
    term explained by the lecture or a knowledge-base page says where the explanation comes
    from in its paragraph's run-in heading (:func:`_term_lead`), not in its sentences."""
    if not first or point.kind != "lecture" or re.match(r"^(?:讲者|视频)|^(?:The|the) "
                                                         r"(?:speaker|lecture)", sentence):
        return sentence
    if language == "zh":  # a point's opening connective refers to nothing before it
        return "视频中，" + re.sub(r"^(?:例如|比如|所以|那么|因此|其实|好的?|而且|另外)[，,]\s*", "",
                                 sentence)
    return "In the lecture, " + sentence[:1].lower() + sentence[1:]


def _term_lead(point: Point, language: str) -> str:
    """The run-in heading of a term the assignment names and the paper does not explain:
    the term and where its explanation comes from, "Transformer（视频讲解）" (its sentences
    are the lecture's or the page's, never to be read as the paper's).

    >>> from docent.write.points import Point
    >>> _term_lead(Point("term", "Transformer", "lecture", []), "zh")
    'Transformer（视频讲解）'
    >>> from types import SimpleNamespace
    >>> notes = SimpleNamespace(source=SimpleNamespace(title="RLHF 笔记"))
    >>> _term_lead(Point("term", "RLHF", "document", [notes]), "en")
    'RLHF (from “RLHF 笔记”)'
    """
    if point.voice == "lecture":
        where = ("视频讲解", "from the lecture")
    elif point.voice == "document" and point.evidence:
        title = point.evidence[0].source.title
        where = (f"据《{title}》", f"from “{title}”")
    else:
        return point.label
    return f"{point.label}（{where[0]}）" if language == "zh" else f"{point.label} ({where[1]})"


def _bare(label: str) -> str:
    """A section name without its number, and without the authors' first person (the report
    is the student's): "3.1 Fluency" -> "Fluency", "4 Our Approach" -> "Approach".

    >>> _bare("4.2 Our Proposed Method")
    'Proposed Method'
    """
    name = re.sub(r"^\s*\d+(?:\.\d+)*\.?\s+", "", label).strip()
    name = re.sub(r"^(?:Our|My)\s+(?=\w)", "", name)
    return name[:1].upper() + name[1:] if name else label


_NAMES_SYSTEM = ("你是学术翻译。把论文的小节标题译成准确、简短的中文术语，每行写“编号. 中文名称”，只输出这些行。\n"
                 "示例：\n1. Model Architecture\n2. Data Collection\n3. Training Objective\n"
                 "4. Evaluation Metrics\n输出：\n1. 模型结构\n2. 数据收集\n3. 训练目标\n4. 评估指标")


def name_sections(model: ChatModel, labels: list[str], glossary: Glossary | None = None
                  ) -> dict[str, str]:
    """``{label: Chinese name}`` for method section names: a name that is a term of
    ``glossary`` takes the term's Chinese (so the heading and the text agree), the others come
    from one short model call; a name the model gives no short Chinese for is left out."""
    out: dict[str, str] = {}
    for label in labels:
        terms = glossary.find(_bare(label)) if glossary is not None else []
        if len(terms) == 1 and terms[0][1].lower() == _bare(label).lower() \
                and re.search(r"[\u4e00-\u9fff]", glossary.terms[terms[0][0]]):
            out[label] = glossary.terms[terms[0][0]].removesuffix("的")
    # asked in the paper's order: asked "3 New Log-linear Models, 3.1 ..., 3.2 Continuous
    # Skip-gram Model, 2.3 Parallel Training, ...", the small model named 3.2 and 2.3 after
    # the 2.1 and 2.2 it had not reached yet
    labels = sorted((label for label in dict.fromkeys(labels) if label not in out),
                    key=_section_number)
    if not labels:
        return out
    # the glossary's Chinese for the terms inside a name ("New Log-linear Models": 对数线性)
    terms = glossary.prompt_block(*map(_bare, labels)) if glossary is not None else ""
    given = dict(zip(labels, _ask_names(model, [_bare(label) for label in labels], terms)))
    twice = [label for label, zh in given.items()
             if zh and list(given.values()).count(zh) > 1]
    for label in twice:  # one name for two sections fits one at most: each asked alone
        given[label] = _ask_names(model, [_bare(label)], glossary.prompt_block(_bare(label))
                                  if glossary is not None else "")[0]
    lost = []
    for label, zh in given.items():
        if zh and _keeps_terms(zh, label, glossary):
            out[label] = zh
        elif zh:
            lost.append(label)
    if lost and glossary is not None:
        # a name that lost a term's Chinese is asked again with that Chinese written into it
        # ("New 对数线性 Models"), which the small model keeps
        inlined = [_inline_terms(_bare(label), glossary) for label in lost]
        for label, zh in zip(lost, _ask_names(model, inlined, "")):
            if zh and _keeps_terms(zh, label, glossary):
                out[label] = zh
    return out


def _section_number(label: str) -> tuple[int, ...]:
    """"3.2 Continuous Skip-gram Model" -> (3, 2); a name without a number sorts last.

    >>> sorted(["3.2 Skip-gram", "2.3 Parallel Training", "Limitations", "3 New Models"],
    ...        key=_section_number)
    ['2.3 Parallel Training', '3 New Models', '3.2 Skip-gram', 'Limitations']
    """
    m = re.match(r"\s*(\d+(?:\.\d+)*)", label)
    return tuple(int(n) for n in m.group(1).split(".")) if m else (10 ** 6,)


def _ask_names(model: ChatModel, names: list[str], terms: str) -> list[str | None]:
    """One model call: a short Chinese name (at most 12 characters) for each of ``names``,
    None where the reply gives none."""
    listed = "\n".join(f"{i}. {name}" for i, name in enumerate(names, 1))
    glossed = f"\n\n{terms}" if terms else ""
    reply = model.complete([Message("system", _NAMES_SYSTEM),
                            Message("user", f"{listed}{glossed}\n输出：")],
                           max_tokens=12 * len(names) + 8, temperature=0.0)
    out: list[str | None] = [None] * len(names)
    for line in reply.text.splitlines():
        m = re.match(r"^\s*(\d{1,2})\s*[.、:：)）]\s*(.+?)\s*$", line)
        if not m or not 1 <= int(m.group(1)) <= len(names):
            continue
        zh = m.group(2).strip(" “”\"'。，,.*")
        zh = re.sub(r"\s*[（(][A-Za-z\d\-]+[)）]$", "", zh)  # 前馈神经网络语言模型（NNLM）
        zh = re.sub(r"^(?:我们|本文|作者)的?", "", zh)  # the authors' first person: not the student's
        english = names[int(m.group(1)) - 1]
        # Chinese, with at most the English name's own names in it ("预训练 BERT")
        latin = re.findall(r"[A-Za-z][A-Za-z0-9\-]*", zh)
        if (re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9\- ]{1,20}", zh) and len(re.findall(
                r"[\u4e00-\u9fff]", zh)) >= 2 and len(re.sub(r"[A-Za-z0-9\- ]", "", zh)) <= 12
                and all(re.search(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])", english)
                        and any(c.isupper() for c in w[1:]) for w in latin)
                and out[int(m.group(1)) - 1] is None):
            out[int(m.group(1)) - 1] = zh
    return out


def _chinese_of_terms(name: str, glossary: Glossary) -> list[tuple[str, str]]:
    """``(as written, Chinese)`` for each term of ``name`` the glossary writes in Chinese."""
    return [(written, zh) for en, written, _ in glossary.find(name)
            for zh in [glossary.terms[en].removesuffix("的")] if re.search(r"[\u4e00-\u9fff]", zh)]


def _inline_terms(name: str, glossary: Glossary) -> str:
    """``name`` with each glossary term written in its Chinese: "New 对数线性 Models"."""
    for written, zh in _chinese_of_terms(name, glossary):
        name = name.replace(written, zh)
    return name


def _keeps_terms(name: str, label: str, glossary: Glossary | None) -> bool:
    """Whether a Chinese section name has the glossary's Chinese of each term in the section's
    English name: "新的线性模型" for "New Log-linear Models" lost 对数 (the heading would
    contradict the text below it, which the glossary makes say 对数线性).

    >>> g = Glossary()
    >>> _keeps_terms("新的线性模型", "3 New Log-linear Models", g)
    False
    >>> _keeps_terms("新的对数线性模型", "3 New Log-linear Models", g)
    True
    >>> _keeps_terms("任务描述", "4.1 Task Description", g)
    True
    """
    return glossary is None or all(zh in name for _, zh in _chinese_of_terms(_bare(label),
                                                                            glossary))


# terms too common to name what a lecture point is about
_GENERIC_TERMS = {"token", "query", "queries", "prompt", "inference", "claim", "citation",
                  "distribution", "corpus", "language model", "is short for", "retrieval",
                  "accuracy", "works better", "work better", "in contrast", "consistently",
                  # metrics and verdicts name what a lecture measures, not what a part of it
                  # is about ("Recall that ..." is no 召回率)
                  "recall", "precision", "state-of-the-art", "state of the art", "sequence",
                  "parameter", "outperform", "at the cost of", "extend beyond"}


# a piece of a line that is only a citation of other work, split off at its semicolon
# ("……双向交叉注意力，如 Parikh 等人（2016）；Seo 等人（2017）。"): no sentence of the report
_CITATION_ONLY = re.compile(r"^\s*(?:[A-Z][\w\-]+(?:\s*(?:等人|et al\.?|和|and|&)\s*"
                            r"[A-Z]?[\w\-]*)?\s*[（(]\s*\d{4}[a-z]?\s*[)）][,，;；\s]*)+[。.;；]?\s*$")


def _section_length(section: DraftSection, unit: LengthUnit) -> int:
    return report_length(MARKER_RE.sub("", section.markdown()), unit)


class _Writer:
    def __init__(self, brief: Brief, store: Store, settings: Settings, model: ChatModel,
                 embedder: Embedder | None, progress: Progress | None,
                 retriever: Retriever | None = None) -> None:
        self.brief, self.store, self.settings = brief, store, settings
        self.model, self.embedder, self.progress = model, embedder, progress
        self.total, self.unit = target_length(brief)
        self.retriever = retriever
        self.cursor: dict[int, int] = {}  # next planned point per section
        self.points: dict[int, list[Point]] = {}
        self.last_point: dict[int, Point] = {}  # the point that wrote a section's last paragraph
        self.said: list[set[str]] = []  # content words of every source sentence written from
        self.framed = 0  # lecture sentences opened with "视频中，" (at most two: no formula)
        self.glossed: set[str] = set()  # English terms already given in parentheses
        self.moments: set[str] = set()  # the terms heading the lecture's moments so far
        self.sentences: set[str] = set()  # every sentence written so far (no space): none twice
        self.names: dict[str, str] = {}  # a method section's name as the report prints it
        self.labelled: set[str] = set()  # method sections whose first paragraph is written
        # each method section's last paragraph so far, where its next point goes
        self.homes: dict[str, DraftParagraph] = {}
        self.starts: dict[int, float] = {}  # a lecture paragraph's (by id) start, in seconds
        self._glossary: Glossary | None = None

    def section(self, plan: SectionPlan) -> DraftSection:
        out = DraftSection(title=plan.section.title, heading=plan.heading)
        if plan.missing:
            out.status, out.note = SectionStatus.missing_source, f"no {plan.missing} was provided"
            out.add(missing_paragraph(self.brief, plan.missing))
            return out
        if plan.role == "info":
            out.status = SectionStatus.metadata
            sources = self.store.sources()
            papers = [(s, self._front(s.id)) for s in sources if s.kind in PAPER_KINDS]
            media = [(s, None) for s in sources if s.kind in MEDIA_KINDS]
            for paragraph in info_paragraphs(self.brief, papers, media):
                out.add(paragraph)
            return out
        points = self.points_for(plan)
        if not points and not plan.evidence:
            out.status = SectionStatus.no_evidence
            out.note = "no passage of the sources matches this section"
            out.add("所提供的资料中没有与本部分相关的内容。" if self.brief.language == "zh"
                    else "The sources hold nothing on this section.")
            return out
        lead = self.lead(plan)
        if lead:
            out.add(lead)
        self.cursor[plan.index] = 0
        while _section_length(out, self.unit) < plan.budget * 0.9 and self.more(plan, out):
            pass
        return out

    def points_for(self, plan: SectionPlan) -> list[Point]:
        if plan.index not in self.points:
            def retrieve(query: str):
                return [(h.passage, h.source) for h in self.retriever.search(query, top=8)
                        if h.passage.role not in NOT_PROSE]
            self.points[plan.index] = plan_points(plan, self.store, self.brief, retrieve)
        return self.points[plan.index]

    def lead(self, plan: SectionPlan) -> str | None:
        """A framing sentence that states no fact of a source (uncited), for a lecture section:
        whether the lecture discusses the paper at all, established from the texts."""
        if plan.role != "media":
            return None
        zh = self.brief.language == "zh"
        sources = self.store.sources()
        papers = [s for s in sources if s.kind in PAPER_KINDS]
        lectures = [s for s in sources if s.kind in MEDIA_KINDS]
        if not papers or not lectures:
            return None
        said = " ".join(p.text for s in lectures for p in self.store.passages(s.id)).lower()
        words = [w for w in re.findall(r"[a-z]{5,}", papers[0].title.lower())
                 if w not in ("large", "language", "models", "model", "generate", "using")]
        absent = [w for w in words if w.rstrip("s") not in said]
        titles = "、".join(f"《{s.title}》" for s in lectures)
        if words and len(absent) >= len(words) / 2:
            return (f"视频{titles}并没有直接讨论这篇论文；下面按视频的顺序概括其中有助于理解论文背景的要点，"
                    "并注明对应的时间段。" if zh else
                    f"The lecture {', '.join(s.title for s in lectures)} does not discuss the paper "
                    "itself; below are its points that help with the paper's background, in the "
                    "lecture's order, with their time ranges.")
        return (f"下面按视频{titles}的顺序概括其中与论文相关的要点，并注明对应的时间段。" if zh else
                "Below are the lecture's points that relate to the paper, in the lecture's order.")

    def more(self, plan: SectionPlan, out: DraftSection) -> bool:
        """Render the section's next planned point as a paragraph; False when none is left."""
        points = self.points_for(plan)
        i = self.cursor.get(plan.index, 0)
        while i < len(points):
            point = points[i]
            i += 1
            self.cursor[plan.index] = i
            # a source sentence another section already said is not said again
            point = Point(point.kind, point.label, point.voice,
                          fresh(point.evidence, self.said))
            if not point.evidence:
                continue
            if point.voice == "document" and point.kind == "technique":
                # a same-language source's explanation: restated, not translated
                rendered = restate(self.model, self.brief, point.evidence, said=self.sentences)
            else:
                rendered = render_point(self.model, self.brief, point, said=self.sentences,
                                        glossary=self.glossary)
            if not rendered:
                continue
            spoken = rendered
            opener = self._explained(point) if point.kind == "lecture" else None
            if opener is not None:  # the part's concepts say it is the lecture's: no 视频中
                rendered = [opener, *rendered]
            sentences = [self._glossed(_framed(r.text, point, k == 0 and self.framed < 2
                                               and opener is None, self.brief.language)
                                       if k == 0 else r.text)
                         for k, r in enumerate(rendered)]
            self.framed += sum(s.startswith(("视频中，", "In the lecture, ")) for s in sentences)

            # each sentence its record of the one source sentence it was rendered from
            written = [DraftSentence(text=text, evidence=SentenceEvidence(
                passage_id=r.evidence.passage.id, start=r.evidence.start, end=r.evidence.end,
                text=r.evidence.text))
                for r, line in zip(rendered, sentences) for text in split_sentences(line)[1]
                if not _CITATION_ONLY.match(MARKER_RE.sub("", text))]
            if not written:
                continue
            last = self.last_point.get(plan.index)
            if point.kind == "lecture":
                # each of the lecture's points its paragraph, led by its time range and topic,
                # in the lecture's order (the points come best first)
                start = point.evidence[0].passage.locator.start or 0.0
                at = next((k for k, p in enumerate(out.paragraphs)
                           if self.starts.get(id(p), -1.0) > start), len(out.paragraphs))
                paragraph = DraftParagraph(sentences=written, lead=self._moment(point, spoken))
                out.paragraphs.insert(at, paragraph)
                self.starts[id(paragraph)] = start
            elif (last is not None and out.paragraphs and point.kind not in ("technique", "term")
                    and last.kind not in ("technique", "term")
                    and len(out.paragraphs[-1].sentences) + len(sentences) <= 5):
                # short points of a summary share a paragraph
                out.paragraphs[-1].sentences += written
            elif point.kind == "technique" and (
                    k := _index_of(out.paragraphs, self.homes.get(point.label))) is not None:
                # a method section's later point (the length's top-up) joins that section's
                # paragraphs, not the section's end under another technique's name
                home = out.paragraphs[k]
                if len(home.sentences) + len(written) <= 6:
                    home.sentences += written
                else:
                    out.paragraphs.insert(k + 1, DraftParagraph(sentences=written))
                    self.homes[point.label] = out.paragraphs[k + 1]
            else:
                out.paragraphs.append(DraftParagraph(sentences=written))
                if point.kind == "technique":
                    self.homes[point.label] = out.paragraphs[-1]
                if point.kind == "technique" and point.label not in self.labelled:
                    # the technique's name leads its first paragraph, so the reader sees what
                    # it explains (a run-in heading: no sentence, nothing to check)
                    self.labelled.add(point.label)
                    out.paragraphs[-1].lead = self._named(plan, point.label)
                elif point.kind == "term":  # a term the assignment names, and who explains it
                    out.paragraphs[-1].lead = _term_lead(point, self.brief.language)
            self.last_point[plan.index] = point
            return True
        return False

    def _explained(self, point: Point):
        """A lecture part's opening sentence, written without the model: the concepts of the
        field its sentences speak of ("这一段讲解了词元（token）和字节对编码（byte pair
        encoding）。"), cited to the first sentence that names one; None when they name none
        but the generic ones. What a student looks for in a part of a lecture, in Chinese a
        teacher accepts whatever the small model makes of the spoken sentences after it."""
        # the sentence cites one passage: the concepts of the part's sentences in the passage
        # that names the most of them
        by_passage: dict[int, tuple[Counter, dict]] = {}
        for ev in point.evidence:
            if ev.passage.id is None:
                continue
            counts, first = by_passage.setdefault(ev.passage.id, (Counter(), {}))
            for en, _ in self.glossary.terms_in(ev.text):
                if en not in _GENERIC_TERMS or en == "token":
                    counts[en] += 1
                    first.setdefault(en, ev)
        if not by_passage:
            return None
        counts, first = max(by_passage.values(), key=lambda t: (len(t[0]), sum(t[0].values())))
        if not counts:
            return None
        order = list(first)
        # not a term inside another ("decoder" beside "decoder-only")
        plain = {en: re.sub(r"[\s\-]+", " ", en) for en in counts}
        kept = [en for en in counts if not any(o != en and plain[en] in plain[o] for o in counts)]
        terms = sorted(kept, key=lambda en: (-counts[en], order.index(en)))[:3]
        terms.sort(key=order.index)
        ev = first[terms[0]]
        zh = self.brief.language == "zh"
        key = "explains:" + "|".join(terms)
        if key in self.sentences:  # two parts on the same concepts: said once
            return None
        self.sentences.add(key)
        if zh:
            names = [self._term_zh(en) for en in terms]
            text = "这一段讲解了" + ("、".join(names[:-1]) + "和" + names[-1] if len(names) > 1
                                   else names[0]) + "。"
        else:
            text = "This part explains " + (", ".join(terms[:-1]) + " and " + terms[-1]
                                          if len(terms) > 1 else terms[0]) + "."
        return Rendered(cite(text, ev.passage.id), text, ev)

    def _term_zh(self, en: str) -> str:
        """A term as a Chinese sentence names it: its Chinese with the English in parentheses
        (once in the report: :meth:`_glossed`), or the English name where the two are one."""
        zh = self.glossary.terms[en].removesuffix("的")
        if zh.lower() == en.lower() or not re.search(r"[\u4e00-\u9fff]", zh):
            return zh
        return f"{zh}（{en}）"

    def _moment(self, point: Point, rendered: list) -> str:
        """A lecture point's run-in heading: the most specific term its rendered sentences
        speak of and its time range, "矩阵乘法（53:58–54:31）" ("53:58–54:31" when the glossary
        knows none of its terms); names and times only, nothing to check."""
        span = point.label.replace("-", "–")
        # a topic the paragraph is about: a term at least half of its sentences speak of (a
        # term one sentence of four mentions in passing labelled a paragraph about another)
        said = Counter(en for r in rendered for en, _ in self.glossary.terms_in(r.evidence.text))
        terms = [(en, self.glossary.terms[en]) for en, n in said.items()
                 if en not in _GENERIC_TERMS and en not in self.moments
                 and n >= max(1, (len(rendered) + 1) // 2)]
        if not terms:  # (a topic already heading an earlier moment does not head a second)
            return span
        en, zh = max(terms, key=lambda t: (said[t[0]], len(t[0])))
        self.moments.add(en)
        if self.brief.language != "zh":
            return f"{en[:1].upper()}{en[1:]} ({span})"
        return f"{zh.removesuffix('的')}（{span}）"

    @property
    def glossary(self) -> Glossary:
        """The workspace's glossary: the standard terms and its Chinese sources' own."""
        if self._glossary is None:
            self._glossary = Glossary.from_texts(
                p.text for s in self.store.sources() if s.language == "zh"
                for p in self.store.passages(s.id))
        return self._glossary

    def _named(self, plan: SectionPlan, label: str) -> str:
        """"流畅性（Fluency）" for the method section "3.1 Fluency" (the Chinese name from one
        model call for all of the section's techniques; the English alone when the model gives
        no short Chinese name), "Fluency" in an English report."""
        name = _bare(label)
        if self.brief.language != "zh":
            return name
        if label not in self.names:
            labels = [p.label for p in self.points_for(plan) if p.kind == "technique"]
            self.names.update(name_sections(self.model, labels, self.glossary))
        zh = self.names.get(label)
        return f"{zh}（{name}）" if zh else name

    def _glossed(self, sentence: str) -> str:
        """A term's English stays in parentheses at its first use in the report only:
        "词元（token）" once, "词元" after."""
        def once(m: re.Match) -> str:
            key = m.group(1).strip().lower()
            if key in self.glossed:
                return ""
            self.glossed.add(key)
            return m.group(0)

        return _GLOSS.sub(once, sentence)

    def keep(self, run_id: int | None, index: int, section: DraftSection) -> None:
        """Save ``section`` in run ``run_id`` (none: a draft written outside a run)."""
        if run_id is not None:
            self.store.save_run_section(run_id, index, section.model_dump_json())

    def _front(self, source_id: int):
        for p in self.store.passages(source_id):
            if p.role in (PassageRole.front, PassageRole.abstract) or p.locator.page == 1:
                return p
        return None


class ReportWriter:
    """Run ``run_id``'s report as the pipeline drives it: the first draft, numbered drafts,
    more paragraphs when a repair left it short, and each change kept in the run::

        writer = ReportWriter(brief, store, settings, retriever, model, embedder, run_id=1)
        sections = writer.write()           # resumes the sections saved in the run
        draft, numbers = writer.number(sections)
    """

    def __init__(self, brief: Brief, store: Store, settings: Settings, retriever: Retriever,
                 model: ChatModel, embedder: Embedder | None, *, run_id: int | None,
                 progress: Progress | None = None) -> None:
        self.brief, self.store, self.run_id = brief, store, run_id
        self.progress = progress
        self._writer = _Writer(brief, store, settings, model, embedder, progress, retriever)
        self._plans: list[SectionPlan] | None = None

    @property
    def plans(self) -> list[SectionPlan]:
        if self._plans is None:
            self._plans = plan_report(self.brief, self.store, self._writer.retriever)
        return self._plans

    def write(self) -> list[DraftSection]:
        """The first draft's sections (in marker form, ``⟦passage id⟧``), fitted to the range;
        sections already saved in the run are taken as they are."""
        return _write_sections(self._writer, self.plans, self.run_id, self.progress)

    def number(self, sections: list[DraftSection]) -> tuple[Draft, dict[int, int]]:
        """The numbered :class:`Draft` and its ``{passage id: citation number}`` map."""
        return _draft(self._writer, sections, self.run_id)

    def top_up(self, sections: list[DraftSection]) -> list[DraftSection]:
        """More planned points while the report is under its range (after removals)."""
        return _fit_length(self._writer, self.plans, sections, self.run_id, repairing=True)

    def save(self, sections: list[DraftSection]) -> None:
        """Keep ``sections`` in the run (an interrupted repair resumes from them)."""
        for i, section in enumerate(sections):
            self._writer.keep(self.run_id, i, section)


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
    """Write (or finish writing) run ``run_id``, unchecked; finished sections are kept in the
    workspace. (:func:`docent.pipeline.write_run` also validates and repairs it.)"""
    writer = ReportWriter(brief, store, settings, retriever, model, embedder, run_id=run_id,
                          progress=progress)
    return writer.number(writer.write())[0]


def _index_of(paragraphs: list[DraftParagraph], paragraph: DraftParagraph | None) -> int | None:
    """Where ``paragraph`` (that very object) is in ``paragraphs``, or None."""
    return next((i for i, p in enumerate(paragraphs) if p is paragraph), None)


def _write_sections(writer: _Writer, plans: list[SectionPlan], run_id: int | None,
                    progress: Progress | None) -> list[DraftSection]:
    store = writer.store
    saved = store.run_sections(run_id) if run_id is not None else {}
    sections: list[DraftSection] = []
    for plan in plans:
        if progress:
            progress("sections", plan.index, len(plans))
        if plan.index in saved:
            sections.append(DraftSection.model_validate_json(saved[plan.index]))
            done = [s for s in sections[-1].sentences() if s.evidence is not None]
            writer.said += [content_words(s.evidence.text) for s in done]
            writer.sentences |= {sentence_key(MARKER_RE.sub("", s.text)) for s in done}
            written = {(s.evidence.passage_id, s.evidence.start) for s in done}
            points = writer.points_for(plan) if written else []
            # continue after the last planned point any of whose sentences was written
            writer.cursor[plan.index] = 1 + max(
                (i for i, pt in enumerate(points)
                 if any((ev.passage.id, ev.start) in written for ev in pt.evidence)), default=-1)
            continue
        section = writer.section(plan)
        writer.keep(run_id, plan.index, section)
        sections.append(section)
    if progress:
        progress("sections", len(plans), len(plans))
    return _fit_length(writer, plans, sections, run_id)


def _draft(writer: _Writer, sections: list[DraftSection], run_id: int | None
           ) -> tuple[Draft, dict[int, int]]:
    """The numbered draft and its ``{passage id: citation number}`` map."""
    brief = writer.brief
    numbered, citations = number_citations(sections, writer.store)
    title = brief.title or ("阅读报告" if brief.language == "zh" else "Reading report")
    draft = Draft(run_id=run_id, title=title, language=brief.language, sections=numbered,
                  citations=citations, length_unit=writer.unit, length_range=brief.length)
    draft.length = report_length(draft.body_markdown(), writer.unit)
    return draft, {c.passage_id: c.number for c in citations}


_SHORT_NOTE = {
    "zh": "注：所提供的资料中可用的内容不足以写满要求的篇幅（{}）；本报告没有为凑字数加入资料之外的内容，"
          "实际字数见验证报告。",
    "en": "Note: the sources do not hold enough material for the asked length ({}); nothing from "
          "outside them was added to reach it, and the validation report gives the count.",
}


def _say_if_short(brief: Brief, sections: list[DraftSection], total, lo: int | None,
                  flexible: list[SectionPlan]) -> None:
    """When every planned point is written and the report is still under the range, its last
    written section says so (uncited: it states no fact of a source); the note goes again when
    a later top-up reaches the range."""
    template = _SHORT_NOTE["zh" if brief.language == "zh" else "en"]
    head = template.split("{}")[0]
    for s in sections:
        s.paragraphs = [p for p in s.paragraphs if not p.markdown.startswith(head)]
    if lo is None or total() >= lo or not flexible:
        return
    last = max((p.index for p in flexible
                if sections[p.index].status == SectionStatus.written), default=None)
    if last is not None:
        sections[last].add(template.format(brief.length.label()))


def _fit_length(writer: _Writer, plans: list[SectionPlan], sections: list[DraftSection],
                run_id: int | None, repairing: bool = False) -> list[DraftSection]:
    """Add paragraphs while the report is under the range, trim sentences while over it."""
    brief, unit = writer.brief, writer.unit
    rng = brief.length

    def total() -> int:  # as the numbered report counts it: a marker ⟦id⟧ is no word of it
        body = "\n\n".join(p for s in sections for p in [s.heading, s.markdown()])
        return report_length(MARKER_RE.sub("", body), unit)

    lo = rng.min if rng and rng.min is not None else None
    hi = rng.max if rng and rng.max is not None else None
    flexible = [p for p in plans if not p.missing and p.role != "info"]
    open_ = set(p.index for p in flexible)
    # the first draft aims at the target (a quarter of the way into the range): sentences that
    # fail validation are removed later, and the report must still reach the minimum; a repair
    # tops up to just over the minimum (what it adds is checked once more, not repaired again)
    goal = writer.total if lo is not None and hi is not None and not repairing else (
        lo + lo // 20 if lo is not None else None)
    while goal is not None and total() < goal and open_:
        # the section furthest under its budget covers its next planned point; a section whose
        # points are used up is done (length comes from covering more, never from padding)
        plan = min((p for p in flexible if p.index in open_),
                   key=lambda p: _section_length(sections[p.index], unit) - p.budget)
        if not writer.more(plan, sections[plan.index]):
            open_.discard(plan.index)
            continue
        writer.keep(run_id, plan.index, sections[plan.index])
    while hi is not None and total() > hi:
        longest = max((s for s in sections if s.status == "written" and s.paragraphs),
                      key=lambda s: _section_length(s, unit), default=None)
        if longest is None:
            break
        last = longest.paragraphs[-1]
        if len(last.sentences) <= 1:
            if len(longest.paragraphs) == 1:
                break
            longest.paragraphs.pop()
        else:
            last.sentences.pop()
    _say_if_short(brief, sections, total, lo, flexible)
    return sections
