from __future__ import annotations

import random
from pathlib import Path

import pytest

from docent.errors import EmptySourceError, SourceError
from docent.sources.base import ParsedDocument
from docent.sources.text import (
    Heading,
    MarkdownParser,
    PlainTextParser,
    heading_segments,
    markdown_headings,
)
from docent.types import SourceKind

KB = Path(__file__).resolve().parents[2] / "examples" / "sources" / "kb-zh"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
CHAPTER = "第二章 Transformer 架构"

CHINESE = (
    "注意力机制是 Transformer 的核心。它通过计算查询与键的相关性，为值加权求和。\n\n"
    "多头注意力同时进行多次注意力计算，每个头学习不同的关系，再把结果拼接起来。"
    "这样模型可以从多个角度理解序列中的依赖关系。\n"
)


@pytest.fixture(scope="module")
def transformer() -> ParsedDocument:
    return MarkdownParser().parse(KB / "transformer-architecture.md")


def assert_spans(doc: ParsedDocument) -> None:
    assert doc.passages
    for n, p in enumerate(doc.passages):
        assert doc.text[p.char_start:p.char_end] == p.text
        assert p.ordinal == n
        assert p.locator.chunk == n + 1


def test_markdown_heading_paths(transformer: ParsedDocument) -> None:
    doc = transformer
    assert doc.kind is SourceKind.markdown
    assert doc.title == CHAPTER
    assert doc.language == "zh"
    assert_spans(doc)
    sections = [p.locator.section for p in doc.passages]
    assert all(sections)
    multi_head = [p for p in doc.passages if p.locator.section.endswith("2.1.6 多头注意力")]
    assert multi_head
    for p in multi_head:
        assert p.locator.section == f"{CHAPTER} > 2.1 注意力机制 > 2.1.6 多头注意力"
    assert any(s.endswith("> 2.1.5 掩码自注意力") for s in sections)
    assert f"{CHAPTER} > 2.2 Encoder-Decoder > 2.2.3 层归一化" in sections
    assert f"{CHAPTER} > 2.3 搭建一个 Transformer > 2.3.2 位置编码" in sections
    # '# ...' lines inside fenced code blocks are comments, not headings
    for bad in ("创建一个上三角矩阵", "注意力计算", "经过前馈神经网络", "attention 为上文"):
        assert not any(bad in s for s in sections)
    # sections appear in document order and the passages cover the code blocks
    assert sections.index(f"{CHAPTER} > 2.1 注意力机制 > 2.1.5 掩码自注意力") < sections.index(
        multi_head[0].locator.section
    )
    assert any("torch.triu" in p.text or "triu" in p.text for p in doc.passages)


def test_markdown_text_is_the_source(transformer: ParsedDocument) -> None:
    source = (KB / "transformer-architecture.md").read_text(encoding="utf-8")
    assert transformer.text == source
    label = transformer.passages[0].locator.label()
    assert label.startswith(f"{CHAPTER} > 2.1 注意力机制 > 2.1.1") and label.endswith("chunk 1")


def test_second_markdown_file() -> None:
    doc = MarkdownParser().parse(KB / "preference-alignment.md")
    assert doc.title == "6.4 通过强化学习进行偏好对齐"
    assert_spans(doc)
    assert any(p.locator.section.endswith("6.4.3 奖励模型") for p in doc.passages)


def test_markdown_without_h1_front_matter_and_setext(tmp_path: Path) -> None:
    path = tmp_path / "release_notes.md"
    path.write_text(
        "---\nlayout: post\n---\nIntro line before any heading.\n\n"
        "Usage\n=====\n\nRun it. It works.\n\n## Options\n\n```sh\n# not a heading\nrun --fast\n```\n",
        encoding="utf-8",
    )
    doc = MarkdownParser().parse(path)
    assert doc.title == "Usage"
    assert [p.locator.section for p in doc.passages] == [None, "Usage", "Usage > Options"]
    assert_spans(doc)

    path.write_text("---\ntitle: \"Notes\"\n---\n## Only\n\ntext here.\n", encoding="utf-8")
    assert MarkdownParser().parse(path).title == "Notes"
    path.write_text("plain words, no headings.\n", encoding="utf-8")
    assert MarkdownParser().parse(path).title == "release notes"


def test_heading_helpers() -> None:
    text = "# A\n\n## B\n\nbody b\n\n## C **bold** `x`\n\nbody c\n"
    headings = markdown_headings(text)
    assert [(h.level, h.title) for h in headings] == [(1, "A"), (2, "B"), (2, "C bold x")]
    assert text[headings[1].start:headings[1].end] == "## B\n"
    segments = heading_segments(text, headings)
    assert [s.locator.section for s in segments] == ["A > B", "A > C bold x"]
    # text before the first heading has no section; a heading with no body gives no segment
    intro = "intro\n\n# Empty\n"
    segments = heading_segments(intro, markdown_headings(intro))
    assert [(s.start, s.end, s.locator.section) for s in segments] == [(0, 7, None)]
    assert heading_segments("x", [Heading(0, 1, 1, "")]) == []


def test_plain_text_chinese(tmp_path: Path) -> None:
    path = tmp_path / "attention-notes.txt"
    path.write_text("注意力笔记\n\n" + CHINESE * 6, encoding="utf-8")
    doc = PlainTextParser().parse(path)
    assert doc.kind is SourceKind.text
    assert doc.title == "注意力笔记"
    assert doc.language == "zh"
    assert len(doc.passages) >= 2
    assert_spans(doc)
    assert all(p.locator.section is None for p in doc.passages)
    assert doc.passages[0].locator.label() == "chunk 1"


def test_plain_text_title_falls_back_to_stem(tmp_path: Path) -> None:
    path = tmp_path / "long_line.txt"
    path.write_text("This is a sentence, not a title. " * 10 + "\n\nMore.\n", encoding="utf-8")
    assert PlainTextParser().parse(path).title == "long line"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-16"])
def test_plain_text_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(("标题\r\n\r\n" + CHINESE).encode(encoding))
    doc = PlainTextParser().parse(path)
    assert "多头注意力同时进行多次注意力计算" in doc.text
    assert "\r" not in doc.text and not doc.text.startswith("\ufeff")
    assert doc.title == "标题"
    assert_spans(doc)


def test_binary_garbage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "garbage.txt"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(SourceError, match="garbage.txt: not a text file: it holds binary data"):
        PlainTextParser().parse(path)
    path.write_bytes(b"\x81\x7f\xff\x80\x80\x30" * 50)  # no NUL, not UTF-8, not GB18030
    with pytest.raises(SourceError, match="not a text file: it holds binary data"):
        PlainTextParser().parse(path)
    path.write_bytes("caf\xe9 cr\xe8me br\xfbl\xe9e".encode("cp1252") * 20)  # text, unknown codec
    with pytest.raises(SourceError, match="cannot decode"):
        PlainTextParser().parse(path)


def _png() -> bytes:
    """A real PNG image (a 16x16 grey square) as PyMuPDF writes it."""
    import pymupdf

    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 16, 16), False)
    pix.clear_with(128)
    return pix.tobytes("png")


@pytest.mark.parametrize("parser,name,data,looks", [
    (MarkdownParser(), "figure.md", _png(), "a PNG image"),
    (PlainTextParser(), "figure.txt", _png(), "a PNG image"),
    (MarkdownParser(), "noise.md", random.Random(7).randbytes(4096), None),
    (PlainTextParser(), "noise.txt", random.Random(8).randbytes(300), None),
    (PlainTextParser(), "paper.txt", (CORPUS / "papers" / "alce-2305.14627.pdf").read_bytes(),
     "a PDF"),
])
def test_binary_files_under_text_suffixes_are_refused(tmp_path: Path, parser, name: str,
                                                      data: bytes, looks: str | None) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(SourceError) as err:
        parser.parse(path)
    message = str(err.value)
    assert message.startswith(f"{path}: not a text file: it holds binary data")
    assert "\n" not in message and not isinstance(err.value, EmptySourceError)
    assert (f"(it looks like {looks})" in message) if looks else "looks like" not in message


def test_text_with_a_few_control_characters_is_still_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    text = (CORPUS / "kb-zh" / "preference-alignment.md").read_text(encoding="utf-8")
    path.write_text(text.replace("\n", "\x0c\n", 2), encoding="utf-8")  # form feeds, a stray ESC
    path.write_bytes(path.read_bytes() + b"\x1b")
    assert MarkdownParser().parse(path).passages


@pytest.mark.parametrize("parser,name", [(PlainTextParser(), "empty.txt"),
                                         (MarkdownParser(), "empty.md")])
def test_empty_file(tmp_path: Path, parser, name: str) -> None:
    path = tmp_path / name
    path.write_text(" \n\n", encoding="utf-8")
    with pytest.raises(EmptySourceError) as err:
        parser.parse(path)
    assert str(path) in str(err.value)
