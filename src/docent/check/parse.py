"""Read a report written by anyone into sections, sentences and the citations they carry.

Understood citation styles:

* Docent's own ``[1]``, ``[1, 3]``, ``[2-4]`` with a reference list (``## 参考文献`` /
  ``## References``) whose entries name a source and a locator (``[1] Title, p. 4``);
* ``[文档: name.pdf]`` and ``[long_context: "title", chunk N]`` (a document or a knowledge-base
  page named inline);
* numeric footnotes ``[^1]`` with ``[^1]: ...`` definitions;
* (Author, Year), e.g. ``(Gao et al., 2023)``.

>>> doc = parse_report(open("report.md").read())
>>> doc.sentences[3].citations[0].target        # 'Enabling Large Language Models..., p. 4'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docent.text import sentence_spans

__all__ = ["CitationRef", "ParsedReport", "ReportSentence", "parse_report"]

_REF_HEADING = re.compile(r"^(#{1,6}\s*)?(参考文献|参考资料|引用文献|references?|bibliography|"
                          r"sources|works cited)\s*[:：]?\s*$", re.IGNORECASE)
_NUMERIC = re.compile(r"\[(\d+(?:\s*[-–,，]\s*\d+)*)\](?!\()")
_FOOTNOTE = re.compile(r"\[\^(\w+)\]")
_DOC = re.compile(r"\[(?:文档|document|doc|source)\s*[:：]\s*([^\]]+)\]", re.IGNORECASE)
_LONG = re.compile(r"\[long_context\s*:\s*[\"“]?([^\"”,\]]+)[\"”]?\s*,\s*chunk\s*(\d+)\s*\]",
                   re.IGNORECASE)
_AUTHOR_YEAR = re.compile(r"[（(]([A-Z][A-Za-z'\-]+(?: et al\.?| and [A-Z][A-Za-z'\-]+)?),?\s+"
                          r"(\d{4}[a-z]?)[)）]")
_ENTRY = re.compile(r"^\s*(?:\[(\d+)\]|(\d+)[.)]|\[\^(\w+)\]:)\s*(.+)$")


@dataclass
class CitationRef:
    raw: str  # as written: "[3]", "[文档: alce.pdf]"
    style: str  # numeric / footnote / document / long_context / author_year
    key: str  # "3", "alce.pdf", "Gao et al.|2023"
    target: str | None = None  # the reference-list entry or the inline description
    chunk: int | None = None


@dataclass
class ReportSentence:
    index: int
    section: str | None  # the heading it sits under
    paragraph: int
    text: str  # without citation markers
    raw: str
    citations: list[CitationRef] = field(default_factory=list)


@dataclass
class ParsedReport:
    title: str | None
    headings: list[str]
    sentences: list[ReportSentence]
    references: dict[str, str]  # key ("3", "^1") -> entry text
    body: str  # the report without its reference list


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


def _strip(text: str) -> str:
    for pattern in (_LONG, _DOC, _FOOTNOTE, _NUMERIC, _AUTHOR_YEAR):
        text = pattern.sub("", text)
    return re.sub(r"\s+([，。；：！？,.;:!?])", r"\1", text).strip()


def parse_report(markdown: str) -> ParsedReport:
    lines = markdown.replace("\r\n", "\n").split("\n")
    body_lines: list[str] = []
    references: dict[str, str] = {}
    in_refs = False
    for line in lines:
        if _REF_HEADING.match(line.strip()):
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
            body_lines.append(line)
    title = None
    headings: list[str] = []
    sentences: list[ReportSentence] = []
    section: str | None = None
    paragraph = 0
    block: list[str] = []

    def flush() -> None:
        nonlocal paragraph
        text = " ".join(s.strip() for s in block).strip()
        block.clear()
        if not text:
            return
        text = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", text)
        for s, e in sentence_spans(text):
            raw = text[s:e]
            sentences.append(ReportSentence(len(sentences), section, paragraph, _strip(raw), raw,
                                            _citations(raw, references)))
        paragraph += 1

    for line in body_lines:
        heading = re.match(r"^(#{1,6})\s+(.+?)\s*#*\s*$", line)
        if heading:
            flush()
            if len(heading.group(1)) == 1 and title is None:
                title = heading.group(2).strip()
            else:
                section = heading.group(2).strip()
                headings.append(section)
            continue
        if not line.strip():
            flush()
            continue
        block.append(line)
    flush()
    body = "\n".join(body_lines)
    return ParsedReport(title, headings, sentences, references, body)
