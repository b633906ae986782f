"""The report as a Word document (python-docx), formatted the way a Chinese course expects.

The title uses the Title style, each section heading is a real Heading 1 (so Word's navigation
pane and table of contents see it), paragraphs are body text with their inline Markdown
(``**bold**``, ``*italic*``, ```code```) turned into formatted runs, and the reference list
follows under its own heading (参考文献 / References), one paragraph per entry
``[n] Source title, locator``. Citations stay ``[n]`` in the text.

Fonts: Latin text Times New Roman, East Asian text SimSun (宋体), set on the Normal, Title and
heading styles and on every run (``w:ascii``/``w:hAnsi`` and ``w:eastAsia`` of ``w:rFonts``);
headings black rather than the template's blue; body 12 pt (小四); 1.5 line spacing and a
two-character first-line indent for Chinese; A4 pages::

    data = render_docx(draft)
    Path("report.docx").write_bytes(data)
"""

from __future__ import annotations

import io

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from docent.render.markdown import (
    BOLD,
    CODE,
    ITALIC,
    references_heading,
    styled_runs,
)
from docent.store import Store
from docent.types import Draft, ValidationReport

__all__ = ["CODE_FONT", "EAST_ASIA_FONT", "LATIN_FONT", "render_docx"]

LATIN_FONT = "Times New Roman"
EAST_ASIA_FONT = "SimSun"
CODE_FONT = "Courier New"
BODY_PT = 12  # 小四
_BLACK = RGBColor(0, 0, 0)
_HEADING_PT = {"Title": 18, "Heading 1": 14, "Heading 2": 13}  # 小二, 四号
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _set_fonts(element, latin: str = LATIN_FONT, east: str = EAST_ASIA_FONT) -> None:
    """Set ``w:rFonts`` of a style's or run's ``w:rPr``, dropping theme fonts that override."""
    rfonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        key = qn(attr)
        if key in rfonts.attrib:
            del rfonts.attrib[key]
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:eastAsia"), east)


def _set_language(element, zh: bool) -> None:
    rpr = element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN" if zh else "en-US")


def _style_document(document, zh: bool) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(BODY_PT)
    normal.font.color.rgb = _BLACK
    _set_fonts(normal.element)
    _set_language(normal.element, zh)
    fmt = normal.paragraph_format
    fmt.line_spacing = 1.5 if zh else 1.15
    fmt.space_after = Pt(6)
    for name, size in _HEADING_PT.items():
        style = styles[name]
        style.font.name = LATIN_FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = _BLACK
        _set_fonts(style.element)
        style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(6 if name != "Title" else 12)
        style.paragraph_format.line_spacing = 1.5 if zh else 1.15
    title = styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    ppr = title.element.get_or_add_pPr()  # the template's blue rule under the title
    border = ppr.find(qn("w:pBdr"))
    if border is not None:
        ppr.remove(border)
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(31.8)
        section.top_margin = section.bottom_margin = Mm(25.4)


def _add_runs(paragraph: Paragraph, text: str) -> None:
    for chunk, style in styled_runs(text):
        run = paragraph.add_run(chunk)
        code = bool(style & CODE)
        run.bold = True if style & BOLD else None
        run.italic = True if style & ITALIC else None
        run.font.name = CODE_FONT if code else LATIN_FONT
        _set_fonts(run._element, CODE_FONT if code else LATIN_FONT)


def _heading(document, text: str, level: int) -> Paragraph:
    paragraph = document.add_heading(level=level)
    run = paragraph.add_run(text)
    run.font.name = LATIN_FONT
    run.font.color.rgb = _BLACK
    _set_fonts(run._element)
    return paragraph


def render_docx(draft: Draft, *, validation: ValidationReport | None = None,
                store: Store | None = None) -> bytes:
    """The report (title, Heading 1 sections, paragraphs, reference list) as DOCX bytes.

    ``validation`` and ``store`` are not used: the document is the report a reader hands in.
    """
    del validation, store
    zh = draft.language == "zh"
    document = docx.Document()
    _style_document(document, zh)
    props = document.core_properties
    props.title = draft.title
    props.language = "zh-CN" if zh else "en-US"
    props.author = "Docent"
    props.comments = "Written with Docent; every [n] cites a passage listed at the end."
    _heading(document, draft.title, 0)
    for section in draft.sections:
        _heading(document, section.heading, 1)
        for para in section.paragraphs:
            marker, text = para.marker, para.text
            if not text and not marker:
                continue
            bullet = marker.strip() in {"-", "*", "+"}
            paragraph = document.add_paragraph(style="List Bullet" if bullet else None)
            if zh and not marker:
                paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
            if marker and not bullet:
                _add_runs(paragraph, marker)
            if para.lead:
                _add_runs(paragraph, f"**{para.lead}**{para.separator}")
            _add_runs(paragraph, text)
    _heading(document, references_heading(draft.language), 1)
    for c in sorted(draft.citations, key=lambda c: c.number):
        paragraph = document.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.left_indent = Pt(2 * BODY_PT)
        fmt.first_line_indent = Pt(-2 * BODY_PT)
        run = paragraph.add_run(f"[{c.number}] {c.label()}")
        run.font.name = LATIN_FONT
        _set_fonts(run._element)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
