"""PDF parser: text in reading order, sections, passages with page locators, bibliography.

Uses PyMuPDF directly (``page.get_text("dict")``, about 0.15 s for a 23-page paper): blocks are
ordered column-aware (full-width blocks, then the left column, then the right), lines are joined
and de-hyphenated, running headers/footers, page numbers and the rotated arXiv margin stamp are
dropped, footnotes move to the end of their page, and bold headings ("4.2 Synthesis",
"A Generating Claims", "References") become the ``section`` of every passage under them::

    >>> from pathlib import Path
    >>> doc = PdfParser().parse(Path("examples/sources/papers/alce-2305.14627.pdf"))
    >>> doc.bibliography.authors[0], doc.bibliography.arxiv_id, doc.pages
    ('Tianyu Gao', '2305.14627', 23)
    >>> doc.passages[2].locator.label()
    'p. 1, 1 Introduction'

Roles: ``front`` (title block), ``abstract``, ``body``, ``references`` (from "References" until
an appendix heading), ``appendix``, ``footnote`` (a page's footnotes, passages of their own,
so a footnote mark or URL never lands inside a body sentence) and ``figure``: the text inside a
figure (a cluster of vector drawings or an image) or a ruled table (two or more horizontal
rules of one width), and every "Figure 3:" / "Table 4:" caption, as passages of their own after
the page's text, so an example answer drawn in a figure is never read as the paper's prose and
a sentence broken by a figure is joined again. Bad input raises :class:`~docent.errors.SourceError`.

The title is the largest type near the top of page 1 (never the venue line or "ABSTRACT"); a
title set in capitals (ICLR camera-ready style) is read whole, and neither it nor a piece of it
is ever taken for an author: words in capitals are not read as names.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pymupdf

from docent.errors import EmptySourceError, SourceError
from docent.sources.base import ParseContext, ParsedDocument, Segment
from docent.sources.chunking import chunk_segments
from docent.text import detect_language, normalize_space, sentence_spans
from docent.types import Bibliography, Locator, PassageRole, SourceKind

__all__ = ["PdfParser"]

_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP  # ligatures expanded
_ACCENTS = {"´": "\u0301", "`": "\u0300", "ˇ": "\u030c", "¨": "\u0308", "˜": "\u0303",
            "¸": "\u0327", "˚": "\u030a"}
_ACCENT_RE = re.compile(f"([{''.join(_ACCENTS)}])([A-Za-z])")  # TeX "Kopeck´y" -> "Kopecký"
_BEFORE_MARK = tuple(".,;:)]}”’\"'")  # a footnote mark follows a word or one of these
_MARK_RE = re.compile(r"[\d,*†‡§¶∗⋆♠♣♥♦]+")  # footnote and affiliation marks
_WORD_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_NUMBERED_RE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[A-Z](?:\.\d{1,2})*\.?|[IVX]{1,5}\.)\s+\S")
_LETTERED_RE = re.compile(r"^[A-Z](?:\.\d{1,2})*\.?\s")  # "A Generating Claims", "E.1 Utility"
_KNOWN_RE = re.compile(
    r"^(?:abstract|introduction|references|bibliography|acknowledge?ments?|limitations?|"
    r"conclusions?|related work|appendix|appendices|discussion|ethics statement|"
    r"broader impacts?|supplementary material)\b", re.I)
_BACK_MATTER_RE = re.compile(r"^(?:\d+\.?\s+)?(?:acknowledge?ments?|limitations?|ethics|"
                             r"broader impacts?|funding|author contributions|checklist)\b", re.I)
_REFS_RE = re.compile(r"^(?:\d+\.?\s+)?(?:references|bibliography|literature cited)$", re.I)
_APPENDIX_RE = re.compile(r"^(?:appendix|appendices|supplementary)\b", re.I)
_RUNIN_ABSTRACT_RE = re.compile(r"^abstract\s*[.:—–-]\s*", re.I)
_PAGE_NO_RE = re.compile(r"^(?:page\s*)?(?:\d{1,4}|[ivxlc]{1,6})(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
_URL_RE = re.compile(r"https?://|www\.|@")
_ARXIV_STAMP_RE = re.compile(  # "arXiv:2305.14627v1 [cs.CL] 24 May 2023", rotated in the margin
    r"arXiv:\s*(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?\s*\[[^\]]+\]")
_ARXIV_NAME_RE = re.compile(r"(?<![\d.])(\d{2}(?:0[1-9]|1[0-2])\.\d{4,5})(?:v\d+)?(?!\d)")
_DOI_RE = re.compile(r"(?:doi\.org/|\bdoi:?\s*)(10\.\d{4,9}/[^\s\"<>]+)", re.I)
_VENUE_RE = re.compile(
    r"^(?:Published as a (?:conference|workshop) paper at|Accepted (?:at|to|by)|Appeared in|"
    r"To appear in|Workshop track\s*[-–—]|In)?\s*((?:Proceedings of|ICLR|NeurIPS|NIPS|ICML|ACL|"
    r"EMNLP|NAACL|CVPR|ICCV|ECCV|AAAI|IJCAI|KDD|SIGIR|COLING|TACL|JMLR).*(?:19|20)\d{2}.*)$")
_AFFIL_RE = re.compile(
    r"\b(?:Universit|Institut|College|School|Department|Dept\b|Laborator|Labs?\b|Inc\b|"
    r"Corporation|Corp\b|Ltd\b|LLC|GmbH|Research|Center|Centre|Academy|Faculty|Hospital|"
    r"Foundation|Google|Microsoft|DeepMind|OpenAI|Meta AI|IBM|NVIDIA|Amazon)", re.I)
_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "del", "du", "le", "la", "bin"}


@dataclass
class _Line:
    text: str
    bbox: tuple[float, float, float, float]
    size: float
    bold: bool
    marker: bool = False  # starts with a small footnote mark ("1", "*")


@dataclass
class _Block:
    lines: list[_Line]
    vocab: frozenset[str] = frozenset()
    footnote: bool = False
    title: bool = False
    figure: bool = False  # inside a figure or a ruled table, or a caption

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        xs0, ys0, xs1, ys1 = zip(*(ln.bbox for ln in self.lines))
        return min(xs0), min(ys0), max(xs1), max(ys1)

    @property
    def size(self) -> float:
        return _dominant((ln.size, len(ln.text)) for ln in self.lines)

    @cached_property
    def text(self) -> str:
        out = ""
        for ln in self.lines:
            line = normalize_space(ln.text)
            out = f"{out} {line}" if ln.marker and out else _join(out, line, self.vocab)
        return out


@dataclass
class _Page:
    width: float
    height: float
    blocks: list[_Block]
    rotated: list[str] = field(default_factory=list)  # margin stamps, rotated figure labels
    margin: list[str] = field(default_factory=list)  # dropped headers, footers, page numbers
    figures: list[tuple[float, float, float, float]] = field(default_factory=list)


@dataclass
class _Para:
    page: int
    text: str
    role: PassageRole
    section: str | None
    heading: bool = False
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # of its last block


def _dominant(pairs: Iterable[tuple[float, int]]) -> float:
    """The value with the most weight: a block's or the document's font size by characters."""
    counts: Counter[float] = Counter()
    for value, weight in pairs:
        counts[value] += weight
    return counts.most_common(1)[0][0] if counts else 10.0


def _join(a: str, b: str, vocab: frozenset[str] = frozenset()) -> str:
    """Join two lines: "cita-" + "tion" -> "citation"; keep "state-" + "of-the-art"."""
    if not a or not b:
        return a or b
    if a.endswith("-") and len(a) > 1 and a[-2].isalnum():
        m = re.search(r"[^\W_]+(?:-[^\W_]+)*-$", a)
        head = m.group(0)[:-1] if m else ""  # "cita", "off-the", "T5"
        m = re.match(r"[^\W_]+(?:-[^\W_]+)*", b)
        tail = m.group(0) if m else ""  # "tion", "shelf", "of-the-art"
        if f"{head}-{tail}".lower() in vocab:
            keep = True  # printed with its hyphen elsewhere: "off-the-shelf"
        elif (head + tail).lower() in vocab:
            keep = False  # printed whole elsewhere: "INLINESEARCH"
        elif head.lower() in vocab and tail.lower() in vocab:
            keep = True  # two words: "natural-" + "language"
        else:
            keep = not (b[:1].islower() and a[-2].isalpha()) or "-" in head or "-" in tail
        return a + b if keep else a[:-1] + b
    last = a.rsplit(" ", 1)[-1]
    if a.endswith(("—", "–")) or (last.startswith(("http", "www.")) and a[-1] in "./_-"):
        return a + b
    return a + " " + b


def _vocabulary(pages: list[_Page]) -> frozenset[str]:
    """Lower-cased words (with and without hyphens) the document prints whole: neither the
    fragment before a line-end hyphen nor the continuation after one."""
    words: set[str] = set()
    for block in (b for page in pages for b in page.blocks):
        cut = True  # a block may go on with a word cut at the end of the one before
        for ln in block.lines:
            text = ln.text.strip()
            found = _WORD_RE.findall(text)[1 if cut and text[:1].islower() else 0:]
            cut = text.endswith("-")
            words.update(w.lower() for w in (found[:-1] if cut else found) if len(w) > 2)
    return frozenset(words)


def _is_bold(span: dict) -> bool:
    return bool(span["flags"] & 16) or bool(re.search(r"Bold|Medi|Semi|Demi|Black|Heavy",
                                                       span["font"]))


def _make_line(line: dict) -> _Line | None:
    """A line's text from its spans, footnote marks after words dropped ("Chat²" -> "Chat")."""
    spans = [s for s in line["spans"] if s["text"]]
    chars = [s for s in spans if s["text"].strip()]
    if not chars:
        return None
    text, prev_x1, marker, dropped = "", None, False, False
    body = max(chars, key=lambda s: len(s["text"].strip()))["size"]
    for i, s in enumerate(spans):
        t = s["text"]
        is_mark = bool(_MARK_RE.fullmatch(t.strip())) and s["size"] < 0.85 * body
        if i == 0 and is_mark and len(chars) > 1:
            marker, text, prev_x1 = True, t.strip() + " ", s["bbox"][2]
            continue
        after_word = text[-1:].isalpha() or text[-1:] in _BEFORE_MARK
        if is_mark and s["flags"] & 1 and after_word:  # superscript
            prev_x1, dropped = s["bbox"][2], True
            continue
        if dropped and t.strip():
            if t.lstrip()[:1] in tuple(".,;:)"):
                text, t = text.rstrip(), t.lstrip()  # "ci,2}⁴ , where" -> "ci,2}, where"
            dropped = False
        if prev_x1 is not None and text and not text[-1].isspace() and not t[0].isspace() \
                and s["bbox"][0] - prev_x1 > 0.25 * s["size"]:
            text += " "
        text, prev_x1 = text + t, s["bbox"][2]
    if _ACCENT_RE.search(text):
        text = _ACCENT_RE.sub(
            lambda m: unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)]), text)
    size = _dominant((round(s["size"], 1), len(s["text"])) for s in chars)
    return _Line(text, tuple(line["bbox"]), size,  # type: ignore[arg-type]
                 all(_is_bold(s) for s in chars), marker)


_CAPTION_RE = re.compile(r"^(?:Figure|Fig\.|Table|Tab\.)\s*[A-Z]?\d+(?:\.\d+)?\s*[:.|]\s*\S")


def _ruled_tables(drawings: list[dict]) -> list[tuple[float, float, float, float]]:
    """The boxes of ruled tables: two or more horizontal rules of about one width and start,
    at most 260 pt apart (booktabs' top, middle and bottom rules). A lone rule (a footnote
    separator) makes none."""
    rules = sorted((r.y0, r.x0, r.x1) for d in drawings if (r := d["rect"]).height <= 1.5
                   and r.width >= 80)
    groups: list[list[tuple[float, float, float]]] = []
    for y, x0, x1 in rules:
        for g in groups:
            gy, gx0, gx1 = g[-1]
            if abs(gx0 - x0) <= 12 and abs(gx1 - x1) <= 0.15 * (gx1 - gx0) and y - gy <= 260:
                g.append((y, x0, x1))
                break
        else:
            groups.append([(y, x0, x1)])
    return [(min(r[1] for r in g), g[0][0], max(r[2] for r in g), g[-1][0])
            for g in groups if len(g) >= 2 and g[-1][0] - g[0][0] >= 8]


def _figure_boxes(page: pymupdf.Page) -> list[tuple[float, float, float, float]]:
    """Regions whose text is a figure's or a table's: clusters of vector drawings and images
    (each at least 20 pt a side, none over half the page: a frame around the text is no
    figure) and ruled tables."""
    area = page.rect.width * page.rect.height
    drawings = page.get_drawings()
    boxes = [tuple(r) for r in page.cluster_drawings(drawings=drawings)]
    boxes += [tuple(i["bbox"]) for i in page.get_image_info()]
    boxes = [b for b in boxes if b[2] - b[0] >= 20 and b[3] - b[1] >= 20
             and (b[2] - b[0]) * (b[3] - b[1]) <= 0.5 * area]
    return boxes + _ruled_tables(drawings)


def _inside(box: tuple[float, float, float, float],
            regions: list[tuple[float, float, float, float]], pad: float = 3.0) -> bool:
    """At least 60% of ``box`` lies in one of ``regions`` (padded by ``pad``)."""
    x0, y0, x1, y1 = box
    size = max((x1 - x0) * (y1 - y0), 1e-6)
    for rx0, ry0, rx1, ry1 in regions:
        w = min(x1, rx1 + pad) - max(x0, rx0 - pad)
        h = min(y1, ry1 + pad) - max(y0, ry0 - pad)
        if w > 0 and h > 0 and w * h >= 0.6 * size:
            return True
    return False


def _mark_figures(page: _Page) -> None:
    for b in page.blocks:
        b.figure = _inside(b.bbox, page.figures) or bool(_CAPTION_RE.match(b.text))


def _read_page(page: pymupdf.Page) -> _Page:
    out = _Page(page.rect.width, page.rect.height, [])
    out.figures = _figure_boxes(page)
    for b in page.get_text("dict", flags=_FLAGS)["blocks"]:
        lines: list[_Line] = []
        for ln in b.get("lines", []):
            made = _make_line(ln)
            if made is None:
                continue
            if abs(ln["dir"][0] - 1) > 0.01 or abs(ln["dir"][1]) > 0.01:
                out.rotated.append(made.text)
            else:
                lines.append(made)
        if lines:
            out.blocks.append(_Block(lines))
    return out


def _drop_furniture(pages: list[_Page]) -> None:
    """Drop running headers/footers (repeated in the margins) and bare page numbers."""
    def in_margin(ln: _Line, page: _Page) -> bool:
        return ln.bbox[3] < 0.08 * page.height or ln.bbox[1] > 0.92 * page.height

    def key(ln: _Line) -> tuple[int, str]:
        return round(ln.bbox[1] / 10), re.sub(r"\d+", "#", normalize_space(ln.text).lower())

    counts: Counter[tuple[int, str]] = Counter()
    for page in pages:
        counts.update({key(ln) for b in page.blocks for ln in b.lines if in_margin(ln, page)})
    repeated = {k for k, n in counts.items() if n >= 3 and n >= 0.4 * len(pages)}
    for page in pages:
        for b in page.blocks:
            dropped = [ln for ln in b.lines if in_margin(ln, page) and (
                key(ln) in repeated or _PAGE_NO_RE.match(ln.text.strip()))]
            page.margin += [ln.text for ln in dropped]
            b.lines = [ln for ln in b.lines if all(ln is not d for d in dropped)]
        page.blocks = [b for b in page.blocks if b.lines]


def _order(page: _Page, body: float) -> list[_Block]:
    """Reading order: bands split by full-width blocks; in a band, left column then right."""
    mid, tol = page.width / 2, page.width * 0.015

    def col(b: _Block) -> int:
        x0, _, x1, _ = b.bbox
        return 0 if x0 < mid - tol and x1 > mid + tol else 1 if (x0 + x1) / 2 < mid else 2

    def by_column(band: list[_Block]) -> list[_Block]:
        return sorted(band, key=lambda c: (col(c), c.bbox[1], c.bbox[0]))

    blocks = sorted(page.blocks, key=lambda b: (b.bbox[1], b.bbox[0]))
    chars = [0, 0, 0]  # body-size text that is full-width, in the left, in the right column
    for b in blocks:
        if abs(b.size - body) <= 1.5:
            chars[col(b)] += len(b.text)
    if min(chars[1], chars[2]) < 0.2 * sum(chars):
        return blocks  # one column (side-by-side author blocks are not columns)
    out: list[_Block] = []
    band: list[_Block] = []
    for b in blocks:
        if col(b) == 0:
            out += by_column(band) + [b]
            band = []
        else:
            band.append(b)
    return out + by_column(band)


def _mark_footnotes(blocks: list[_Block], page: _Page, body: float) -> None:
    """Small-type blocks low on the page that start with a mark, and the ones right after."""
    prev: _Block | None = None
    for b in blocks:
        if b.size <= 0.9 * body and b.bbox[1] > 0.5 * page.height:
            b.footnote = b.lines[0].marker or bool(prev and prev.footnote
                                                   and b.bbox[1] >= prev.bbox[1])
        prev = b


def _heading(block: _Block, body: float) -> str | None:
    """The heading text when ``block`` is a bold section heading, else None."""
    text = block.text
    if not 2 <= len(text) <= 90 or len(block.lines) > 4 or block.footnote or block.title \
            or not all(ln.bold for ln in block.lines) or block.size < body - 0.6:
        return None
    if any(re.search(r"\S\s{4,}\S", ln.text) for ln in block.lines) or _URL_RE.search(text):
        return None  # spread-out figure labels ("CBOW        Skip-gram"), addresses
    if text.endswith((".", ",", ":", ";")) or text[0].islower() \
            or not re.search(r"[A-Za-z]{2}", text):
        return None  # a run-in lead ("Citation recall.") or a number
    if _NUMBERED_RE.match(text) or _KNOWN_RE.match(text) or block.size >= body + 0.8:
        return text
    return None


def _split_heading(block: _Block, body: float) -> list[_Block]:
    """Split a bold heading off the top of a block that also holds its first paragraph."""
    k = 0
    while k < len(block.lines) and block.lines[k].bold:
        k += 1
    if 0 < k < len(block.lines) and block.lines[k].bbox[1] >= block.lines[k - 1].bbox[3] - 1:
        head = _Block(block.lines[:k], block.vocab)
        if _heading(head, body):
            return [head, _Block(block.lines[k:], block.vocab)]
    return [block]


def _is_caps(text: str) -> bool:
    """Set in capitals ("ENABLING LARGE LANGUAGE MODELS"): two or more words, no lower case."""
    words = re.findall(r"[^\W\d_]{2,}", text)
    return len(words) >= 2 and all(w.isupper() for w in words)


def _title_candidate(ln: _Line, page: _Page) -> bool:
    """A line in the top half of page 1 that may be (part of) the title: not a URL or e-mail,
    not a section heading ("ABSTRACT") and not the venue line or a running header."""
    text = normalize_space(ln.text)
    return (ln.bbox[1] < 0.5 * page.height and bool(re.search(r"[^\W\d_]{3}", text))
            and not re.search(r"https?://|www\.|github|@|\.com\b|\.org\b", text, re.I)
            and not (_KNOWN_RE.match(text) and len(text.split()) <= 3)
            and not _VENUE_RE.match(text))


def _find_title(page: _Page, body: float) -> list[_Line]:
    """The largest-font lines near the top of page 1 (never a URL, e-mail, venue line or
    "ABSTRACT"); a title set in capitals goes on over the capital lines right under it that
    are larger than the body text (a title whose last line is set smaller)."""
    cands = [ln for b in page.blocks for ln in b.lines if _title_candidate(ln, page)]
    top = max((ln.size for ln in cands), default=0.0)
    if top < body + 1:
        return []
    lines = sorted((ln for ln in cands if ln.size >= top - 0.5), key=lambda ln: ln.bbox[1])
    out = lines[:1]
    for ln in lines[1:]:
        if ln.bbox[1] - out[-1].bbox[3] > 1.5 * top:
            break
        out.append(ln)
    if _is_caps(" ".join(ln.text for ln in out)):
        below = sorted((ln for ln in cands if ln.bbox[1] > out[-1].bbox[1]
                        and all(ln is not t for t in out)), key=lambda ln: ln.bbox[1])
        for ln in below:
            if ln.size < body + 1 or not _is_caps(ln.text) \
                    or ln.bbox[1] - out[-1].bbox[3] > 0.8 * out[-1].size:
                break
            out.append(ln)
    return out


def _role_after(heading: str, role: PassageRole, arabic: bool, big: bool) -> PassageRole:
    if heading.lower() == "abstract":
        return PassageRole.abstract
    if _REFS_RE.match(heading):
        return PassageRole.references
    if role is PassageRole.appendix or _APPENDIX_RE.match(heading) or (
            arabic and _LETTERED_RE.match(heading) and (big or role is PassageRole.references)):
        return PassageRole.appendix  # "A Generating Claims for ELI5" after "1 Introduction"
    if role is PassageRole.references:
        return PassageRole.body if _BACK_MATTER_RE.match(heading) else PassageRole.appendix
    return PassageRole.body


_ASIDE = (PassageRole.footnote, PassageRole.figure)  # set after their page's text


def _unfinished(text: str) -> bool:
    """A paragraph that stops mid-sentence (no closing punctuation)."""
    return not re.search(r"[.!?:;)\]”\"]$", text)


def _continues(prev: _Para, block: _Block, text: str) -> bool:
    """Whether ``block`` goes on with paragraph ``prev``: a sentence cut by a column or block
    break, or the hanging-indent lines of a reference."""
    if prev.text.endswith("-") or (_unfinished(prev.text) and text[:1].islower()):
        return True
    x0, y0, _, _ = block.bbox
    return (prev.role is PassageRole.references and prev.box[0] + 5 < x0 < prev.box[2]
            and -2 < y0 - prev.box[3] < 1.5 * block.size)


def _paragraphs(pages: list[_Page], body: float) -> tuple[list[_Para], list[_Block]]:
    """Walk the ordered blocks with a section/role state machine: the paragraphs, and the
    title-block blocks of page 1."""
    paras: list[_Para] = []
    front: list[_Block] = []
    role, section, arabic = PassageRole.front, None, False
    for pno, page in enumerate(pages, 1):
        if pno > 1 and role is PassageRole.front:
            role = PassageRole.body  # no heading ended the title block on page 1
        notes: list[str] = []
        figures: list[str] = []
        for block in page.blocks:
            if block.footnote:
                notes.append(block.text)
                continue
            if block.figure and role is not PassageRole.front:
                figures.append(block.text)
                continue
            head = _heading(block, body)
            if head and role is PassageRole.front \
                    and not (head[0].isdigit() or _KNOWN_RE.match(head)):
                head = None  # large bold author names stay in the title block
            if head:
                role = _role_after(head, role, arabic, block.size >= body + 0.8)
                arabic, section = arabic or head[0].isdigit(), head
                paras.append(_Para(pno, head, role, section, heading=True))
                continue
            text = block.text
            if role is PassageRole.front:
                if block.title and front and front[-1].title:
                    paras[-1].text = _join(paras[-1].text, text)  # a title set in two blocks
                    front.append(block)
                    continue
                if _RUNIN_ABSTRACT_RE.match(text):  # "Abstract—We propose ..."
                    role, section = PassageRole.abstract, "Abstract"
                else:
                    front.append(block)
            prev = paras[-1] if paras else None
            if prev and prev.page == pno and not prev.heading and prev.role is role \
                    and prev.section == section and role is not PassageRole.front \
                    and _continues(prev, block, text):
                prev.text, prev.box = _join(prev.text, text, block.vocab), block.bbox
                continue
            last = next((p for p in reversed(paras) if p.role not in _ASIDE), None)
            if last and last.page == pno - 1 and not last.heading and last.role is role \
                    and last.section == section and role is not PassageRole.front \
                    and _unfinished(last.text):
                # a sentence cut by the page break ends where it starts: its locator is the
                # page it begins on, and the new page's paragraph begins with a whole sentence
                spans = sentence_spans(text)
                end = spans[0][1] if spans else len(text)
                last.text = _join(last.text, text[:end], block.vocab)
                text = text[end:].strip()
                if not text:
                    continue
            paras.append(_Para(pno, text, role, section, box=block.bbox))
        paras += [_Para(pno, t, PassageRole.footnote, section) for t in notes]
        paras += [_Para(pno, t, PassageRole.figure, section) for t in figures]
    return paras, front


def _names(text: str) -> list[str]:
    """Person names in an author line: "Tianyu Gao", "Jane van Dijk"; not "Mountain View, CA",
    and not words set in capitals ("GENERATE TEXT WITH CITATIONS" is a piece of a title)."""
    out = []
    for part in re.split(r"\s*(?:,|;|&|\band\b|\s{2,})\s*", text):
        tokens = _MARK_RE.sub(" ", part).strip(" .").split()
        if 2 <= len(tokens) <= 5 and tokens[-1][0].isupper() and not _is_caps(part) and all(
                re.fullmatch(r"[^\W\d_][\w'’.-]*", t) and (t[0].isupper() or t in _PARTICLES)
                for t in tokens):
            out.append(" ".join(tokens))
    return out


def _in_title(text: str, title: str) -> bool:
    """Whether ``text`` is the title or a piece of it of six letters or more (compared on
    letters and digits, ignoring case)."""
    def key(s: str) -> str:
        return re.sub(r"[\W_]+", "", s).casefold()

    return len(key(text)) >= 6 and key(text) in key(title)


def _authors(front: list[_Block], title: list[_Line]) -> tuple[list[str], list[str]]:
    """Authors and affiliations from the title block: when names are bold, the plain lines
    beneath them are affiliations; e-mail and web addresses, the venue line and pieces of the
    title are skipped."""
    title_text = " ".join(ln.text for ln in title)
    lines = sorted((ln for b in front for ln in b.lines
                    if all(ln is not t for t in title) and not _URL_RE.search(ln.text)
                    and not _VENUE_RE.match(normalize_space(ln.text))
                    and not _in_title(ln.text, title_text)),
                   key=lambda ln: (round(ln.bbox[1] / 3), ln.bbox[0]))
    bold_names = any(ln.bold and _names(ln.text) for ln in lines)
    authors: list[str] = []
    affils: list[str] = []
    last: _Line | None = None
    for ln in lines:
        text = normalize_space(ln.text).strip(" ,")
        if not (_AFFIL_RE.search(text) or (bold_names and not ln.bold)):
            authors += [n for n in _names(text) if n not in authors]
        elif len(text) < 150:
            text = re.sub(r"^[\d*†‡§¶∗]+\s*", "", text)
            if last and affils and 0 <= ln.bbox[1] - last.bbox[3] < ln.size \
                    and abs(ln.bbox[0] - last.bbox[0]) < 60 and text not in affils:
                affils[-1] = f"{affils[-1]}, {text}"  # an affiliation over several lines
            elif text not in affils:
                affils.append(text)
            last = ln
    return authors, affils


def _meta(value: str | None) -> str | None:
    """A PDF metadata field, unless it is empty or boilerplate ("Microsoft Word - x.docx")."""
    v = normalize_space(value or "")
    bad = re.search(r"\.(dvi|tex|pdf|docx?)$|^untitled|^microsoft word|https?://|www\.|^arXiv",
                    v, re.I)
    return None if len(v) < 4 or bad else v


def _bibliography(path: Path, meta: dict, pages: list[_Page], paras: list[_Para],
                  front: list[_Block], title: list[_Line]) -> Bibliography:
    bib = Bibliography(title=normalize_space(" ".join(ln.text for ln in title)) or None)
    bib.title = bib.title or _meta(meta.get("title"))
    bib.authors, bib.affiliations = _authors(front, title)
    if not bib.authors and _meta(meta.get("author")):
        bib.authors = [a.strip() for a in re.split(r";|,|\band\b", meta["author"]) if a.strip()]
    abstract = " ".join(p.text for p in paras if p.role is PassageRole.abstract and not p.heading)
    bib.abstract = _RUNIN_ABSTRACT_RE.sub("", abstract).strip() or None
    first = pages[0]
    edges = first.rotated + first.margin + [  # where stamps, venues and DOIs are printed
        ln.text for b in first.blocks for ln in b.lines
        if b.footnote or ln.bbox[3] < 0.12 * first.height or ln.bbox[1] > 0.85 * first.height]
    for text in edges:
        arxiv, doi = _ARXIV_STAMP_RE.search(text), _DOI_RE.search(text)
        venue = _VENUE_RE.match(normalize_space(text))
        bib.arxiv_id = bib.arxiv_id or (arxiv.group(1) if arxiv else None)
        bib.doi = bib.doi or (doi.group(1).rstrip(".,;)") if doi else None)
        bib.venue = bib.venue or (venue.group(1).strip(" .") if venue else None)
    if bib.arxiv_id is None:  # arXiv downloads are named "2305.14627v1.pdf"
        name = _ARXIV_NAME_RE.search(path.stem)
        bib.arxiv_id = name.group(1) if name else None
    year = re.search(r"\b((?:19|20)\d{2})\b", bib.venue or "")
    yy = re.match(r"^(\d{2})\d{2}\.|^[a-z-]+(?:\.[A-Z]{2})?/(\d{2})", bib.arxiv_id or "")
    if year:
        bib.year = int(year.group(1))
    elif yy:
        two = int(yy.group(1) or yy.group(2))
        bib.year = two + (1900 if two >= 90 else 2000)  # arXiv began in 1991
    if bib.arxiv_id:
        bib.url = f"https://arxiv.org/abs/{bib.arxiv_id}"
    return bib


def _open(path: Path) -> pymupdf.Document:
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except pymupdf.EmptyFileError as exc:
        raise EmptySourceError(path, "the file is empty") from exc
    except pymupdf.FileNotFoundError as exc:
        raise SourceError(path, "no such file") from exc
    except (RuntimeError, ValueError, OSError) as exc:
        raise SourceError(path, f"not a readable PDF ({exc})") from exc
    if doc.needs_pass:
        doc.close()
        raise SourceError(path, "the PDF is encrypted",
                          fix="remove the password (e.g. qpdf --decrypt) and ingest again")
    if doc.page_count == 0:
        doc.close()
        raise EmptySourceError(path, "the PDF has no pages")
    return doc


def _assemble(paras: list[_Para]) -> tuple[str, list[Segment]]:
    """The full text (paragraphs joined by blank lines) and one segment per run of paragraphs
    sharing page, section and role; a run that is only a heading gets no segment."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in paras:
        spans.append((pos, pos + len(para.text)))
        pos += len(para.text) + 2
    segments: list[Segment] = []
    i = 0
    while i < len(paras):
        def key(p: _Para) -> tuple[int, PassageRole, str | None]:
            return p.page, p.role, p.section

        j = i
        while j + 1 < len(paras) and key(paras[j + 1]) == key(paras[i]):
            j += 1
        if not all(p.heading for p in paras[i:j + 1]):
            locator = Locator(page=paras[i].page, section=paras[i].section)
            segments.append(Segment(spans[i][0], spans[j][1], locator, paras[i].role))
        i = j + 1
    return "\n\n".join(p.text for p in paras), segments


class PdfParser:
    """Parses ``.pdf`` files with PyMuPDF; see the module docstring."""

    kind = SourceKind.pdf
    suffixes = (".pdf",)

    def parse(self, path: Path, ctx: ParseContext | None = None) -> ParsedDocument:
        doc = _open(path)
        try:
            meta = dict(doc.metadata or {})
            pages = [_read_page(page) for page in doc]
        except (RuntimeError, ValueError) as exc:
            raise SourceError(path, f"not a readable PDF ({exc})") from exc
        finally:
            doc.close()
        if not any(p.blocks for p in pages):
            raise EmptySourceError(path, "the PDF has no text layer (scanned images?)",
                                   fix="run OCR first, e.g. ocrmypdf")
        _drop_furniture(pages)
        vocab = _vocabulary(pages)
        body = _dominant((round(ln.size * 2) / 2, len(ln.text))
                         for p in pages for b in p.blocks for ln in b.lines)
        for page in pages:
            for b in page.blocks:
                b.vocab = vocab
            page.blocks = [part for b in _order(page, body) for part in _split_heading(b, body)]
            _mark_footnotes(page.blocks, page, body)
            _mark_figures(page)
        title = _find_title(pages[0], body)
        for b in pages[0].blocks:
            b.title = any(ln is t for ln in b.lines for t in title)
        paras, front = _paragraphs(pages, body)
        if not paras:
            raise EmptySourceError(path, "the PDF has no text besides page headers and footers")
        text, segments = _assemble(paras)
        bib = _bibliography(path, meta, pages, paras, front, title)
        return ParsedDocument(
            kind=self.kind,
            title=bib.title or path.stem,
            text=text,
            passages=chunk_segments(text, segments),
            pages=len(pages),
            language=detect_language(text),
            bibliography=bib,
            extra={"headings": [(p.page, p.text) for p in paras if p.heading]},
        )
