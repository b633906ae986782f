from __future__ import annotations

from pathlib import Path

import pytest

from docent.errors import EmptySourceError, SourceError
from docent.sources.web import HtmlParser
from docent.types import SourceKind

NAV = """
<header class="site-header">
  <a class="logo" href="/">Example Notes</a>
  <nav id="menu"><ul>
    <li><a href="/">Home</a></li><li><a href="/archive">Blog archive</a></li>
    <li><a href="/about">About this site</a></li><li><a href="/subscribe">Subscribe to the newsletter</a></li>
  </ul></nav>
</header>
"""

FOOTER = """
<aside class="sidebar"><h3>Popular posts</h3><ul>
  <li><a href="/pandas">Ten tricks for faster pandas</a></li>
  <li><a href="/rust">Why we moved our build to Rust</a></li></ul></aside>
<footer><p>Copyright 2024 Example Notes. All rights reserved.</p>
  <a href="/privacy">Privacy policy</a> <a href="/terms">Terms of service</a></footer>
"""

ARTICLE = """
<article>
<h1>Attention Is the Core of the Transformer</h1>
<p class="byline">By Ada Lovelace, 15 March 2024</p>
<p>As natural language processing moved from statistical machine learning to deep learning, the
way text is represented moved with it. Early systems computed vector space models and language
models from counts; word2vec then learnt dense vectors with a single-layer network.</p>
<h2>Why recurrent networks fell behind</h2>
<p>Recurrent networks compute a sequence step by step. This models order well but limits parallel
computation, so even models with few parameters take a long time to train on GPUs.</p>
<p>They also struggle with long-range dependencies: the further apart two inputs are, the harder
their relation is to capture, and the whole sequence has to be read into memory in order.</p>
<h2>What attention is</h2>
<p>Attention came from computer vision. When we look at a picture we do not need to see every
detail; we focus on the important part. In language processing we can likewise concentrate on
one or a few tokens and compute more efficiently and more accurately.</p>
<p>Attention has three core variables: the query, the key and the value. If we want the date of a
news report, the query could be a vector like "time" or "date", while the keys and values come
from the whole text. Comparing the query with every key gives weights, and the weighted sum of
the values is the result.</p>
<h3>Multi-head attention</h3>
<p>Multi-head attention runs several attention computations in parallel, each with its own
projections of the queries, keys and values, and concatenates the results. Each head can learn a
different kind of relation between tokens, which makes the model more expressive.</p>
</article>
"""


def page(body: str, *, head: str = "") -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<title>Attention Is the Core of the Transformer | Example Notes</title>\n"
        f"{head}</head>\n<body>{NAV}<main>{body}</main>{FOOTER}</body></html>\n"
    )


HEAD = (
    '<link rel="canonical" href="https://example.org/attention">\n'
    '<meta name="author" content="Ada Lovelace">\n'
    '<meta property="article:published_time" content="2024-03-15T09:00:00Z">\n'
)


@pytest.fixture()
def saved_page(tmp_path: Path) -> Path:
    path = tmp_path / "attention.html"
    path.write_text(page(ARTICLE, head=HEAD), encoding="utf-8")
    return path


def test_main_text_title_and_canonical_url(saved_page: Path) -> None:
    doc = HtmlParser().parse(saved_page)
    assert doc.kind is SourceKind.web
    assert doc.title == "Attention Is the Core of the Transformer"
    assert doc.language == "en"
    bib = doc.bibliography
    assert bib is not None
    assert bib.url == "https://example.org/attention"
    assert bib.title == doc.title
    assert bib.authors == ["Ada Lovelace"]
    assert bib.year == 2024
    assert doc.extra["date"] == "2024-03-15"

    assert "the weighted sum of the values is the result" in " ".join(doc.text.split())
    for boilerplate in ("Blog archive", "Subscribe to the newsletter", "Privacy policy",
                        "All rights reserved", "Ten tricks for faster pandas"):
        assert boilerplate not in doc.text


def test_heading_paths_and_spans(saved_page: Path) -> None:
    doc = HtmlParser().parse(saved_page)
    for n, p in enumerate(doc.passages):
        assert doc.text[p.char_start:p.char_end] == p.text
        assert p.locator.chunk == n + 1
    sections = [p.locator.section for p in doc.passages]
    top = "Attention Is the Core of the Transformer"
    assert f"{top} > What attention is" in sections
    assert f"{top} > Why recurrent networks fell behind" in sections
    assert f"{top} > What attention is > Multi-head attention" in sections
    multi = next(p for p in doc.passages if p.locator.section.endswith("Multi-head attention"))
    assert "concatenates the results" in multi.text
    assert multi.locator.label().endswith(f"Multi-head attention, chunk {multi.locator.chunk}")


def test_chinese_page_in_gb18030(tmp_path: Path) -> None:
    article = (
        "<article><h1>第二章 Transformer 架构</h1><h2>2.1 注意力机制</h2>"
        + "<p>注意力机制最先源于计算机视觉领域，其核心思想为当我们关注一张图片，"
        "我们往往无需看清楚全部内容而仅将注意力集中在重点部分即可。</p>" * 3
        + "<h2>2.2 多头注意力</h2><p>多头注意力机制即是同时对一个语料进行多次注意力计算，"
        "每次注意力计算都能拟合不同的关系，将最后的多次结果拼接起来作为最后的输出。</p></article>"
    )
    html = page(article).replace('charset="utf-8"', 'charset="gb18030"')
    path = tmp_path / "zh.htm"
    path.write_bytes(html.encode("gb18030"))
    doc = HtmlParser().parse(path)
    assert doc.language == "zh"
    assert "拼接起来作为最后的输出" in doc.text
    assert any(p.locator.section == "第二章 Transformer 架构 > 2.2 多头注意力"
               for p in doc.passages)
    assert doc.bibliography is not None and doc.bibliography.url is None


def test_boilerplate_only_page_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "menu.html"
    path.write_text(page(""), encoding="utf-8")
    with pytest.raises(EmptySourceError) as err:
        HtmlParser().parse(path)
    assert str(path) in str(err.value)


def test_empty_and_binary_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    with pytest.raises(EmptySourceError, match="empty.html"):
        HtmlParser().parse(empty)
    binary = tmp_path / "binary.html"
    binary.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(SourceError, match="binary.html"):
        HtmlParser().parse(binary)
