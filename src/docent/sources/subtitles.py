"""Subtitle parser (.srt, .vtt) and the cue grouping shared with speech recognition.

Cues are line fragments: a sentence often runs over two or three of them. :func:`group_cues`
joins the cue texts with spaces into one text and cuts it into passages of roughly 30-60 s
that end at sentence boundaries, each with ``Locator(start=..., end=..., chunk=n)``::

    >>> cues = [Cue(0.0, 4.0, "Hi everyone. So by now you have"), Cue(4.0, 8.0, "heard of it.")]
    >>> text, passages = group_cues(cues)
    >>> text
    'Hi everyone. So by now you have heard of it.'
    >>> passages[0].locator.label()
    '00:00-00:08'

A media module can feed Whisper segments through the same function:
``group_cues([Cue(s.start, s.end, s.text) for s in segments])``.

Timestamps: a passage's start (end) is the time of its first (last) character, interpolated
linearly by character position within the cue holding it. A passage that ends at a cue's end
gets that cue's end time; one that starts at a cue's start gets its start time. So consecutive
passages never overlap in time, and a cue's start time always falls inside the passage that
holds the cue's first character.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from pathlib import Path

import srt
import webvtt
from webvtt.errors import MalformedFileError

from docent.errors import EmptySourceError, SourceError
from docent.sources.base import ParseContext, ParsedDocument
from docent.sources.text import read_text, readable_stem
from docent.text import detect_language, normalize_space, sentence_spans
from docent.types import Locator, Passage, SourceKind, parse_timestamp

__all__ = ["Cue", "SubtitleParser", "clean_cue_text", "dedupe_rolling", "group_cues"]

# VTT cue tags (<c.red>, <v Bob>, </c>, <00:01.000>) and HTML (<i>, <font color=...>)
_TAG_RE = re.compile(r"</?[A-Za-z][^<>\n]*>|<\d[\d:.]*>")
# Sound descriptions: [Music], [Applause], (laughter), ♪ ... ♪
_SOUND_RE = re.compile(
    r"\[\s*[A-Za-z][A-Za-z ]{0,30}\]|\(\s*(?:music|applause|laughter|laughs|silence|inaudible)"
    r"\s*\)|[♪♫]+",
    re.IGNORECASE,
)
_SPEAKER_RE = re.compile(r"^\s*(?:>>+\s*|-\s+)")  # ">> " speaker change, "- " dialogue dash


@dataclass
class Cue:
    """One subtitle cue or speech-recognition segment: seconds and its (clean) text."""

    start: float
    end: float
    text: str


def clean_cue_text(raw: str) -> str:
    """Strip tags, HTML entities, sound markers and ``>>`` speaker marks; keep line breaks."""
    text = html.unescape(_TAG_RE.sub("", raw))
    text = _SOUND_RE.sub(" ", text)
    lines = [normalize_space(_SPEAKER_RE.sub("", line.replace("\u200b", "")))
             for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def dedupe_rolling(cues: list[Cue]) -> list[Cue]:
    """Drop lines a cue repeats from the cue before (YouTube-style rolling captions).

    A rolling caption shows the previous line again above the new one; when a cue's first
    lines equal the previous cue's last lines they are dropped, and so are cues left empty.
    """
    out: list[Cue] = []
    previous: list[str] = []
    for cue in cues:
        lines = cue.text.split("\n") if cue.text else []
        overlap = 0
        for k in range(min(len(lines), len(previous)), 0, -1):
            if lines[:k] == previous[-k:]:
                overlap = k
                break
        if lines:
            previous = lines
        kept = lines[overlap:]
        if kept:
            out.append(Cue(cue.start, cue.end, " ".join(kept)))
    return out


def _sentence_ends(text: str) -> list[int]:
    """Sentence end offsets in ``text``."""
    return [e for _, e in sentence_spans(text)]


def _time_at(
    cues: list[Cue], bounds: list[tuple[int, int]], starts: list[int], offset: int, *, end: bool
) -> float:
    """Time of the character at ``offset`` (``end``: just after the character before it).

    ``bounds`` are the cues' spans in the joined text and ``starts`` their start offsets.
    """
    i = bisect.bisect_right(starts, offset - 1 if end else offset) - 1
    i = max(0, min(i, len(cues) - 1))
    cs, ce = bounds[i]
    cue = cues[i]
    if ce <= cs:
        return cue.end if end else cue.start
    fraction = min(max((offset - cs) / (ce - cs), 0.0), 1.0)
    return round(cue.start + fraction * (cue.end - cue.start), 3)


def group_cues(
    cues: list[Cue], *, min_seconds: float = 30, max_seconds: float = 60
) -> tuple[str, list[Passage]]:
    """Join ``cues`` into one text and cut it into timed passages at sentence ends.

    A passage closes at the first sentence end at least ``min_seconds`` after it began. If no
    sentence ends between ``min_seconds`` and ``max_seconds``, it is cut at the last cue
    boundary within ``max_seconds`` (or after its first cue, if that cue alone is longer).
    A last passage shorter than a third of ``min_seconds`` is merged into the one before.
    Returns the text and the passages; ``text[p.char_start:p.char_end] == p.text``.
    """
    cues = [Cue(c.start, max(c.end, c.start), normalize_space(c.text)) for c in cues]
    cues = [c for c in cues if c.text]
    if not cues:
        return "", []
    bounds: list[tuple[int, int]] = []
    pos = 0
    for cue in cues:
        bounds.append((pos, pos + len(cue.text)))
        pos += len(cue.text) + 1
    text = " ".join(c.text for c in cues)
    sentence_ends = _sentence_ends(text)
    cue_starts = [s for s, _ in bounds]
    cue_ends = [e for _, e in bounds]

    def t_start(offset: int) -> float:
        return _time_at(cues, bounds, cue_starts, offset, end=False)

    def t_end(offset: int) -> float:
        return _time_at(cues, bounds, cue_starts, offset, end=True)

    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        t0 = t_start(start)
        cut = None
        i = bisect.bisect_right(sentence_ends, start)
        while i < len(sentence_ends):
            elapsed = t_end(sentence_ends[i]) - t0
            if elapsed > max_seconds:
                break
            if elapsed >= min_seconds:
                cut = sentence_ends[i]
                break
            i += 1
        else:
            cut = len(text)  # the text ends within max_seconds
        if cut is None:
            j = bisect.bisect_right(cue_ends, start)
            cut = cue_ends[j]
            while j + 1 < len(cue_ends) and t_end(cue_ends[j + 1]) - t0 <= max_seconds:
                j += 1
                cut = cue_ends[j]
        spans.append((start, cut))
        start = cut
        while start < len(text) and text[start].isspace():
            start += 1
    if len(spans) > 1 and t_end(spans[-1][1]) - t_start(spans[-1][0]) < min_seconds / 3:
        spans[-2:] = [(spans[-2][0], spans[-1][1])]
    passages = [
        Passage(
            ordinal=n,
            text=text[s:e],
            locator=Locator(start=t_start(s), end=t_end(e), chunk=n + 1),
            char_start=s,
            char_end=e,
        )
        for n, (s, e) in enumerate(spans)
    ]
    return text, passages


def _srt_cues(path: Path, content: str) -> list[Cue]:
    try:
        subs = list(srt.parse(content))
    except (srt.SRTParseError, ValueError) as exc:
        raise SourceError(path, "not a valid SRT subtitle file",
                          fix="check the file is SubRip (numbered cues with --> times)") from exc
    return [Cue(s.start.total_seconds(), s.end.total_seconds(), clean_cue_text(s.content))
            for s in subs]


def _vtt_cues(path: Path, content: str) -> list[Cue]:
    try:
        captions = webvtt.from_string(content).captions
        return [Cue(parse_timestamp(c.start), parse_timestamp(c.end), clean_cue_text(c.raw_text))
                for c in captions]
    except (MalformedFileError, ValueError) as exc:
        raise SourceError(path, "not a valid WebVTT subtitle file",
                          fix="check it starts with WEBVTT and has cues with --> times") from exc


class SubtitleParser:
    """``.srt`` and ``.vtt`` subtitles: 30-60 s passages located by time range."""

    kind = SourceKind.subtitles
    suffixes: tuple[str, ...] = (".srt", ".vtt")

    def __init__(self, *, min_seconds: float = 30, max_seconds: float = 60) -> None:
        self.min_seconds = min_seconds
        self.max_seconds = max_seconds

    def parse(self, path: Path, ctx: ParseContext | None = None) -> ParsedDocument:
        content = read_text(path)
        if path.suffix.lower() == ".vtt":
            cues = _vtt_cues(path, content)
        else:
            cues = _srt_cues(path, content)
        if not cues:
            raise SourceError(path, "no subtitle cues found",
                              fix="check the file is a subtitle file with timed cues")
        total, duration = len(cues), max(c.end for c in cues)
        cues = dedupe_rolling(sorted(cues, key=lambda c: c.start))
        text, passages = group_cues(cues, min_seconds=self.min_seconds,
                                    max_seconds=self.max_seconds)
        if not passages:
            raise EmptySourceError(path, "the subtitle cues hold no text")
        return ParsedDocument(
            kind=self.kind,
            title=readable_stem(path),
            text=text,
            passages=passages,
            duration=duration,
            language=detect_language(text),
            extra={"cues": total},
        )
