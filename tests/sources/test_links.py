"""classify(): what a link points at, where it is downloaded from, what a report calls it."""

from __future__ import annotations

import pytest

from docent.errors import SourceError
from docent.sources.links import (
    LinkKind,
    classify,
    code_host,
    is_link,
    pdf_address,
    read_links,
)

ABS = "https://arxiv.org/abs/2305.14627"


@pytest.mark.parametrize("given, download, ident", [
    ("https://arxiv.org/abs/2305.14627", "https://arxiv.org/pdf/2305.14627", "2305.14627"),
    ("https://arxiv.org/pdf/2305.14627", "https://arxiv.org/pdf/2305.14627", "2305.14627"),
    ("https://arxiv.org/pdf/2305.14627v2", "https://arxiv.org/pdf/2305.14627v2", "2305.14627v2"),
    ("https://arxiv.org/pdf/2305.14627v1.pdf", "https://arxiv.org/pdf/2305.14627v1",
     "2305.14627v1"),
    ("http://export.arxiv.org/abs/2305.14627v3", "https://arxiv.org/pdf/2305.14627v3",
     "2305.14627v3"),
    ("https://arxiv.org/abs/2305.14627#S3", "https://arxiv.org/pdf/2305.14627", "2305.14627"),
    ("arXiv:2305.14627", "https://arxiv.org/pdf/2305.14627", "2305.14627"),
    ("arxiv: 2305.14627v2", "https://arxiv.org/pdf/2305.14627v2", "2305.14627v2"),
    ("  https://arxiv.org/html/2305.14627v2  ", "https://arxiv.org/pdf/2305.14627v2",
     "2305.14627v2"),
])
def test_arxiv_links_download_the_pdf_and_cite_the_abstract_page(given, download, ident):
    link = classify(given)
    assert link.kind is LinkKind.arxiv and link.expects_pdf
    assert link.download_url == download
    assert link.canonical_url == ABS == link.key
    assert link.ident == ident
    assert link.bibliography_facts() == {"url": ABS, "arxiv_id": "2305.14627"}


def test_old_style_arxiv_ids():
    link = classify("https://arxiv.org/abs/hep-th/9901001v1")
    assert link.canonical_url == "https://arxiv.org/abs/hep-th/9901001"
    assert link.download_url == "https://arxiv.org/pdf/hep-th/9901001v1"


def test_arxiv_downloads_come_from_the_configured_mirror_but_cite_arxiv():
    mirror = "http://127.0.0.1:8123"
    link = classify("https://arxiv.org/abs/2305.14627", arxiv_url=mirror)
    assert link.download_url == f"{mirror}/pdf/2305.14627"
    assert link.canonical_url == ABS
    # a link to the mirror itself is recognised as arXiv too
    assert classify(f"{mirror}/abs/2305.14627", arxiv_url=mirror).canonical_url == ABS


def test_openreview_forum_and_pdf_links():
    forum = classify("https://openreview.net/forum?id=hSyW5go0v8&noteId=xyz")
    assert forum.kind is LinkKind.openreview
    assert forum.download_url == "https://openreview.net/pdf?id=hSyW5go0v8"
    assert forum.canonical_url == "https://openreview.net/forum?id=hSyW5go0v8"
    pdf = classify("https://openreview.net/pdf?id=hSyW5go0v8")
    assert pdf.key == forum.key and pdf.download_url == forum.download_url
    assert classify("https://openreview.net/group?id=ICLR.cc").kind is LinkKind.web


@pytest.mark.parametrize("given", [
    "https://doi.org/10.18653/v1/2023.emnlp-main.398",
    "http://dx.doi.org/10.18653/v1/2023.emnlp-main.398",
    "doi:10.18653/v1/2023.emnlp-main.398",
])
def test_doi_links_resolve_through_doi_org(given):
    link = classify(given)
    assert link.kind is LinkKind.doi and link.expects_pdf
    assert link.download_url == link.canonical_url == \
        "https://doi.org/10.18653/v1/2023.emnlp-main.398"
    assert link.bibliography_facts()["doi"] == "10.18653/v1/2023.emnlp-main.398"


@pytest.mark.parametrize("given, canonical", [
    ("https://www.youtube.com/watch?v=kCc8FmEb1nY", "https://www.youtube.com/watch?v=kCc8FmEb1nY"),
    ("https://youtu.be/kCc8FmEb1nY?t=30", "https://www.youtube.com/watch?v=kCc8FmEb1nY"),
    ("https://m.youtube.com/watch?v=kCc8FmEb1nY&list=PL123&index=2",
     "https://www.youtube.com/watch?v=kCc8FmEb1nY"),
    ("https://www.youtube.com/shorts/kCc8FmEb1nY", "https://www.youtube.com/watch?v=kCc8FmEb1nY"),
    ("https://www.bilibili.com/video/BV1GJ411x7h7/?spm_id_from=333.788",
     "https://www.bilibili.com/video/BV1GJ411x7h7"),
    ("https://www.bilibili.com/video/BV1GJ411x7h7?p=3", "https://www.bilibili.com/video/BV1GJ411x7h7?p=3"),
    ("https://vimeo.com/76979871", "https://vimeo.com/76979871"),
])
def test_video_links(given, canonical):
    link = classify(given)
    assert link.kind is LinkKind.video and not link.expects_pdf
    assert link.canonical_url == canonical == link.download_url


def test_other_links_are_web_pages_or_pdfs():
    page = classify("https://lilianweng.github.io/posts/2023-06-23-agent/#memory")
    assert page.kind is LinkKind.web
    assert page.canonical_url == "https://lilianweng.github.io/posts/2023-06-23-agent/"
    pdf = classify("https://aclanthology.org/2023.emnlp-main.398.pdf")
    assert pdf.kind is LinkKind.pdf and pdf.expects_pdf
    assert pdf.bibliography_facts() == {"url": "https://aclanthology.org/2023.emnlp-main.398.pdf"}


@pytest.mark.parametrize("text", ["paper.pdf", "ftp://example.org/x.pdf", "https://", "arXiv:"])
def test_what_is_no_link_is_refused_naming_it(text):
    assert not is_link(text) or text == "https://"
    with pytest.raises(SourceError, match="not a link"):
        classify(text)


def test_is_link():
    assert is_link("https://arxiv.org/abs/2305.14627") and is_link("arXiv:2305.14627")
    assert is_link("doi:10.1000/xyz123")
    assert not is_link("examples/sources/papers/alce-2305.14627.pdf")


def test_pdf_address_opens_the_pdf_so_page_fragments_work():
    assert pdf_address(ABS) == "https://arxiv.org/pdf/2305.14627"
    assert pdf_address("https://openreview.net/forum?id=abc") == "https://openreview.net/pdf?id=abc"
    assert pdf_address("https://doi.org/10.1000/xyz") is None
    assert pdf_address("not a link") is None


def test_code_hosts_are_never_paper_addresses():
    assert code_host("https://github.com/princeton-nlp/ALCE")
    assert not code_host(ABS)


def test_links_file(tmp_path):
    f = tmp_path / "links.txt"
    f.write_text(
        "\ufeff# reading list for week 3\n"
        "https://arxiv.org/abs/2305.14627   # the ALCE paper\n"
        "\n"
        "   https://www.youtube.com/watch?v=kCc8FmEb1nY\n"
        "https://notes.example.org/post#section-2\n"
        "  # an indented comment\n", encoding="utf-8")
    assert read_links(f) == ["https://arxiv.org/abs/2305.14627",
                             "https://www.youtube.com/watch?v=kCc8FmEb1nY",
                             "https://notes.example.org/post#section-2"]
    with pytest.raises(SourceError, match="cannot read the links file"):
        read_links(tmp_path / "missing.txt")


def test_the_report_gives_the_link_as_the_papers_address_never_a_code_repository():
    from docent.types import Bibliography, Brief, Source, SourceKind
    from docent.write.compose import info_paragraphs

    def paper(**bib) -> Source:
        return Source(path=bib.get("url") or "/tmp/p.pdf", kind=SourceKind.pdf, title="A Paper",
                      sha256="0" * 64, pages=9, bibliography=Bibliography(title="A Paper", **bib))

    en, zh = Brief(assignment="x", language="en"), Brief(assignment="x", language="zh")
    forum = "https://openreview.net/forum?id=hSyW5go0v8"
    assert f"Address: {forum}." in info_paragraphs(en, [(paper(url=forum), None)], [])[0]
    assert f"论文地址：{forum}。" in info_paragraphs(zh, [(paper(url=forum), None)], [])[0]
    repo = info_paragraphs(en, [(paper(url="https://github.com/princeton-nlp/ALCE"), None)], [])
    assert "github" not in repo[0]
    arxiv = info_paragraphs(en, [(paper(url=ABS, arxiv_id="2305.14627"), None)], [])[0]
    assert arxiv.count(ABS) == 1 and "Address:" not in arxiv
