"""Read a report written by anyone into sections, sentences and the citations they carry.

Understood citation styles:

* Docent's own ``[1]``, ``[1, 3]``, ``[2-4]`` with a reference list (``## 参考文献`` /
  ``## References``) whose entries name a source and a locator (``[1] Title, p. 4``);
* ``[文档: name.pdf]`` and ``[long_context: "title", chunk N]`` (a document or a knowledge-base
  page named inline);
* numeric footnotes ``[^1]`` with ``[^1]: ...`` definitions;
* (Author, Year), e.g. ``(Gao et al., 2023)``.

Reports written by chatbots are read as their authors meant them:

* a heading may be a plain line without ``#`` ("一、论文基本信息", "（一）研究背景",
  "1. 研究目标", "(1) Basic information", "Part 1: Summary", "第一部分 摘要"): a short line of
  its own with a section marker, no sentence-final punctuation and no citation; a run of such
  lines with nothing between them is a list, not headings;
* a citation after the final period ("……空间。[1]") belongs to the sentence before it;
* a citation that closes a paragraph whose earlier sentences cite nothing covers the whole
  paragraph: those sentences get its citations and ``paragraph_citation=True``::

    doc = parse_report(open("report.md").read())
    doc.sentences[3].citations[0].target        # 'Enabling Large Language Models..., p. 4'
    strip_heading_marker("（一）研究背景"), author_names("作者：Tianyu Gao（Princeton），Danqi Chen")
    # ('研究背景', ['Tianyu Gao', 'Danqi Chen'])

A :class:`~docent.types.Draft` (the report ``docent write`` checks) is read by
:func:`parse_draft` instead: no Markdown round trip, each sentence keeps its id and place in
the draft, and each ``[n]`` names its passage directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from itertools import groupby

from docent.text import count_tokens, sentence_spans
from docent.types import Draft, SentenceEvidence

__all__ = [
    "CitationRef",
    "ParsedReport",
    "ReportSentence",
    "author_names",
    "parse_draft",
    "parse_report",
    "strip_citations",
    "strip_heading_marker",
    "unread_citations",
]

_REF_HEADING = re.compile(r"^(#{1,6}\s*)?(参考文献|参考资料|引用文献|references?|bibliography|"
                          r"sources|works cited)\s*[:：]?\s*$", re.IGNORECASE)
_NUMERIC = re.compile(r"\[(\d+(?:\s*[-–,，]\s*\d+)*)\](?!\()")
_FOOTNOTE = re.compile(r"\[\^(\w+)\]")
_DOC = re.compile(r"\[(?:文档|document|doc|source)\s*[:：]\s*([^\]]+)\]", re.IGNORECASE)
_LONG = re.compile(r"\[long_context\s*:\s*[\"“]?([^\"”,\]]+)[\"”]?\s*,\s*chunk\s*(\d+)\s*\]",
                   re.IGNORECASE)
# a file named inline, with or without a place: "[word2vec.pdf, p. 3]", "[notes.md]"
_FILE = re.compile(r"\[\s*([^\[\]\n:：]{1,120}?\.(?:pdf|docx?|md|markdown|txt|html?|srt|vtt|mp4|mkv|"
                   r"webm|mov|mp3|wav|m4a|flac))\s*(?:[,，;；]\s*([^\[\]\n]{1,40}))?\]",
                   re.IGNORECASE)
# a link given as the citation: "[https://...]", "(来源：https://...)"
_URL_CITE = re.compile(r"[\[（(]\s*(?:(?:来源|出处|source|see)\s*[:：]\s*)?(https?://[^\s\]）)]+)\s*[\]）)]",
                       re.IGNORECASE)
# bracketed text that looks like a citation in a style Docent does not read: 【1】, [来源 3]
_UNREAD = re.compile(r"【[^】\n]{1,60}】|\[(?!\^)[^\[\]\n]{1,60}\](?!\()")
_AUTHOR_YEAR = re.compile(r"[（(]([A-Z][A-Za-z'\-]+(?: et al\.?| and [A-Z][A-Za-z'\-]+)?),?\s+"
                          r"(\d{4}[a-z]?)[)）]")
_ENTRY = re.compile(r"^\s*(?:\[(\d+)\]|(\d+)[.)]|\[\^(\w+)\]:)\s*(.+)$")
_ATX = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ANY_CITATION = (rf"(?i:{_LONG.pattern})|(?i:{_DOC.pattern})|(?i:{_FILE.pattern})|"
                 rf"(?i:{_URL_CITE.pattern})|{_FOOTNOTE.pattern}|{_NUMERIC.pattern}|"
                 rf"{_AUTHOR_YEAR.pattern}")
_PATTERNS = (_LONG, _DOC, _FILE, _URL_CITE, _FOOTNOTE, _NUMERIC, _AUTHOR_YEAR)
# citations (and the punctuation after them) that open a sentence: they close the one before
_LEADING_CITATIONS = re.compile(rf"(?:\s*(?:{_ANY_CITATION}))+[\s,，.。;；]*")

# Section markers: the alternative that matched names the style ("num", "cnnum", ...).
_MARKER = re.compile(
    r"^(?:(?P<cnpart>第\s*[一二三四五六七八九十百零〇两\d]{1,4}\s*(?:部分|章|节|篇|部))"
    r"|(?P<part>(?:part|section|chapter)\s+(?:\d{1,2}|[ivx]{1,5}|[a-z])\b)"
    r"|(?P<paren>[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3}|[a-z]|[ivx]{1,5})\s*[)）])"
    r"|(?P<cnnum>[一二三四五六七八九十]{1,3}\s*[、.．])"
    r"|(?P<num>\d{1,2}(?:\.\d{1,2})*\s*[.、．)）](?!\d)|\d{1,2}(?:\.\d{1,2})+(?=\s))"
    r"|(?P<roman>[IVX]{1,5}\.(?=\s))"
    r"|(?P<bare>\d{1,2}(?=\s)))"
    r"\s*[:：.．、\-–—]?\s*", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[。！？!?；;]|\.(?:\s|$)")
_OPEN_END = re.compile(r"(?:[，,、(（\-–—]|\b(?:and|or|of|the|a|an|to|with|in|for|on|by|that))$")
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_MAX_HEADING_TOKENS = 30  # a CJK character or a Latin word each
_MAX_HEADING_WORDS = 12

# author lines: "作者：A（单位），B", "The authors are A, B and C"
_AUTHOR_LABEL = re.compile(r"(?:论文)?作者(?!单位)(?:们)?(?:分别)?(?:是|为|包括|有)?\s*[:：]?"
                           r"|\bauthors?\b(?:\s+(?:are|is|include))?\s*[:：]?|\bwritten by\b",
                           re.IGNORECASE)
_PARENTHESES = re.compile(r"[（(][^（）()]*[)）]")
# the list ends at "等" / "et al.", a sentence end, or the next "label:" ("单位：", "Affiliation:")
_AUTHOR_END = re.compile(r"等|\bet al\b\.?|[。！？!?]|\.(?=\s*$|\s+[^A-Z])"
                         r"|\s*[^\s，,、;；:：]{1,12}[:：]", re.IGNORECASE)
_AUTHOR_SEP = re.compile(r"\s*(?:[，,、;；&]|\band\b|以及|和|与|及)\s*", re.IGNORECASE)
_AFFILIATION = re.compile(r"\b(?:Universit|Institut|College|School|Department|Laborator|Labs?\b|"
                          r"Inc\b|Corporation|Research|Center|Centre|Academy|Faculty|Google|"
                          r"Microsoft|DeepMind|OpenAI|Meta AI)|大学|学院|研究院|研究所|实验室|公司",
                          re.IGNORECASE)


@dataclass
class CitationRef:
    raw: str  # as written: "[3]", "[文档: alce.pdf]"
    style: str  # numeric / footnote / document / long_context / author_year
    key: str  # "3", "alce.pdf", "Gao et al.|2023"
    target: str | None = None  # the reference-list entry or the inline description
    chunk: int | None = None
    passage_id: int | None = None  # the passage it names (a Draft's citations name theirs)


@dataclass
class ReportSentence:
    index: int
    section: str | None  # the heading it sits under
    paragraph: int
    text: str  # without citation markers
    raw: str
    citations: list[CitationRef] = field(default_factory=list)
    paragraph_citation: bool = False  # its citations are the closing ones of its paragraph
    id: str | None = None  # in a Draft: "2.1.3" (section, paragraph, sentence; 1-based)
    rendered: bool = False  # written by docent write from a known source sentence
    span: SentenceEvidence | None = None  # in a Draft: that source sentence, when it is judged


@dataclass
class ParsedReport:
    title: str | None
    headings: list[str]
    sentences: list[ReportSentence]
    references: dict[str, str]  # key ("3", "^1") -> entry text
    body: str  # the report without its reference list
    paragraph_citations: int = 0  # sentences judged against their paragraph's closing citation


def _expand(numbers: str) -> list[str]:
    out: list[str] = []
    for part in re.split(r"\s*[,，]\s*", numbers):
        if re.match(r"^\d+\s*[-–]\s*\d+$", part):
            a, b = (int(x) for x in re.split(r"\s*[-–]\s*", part))
            out.extend(str(n) for n in range(a, min(b, a + 50) + 1))
        elif part.strip():
            out.append(part.strip())
    return out


def _citations(text: str, references: dict[str, str]) -> list[CitationRef]:
    found: list[tuple[int, CitationRef]] = []
    for m in _LONG.finditer(text):
        found.append((m.start(), CitationRef(m.group(0), "long_context", m.group(1).strip(),
                                             m.group(1).strip(), int(m.group(2)))))
    for m in _DOC.finditer(text):
        found.append((m.start(), CitationRef(m.group(0), "document", m.group(1).strip(),
                                             m.group(1).strip())))
    taken = [m.span() for m in _DOC.finditer(text)] + [m.span() for m in _LONG.finditer(text)]
    for m in _FILE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        target = m.group(1).strip() + (f", {m.group(2).strip()}" if m.group(2) else "")
        found.append((m.start(), CitationRef(m.group(0), "document", m.group(1).strip(), target)))
    for m in _URL_CITE.finditer(text):
        found.append((m.start(), CitationRef(m.group(0), "url", m.group(1), m.group(1))))
    for m in _FOOTNOTE.finditer(text):
        key = "^" + m.group(1)
        found.append((m.start(), CitationRef(m.group(0), "footnote", key, references.get(key))))
    for m in _NUMERIC.finditer(text):
        for n in _expand(m.group(1)):
            found.append((m.start(), CitationRef(m.group(0), "numeric", n, references.get(n))))
    for m in _AUTHOR_YEAR.finditer(text):
        found.append((m.start(), CitationRef(m.group(0), "author_year",
                                             f"{m.group(1)}|{m.group(2)}", m.group(0))))
    return [c for _, c in sorted(found, key=lambda x: x[0])]


def strip_citations(text: str) -> str:
    """A sentence as the checks read it: every citation marker taken out.

    >>> strip_citations("ALCE 是第一个基准 [1][2]。")
    'ALCE 是第一个基准。'
    """
    for pattern in _PATTERNS:
        text = pattern.sub("", text)
    return re.sub(r"\s+([，。；：！？,.;:!?])", r"\1", text).strip()


_strip = strip_citations


def _has_citation(text: str) -> bool:
    return any(p.search(text) for p in _PATTERNS)


def unread_citations(text: str) -> list[str]:
    """Bracketed text that looks like a citation in a style Docent does not read (what is
    left once every style it reads is taken out): ``【1】``, ``[来源 3]``.

    >>> unread_citations("一句话【1】。另一句[文档: a.pdf]。[Figure] 不算，[见附录] 算。")
    ['【1】', '[见附录]']
    """
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    out = []
    for m in _UNREAD.finditer(text):
        inner = m.group(0)[1:-1].strip()
        # a word in brackets is usually emphasis or a label ("[Figure]", "[CLS]"), not a citation
        if inner and not re.fullmatch(r"[A-Za-z_/\- ]{1,20}", inner) and not _URL.search(inner):
            out.append(m.group(0))
    return out


def _unbold(text: str) -> str:
    """``**一、背景**`` -> ``一、背景`` (emphasis around a whole line)."""
    return text.strip().strip("*_").strip()


def strip_heading_marker(text: str) -> str:
    """A heading without its ``#``, emphasis and section marker: "一、", "（一）", "(1)", "1.",
    "1.2", "Part 1:", "第一部分"; ``"## 二、核心内容摘要"`` -> ``"核心内容摘要"``."""
    text = _unbold(re.sub(r"^\s*#{1,6}\s*", "", text))
    m = _MARKER.match(text)
    return text[m.end():].strip() if m and m.end() < len(text) else text


def _short_label(text: str) -> bool:
    """Short enough for a heading or title, and not a sentence, citation, address or
    "label: value" line."""
    return bool(text) and not (
        _SENTENCE_END.search(text) or _has_citation(text) or _URL.search(text)
        or re.search(r"[:：]", text) or _OPEN_END.search(text)
        or count_tokens(text) > _MAX_HEADING_TOKENS
        or len(re.findall(r"[A-Za-z]+", text)) > _MAX_HEADING_WORDS)


def _heading_candidate(line: str) -> tuple[str, str] | None:
    """``(heading, marker style)`` when ``line`` looks like a plain-line heading: a section
    marker followed by a short label ("1. 研究目标", not "1. The model uses attention.")."""
    if _ATX.match(line):
        return None
    text = _unbold(line)
    m = _MARKER.match(text)
    if not m or m.lastgroup == "bare":
        return None
    rest = text[m.end():].strip().rstrip(":：").strip()
    if not _short_label(rest):
        return None
    return text.rstrip(":：").strip(), m.lastgroup or ""


def _plain_headings(lines: list[str]) -> dict[int, str]:
    """Line index -> heading for the plain lines (no ``#``) that are section headings.

    A candidate is not a heading when it is one of a run of same-style candidates with
    nothing between them (a list), when the line before introduces a list ("…如下："), or
    when the next line carries on its text (indented, or starting in lower case)."""
    cands = {i: c for i, line in enumerate(lines) if (c := _heading_candidate(line))}
    filled = [i for i, line in enumerate(lines) if line.strip()]
    position = {i: k for k, i in enumerate(filled)}
    out: dict[int, str] = {}
    for i, (text, style) in cands.items():
        k = position[i]
        prev = filled[k - 1] if k > 0 else None
        nxt = filled[k + 1] if k + 1 < len(filled) else None
        if prev is not None and (lines[prev].rstrip().endswith((":", "："))
                                 or cands.get(prev, ("", ""))[1] == style):
            continue
        if nxt is not None and cands.get(nxt, ("", ""))[1] == style:
            continue
        if nxt == i + 1 and re.match(r"\s+\S|[a-z]", lines[nxt]):
            continue
        out[i] = text
    return out


def _plain_title(lines: list[str], headings: dict[int, str]) -> int | None:
    """The index of a title written as a plain first line (no ``#``) when a heading comes
    next ("大模型技术论文阅读报告" over "一、论文基本信息"); None when the report has a ``#``
    title, or its first line is followed by text (a section of its own, or a sentence)."""
    if any(re.match(r"^#\s", line) for line in lines):
        return None
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if len(filled) < 2 or filled[0] in headings:
        return None
    first, after = filled[0], filled[1]
    heading_next = after in headings or bool(_ATX.match(lines[after]))
    return first if heading_next and _short_label(_unbold(lines[first])) else None


def _is_reference_heading(line: str) -> bool:
    """"## 参考文献", "References", "五、参考文献"."""
    return bool(_REF_HEADING.match(line.strip()) or _REF_HEADING.match(strip_heading_marker(line)))


def _split_references(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """The body lines, and the reference list (and footnote definitions) by key."""
    body: list[str] = []
    references: dict[str, str] = {}
    in_refs = False
    for line in lines:
        if _is_reference_heading(line):
            in_refs = True
            continue
        entry = _ENTRY.match(line)
        if entry and (in_refs or entry.group(3)):
            key = entry.group(1) or entry.group(2) or "^" + entry.group(3)
            references[key] = entry.group(4).strip()
            continue
        if in_refs and line.strip().startswith("#"):
            in_refs = False
        if not in_refs:
            body.append(line)
    return body, references


_RUN_IN = re.compile(r"^\*\*[^*\n]{1,60}?\*\*\s*[:：]\s*")


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a paragraph; citations that open a sentence ("。[1] 下一句", or a
    marker alone after the final period) are given to the sentence before."""
    spans: list[tuple[int, int]] = []
    masked = text
    for pattern in _PATTERNS:  # a cited title's 。！？ ends no sentence
        masked = pattern.sub(lambda m: re.sub(r"[。！？!?；;.]", "_", m.group(0)), masked)
    for s, e in sentence_spans(masked):
        lead = _LEADING_CITATIONS.match(text, s, e) if spans else None
        if lead is None or lead.end() == s:
            spans.append((s, e))
            continue
        cut = lead.end()
        while cut > s and text[cut - 1].isspace():
            cut -= 1
        spans[-1] = (spans[-1][0], cut if lead.end() < e else e)
        rest = lead.end()
        while rest < e and text[rest].isspace():
            rest += 1
        if rest < e:
            spans.append((rest, e))
    return spans


def _inherit_paragraph_citations(sentences: list[ReportSentence]) -> int:
    """Give a paragraph's closing citations to its uncited sentences after the last one that
    cites something of its own (all of them when none does); how many."""
    count = 0
    for _, group in groupby(sentences, key=lambda s: s.paragraph):
        *earlier, last = list(group)
        if not earlier or not last.citations:
            continue
        for s in reversed(earlier):
            if s.citations:
                break
            s.citations = [replace(c) for c in last.citations]
            s.paragraph_citation = True
            count += 1
    return count


def parse_draft(draft: Draft) -> ParsedReport:
    """``draft`` read as :func:`parse_report` reads a report, without printing it: its own
    sentences with their ids, each ``[n]`` with the passage it names, and ``rendered`` set on
    the sentences the writer rendered from a known source sentence; ``span`` is that source
    sentence when the sentence still cites its passage and was not rewritten from more. A
    sentence added to the draft since it was made gets its id here
    (:meth:`~docent.types.Draft.number_sentences`), so the report and the draft agree.

    >>> from docent.types import DraftSection
    >>> d = Draft(title="T", language="en", sections=[DraftSection(
    ...     title="Summary", heading="1. Summary", paragraphs=["One. Two [1]."])])
    >>> [(s.id, s.text) for s in parse_draft(d).sentences]
    [('1.1.1', 'One.'), ('1.1.2', 'Two.')]
    """
    draft.number_sentences()
    references = {str(c.number): c.label() for c in draft.citations}
    passage_of = {str(c.number): c.passage_id for c in draft.citations}
    sentences: list[ReportSentence] = []
    paragraph = 0
    for section in draft.sections:
        for p in section.paragraphs:
            for s in p.sentences:
                citations = _citations(s.text, references)
                for c in citations:
                    c.passage_id = passage_of.get(c.key) if c.style == "numeric" else None
                record = s.evidence
                own = record is not None and not record.rewritten and any(
                    c.passage_id == record.passage_id for c in citations)
                sentences.append(ReportSentence(
                    len(sentences), section.heading, paragraph, _strip(s.text), s.text,
                    citations, id=s.id, rendered=record is not None,
                    span=record if own else None))
            paragraph += bool(p.sentences)
    inherited = _inherit_paragraph_citations(sentences)
    return ParsedReport(draft.title, [s.heading for s in draft.sections], sentences, references,
                        draft.body_markdown(), inherited)


def author_names(text: str) -> list[str]:
    """The names in an author line, affiliations and "et al." left out.

    >>> author_names("作者：Tianyu Gao（Princeton University），Danqi Chen（Princeton University）")
    ['Tianyu Gao', 'Danqi Chen']
    >>> author_names("The authors are Tianyu Gao, Howard Yen and Danqi Chen et al.")
    ['Tianyu Gao', 'Howard Yen', 'Danqi Chen']
    """
    text = _strip(text)
    while _PARENTHESES.search(text):
        text = _PARENTHESES.sub(" ", text)
    label = _AUTHOR_LABEL.search(text)
    text = text[label.end():] if label else text
    end = _AUTHOR_END.search(text)
    text = text[:end.start()] if end else text
    names: list[str] = []
    for part in _AUTHOR_SEP.split(text):
        name = re.sub(r"\s+", " ", part).strip(" \t\"'“”‘’《》*.。")
        if name and not _AFFILIATION.search(name) and name not in names:
            names.append(name)
    return names


# "论文标题：…", "Authors: …": a line of a label and its value
_LABEL_LINE = re.compile(r"^[*_]*[^\s:：，。,.]{1,12}[*_]*\s*[:：]\s*\S")


def _line_groups(lines: list[str]) -> list[str]:
    """The lines of one paragraph joined into the runs that read as one text: a Markdown hard
    break (two trailing spaces or a backslash) ends a run, and a "label：value" line is a run
    of its own start ("论文标题：…  " over "作者：…" are two statements, not one)."""
    groups: list[list[str]] = [[]]
    for line in lines:
        if groups[-1] and _LABEL_LINE.match(line.strip()):
            groups.append([])
        groups[-1].append(line)
        if re.search(r"(?: {2,}|\\)$", line):
            groups.append([])
    return [t for g in groups if (t := " ".join(x.strip().rstrip("\\") for x in g).strip())]


def parse_report(markdown: str) -> ParsedReport:
    """Sections, sentences and citations of ``markdown`` (see the module docstring)."""
    body_lines, references = _split_references(markdown.replace("\r\n", "\n").split("\n"))
    plain = _plain_headings(body_lines)
    title_line = _plain_title(body_lines, plain)
    title = _unbold(body_lines[title_line]) if title_line is not None else None
    headings: list[str] = []
    sentences: list[ReportSentence] = []
    section: str | None = None
    paragraph = 0
    block: list[str] = []

    def flush() -> None:
        nonlocal paragraph
        groups = _line_groups(block)
        block.clear()
        added = False
        for text in groups:
            text = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", text)
            # a run-in heading ("**流畅度（Fluency）**：", "**矩阵乘法（53:58–54:31）**：") names
            # what follows; it states nothing to check
            text = _RUN_IN.sub("", text)
            if not text:
                continue
            if sentences and sentences[-1].section == section and _has_citation(text) \
                    and not _strip(text).strip("，。；：！？,.;:!? "):
                last = sentences[-1]  # a citation on a line of its own closes the text above
                last.raw = f"{last.raw} {text}"
                last.citations += _citations(text, references)
                continue
            for s, e in _sentence_spans(text):
                raw = text[s:e]
                sentences.append(ReportSentence(len(sentences), section, paragraph, _strip(raw),
                                                raw, _citations(raw, references)))
                added = True
        paragraph += added

    for i, line in enumerate(body_lines):
        heading = _ATX.match(line)
        if heading or i in plain:
            flush()
            if heading and len(heading.group(1)) == 1 and title is None:
                title = heading.group(2).strip()
            else:
                section = heading.group(2).strip() if heading else plain[i]
                headings.append(section)
            continue
        if i == title_line or not line.strip():
            flush()
            continue
        block.append(line)
    flush()
    body = "\n".join(body_lines)
    inherited = _inherit_paragraph_citations(sentences)
    for s in sentences:  # ids a reader's decisions name: s1, s2, ... in reading order
        s.id = f"s{s.index + 1}"
    return ParsedReport(title, headings, sentences, references, body, inherited)
