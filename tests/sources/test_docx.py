from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from docent.errors import EmptySourceError, SourceError
from docent.sources.docx import DocxParser
from docent.types import SourceKind

ZH_1 = (
    "注意力机制最先源于计算机视觉领域，其核心思想为当我们关注一张图片，我们往往无需看清楚全部内容"
    "而仅将注意力集中在重点部分即可。在自然语言处理领域，我们往往也可以通过将重点注意力集中在一个"
    "或几个 token，从而取得更高效高质的计算效果。"
)
ZH_2 = (
    "多头注意力机制即是同时对一个语料进行多次注意力计算，每次注意力计算都能拟合不同的关系，"
    "将最后的多次结果拼接起来作为最后的输出，即可更全面深入地拟合语言信息。"
)
EN_1 = (
    "Recurrent networks compute a sequence step by step. This models order well but limits "
    "parallel computation, so even small models take a long time to train."
)
EN_2 = (
    "Multi-head attention runs several attention computations in parallel and concatenates "
    "the results. Each head can learn a different kind of relation between tokens."
)


@pytest.fixture()
def report(tmp_path: Path) -> Path:
    document = docx.Document()
    document.core_properties.title = "Transformer 学习笔记"
    document.core_properties.author = "王芳; Ada Lovelace"
    document.add_paragraph("Transformer 学习笔记", style="Title")
    document.add_paragraph("A short preface before any heading.")
    document.add_heading("1 注意力机制", level=1)
    document.add_paragraph(ZH_1)
    document.add_paragraph("")  # empty paragraphs are skipped
    document.add_heading("1.1 为什么不用 RNN", level=2)
    document.add_paragraph(EN_1)
    document.add_heading("1.2 多头注意力", level=2)
    document.add_paragraph(ZH_2)
    document.add_paragraph(EN_2)
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Model sizes"
    for r, row in enumerate([("模型", "层数", "头数"), ("base", "6", "8")], start=1):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_heading("2 Encoder-Decoder", level=1)
    document.add_paragraph("The encoder reads the input; the decoder writes the output.")
    path = tmp_path / "transformer-notes.docx"
    document.save(str(path))
    return path


def test_sections_title_authors(report: Path) -> None:
    doc = DocxParser().parse(report)
    assert doc.kind is SourceKind.docx
    assert doc.title == "Transformer 学习笔记"
    assert doc.bibliography is not None
    assert doc.bibliography.authors == ["王芳", "Ada Lovelace"]
    assert doc.language == "zh"
    assert doc.extra["tables"] == 1

    top = "Transformer 学习笔记"
    by_section = {p.locator.section: p for p in doc.passages}
    assert list(by_section) == [
        top,
        f"{top} > 1 注意力机制",
        f"{top} > 1 注意力机制 > 1.1 为什么不用 RNN",
        f"{top} > 1 注意力机制 > 1.2 多头注意力",
        f"{top} > 2 Encoder-Decoder",
    ]
    assert "preface" in by_section[top].text
    assert ZH_1 in by_section[f"{top} > 1 注意力机制"].text
    multi = by_section[f"{top} > 1 注意力机制 > 1.2 多头注意力"]
    assert ZH_2 in multi.text and EN_2 in multi.text
    assert "Model sizes\n模型 | 层数 | 头数\nbase | 6 | 8" in multi.text  # merged cell once
    assert multi.text.startswith("1.2 多头注意力\n\n")


def test_spans_round_trip(report: Path) -> None:
    doc = DocxParser().parse(report)
    for n, p in enumerate(doc.passages):
        assert doc.text[p.char_start:p.char_end] == p.text
        assert p.ordinal == n and p.locator.chunk == n + 1
    # paragraphs are separated by blank lines, empty ones dropped
    assert "\n\n\n" not in doc.text
    assert doc.text.index(EN_1) < doc.text.index(ZH_2) < doc.text.index("encoder reads")


def test_title_falls_back_without_properties(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Attention notes", level=1)
    document.add_paragraph(EN_1)
    path = tmp_path / "no_props.docx"
    document.save(str(path))
    doc = DocxParser().parse(path)
    assert doc.title == "Attention notes"
    assert doc.bibliography is not None and doc.bibliography.authors == []  # not "python-docx"
    assert doc.passages[0].locator.section == "Attention notes"


def test_corrupt_docx_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive \x00\xff" * 20)
    with pytest.raises(SourceError) as err:
        DocxParser().parse(path)
    assert str(path) in str(err.value)
    assert err.value.__cause__ is not None


def test_zip_without_document_part(tmp_path: Path) -> None:
    path = tmp_path / "not-word.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hello")
    with pytest.raises(SourceError, match="not-word.docx"):
        DocxParser().parse(path)


def test_empty_document(tmp_path: Path) -> None:
    path = tmp_path / "blank.docx"
    document = docx.Document()
    document.add_paragraph("   ")
    document.save(str(path))
    with pytest.raises(EmptySourceError, match="blank.docx"):
        DocxParser().parse(path)
