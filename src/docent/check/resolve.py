"""Resolve citations to the workspace's sources and passages::

    resolved = resolve(ref, store)
    resolved.source.title, [p.locator.label() for p in resolved.passages]
    # ('Enabling Large Language Models to Generate Text with Citations', ['p. 4, 3.3 Citation Quality'])

A citation that names nothing among the sources comes back with ``problem`` set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from docent.check.parse import CitationRef
from docent.store import Store
from docent.types import Passage, Source, parse_timestamp

__all__ = ["ResolvedCitation", "parse_locator", "resolve"]


@dataclass
class ResolvedCitation:
    ref: CitationRef
    source: Source | None = None
    passages: list[Passage] = field(default_factory=list)
    locator: str | None = None
    problem: str | None = None
    note: str | None = None  # how a name the writer knew was read ("word2vec.pdf" -> the PDF)


# the file kinds a cited name's suffix stands for
_SUFFIX_KINDS = {".pdf": {"pdf"}, ".docx": {"docx"}, ".doc": {"docx"},
                 ".md": {"markdown", "text"}, ".markdown": {"markdown"}, ".txt": {"text", "markdown"},
                 ".html": {"web"}, ".htm": {"web"}, ".srt": {"subtitles", "media"},
                 ".vtt": {"subtitles", "media"}}
for _media in (".mp4", ".mkv", ".webm", ".mov", ".mp3", ".wav", ".m4a", ".flac"):
    _SUFFIX_KINDS[_media] = {"media", "subtitles"}


def _as_uploaded(name: str, sources: list[Source]) -> tuple[Source | None, str | None]:
    """A file name as the writer knew it (a chatbot cites the file under the name it was
    uploaded with: "pdf.pdf", "word2vec.pdf") read as one provided source: the one whose file
    name holds the cited name's words, else the one source of that file kind. ``(source,
    note)``, or ``(None, problem)`` when the name fits several sources or none."""
    path = Path(name.strip())
    kinds = _SUFFIX_KINDS.get(path.suffix.lower())
    if kinds is None:
        return None, None
    same_kind = [s for s in sources if str(getattr(s.kind, "value", s.kind)) in kinds]
    words = set(_norm(path.stem).split())
    named = [s for s in same_kind if words and words <= set(_norm(Path(s.path).stem).split())]
    if len(named) == 1:
        return named[0], (f"{name} read as {Path(named[0].path).name} (its file name holds the "
                          "cited name)")
    if len(same_kind) == 1:
        return same_kind[0], (f"{name} read as {Path(same_kind[0].path).name}, the one "
                              f"{path.suffix.lstrip('.').upper()} provided")
    if same_kind:
        listed = ", ".join(Path(s.path).name for s in same_kind[:5])
        return None, (f"{name} could be any of the provided files ({listed}): cite one by its "
                      "file name or title")
    return None, None


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


def parse_locator(text: str) -> dict:
    """Page, time range or chunk number named in a reference entry."""
    out: dict = {}
    m = re.search(r"(?:\bpp?\.\s*|\bpage\s+|第\s*)(\d+)\s*(?:页)?", text, re.IGNORECASE)
    if m:
        out["page"] = int(m.group(1))
    m = re.search(r"(\d{1,2}(?::\d{2}){1,2})\s*[-–~至]\s*(\d{1,2}(?::\d{2}){1,2})", text)
    if m:
        out["start"], out["end"] = parse_timestamp(m.group(1)), parse_timestamp(m.group(2))
    m = re.search(r"\bchunk\s*(\d+)|第\s*(\d+)\s*块", text, re.IGNORECASE)
    if m:
        out["chunk"] = int(m.group(1) or m.group(2))
    return out


def _find_source(name: str, sources: list[Source]) -> Source | None:
    target = _norm(name)
    if not target:
        return None
    for s in sources:  # file name or title named exactly
        fname = _norm(Path(s.path).name)
        stem = _norm(Path(s.path).stem)
        title = _norm(s.title)
        if target in (fname, stem, title) or (title and title in target) or (
                stem and stem in target) or (len(target) > 6 and target in title):
            return s
    words = set(target.split())
    best, score = None, 0.0
    for s in sources:
        tw = set(_norm(s.title).split())
        if tw:
            overlap = len(words & tw) / len(tw)
            if overlap > score:
                best, score = s, overlap
    return best if score >= 0.6 else None


def _author_year(key: str, sources: list[Source]) -> Source | None:
    author, year = key.split("|")
    surname = author.split()[0].lower()
    for s in sources:
        bib = s.bibliography
        if bib and bib.authors and bib.authors[0].split()[-1].lower() == surname:
            if bib.year is None or str(bib.year) == year[:4]:
                return s
    return None


def resolve(ref: CitationRef, store: Store, sources: list[Source] | None = None
            ) -> ResolvedCitation:
    sources = sources if sources is not None else store.sources()
    out = ResolvedCitation(ref)
    if ref.passage_id is not None:  # a Draft's citation names its passage
        passage = store.passages_by_id([ref.passage_id]).get(ref.passage_id)
        out.source = next((s for s in sources if passage and s.id == passage.source_id), None)
        if passage is None or out.source is None:
            out.problem = f"{ref.raw} cites a passage that is no longer in the workspace"
            return out
        out.passages, out.locator = [passage], passage.locator.label()
        return out
    if ref.style == "author_year":
        out.source = _author_year(ref.key, sources)
    elif ref.style == "url":
        out.source = next((s for s in sources if s.bibliography and s.bibliography.url
                           and _norm(s.bibliography.url) == _norm(ref.key)), None)
    elif ref.target:
        out.source = _find_source(ref.target.split(",")[0], sources) or _find_source(
            ref.target, sources)
    if out.source is None and ref.style == "document":
        out.source, said = _as_uploaded(ref.key, sources)
        if out.source is not None:
            out.note = said
        elif said:
            out.problem = said
            return out
    if out.source is None:
        what = ref.target or ref.raw
        out.problem = (f"{ref.raw} has no entry in the reference list" if ref.target is None
                       and ref.style in ("numeric", "footnote")
                       else f"{ref.raw} names no provided source ({what})")
        return out
    passages = store.passages(out.source.id)
    where = parse_locator(ref.target or "")
    if ref.chunk is not None:
        where["chunk"] = ref.chunk
    if "page" in where:
        chosen = [p for p in passages if p.locator.page == where["page"]]
        out.locator = f"p. {where['page']}"
    elif "start" in where:
        chosen = [p for p in passages if p.locator.start is not None and p.locator.end is not None
                  and p.locator.start < where["end"] and p.locator.end > where["start"]]
        out.locator = ref.target
    elif "chunk" in where:
        chosen = [p for p in passages if p.locator.chunk == where["chunk"]]
        out.locator = f"chunk {where['chunk']}"
    else:
        chosen = passages
    if not chosen:
        out.problem = f"{ref.raw}: {out.source.title} has no {out.locator or 'such place'}"
    out.passages = chosen
    return out
