"""The ingest stage: files, folders and links in, sources with located, embedded passages out.

Usage::

    from docent.ingest import ingest
    report = ingest([Path("examples/sources"), "https://arxiv.org/abs/2305.14627"], store,
                    settings, embedder)
    [(r.path, r.status) for r in report]          # added / updated / unchanged / duplicate / failed
    ingest_and_index([Path("talk.mp4")], store, settings, embedder)   # then rebuild the index

A link (see :mod:`docent.sources.links`) is downloaded into the workspace cache and ingested
like a file, under its canonical address: a paper as a PDF, a web page as HTML, a video as its
subtitles (or its audio). Ingesting the same link again downloads nothing.

Ingest is idempotent by content hash: the same file twice does nothing the second time; a
changed file replaces its passages in one transaction. With a database server the file's bytes
are kept in the database as well (:meth:`Store.put_file`, up to :data:`KEEP_FILE_MAX`). Embeddings are cached by text hash and
committed batch by batch, so an interrupted ingest resumes without embedding again, and never
leaves a half-written source. One bad file does not stop the others: its error is returned.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any

from docent.assets import sha256_file as file_sha256
from docent.config import Settings
from docent.errors import DocentError, SourceError
from docent.index.dense import Embedder
from docent.index.retriever import Retriever, dense_text, embed_texts
from docent.progress import Progress
from docent.sources import ParseContext, iter_files, parse
from docent.sources.media import MEDIA_SUFFIXES, sidecar_subtitles
from docent.sources.links import LinkKind, classify, is_link
from docent.store import Store, text_sha
from docent.types import Bibliography, PassageRole, Source

__all__ = [
    "IngestStatus", "IngestResult", "ingest", "ingest_and_index", "ingest_url", "expand_paths",
    "file_sha256", "KEEP_FILE_MAX",
]

#: With a database server (``store.keeps_files``) each source's file is kept in the database
#: too, up to this size (a longer video stays only on the machine that ingested it).
KEEP_FILE_MAX = 256 * 2**20


class IngestStatus(str, Enum):
    added = "added"
    updated = "updated"
    unchanged = "unchanged"
    duplicate = "duplicate"
    failed = "failed"


@dataclass
class IngestResult:
    path: str
    status: IngestStatus
    source: Source | None = None
    error: DocentError | None = None
    note: str = ""


def expand_paths(paths: list[Path]) -> tuple[list[Path], list[IngestResult]]:
    """Files to ingest (folders expanded recursively) and failures for paths that don't exist.

    A subtitle file that sits beside a media file of the same call (``lecture.srt`` next to
    ``lecture.mp4``) is not a source of its own: the media source uses it.
    """
    files: list[Path] = []
    failures: list[IngestResult] = []
    for path in paths:
        if path.is_dir():
            found = list(iter_files(path))
            if not found:
                failures.append(_failed(path, SourceError(path, "folder holds no supported file")))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            failures.append(_failed(path, SourceError(path, "no such file or folder")))
    unique = list(dict.fromkeys(p.resolve() for p in files))
    sidecars = {
        sub for p in unique if p.suffix.lower() in MEDIA_SUFFIXES
        for sub in [sidecar_subtitles(p)] if sub is not None
    }
    return [p for p in unique if p not in sidecars], failures


def _failed(path: Path, error: DocentError) -> IngestResult:
    return IngestResult(str(path), IngestStatus.failed, error=error)


def ingest_file(
    path: Path,
    store: Store,
    settings: Settings,
    embedder: Embedder | None,
    progress: Progress | None = None,
    *,
    subtitles: Path | None = None,
    language: str | None = None,
    key: str | None = None,
    title: str | None = None,
    duration: float | None = None,
    facts: dict[str, Any] | None = None,
    keep_own: bool = False,
) -> IngestResult:
    """Ingest one file; a :class:`DocentError` is returned in the result, not raised.

    ``key`` is what the source is known by (default: the absolute path; a URL for downloads).
    ``title``, ``duration`` and the bibliography ``facts`` (e.g. ``{"url": ...}``) replace what
    the parser found (``keep_own``: they only fill what it did not find).
    """
    key = key or str(path.resolve())
    try:
        sha = file_sha256(path)
    except OSError as exc:
        return _failed(path, SourceError(path, f"cannot read the file ({exc.strerror or exc})"))
    existing = store.source_by_path(key)
    if existing and existing.sha256 == sha:
        return IngestResult(key, IngestStatus.unchanged, source=existing)
    twin = store.source_by_sha(sha)
    if twin and twin.path != key:
        return IngestResult(
            key, IngestStatus.duplicate, source=twin, note=f"same content as {twin.path}"
        )
    ctx = ParseContext(settings=settings, store=store, progress=progress, sha256=sha,
                       subtitles=subtitles, language=language)
    try:
        doc = parse(path, ctx)
    except DocentError as exc:
        return _failed(path if key == str(path.resolve()) else Path(key), exc)
    if title:
        doc.title = title
    doc.duration = duration or doc.duration
    if facts:
        bib = doc.bibliography or Bibliography(title=doc.title)
        own = bib.model_dump()
        doc.bibliography = bib.model_copy(update={
            k: v for k, v in facts.items() if not (keep_own and own.get(k))})
    if not doc.passages:
        return _failed(path, SourceError(path, "no text found in the file"))

    dense_texts = [dense_text(p.text, p.locator.section, p.role) for p in doc.passages]
    shas = [text_sha(t) for t in dense_texts]
    if embedder is not None:
        todo = [
            (sha, text) for sha, text, p in zip(shas, dense_texts, doc.passages)
            # names, titles and addresses: BM25 does better
            if p.role not in (PassageRole.references, PassageRole.footnote)
        ]
        try:
            embed_texts(
                store, embedder, todo, batch=settings.embed_batch,
                progress=progress, label=f"embedding {path.name}",
            )
        except DocentError as exc:
            return _failed(path, exc)
    source = Source(
        path=key, kind=doc.kind, title=doc.title, sha256=sha, size=path.stat().st_size,
        pages=doc.pages, duration=doc.duration, language=doc.language,
        bibliography=doc.bibliography,
    )
    saved = store.save_source(source, doc.text, doc.passages, shas)
    if store.keeps_files and source.size <= KEEP_FILE_MAX:
        # a database server: the file goes with the source (the review view's PDF pages on a
        # machine that does not have it)
        store.put_file(sha, path.name, path.read_bytes())
    status = IngestStatus.updated if existing else IngestStatus.added
    return IngestResult(key, status, source=saved)


def ingest_url(
    url: str, store: Store, settings: Settings, embedder: Embedder | None,
    progress: Progress | None = None, *, language: str | None = None,
) -> IngestResult:
    """Download what ``url`` links to (a paper, a web page, a video's subtitles or audio) into
    the workspace cache and ingest it under the link's canonical address."""
    from docent.sources.fetch import fetch_link
    from docent.sources.video import ytdlp_site

    try:
        link = classify(url, arxiv_url=settings.arxiv_url, openreview_url=settings.openreview_url)
    except DocentError as exc:
        return IngestResult(url, IngestStatus.failed, error=exc)
    existing = store.source_by_path(link.key)
    if existing:
        return IngestResult(link.key, IngestStatus.unchanged, source=existing)
    if link.kind is LinkKind.web and ytdlp_site(link.url):
        link = replace(link, kind=LinkKind.video)
    if progress:
        progress(f"downloading {link.url}", 0, 1)
    try:
        fetched = fetch_link(link, store.cache_dir, timeout=settings.fetch_timeout,
                             max_bytes=int(settings.fetch_max_mb * 2**20), language=language)
    except DocentError as exc:
        return IngestResult(link.url, IngestStatus.failed, error=exc)
    if progress:
        progress(f"downloading {link.url}", 1, 1)
    result = ingest_file(
        fetched.path, store, settings, embedder, progress, language=language, key=link.key,
        title=fetched.title, duration=fetched.duration, facts=link.bibliography_facts(),
        keep_own=link.kind in (LinkKind.web, LinkKind.pdf, LinkKind.video),
    )
    if result.status is IngestStatus.failed and result.error is not None:
        result.path, result.error = link.url, _about_link(result.error, link.url)
    return result


def _about_link(error: DocentError, url: str) -> DocentError:
    """The error, naming the link instead of the file in the cache."""
    if isinstance(error, SourceError) and error.path != url:
        renamed = type(error)(url, error.problem, fix=error.fix)
        renamed.__cause__ = error
        return renamed
    return error


def ingest(
    paths: list[Path | str],
    store: Store,
    settings: Settings,
    embedder: Embedder | None,
    progress: Progress | None = None,
    *,
    subtitles: Path | None = None,
    language: str | None = None,
    reindex: bool = False,
) -> list[IngestResult]:
    """Ingest files, folders and links; one result per file or link (and per failed path).

    ``subtitles`` (a .srt/.vtt) is used for the media files of this call instead of speech
    recognition; ``language`` is their spoken language (default: detected). ``reindex``:
    rebuild the search index when a source was added or updated.
    """
    urls = [p for p in paths if isinstance(p, str) and is_link(p)]
    files, results = expand_paths([Path(p) for p in paths if p not in urls])
    for url in urls:
        results.append(ingest_url(url, store, settings, embedder, progress, language=language))
    for i, path in enumerate(files):
        if progress:
            progress("files", i, len(files))
        is_media = path.suffix.lower() in MEDIA_SUFFIXES
        results.append(ingest_file(
            path, store, settings, embedder, progress,
            subtitles=subtitles if is_media else None, language=language,
        ))
    if progress:
        progress("files", len(files), len(files))
    if reindex and any(r.status in (IngestStatus.added, IngestStatus.updated) for r in results):
        Retriever(store, settings, embedder).rebuild(progress)
    return results


def ingest_and_index(paths: list[Path | str], store: Store, settings: Settings,
                     embedder: Embedder | None, progress: Progress | None = None, **options
                     ) -> list[IngestResult]:
    """:func:`ingest` with ``reindex=True``: what ``docent ingest``, ``docent write -s``,
    ``docent check -s`` and the web app's uploads all run, so a search right after finds the
    new passages without waiting for a rebuild."""
    return ingest(paths, store, settings, embedder, progress, reindex=True, **options)
