"""Sources given as links: what a URL points at, where to download it, what to cite it as.

:func:`classify` is pure (no network): it reads the link and says which kind of source it is,
the address to download and the canonical address a report gives for it::

    >>> link = classify("https://arxiv.org/pdf/2305.14627v2")
    >>> link.kind.value, link.download_url, link.canonical_url
    ('arxiv', 'https://arxiv.org/pdf/2305.14627v2', 'https://arxiv.org/abs/2305.14627')
    >>> classify("arXiv:2305.14627").canonical_url
    'https://arxiv.org/abs/2305.14627'
    >>> classify("https://openreview.net/forum?id=abc123").download_url
    'https://openreview.net/pdf?id=abc123'
    >>> classify("https://youtu.be/kCc8FmEb1nY?t=30").canonical_url
    'https://www.youtube.com/watch?v=kCc8FmEb1nY'

Papers (arXiv, OpenReview, DOI, any ``.pdf`` address) are downloaded and read as PDFs; videos
(YouTube, Bilibili, Vimeo; other yt-dlp sites are recognised when fetched) go through yt-dlp;
anything else is fetched as a web page. :func:`read_links` reads a links file (one URL a line,
``#`` comments). A source ingested from a link is stored under :attr:`Link.key`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from docent.errors import SourceError

__all__ = [
    "ARXIV_URL",
    "OPENREVIEW_URL",
    "LinkKind",
    "Link",
    "classify",
    "is_link",
    "read_links",
    "parse_links",
    "code_host",
    "pdf_address",
]

ARXIV_URL = "https://arxiv.org"  # canonical pages; downloads may come from a mirror (settings)
OPENREVIEW_URL = "https://openreview.net"

_ARXIV_ID = r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?"
_ARXIV_PATH_RE = re.compile(rf"^/(?:abs|pdf|html|format)/{_ARXIV_ID}(?:\.pdf)?/?$")
_ARXIV_BARE_RE = re.compile(rf"^arxiv:\s*{_ARXIV_ID}$", re.IGNORECASE)
_ARXIV_HOSTS = {"arxiv.org", "www.arxiv.org", "export.arxiv.org"}
_DOI_RE = re.compile(r"^(10\.\d{4,9}/\S+)$")
_DOI_BARE_RE = re.compile(r"^doi:\s*(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}
_OPENREVIEW_HOSTS = {"openreview.net", "www.openreview.net"}
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
_YOUTUBE_ID_RE = re.compile(r"^/(?:shorts|live|embed|v)/([\w-]{11})")
_BILIBILI_RE = re.compile(r"^/video/((?:BV|bv)[0-9A-Za-z]{10}|av\d+)")
_VIDEO_HOSTS = {"b23.tv", "vimeo.com", "www.vimeo.com", "player.vimeo.com"}
_CODE_HOSTS = {"github.com", "www.github.com", "gitlab.com", "www.gitlab.com", "bitbucket.org",
               "huggingface.co", "paperswithcode.com", "gitee.com"}


class LinkKind(str, Enum):
    arxiv = "arxiv"
    openreview = "openreview"
    doi = "doi"
    pdf = "pdf"  # any other address ending in .pdf
    video = "video"  # a video site: subtitles (or audio) through yt-dlp
    web = "web"  # a web page, or whatever the server sends (checked when fetched)


@dataclass(frozen=True)
class Link:
    """What a link points at. ``ident`` is the arXiv id, OpenReview id or DOI of a paper."""

    url: str  # as given (a bare "arXiv:ID" or "doi:..." becomes its canonical URL)
    kind: LinkKind
    download_url: str
    canonical_url: str
    ident: str | None = None

    @property
    def expects_pdf(self) -> bool:
        return self.kind in (LinkKind.arxiv, LinkKind.openreview, LinkKind.doi, LinkKind.pdf)

    @property
    def key(self) -> str:
        """What the source is stored under: the canonical address (so /abs/ and /pdf/ links
        of one paper, or youtu.be and watch?v= links of one video, are one source)."""
        return self.canonical_url

    def bibliography_facts(self) -> dict[str, str]:
        """Bibliographic fields the link itself proves (the address, arXiv id, DOI)."""
        facts = {"url": self.canonical_url}
        if self.kind is LinkKind.arxiv and self.ident:
            facts["arxiv_id"] = re.sub(r"v\d+$", "", self.ident)  # the abstract page's id
        if self.kind is LinkKind.doi and self.ident:
            facts["doi"] = self.ident
        return facts


def is_link(text: str) -> bool:
    """An http(s) address, or a bare ``arXiv:ID`` / ``doi:10.…`` identifier."""
    text = text.strip()
    return (text.lower().startswith(("http://", "https://"))
            or bool(_ARXIV_BARE_RE.match(text) or _DOI_BARE_RE.match(text)))


def code_host(url: str) -> bool:
    """A code or model repository (never given as a paper's address)."""
    return (urlsplit(url).hostname or "").lower() in _CODE_HOSTS


def pdf_address(url: str) -> str | None:
    """Where a browser opens the PDF of a paper's link (so ``#page=N`` works), else None."""
    try:
        link = classify(url)
    except SourceError:
        return None
    if link.kind in (LinkKind.arxiv, LinkKind.openreview, LinkKind.pdf):
        return link.download_url
    return None


def _arxiv(ident: str, version: str | None, base: str, url: str | None = None) -> Link:
    full = ident + (version or "")
    return Link(
        url=url or f"{ARXIV_URL}/abs/{full}", kind=LinkKind.arxiv,
        download_url=f"{base.rstrip('/')}/pdf/{full}",
        canonical_url=f"{ARXIV_URL}/abs/{ident}", ident=full,
    )


def _doi(doi: str) -> Link:
    doi = doi.rstrip(".,;")
    url = f"https://doi.org/{doi}"
    return Link(url=url, kind=LinkKind.doi, download_url=url, canonical_url=url, ident=doi)


def _hosts(base: str) -> set[str]:
    host = (urlsplit(base).netloc or "").lower()
    return {host} if host else set()


def classify(text: str, *, arxiv_url: str = ARXIV_URL,
             openreview_url: str = OPENREVIEW_URL) -> Link:
    """What ``text`` links to. ``arxiv_url``/``openreview_url``: where to download from (a
    mirror, or a local server in tests); their links are recognised too. Raises
    :class:`~docent.errors.SourceError` for text that is no link."""
    text = text.strip()
    bare = _ARXIV_BARE_RE.match(text)
    if bare:
        return _arxiv(bare.group(1), bare.group(2), arxiv_url)
    bare = _DOI_BARE_RE.match(text)
    if bare:
        return _doi(bare.group(1))
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise SourceError(text, "not a link", fix="give an http(s) address, arXiv:ID or doi:10.…")
    parts = parts._replace(fragment="")
    url = urlunsplit(parts)
    host = (parts.hostname or "").lower()
    netloc = parts.netloc.lower()
    path = parts.path
    query = parse_qs(parts.query)

    if host in _ARXIV_HOSTS or netloc in _hosts(arxiv_url):
        m = _ARXIV_PATH_RE.match(path)
        if m:
            return _arxiv(m.group(1), m.group(2), arxiv_url, url)
    if (host in _OPENREVIEW_HOSTS or netloc in _hosts(openreview_url)) and query.get("id"):
        if path.rstrip("/") in ("/forum", "/pdf", "/attachment"):
            ident = query["id"][0]
            return Link(
                url=url, kind=LinkKind.openreview,
                download_url=f"{openreview_url.rstrip('/')}/pdf?{urlencode({'id': ident})}",
                canonical_url=f"{OPENREVIEW_URL}/forum?{urlencode({'id': ident})}", ident=ident,
            )
    if host in _DOI_HOSTS:
        m = _DOI_RE.match(path.lstrip("/"))
        if m:
            return _doi(m.group(1))
    video = _video(host, path, query)
    if video:
        return Link(url=url, kind=LinkKind.video, download_url=video, canonical_url=video)
    if host in _VIDEO_HOSTS:
        return Link(url=url, kind=LinkKind.video, download_url=url, canonical_url=url)
    if path.lower().endswith(".pdf"):
        return Link(url=url, kind=LinkKind.pdf, download_url=url, canonical_url=url)
    return Link(url=url, kind=LinkKind.web, download_url=url, canonical_url=url)


def _video(host: str, path: str, query: dict[str, list[str]]) -> str | None:
    """The canonical address of a YouTube or Bilibili video, else None."""
    if host in _YOUTUBE_HOSTS:
        if path == "/watch" and query.get("v"):
            return f"https://www.youtube.com/watch?v={query['v'][0]}"
        m = _YOUTUBE_ID_RE.match(path)
        if m:
            return f"https://www.youtube.com/watch?v={m.group(1)}"
    if host == "youtu.be" and re.fullmatch(r"/[\w-]{11}/?", path):
        return f"https://www.youtube.com/watch?v={path.strip('/')}"
    if host.endswith("bilibili.com"):
        m = _BILIBILI_RE.match(path)
        if m:
            page = query.get("p", ["1"])[0]
            suffix = f"?p={page}" if page.isdigit() and page != "1" else ""
            return f"https://www.bilibili.com/video/{m.group(1)}{suffix}"
    return None


def read_links(path: Path) -> list[str]:
    """The links of a links file: one a line; blank lines and ``#`` comments skipped (a ``#``
    after a space starts a comment too, but one inside a URL does not)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(path, f"cannot read the links file ({exc})",
                          fix="give a UTF-8 text file with one URL a line") from exc
    return parse_links(text)


def parse_links(text: str) -> list[str]:
    """The links in ``text`` (a links file's content, or a web form's field), in order, once."""
    links: list[str] = []
    for line in text.splitlines():
        line = re.split(r"(?:^|\s)#", line, maxsplit=1)[0].strip()
        if line:
            links.append(line)
    return list(dict.fromkeys(links))
