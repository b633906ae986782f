"""Retrieval with the real embedded model on the bundled sources (cross-lingual)."""

import pymupdf
import pytest
from conftest import ALCE, LECTURE_SRT

from docent.index import Retriever, get_embedder
from docent.store import Store
from docent.types import parse_timestamp


@pytest.fixture(scope="module")
def retriever(corpus_workspace):
    store = Store.open(corpus_workspace.workspace)
    r = Retriever(store, corpus_workspace, get_embedder(corpus_workspace))
    r.ensure()
    return r


def _pdf_pages_with(*phrases):
    with pymupdf.open(ALCE) as doc:
        return {
            i + 1 for i, page in enumerate(doc)
            if all(p in " ".join(page.get_text().split()).lower() for p in phrases)
        }


def _is_citation_quality(hit):
    text = hit.passage.text.lower()
    return hit.source.title.startswith("Enabling Large Language Models") and (
        "citation recall" in text or "citation precision" in text
    )


def test_english_query_finds_the_alce_passage_with_its_page(retriever):
    hits = retriever.search("citation recall and precision", top=5)
    top = hits[0]
    assert top.source.title == "Enabling Large Language Models to Generate Text with Citations"
    assert _is_citation_quality(top)
    page = top.passage.locator.page
    assert page is not None
    # the passage really is on that page of the PDF
    words = " ".join(top.passage.text.split()[:8]).lower()
    with pymupdf.open(ALCE) as doc:
        page_text = " ".join(doc[page - 1].get_text().split()).lower()
    assert words[:30].replace("- ", "") in page_text.replace("- ", "") or page in _pdf_pages_with(
        "citation recall"
    )


def test_chinese_query_finds_the_english_passage(retriever):
    hits = retriever.search("引用的召回率和精确率", top=5)
    assert any(_is_citation_quality(h) for h in hits), [h.passage.locator.label() for h in hits]
    # found by meaning, not by shared words
    assert all(h.lexical_rank is None for h in hits if _is_citation_quality(h))


def test_chinese_query_finds_multi_head_attention_section(retriever):
    hits = retriever.search("多头注意力", top=3)
    assert "2.1.6 多头注意力" in (hits[0].passage.locator.section or "")


def test_english_query_finds_masked_self_attention_in_chinese_kb(retriever):
    kb_only = [h for h in retriever.search("masked self-attention", top=30)
               if h.source.kind.value == "markdown"]
    assert "2.1.5 掩码自注意力" in (kb_only[0].passage.locator.section or "")


def test_timestamp_round_trips_from_the_srt(retriever):
    import srt

    cues = list(srt.parse(LECTURE_SRT.read_text(encoding="utf-8")))
    cue = next(c for c in cues if "first 1000 characters of the tiny" in c.content.lower())
    seconds = cue.start.total_seconds()
    store = retriever.store
    lecture = next(s for s in store.sources() if s.kind.value == "subtitles")
    holding = [p for p in store.passages(lecture.id) if p.locator.contains_time(seconds)]
    assert len(holding) == 1
    passage = holding[0]
    assert "first 1000 characters of the tiny shakespeare" in " ".join(passage.text.split()).lower()
    start, end = passage.locator.label().split("-")
    assert parse_timestamp(start) <= seconds < parse_timestamp(end) + 1
    # and search finds it by what was said
    hits = retriever.search("the first 1000 characters of the tiny shakespeare dataset", top=3)
    assert any(h.passage.id == passage.id for h in hits)
