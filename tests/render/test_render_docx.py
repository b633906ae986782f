"""The DOCX report read back with python-docx, then laid out by LibreOffice to prove that the
Chinese text survives as glyphs (skipped only where ``soffice`` is not installed)."""

from __future__ import annotations

import io
import shutil
import subprocess

import docx
import pytest
from conftest import ALCE, LECTURE_SRT, HashEmbedder
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from docent.config import Settings
from docent.ingest import ingest
from docent.render import render
from docent.store import Store
from docent.types import Citation, Draft, DraftSection, Passage, Source, SourceKind

TITLE = "大模型引用生成论文阅读报告"
HEADINGS = ["一、论文基本信息", "二、讲座内容概述"]


def _citation(n: int, passage: Passage, source: Source) -> Citation:
    return Citation(number=n, passage_id=passage.id, source_id=source.id,
                    source_title=source.title, source_kind=source.kind,
                    locator=passage.locator, excerpt=" ".join(passage.text.split())[:160])


@pytest.fixture(scope="module")
def draft(tmp_path_factory) -> Draft:
    tmp = tmp_path_factory.mktemp("render_docx")
    settings = Settings(workspace=tmp / "ws", embedder="hash")
    with Store.open(settings.workspace) as store:
        ingest([ALCE, LECTURE_SRT], store, settings, HashEmbedder())
        by_kind = {s.kind: s for s in store.sources()}
        pdf, srt = by_kind[SourceKind.pdf], by_kind[SourceKind.subtitles]
        page4 = next(p for p in store.passages(pdf.id) if p.locator.page == 4)
        talk = next(p for p in store.passages(srt.id) if (p.locator.start or 0) > 700)
        return Draft(title=TITLE, language="zh", sections=[
            DraftSection(title="论文基本信息", heading=HEADINGS[0], paragraphs=[
                ("论文题目为《Enabling Large Language Models to Generate Text with Citations》，"
                 "提出了 **ALCE** 基准[1]。评估从*流畅性*、正确性和引用质量三个维度展开[1]。"),
                "- 引用质量由引用召回率和引用精确率衡量[1]。",
            ]),
            DraftSection(title="讲座内容概述", heading=HEADINGS[1], paragraphs=[
                "讲座逐步实现了自注意力，并用 `softmax` 归一化注意力权重[2]。",
            ]),
        ], citations=[_citation(1, page4, pdf), _citation(2, talk, srt)])


@pytest.fixture(scope="module")
def document(draft):
    data = render(draft, "docx")
    assert data[:2] == b"PK"
    return docx.Document(io.BytesIO(data))


def _fonts(element) -> dict[str, str | None]:
    rpr = element.rPr
    rfonts = rpr.rFonts if rpr is not None else None
    if rfonts is None:
        return {}
    return {k: rfonts.get(qn(f"w:{k}")) for k in ("ascii", "hAnsi", "eastAsia")}


def test_structure_headings_and_references(document, draft):
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    styles = [(p.style.name, p.text) for p in paragraphs]
    assert styles[0] == ("Title", TITLE)
    headings = [text for style, text in styles if style == "Heading 1"]
    assert headings == [*HEADINGS, "参考文献"]
    body = [(s, t) for s, t in styles if s not in ("Title", "Heading 1")]
    assert len(body) == 3 + 2, body  # three paragraphs, two reference entries
    assert body[0][1].startswith("论文题目为《Enabling") and body[0][1].endswith("展开[1]。")
    assert body[1] == ("List Bullet", "引用质量由引用召回率和引用精确率衡量[1]。")
    assert "`" not in body[2][1] and "softmax" in body[2][1]
    refs = [t for _, t in body[3:]]
    assert refs[0].startswith("[1] Enabling Large Language Models to Generate Text with "
                              "Citations, p. 4")
    assert refs[1] == f"[2] lets build gpt, {draft.citations[1].locator.label()}"
    assert all("**" not in p.text and "*流畅性*" not in p.text for p in document.paragraphs)
    assert document.core_properties.title == TITLE


def test_inline_markup_becomes_formatted_runs(document):
    runs = [r for p in document.paragraphs for r in p.runs]
    bold = [r.text for r in runs if r.bold]
    italic = [r.text for r in runs if r.italic]
    code = [r.text for r in runs if r.font.name == "Courier New"]
    assert "ALCE" in bold and "流畅性" in italic and code == ["softmax"]


def test_fonts_sizes_and_colours(document):
    normal = document.styles["Normal"]
    assert _fonts(normal.element) == {"ascii": "Times New Roman", "hAnsi": "Times New Roman",
                                      "eastAsia": "SimSun"}
    assert normal.font.size == Pt(12) and normal.paragraph_format.line_spacing == 1.5
    for name in ("Title", "Heading 1"):
        style = document.styles[name]
        assert _fonts(style.element)["eastAsia"] == "SimSun", name
        rfonts = style.element.rPr.rFonts
        assert rfonts.get(qn("w:asciiTheme")) is None, f"{name} keeps a theme font"
        assert style.font.color.rgb == RGBColor(0, 0, 0) and style.font.color.theme_color is None
    runs = [r for p in document.paragraphs for r in p.runs]
    assert runs and all(_fonts(r._element).get("eastAsia") == "SimSun" for r in runs)
    assert all(_fonts(r._element).get("ascii") in ("Times New Roman", "Courier New")
               for r in runs)
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


def test_libreoffice_lays_out_the_chinese_text(draft, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("soffice (LibreOffice) is not installed; scripts/install.sh --test adds it")
    import pymupdf

    source = tmp_path / "report.docx"
    source.write_bytes(render(draft, "docx"))
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=False, capture_output=True, text=True, timeout=180,
    )
    pdf = tmp_path / "report.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr or result.stdout
    png = tmp_path / "page1.png"
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(tmp_path / "page1")], check=True, timeout=60)
    else:
        with pymupdf.open(pdf) as doc:
            doc[0].get_pixmap(dpi=60).save(png)
    pix = pymupdf.Pixmap(str(png))
    gray = pymupdf.Pixmap(pymupdf.csGRAY, pix) if pix.n > 1 else pix
    dark = sum(1 for b in gray.samples if b < 128)
    assert dark > 2000, f"page 1 looks blank ({dark} dark pixels): {png}"
    with pymupdf.open(pdf) as doc:
        text = "".join(page.get_text() for page in doc)
        fonts = {f[3] for page in doc for f in page.get_fonts()}
    flat = "".join(text.split())
    assert TITLE in flat and HEADINGS[0] in flat and "参考文献" in flat, (
        f"CJK text lost in the PDF (page image: {png}); fonts: {fonts}")
    assert "**" not in flat and "ALCE" in flat
