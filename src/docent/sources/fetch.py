"""Downloads of linked sources into the workspace cache: papers, web pages, (via
:mod:`docent.sources.video`) lecture videos::

    link = classify("https://arxiv.org/abs/2305.14627")
    fetched = fetch_link(link, store.cache_dir, timeout=30.0)
    fetched.path.name, fetched.cached
    # ('2305.14627.pdf', False)

Each link gets a folder ``cache/links/<hash of its key>/`` holding the downloaded file and
``link.json`` (written last, so a folder without it is an unfinished download and is fetched
again). Fetching a link whose folder is complete makes no request. A download is written to a
temporary name and renamed when whole, so nothing half-downloaded is ever read.

Requests (httpx) follow redirects, time out after ``DOCENT_FETCH_TIMEOUT`` seconds without an
answer, stop at ``DOCENT_FETCH_MAX_MB`` and check what came back: a paper's address must give a
PDF (a publisher's landing page is followed once to its ``citation_pdf_url``), a web page's
address HTML, PDF or plain text. Every failure is one :class:`~docent.errors.SourceError`
naming the link, with what to do about it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from docent import __version__
from docent.errors import SourceError
from docent.sources.links import Link, LinkKind

__all__ = ["Fetched", "Response", "fetch_link", "fetch_document", "http_get", "link_folder",
           "cached", "remember"]

USER_AGENT = f"Docent/{__version__} (+source-grounded reports; polite single downloads)"
_PDF_TYPES = {"application/pdf", "application/x-pdf", "application/octet-stream",
              "binary/octet-stream", "application/download", "application/force-download"}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_TEXT_TYPES = {"text/plain": ".txt", "text/markdown": ".md", "text/x-markdown": ".md"}
_META_CHARSET_RE = re.compile(rb"<meta[^>]+charset", re.IGNORECASE)
_CITATION_PDF_RE = re.compile(
    r"""<meta\s+(?=[^>]*name\s*=\s*["']citation_pdf_url["'])[^>]*content\s*=\s*["']([^"']+)""",
    re.IGNORECASE,
)


@dataclass
class Fetched:
    """A linked source in the cache: the file to parse and what the link told about it."""

    path: Path
    title: str | None = None
    final_url: str | None = None  # after redirects
    content_type: str | None = None
    duration: float | None = None  # videos
    cached: bool = False  # True: read from the cache, nothing downloaded


@dataclass
class Response:
    data: bytes
    content_type: str  # lower case, parameters dropped
    charset: str | None
    final_url: str


def link_folder(cache_dir: Path, key: str) -> Path:
    return cache_dir / "links" / hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def cached(folder: Path) -> Fetched | None:
    """The finished download in ``folder``, or None."""
    try:
        meta = json.loads((folder / "link.json").read_text(encoding="utf-8"))
        path = folder / meta.pop("file")
    except (OSError, ValueError, KeyError):
        return None
    if not path.is_file():
        return None
    known = {k: meta.get(k) for k in ("title", "final_url", "content_type", "duration")}
    return Fetched(path=path, cached=True, **known)


def remember(folder: Path, fetched: Fetched, link: Link) -> Fetched:
    """Mark ``folder``'s download finished (``link.json``, written atomically)."""
    meta = {k: v for k, v in asdict(fetched).items() if k not in ("path", "cached")}
    meta.update(file=fetched.path.name, url=link.url, key=link.key, kind=link.kind.value)
    tmp = folder / "link.json.part"
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, folder / "link.json")
    return fetched


def write_atomic(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def http_get(url: str, *, name: str, timeout: float, max_bytes: int,
             accept: str = "*/*") -> Response:
    """GET ``url`` (redirects followed, at most ``max_bytes``); errors name ``name``."""
    host = urlsplit(url).netloc or url
    deadline = time.monotonic() + max(timeout * 10, 60.0)
    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    try:
        with httpx.Client(follow_redirects=True, timeout=timeout, headers=headers,
                          max_redirects=10) as client, client.stream("GET", url) as resp:
            if resp.status_code >= 400:
                raise _status_error(name, resp.status_code, resp.reason_phrase)
            declared = resp.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise _too_large(name, max_bytes)
            chunks, size = [], 0
            for chunk in resp.iter_bytes(65536):
                size += len(chunk)
                if size > max_bytes:
                    raise _too_large(name, max_bytes)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the download took too long")
                chunks.append(chunk)
            ctype = resp.headers.get("content-type", "")
            final_url = str(resp.url)
    except httpx.TimeoutException as exc:
        raise SourceError(name, f"no answer from {host} within {timeout:g} s",
                          fix="try again later, raise DOCENT_FETCH_TIMEOUT, or download the "
                          "file yourself and ingest it") from exc
    except httpx.TooManyRedirects as exc:
        raise SourceError(name, "too many redirects",
                          fix="open the link in a browser and ingest what it downloads") from exc
    except (httpx.ConnectError, httpx.NetworkError) as exc:
        raise SourceError(name, f"cannot reach {host} (no network, or the site is down)",
                          fix="check the connection and try again, or download the file "
                          "yourself and ingest it") from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise SourceError(name, f"cannot download it ({type(exc).__name__}: {exc})",
                          fix="check the address") from exc
    mime, _, params = ctype.partition(";")
    charset = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", params, re.IGNORECASE)
    return Response(b"".join(chunks), mime.strip().lower(),
                    charset.group(1).lower() if charset else None, final_url)


def _status_error(name: str, status: int, reason: str) -> SourceError:
    said = f"{status} {reason}".strip()
    if status in (401, 402, 403, 451):
        return SourceError(name, f"the server refused access ({said}): a paywall or a login?",
                           fix="download the file in a browser where you have access, and "
                           "ingest the file")
    if status in (404, 410):
        return SourceError(name, f"not found (the server answered {said})",
                           fix="check the address; copy it again from the browser")
    return SourceError(name, f"the server answered {said}",
                       fix="try again later, or download the file yourself and ingest it")


def _too_large(name: str, max_bytes: int) -> SourceError:
    return SourceError(name, f"larger than the download limit ({max_bytes / 2**20:.0f} MB)",
                       fix="raise DOCENT_FETCH_MAX_MB, or download the file and ingest it")


def _is_pdf(resp: Response) -> bool:
    return resp.data.lstrip()[:5] == b"%PDF-" and (
        resp.content_type in _PDF_TYPES or not resp.content_type
        or resp.content_type.startswith(("application/", "binary/")))


def _pdf_name(link: Link) -> str:
    if link.kind is LinkKind.arxiv and link.ident:  # the PDF parser reads the id from the name
        return link.ident.replace("/", "_") + ".pdf"
    return "document.pdf"


def _html_bytes(resp: Response) -> bytes:
    """The page, with the charset the server declared when the page itself declares none."""
    if resp.charset and not _META_CHARSET_RE.search(resp.data[:4096]):
        return f'<meta charset="{resp.charset}">\n'.encode("ascii") + resp.data
    return resp.data


def fetch_document(link: Link, cache_dir: Path, *, timeout: float = 30.0,
                   max_bytes: int = 200 * 2**20) -> Fetched:
    """Download a paper or web page of ``link`` into the cache (or find it there)."""
    folder = link_folder(cache_dir, link.key)
    hit = cached(folder)
    if hit is not None:
        return hit
    accept = ("application/pdf,*/*;q=0.5" if link.expects_pdf else
              "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.5")
    resp = http_get(link.download_url, name=link.url, timeout=timeout, max_bytes=max_bytes,
                    accept=accept)
    if link.expects_pdf and not _is_pdf(resp) and resp.content_type in _HTML_TYPES:
        found = _CITATION_PDF_RE.search(resp.data[:200_000].decode("utf-8", "replace"))
        if found:  # a landing page that names its PDF (publishers, OpenReview, arXiv)
            pdf_url = urljoin(resp.final_url, found.group(1).replace("&amp;", "&"))
            resp = http_get(pdf_url, name=link.url, timeout=timeout, max_bytes=max_bytes,
                            accept="application/pdf,*/*;q=0.5")
    if _is_pdf(resp):
        path = write_atomic(folder / _pdf_name(link), resp.data)
    elif link.expects_pdf:
        what = "a web page" if resp.content_type in _HTML_TYPES else (
            f"{resp.content_type or 'an unknown type'}")
        raise SourceError(link.url, f"expected a PDF but the address gave {what} (a paywall, "
                          "a login or a landing page?)",
                          fix="open the link in a browser, download the PDF and ingest the file")
    elif resp.content_type in _HTML_TYPES:
        path = write_atomic(folder / "page.html", _html_bytes(resp))
    elif resp.content_type in _TEXT_TYPES:
        path = write_atomic(folder / ("page" + _TEXT_TYPES[resp.content_type]), resp.data)
    else:
        raise SourceError(link.url, f"the address gave {resp.content_type or 'an unknown type'}"
                          ", not a web page, PDF or text",
                          fix="download it yourself and ingest the file")
    fetched = Fetched(path=path, final_url=resp.final_url, content_type=resp.content_type)
    return remember(folder, fetched, link)


def fetch_link(link: Link, cache_dir: Path, *, timeout: float = 30.0,
               max_bytes: int = 200 * 2**20, language: str | None = None) -> Fetched:
    """Fetch any link: videos through yt-dlp (subtitles first, in ``language`` or English),
    the rest over HTTP."""
    if link.kind is LinkKind.video:
        from docent.sources.video import fetch_video

        return fetch_video(link, cache_dir, timeout=timeout, max_bytes=max_bytes,
                           language=language)
    return fetch_document(link, cache_dir, timeout=timeout, max_bytes=max_bytes)
