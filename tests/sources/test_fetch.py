"""Papers and web articles by link, served from a local HTTP server (real files, no internet):
the ALCE PDF under an arXiv-shaped path, a saved article, a 404, an HTML page where a PDF was
expected, a landing page naming its PDF, a slow server, a closed port."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import HashEmbedder
from linkserver import ALCE_PDF, ARTICLE_HTML, LinkServer, closed_port_url

from docent.ingest import IngestStatus, ingest
from docent.sources.fetch import fetch_document, link_folder
from docent.sources.links import LinkKind, classify
from docent.store import Store
from docent.types import Brief, SourceKind
from docent.write.compose import info_paragraphs

ABS = "https://arxiv.org/abs/2305.14627"
NO_TEXT = """<!DOCTYPE html><html><head><title>Sign in</title></head><body>
<nav><a href="/">Home</a> <a href="/login">Log in</a> <a href="/help">Help</a></nav>
<footer>&copy; 2024 Example Publisher</footer></body></html>"""
MENU_ONLY = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Example Notes</title></head><body>
<header class="site-header"><a class="logo" href="/">Example Notes</a>
  <nav id="menu"><ul>
    <li><a href="/">Home</a></li><li><a href="/archive">Blog archive</a></li>
    <li><a href="/about">About this site</a></li><li><a href="/subscribe">Subscribe to the newsletter</a></li>
  </ul></nav></header><main></main>
<aside class="sidebar"><h3>Popular posts</h3><ul>
  <li><a href="/pandas">Ten tricks for faster pandas</a></li>
  <li><a href="/rust">Why we moved our build to Rust</a></li></ul></aside>
<footer><p>Copyright 2024 Example Notes. All rights reserved.</p>
  <a href="/privacy">Privacy policy</a> <a href="/terms">Terms of service</a></footer>
</body></html>"""
LANDING = """<!DOCTYPE html><html><head><title>ALCE | Proceedings</title>
<meta name="citation_title" content="Enabling Large Language Models to Generate Text with Citations">
<meta name="citation_pdf_url" content="/files/alce.pdf">
</head><body><h1>Enabling Large Language Models to Generate Text with Citations</h1>
<p>Purchase access to read the full text.</p></body></html>"""


@pytest.fixture(scope="module")
def server():
    with LinkServer() as s:
        pdf = ALCE_PDF.read_bytes()
        s.add("/pdf/2305.14627", pdf, "application/pdf")
        s.add("/pdf/2305.14627v2", pdf, "application/octet-stream")
        s.add("/files/alce.pdf", pdf, "application/pdf")
        s.add("/10.1000/alce", LANDING)  # a DOI landing page that names its PDF
        s.redirect("/doi/10.1000/alce", "/10.1000/alce")
        s.add("/blog/why-cite-sources", ARTICLE_HTML.read_bytes())
        s.add("/paywalled.pdf", NO_TEXT)  # a login page where a PDF was expected
        s.add("/empty-page", MENU_ONLY)
        s.add("/slow.pdf", pdf, "application/pdf", delay=3.0)
        s.add("/data.zip", b"PK\x03\x04", "application/zip")
        yield s


@pytest.fixture
def local(settings, server):
    return settings.model_copy(update={"arxiv_url": server.base, "fetch_timeout": 1.0})


def test_arxiv_link_is_downloaded_into_the_cache_and_ingested_as_a_pdf(local, server):
    store, emb = Store.open(local.workspace), HashEmbedder()
    (r,) = ingest([ABS], store, local, emb)
    assert r.status is IngestStatus.added, r.error
    s = r.source
    assert s.kind is SourceKind.pdf and s.path == ABS and s.pages == 23
    assert "Citations" in s.title
    assert s.bibliography.url == ABS and s.bibliography.arxiv_id == "2305.14627"
    cached = link_folder(store.cache_dir, ABS)
    assert (cached / "2305.14627.pdf").read_bytes() == ALCE_PDF.read_bytes()
    assert not list(cached.glob("*.part"))
    # the report gives the canonical abstract page as the paper's address
    paper = info_paragraphs(Brief(assignment="Report on the paper.", language="en"), [(s, None)], [])[0]
    assert f"({ABS})" in paper and "github" not in paper


def test_the_same_link_again_downloads_nothing(local, server):
    store, emb = Store.open(local.workspace), HashEmbedder()
    before = server.hits["/pdf/2305.14627v2"]
    ingest(["https://arxiv.org/pdf/2305.14627v2"], store, local, emb)
    assert server.hits["/pdf/2305.14627v2"] == before + 1
    (again,) = ingest(["arXiv:2305.14627"], store, local, emb)  # another form of the same link
    assert again.status is IngestStatus.unchanged and again.path == ABS
    store.delete_source(again.source.id)  # even with the source gone, the cache answers
    (third,) = ingest(["https://arxiv.org/abs/2305.14627v2"], store, local, emb)
    assert third.status is IngestStatus.added
    assert server.hits["/pdf/2305.14627v2"] == before + 1


def test_web_article_keeps_its_url_and_title(local, server):
    store = Store.open(local.workspace)
    url = server.url("/blog/why-cite-sources")
    (r,) = ingest([url], store, local, HashEmbedder())
    assert r.status is IngestStatus.added, r.error
    s = r.source
    assert s.kind is SourceKind.web and s.path == url
    assert s.title == "Why Language Models Should Cite Their Sources"
    assert s.bibliography.url == "https://notes.example.org/2024/02/why-cite-sources"
    assert s.bibliography.authors == ["Mira Castellanos"]
    text = store.source_text(s.id)
    assert "Citation recall asks" in text and "Subscribe" not in text


def test_a_landing_page_is_followed_to_the_pdf_it_names(local, server):
    # doi.org redirects to the publisher's page; this one names its PDF (citation_pdf_url)
    link = replace(classify(server.url("/doi/10.1000/alce")), kind=LinkKind.doi)
    fetched = fetch_document(link, local.cache_dir)
    assert fetched.path.read_bytes()[:5] == b"%PDF-"
    assert fetched.final_url == server.url("/files/alce.pdf")


@pytest.mark.parametrize("path, message", [
    ("/no-such-paper.pdf", "not found (the server answered 404 Not Found)"),
    ("/paywalled.pdf", "expected a PDF but the address gave a web page"),
    ("/empty-page", "no main text found in the page"),
    ("/slow.pdf", "no answer from 127.0.0.1"),
    ("/data.zip", "the address gave application/zip"),
])
def test_failures_are_one_line_naming_the_link_and_the_others_are_ingested(
        local, server, path, message):
    store = Store.open(local.workspace)
    url = server.url(path)
    results = ingest([url, ABS], store, local, HashEmbedder())
    bad, good = results
    assert bad.status is IngestStatus.failed and good.status is IngestStatus.added
    line = str(bad.error)
    assert line.startswith(f"{url}: ") and message in line and "\n" not in line
    assert bad.error.fix  # and what to do about it
    assert [s.path for s in store.sources()] == [ABS]  # nothing half-stored
    assert not list(store.cache_dir.rglob("*.part"))


def test_no_network(local):
    url = closed_port_url()
    store = Store.open(local.workspace)
    (r,) = ingest([url], store, local, HashEmbedder())
    assert r.status is IngestStatus.failed
    assert str(r.error).startswith(f"{url}: cannot reach 127.0.0.1")
    assert "check the connection" in str(r.error)
    assert store.sources() == []


def test_download_limit(local, server):
    small = local.model_copy(update={"fetch_max_mb": 0.1})
    (r,) = ingest([ABS], Store.open(small.workspace), small, HashEmbedder())
    assert "larger than the download limit" in str(r.error) and "DOCENT_FETCH_MAX_MB" in str(r.error)
