"""``render(draft, "md")`` is the writer's Markdown; unknown formats fail with one clear line;
the inline-markup reader the DOCX and HTML renderers share."""

from __future__ import annotations

import pytest
from conftest import ALCE, HashEmbedder

from docent.check import validate
from docent.config import Settings
from docent.errors import DocentError
from docent.ingest import ingest
from docent.render import FORMATS, render
from docent.render.markdown import BOLD, CODE, ITALIC, styled_runs
from docent.store import Store
from docent.types import Citation, Draft, DraftParagraph, DraftSection, SourceKind
from docent.render.markdown import to_markdown


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("render_md")
    settings = Settings(workspace=tmp / "ws", embedder="hash")
    store = Store.open(settings.workspace)
    ingest([ALCE], store, settings, HashEmbedder())
    pdf = store.sources()[0]
    passage = next(p for p in store.passages(pdf.id) if p.locator.page == 4)
    draft = Draft(title="阅读报告", language="zh", sections=[
        DraftSection(title="概述", heading="一、概述", paragraphs=[
            "论文提出了 **ALCE** 基准[1]。它从三个维度评估引用质量[1]。"]),
    ], citations=[Citation(number=1, passage_id=passage.id, source_id=pdf.id,
                           source_title=pdf.title, source_kind=SourceKind.pdf,
                           locator=passage.locator, excerpt=passage.text[:160])])
    yield draft, store
    store.close()


def test_markdown_is_the_writers_markdown(made):
    draft, store = made
    expected = to_markdown(draft).encode("utf-8")
    assert render(draft, "md") == expected
    validation = validate(draft, store, None)
    assert render(draft, "md", validation=validation, store=store) == expected
    text = expected.decode("utf-8")
    assert "## 参考文献" in text and "[1] Enabling Large Language Models" in text
    assert FORMATS == ("md", "docx", "html")


def test_unknown_format_is_one_clear_line(made):
    draft, _ = made
    with pytest.raises(DocentError) as err:
        render(draft, "pdf")
    message = str(err.value)
    assert "\n" not in message and "'pdf'" in message and "md, docx, html" in message
    assert render(draft, "Markdown") == render(draft, "md")  # a few obvious spellings


def test_inline_markup_runs():
    assert styled_runs("a **b** *c* `d*e*` \\*f\\*") == [
        ("a ", 0), ("b", BOLD), (" ", 0), ("c", ITALIC), (" ", 0), ("d*e*", CODE),
        (" *f*", 0)]
    assert styled_runs("**粗体里有*斜体*呢**") == [
        ("粗体里有", BOLD), ("斜体", BOLD | ITALIC), ("呢", BOLD)]
    assert styled_runs("2 * 3 * 4 and **unclosed") == [("2 * 3 * 4 and **unclosed", 0)]
    text = "前一句**跨越。后一句**结束。"  # markup across a sentence boundary is kept per piece
    assert styled_runs(text, 0, text.index("。") + 1) == [("前一句", 0), ("跨越。", BOLD)]
    item = DraftParagraph.of("- first\n  second [1]. Third.")
    assert (item.marker, item.text) == ("- ", "first second [1]. Third.")
    assert [s.text for s in item.sentences] == ["first second [1].", "Third."]
    assert DraftParagraph.of("1. one").markdown == "1. one"
