"""PdfParser on the two bundled real papers (ALCE, two-column ACL; word2vec, one column) and on
small broken PDFs made on the fly."""

from __future__ import annotations

import re
from pathlib import Path

import pymupdf
import pytest

from docent.errors import EmptySourceError, SourceError
from docent.sources.base import ParsedDocument
from docent.sources.pdf import PdfParser
from docent.text import count_tokens, normalize_space
from docent.types import PassageRole, SourceKind

PAPERS = Path(__file__).resolve().parents[2] / "examples" / "sources" / "papers"
ALCE = PAPERS / "alce-2305.14627.pdf"
WORD2VEC = PAPERS / "word2vec-1301.3781.pdf"
CORPUS_PAPERS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "papers"


@pytest.fixture(scope="module")
def alce() -> ParsedDocument:
    return PdfParser().parse(ALCE)


@pytest.fixture(scope="module")
def w2v() -> ParsedDocument:
    return PdfParser().parse(WORD2VEC)


def _raw_pages(path: Path) -> list[str]:
    """Each page's text as PyMuPDF prints it, line-end hyphens joined, whitespace collapsed."""
    with pymupdf.open(path) as doc:
        return [normalize_space(re.sub(r"-\n", "", page.get_text())) for page in doc]


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)}


# -- bibliography ---------------------------------------------------------------------------------


def test_alce_bibliography(alce: ParsedDocument) -> None:
    bib = alce.bibliography
    assert bib is not None
    assert bib.title == "Enabling Large Language Models to Generate Text with Citations"
    assert alce.title == bib.title
    assert bib.authors == ["Tianyu Gao", "Howard Yen", "Jiatong Yu", "Danqi Chen"]
    assert bib.affiliations == ["Department of Computer Science, Princeton University"]
    assert bib.arxiv_id == "2305.14627"
    assert bib.year == 2023
    assert bib.url == "https://arxiv.org/abs/2305.14627"
    assert bib.doi is None  # none is printed
    assert bib.abstract.startswith("Large language models (LLMs) have emerged")
    assert bib.abstract.endswith("synthesize information from multiple sources.")
    assert alce.kind is SourceKind.pdf
    assert alce.pages == 23
    assert alce.language == "en"


def test_title_is_never_the_code_repository(alce: ParsedDocument) -> None:
    # the paper prints https://github.com/princeton-nlp/ALCE in a footnote: not its address
    assert "github.com/princeton-nlp/ALCE" in alce.text
    assert "github" not in alce.title.lower()
    assert "github" not in (alce.bibliography.url or "")


def test_word2vec_bibliography(w2v: ParsedDocument) -> None:
    bib = w2v.bibliography
    assert bib.title == "Efficient Estimation of Word Representations in Vector Space"
    assert bib.authors == ["Tomas Mikolov", "Kai Chen", "Greg Corrado", "Jeffrey Dean"]
    assert bib.affiliations == ["Google Inc., Mountain View, CA"]
    assert bib.arxiv_id == "1301.3781"  # read from the rotated margin stamp
    assert bib.year == 2013
    assert bib.abstract.startswith("We propose two novel model architectures")
    assert w2v.pages == 12


# -- text, spans, locators ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["alce", "w2v"])
def test_passage_spans_round_trip(name: str, request: pytest.FixtureRequest) -> None:
    doc: ParsedDocument = request.getfixturevalue(name)
    assert doc.passages
    for i, p in enumerate(doc.passages):
        assert doc.text[p.char_start:p.char_end] == p.text
        assert p.ordinal == i and p.locator.chunk == i + 1
        assert 1 <= p.locator.page <= doc.pages


def test_citation_metrics_passage_has_the_right_page(alce: ParsedDocument) -> None:
    raw = _raw_pages(ALCE)
    hits = [p for p in alce.passages
            if "citation recall" in p.text.lower() and "citation precision" in p.text.lower()]
    assert hits
    defining = [p for p in hits if "We evaluate citation qualities using two metrics" in p.text]
    assert len(defining) == 1
    assert defining[0].locator.page == 4
    assert defining[0].locator.section == "3.3 Citation Quality"
    for p in hits:
        page_text = raw[p.locator.page - 1].lower()
        assert "citation recall" in page_text and "citation precision" in page_text


@pytest.mark.parametrize("path", [ALCE, WORD2VEC], ids=["alce", "w2v"])
def test_every_passage_comes_from_its_page(path: Path) -> None:
    doc = PdfParser().parse(path)
    raw = _raw_pages(path)
    pages = [_words(t) for t in raw]
    # a sentence cut by a page break ends on the next page (its locator is where it begins):
    # the next page's first lines (after a table set at its top) may be in a passage too
    heads = [_words(" ".join(t.split()[:300])) for t in raw[1:]] + [set()]
    for p in doc.passages:
        words = _words(p.text)
        here = pages[p.locator.page - 1] | heads[p.locator.page - 1]
        found = len(words & here) / max(1, len(words))
        # a footnote is mostly an address, whose pieces the raw page text splits differently
        least = 0.8 if p.role is PassageRole.footnote else 0.9
        assert found >= least, (p.locator.label(), found, p.text[:80])


def test_margin_stamp_and_page_numbers_are_dropped(w2v: ParsedDocument) -> None:
    with pymupdf.open(WORD2VEC) as doc:
        assert "arXiv:1301.3781v3" in doc[0].get_text()  # it is there on the page...
        assert doc[0].get_text().rstrip().endswith("arXiv:1301.3781v3  [cs.CL]  7 Sep 2013")
    assert "1301.3781" not in w2v.text  # ...but in no passage
    assert not re.search(r"(?:^|\n\n)\d{1,2}(?:\n\n|$)", w2v.text)  # no bare page numbers


def test_no_arxiv_stamp_in_alce_passages(alce: ParsedDocument) -> None:
    assert not any("arXiv:2305.14627" in p.text for p in alce.passages)


def test_a_sentence_cut_by_a_page_break_is_whole_on_the_page_it_begins(
        alce: ParsedDocument) -> None:
    """"We deploy" ends page 3 and "MAUVE for ASQA ..." opens page 4 (after a figure): one
    sentence, cited to page 3; page 4's passage begins with a whole sentence."""
    whole = [p for p in alce.passages if "We deploy MAUVE for ASQA and ELI5" in p.text]
    assert whole and {p.locator.page for p in whole} == {3}
    assert any("We argue that the absence of automated evaluation" in p.text
               and p.locator.page == 1 for p in alce.passages)
    assert not any(p.text.startswith("MAUVE for ASQA") for p in alce.passages)


def test_hyphenation(alce: ParsedDocument, w2v: ParsedDocument) -> None:
    for doc in (alce, w2v):
        fragments = [m.group(0) for p in doc.passages
                     for m in re.finditer(r"\b[a-z]{2,}- [a-z]{2,}\b", p.text)]
        assert not fragments
    assert "cita- tion" not in alce.text and "citation" in alce.text
    assert "hallucination" in alce.bibliography.abstract  # "hal-" / "lucination" in the PDF
    assert "state-of-the-art LLMs" in alce.bibliography.abstract  # a real hyphen, mid-line
    assert "state-of-the-art LLMs and retrievers" in alce.text  # "state-" / "of-the-art"
    assert "off-the-shelf retrievers" in alce.text  # "off-the-" / "shelf"
    assert "T5-11B" in alce.text  # "T5-" / "11B"
    assert "natural-language question" in alce.text  # both halves are words
    assert "Bing Chat and perplexity.ai respond" in alce.text  # footnote marks dropped
    assert "representations" in w2v.text and "repre- sentations" not in w2v.text


def test_two_column_reading_order(alce: ParsedDocument) -> None:
    text = alce.text
    # left column of page 1 (abstract, start of the introduction), then the right column
    order = ["Enabling Large Language Models", "Abstract", "Large language models (LLMs) have",
             "1 Introduction", "without any supporting evidence.", "In this work, we study"]
    positions = [text.index(s) for s in order]
    assert positions == sorted(positions)
    # a sentence cut by the column break on page 10 is joined again
    assert "Retrieval-augmented LLMs. Many studies have explored augmenting LMs" in text


# -- sections and roles ---------------------------------------------------------------------------


def test_sections(alce: ParsedDocument) -> None:
    headings = [h for _, h in alce.extra["headings"]]
    for h in ["Abstract", "1 Introduction", "3.3 Citation Quality", "4.2 Synthesis",
              "7 Related Work", "References", "A Generating Claims for ELI5", "F.4 Main Results"]:
        assert h in headings
    sections = {p.locator.section for p in alce.passages}
    assert {"1 Introduction", "2 Task Setup and Datasets", "3 Automatic Evaluation"} <= sections
    intro = next(p for p in alce.passages if p.locator.section == "1 Introduction")
    assert intro.locator.page == 1 and intro.locator.label() == "p. 1, 1 Introduction"
    assert not any("Citation recall." == s for s in sections)  # a run-in bold paragraph lead


def test_footnotes_are_passages_of_their_own(alce: ParsedDocument) -> None:
    """A footnote mark and its address never land inside a body sentence ("We deploy 6
    https://www.reddit.com/..." once became "the authors deployed 6 Reddit pages")."""
    notes = [p for p in alce.passages if p.role is PassageRole.footnote]
    assert any("https://www.reddit.com/r/explainlikeimfive/" in p.text for p in notes)
    assert any("huggingface.co/google/t5_xxl_true_nli_mixture" in p.text for p in notes)
    body = [p for p in alce.passages if p.role is PassageRole.body]
    assert not any("reddit.com" in p.text or "commoncrawl.org" in p.text for p in body)
    assert not any(re.search(r"We deploy\s+6\b", p.text) for p in alce.passages)


def test_roles(alce: ParsedDocument) -> None:
    ps = alce.passages
    assert ps[0].role is PassageRole.front and ps[0].text.startswith("Enabling Large Language")
    assert ps[1].role is PassageRole.abstract and ps[1].locator.section == "Abstract"
    roles = [p.role for p in ps if p.role not in (PassageRole.footnote, PassageRole.figure)]
    # front, abstract, body..., references..., appendix... in that order (footnotes, figures
    # and tables are where their page is)
    order = [PassageRole.front, PassageRole.abstract, PassageRole.body, PassageRole.references,
             PassageRole.appendix]
    assert sorted(roles, key=order.index) == roles
    refs = [p for p in ps if p.role is PassageRole.references]
    assert {p.locator.page for p in refs} == {11, 12, 13}
    assert any("Bernd Bohnet, Vinh Q Tran, Pat Verga" in p.text for p in refs)
    assert any("Touvron" in p.text for p in refs)
    assert not any("Bernd Bohnet, Vinh Q Tran" in p.text for p in ps if p not in refs)
    appendix = [p for p in ps if p.role is PassageRole.appendix]
    assert appendix and all(re.match(r"^[A-H](\.\d)? ", p.locator.section) for p in appendix)
    assert appendix[0].locator.page == 14
    w2v_refs = [p for p in PdfParser().parse(WORD2VEC).passages
                if p.role is PassageRole.references]
    assert w2v_refs and "[1] Y. Bengio, R. Ducharme, P. Vincent." in w2v_refs[0].text


def test_passage_sizes(alce: ParsedDocument, w2v: ParsedDocument) -> None:
    for doc in (alce, w2v):
        counts = [count_tokens(p.text) for p in doc.passages]
        assert max(counts) <= 360  # chunker maximum plus a merged short tail
        assert sum(20 <= n <= 300 for n in counts) >= 0.85 * len(counts)


def test_figure_and_table_text_are_passages_of_their_own(alce: ParsedDocument,
                                                         w2v: ParsedDocument) -> None:
    """Text drawn in a figure (Figure 2's example answer "They do not appear in credit
    history...") or set in a ruled table (Table 4's scores) is never body prose, a caption goes
    with its figure, and a sentence a figure interrupts is joined again."""
    figures = [p for p in alce.passages if p.role is PassageRole.figure]
    prose = [p for p in alce.passages if p.role in (PassageRole.body, PassageRole.abstract)]
    for text in ("They do not appear in credit history", "VANILLA (5-psg) 66.6 40.4",
                 "The US took the first step towards gaining", "Figure 2: Evaluation of",
                 "Table 1: The three datasets", "Wikipedia (21M) Factoid (ambiguous)"):
        assert any(text in p.text for p in figures), text
        assert not any(text in p.text for p in prose), text
    assert {p.locator.page for p in figures if "credit history" in p.text} == {4}
    assert "one additional adjustment: considering that users" in alce.text
    # what the paper says in prose stays prose
    assert any("We present the main results on three datasets in Table 4" in p.text
               for p in prose)
    assert any("Table 7 compares different" in p.text for p in prose)
    w2v_figures = " ".join(p.text for p in w2v.passages if p.role is PassageRole.figure)
    assert "INPUT PROJECTION OUTPUT" in w2v_figures and "Table 8: Examples of the word pair" \
        in w2v_figures
    assert not any("INPUT PROJECTION OUTPUT" in p.text for p in w2v.passages
                   if p.role is PassageRole.body)


# -- a small synthetic layout ---------------------------------------------------------------------


def test_synthetic_two_columns_heading_and_hyphen(tmp_path: Path) -> None:
    path = tmp_path / "two-col.pdf"
    with pymupdf.open() as doc:
        page = doc.new_page(width=595, height=842)
        page.insert_text((150, 80), "A Synthetic Paper Title", fontsize=16, fontname="tibo")
        page.insert_text((72, 130), "1 Introduction", fontsize=12, fontname="tibo")
        left = ["Left column text comes first and talks about cita-",
                "tion quality in long documents. It ends here."]
        right = ["Right column text comes second. It mentions a",
                 "state-of-the-art method once."]
        for i, line in enumerate(left * 4):
            page.insert_text((72, 150 + 14 * i), line, fontsize=9, fontname="tiro")
        for i, line in enumerate(right * 4):
            page.insert_text((310, 150 + 14 * i), line, fontsize=9, fontname="tiro")
        doc.save(path)
    parsed = PdfParser().parse(path)
    assert parsed.title == "A Synthetic Paper Title"
    assert parsed.text.index("Left column") < parsed.text.index("Right column")
    assert "citation quality" in parsed.text and "cita-" not in parsed.text
    assert "state-of-the-art method" in parsed.text
    body = [p for p in parsed.passages if p.role is PassageRole.body]
    assert body and all(p.locator.section == "1 Introduction" for p in body)


# -- errors ---------------------------------------------------------------------------------------


def test_corrupt_pdf(tmp_path: Path) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(b"this is not a PDF \x00\x01\x02" * 100)
    with pytest.raises(SourceError) as err:
        PdfParser().parse(path)
    assert str(path) in str(err.value) and "not a readable PDF" in str(err.value)
    assert err.value.__cause__ is not None


def test_missing_and_empty_files(tmp_path: Path) -> None:
    missing = tmp_path / "missing.pdf"
    with pytest.raises(SourceError, match="missing.pdf"):
        PdfParser().parse(missing)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(EmptySourceError, match="empty.pdf"):
        PdfParser().parse(empty)


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    with pymupdf.open() as doc:
        doc.new_page().insert_text((72, 72), "secret text")
        doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="x", owner_pw="y")
    with pytest.raises(SourceError) as err:
        PdfParser().parse(path)
    assert not isinstance(err.value, EmptySourceError)
    assert str(path) in str(err.value)
    assert "encrypted" in str(err.value) and "password" in str(err.value)


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    with pymupdf.open() as doc:
        doc.new_page().draw_rect(pymupdf.Rect(50, 50, 300, 300), fill=(0.5, 0.5, 0.5))
        doc.save(path)
    with pytest.raises(EmptySourceError) as err:  # an EmptySourceError is a SourceError
        PdfParser().parse(path)
    assert str(path) in str(err.value)
    assert "no text layer" in str(err.value) and "ocrmypdf" in str(err.value)


def test_pdf_with_zero_pages(tmp_path: Path) -> None:
    path = tmp_path / "zero.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                     b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
                     b"trailer << /Root 1 0 R >>\n%%EOF\n")
    with pytest.raises(EmptySourceError, match="no pages"):
        PdfParser().parse(path)


def test_parser_attributes() -> None:
    assert PdfParser.kind is SourceKind.pdf and PdfParser.suffixes == (".pdf",)


# -- front pages whose title is set in capitals (ICLR / NeurIPS camera-ready style) ---------------

CAPS_TITLE = "ENABLING LARGE LANGUAGE MODELS TO GENERATE TEXT WITH CITATIONS"
ABSTRACT = ("Large language models have emerged as a widely-used tool for information seeking, "
            "but their generated outputs are prone to hallucination. In this work, we aim to "
            "allow them to generate text with citations, improving their factual correctness "
            "and verifiability. ")


def _write(page: pymupdf.Page, x: float, y: float, text: str, size: float, small_caps: bool,
           font: str = "tibo") -> None:
    """Write ``text``; in small capitals each word's first letter is larger (LaTeX ``\\sc``)."""
    if not small_caps:
        page.insert_text((x, y), text, fontsize=size, fontname=font)
        return
    for word in text.split():
        for i, ch in enumerate(word):
            glyph = size if i == 0 else round(size * 0.78, 1)
            page.insert_text((x, y), ch, fontsize=glyph, fontname=font)
            x += pymupdf.get_text_length(ch, fontname=font, fontsize=glyph)
        x += pymupdf.get_text_length(" ", fontname=font, fontsize=size)


def _caps_front_page(path: Path, title: list[tuple[str, float]], *, venue: bool = True,
                     small_caps: bool = False, authors: str = "Tianyu Gao, Howard Yen, "
                     "Jiatong Yu, Danqi Chen") -> Path:
    """Page 1 as ICLR prints it: the venue line, the title in capitals in a large font, the
    authors in bold, their affiliation and e-mail, ABSTRACT, a paragraph, 1 INTRODUCTION."""
    with pymupdf.open() as doc:
        page = doc.new_page(width=612, height=792)
        if venue:
            page.insert_text((108, 40), "Published as a conference paper at ICLR 2024",
                             fontsize=9, fontname="tiro")
        y = 100.0
        for line, size in title:
            _write(page, 108, y, line, size, small_caps)
            y += size * 1.3
        y += 20
        page.insert_text((120, y), authors, fontsize=10, fontname="tibo")
        page.insert_text((120, y + 13), "Department of Computer Science, Princeton University",
                         fontsize=10, fontname="tiro")
        page.insert_text((120, y + 26), "{tianyug,hyen}@cs.princeton.edu", fontsize=9,
                         fontname="cour")
        page.insert_text((280, y + 70), "ABSTRACT", fontsize=12, fontname="tibo")
        page.insert_textbox(pymupdf.Rect(144, y + 80, 468, y + 260), ABSTRACT * 2, fontsize=10,
                            fontname="tiro")
        page.insert_text((108, y + 280), "1   INTRODUCTION", fontsize=12, fontname="tibo")
        page.insert_textbox(pymupdf.Rect(108, y + 290, 504, 740), ABSTRACT * 4, fontsize=10,
                            fontname="tiro")
        doc.new_page(width=612, height=792).insert_textbox(
            pymupdf.Rect(108, 72, 504, 720), ABSTRACT * 8, fontsize=10, fontname="tiro")
        doc.save(path)
    return path


@pytest.mark.parametrize("title,options", [
    ([("ENABLING LARGE LANGUAGE MODELS TO", 17), ("GENERATE TEXT WITH CITATIONS", 17)], {}),
    ([("ENABLING LARGE LANGUAGE MODELS TO", 17), ("GENERATE TEXT WITH CITATIONS", 17)],
     {"small_caps": True}),
    # the last line set smaller: it used to become an author ("TO GENERATE TEXT WITH ...")
    ([("ENABLING LARGE LANGUAGE MODELS", 17), ("TO GENERATE TEXT WITH CITATIONS", 14)], {}),
    # a title hardly larger than the body, under a larger ABSTRACT: it used to be read as
    # three authors ("ENABLING LARGE LANGUAGE", ...) and ABSTRACT as the title
    ([("ENABLING LARGE LANGUAGE", 11), ("MODELS TO GENERATE TEXT", 11), ("WITH CITATIONS", 11)],
     {"venue": False}),
], ids=["iclr", "small-caps", "smaller-last-line", "small-title"])
def test_title_in_capitals_is_never_an_author(tmp_path: Path, title, options) -> None:
    path = _caps_front_page(tmp_path / "caps.pdf", title, **options)
    bib = PdfParser().parse(path).bibliography
    assert bib.title == CAPS_TITLE
    assert bib.authors == ["Tianyu Gao", "Howard Yen", "Jiatong Yu", "Danqi Chen"]
    assert bib.affiliations == ["Department of Computer Science, Princeton University"]
    assert bib.abstract.startswith("Large language models have emerged")
    title_words = set(CAPS_TITLE.split())
    assert not any(set(a.upper().split()) & title_words for a in bib.authors)


def test_authors_in_capitals_are_not_taken_for_names(tmp_path: Path) -> None:
    # better no author from the title block (the PDF metadata may have them) than a wrong one
    path = _caps_front_page(tmp_path / "caps.pdf", [(CAPS_TITLE[:33], 17), (CAPS_TITLE[34:], 17)],
                            authors="TIANYU GAO, DANQI CHEN")
    with pymupdf.open(path) as doc:
        doc.set_metadata({"author": "Tianyu Gao and Danqi Chen"})
        doc.saveIncr()
    bib = PdfParser().parse(path).bibliography
    assert bib.title == CAPS_TITLE
    assert bib.authors == ["Tianyu Gao", "Danqi Chen"]


@pytest.mark.parametrize("name,title,authors", [
    ("alce-2305.14627.pdf", "Enabling Large Language Models to Generate Text with Citations",
     ["Tianyu Gao", "Howard Yen", "Jiatong Yu", "Danqi Chen"]),
    ("word2vec-1301.3781.pdf", "Efficient Estimation of Word Representations in Vector Space",
     ["Tomas Mikolov", "Kai Chen", "Greg Corrado", "Jeffrey Dean"]),
])
def test_corpus_papers_keep_their_titles_and_authors(name: str, title: str,
                                                     authors: list[str]) -> None:
    bib = PdfParser().parse(CORPUS_PAPERS / name).bibliography
    assert (bib.title, bib.authors) == (title, authors)
