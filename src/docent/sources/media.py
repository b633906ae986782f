"""Lecture videos and audio: timestamped passages that can be cited ("[lecture 12:04-12:41]").

Usage::

    from docent.sources import parse, ParseContext
    doc = parse(Path("lecture.mp4"), ParseContext(settings=Settings(), store=store))
    doc.passages[0].locator.label()
    # -> '00:00-00:41'

A subtitle file beside the media with the same base name (``lecture.srt`` / ``.vtt``), or one
given as ``ParseContext.subtitles`` (``docent ingest --subtitles``), is used instead of speech
recognition. Otherwise the audio is transcribed (see :mod:`docent.speech`), checkpointed in the
workspace, and the segments are grouped into 30-60 s passages that end at sentence boundaries.
"""

from __future__ import annotations

from pathlib import Path

from docent.assets import sha256_file
from docent.config import Settings
from docent.errors import SourceError
from docent.sources.base import MEDIA_SUFFIXES, ParseContext, ParsedDocument
from docent.sources.subtitles import Cue, SubtitleParser, group_cues
from docent.sources.text import readable_stem
from docent.text import detect_language
from docent.types import SourceKind

__all__ = ["MediaParser", "MEDIA_SUFFIXES", "sidecar_subtitles"]



def sidecar_subtitles(path: Path) -> Path | None:
    """``lecture.srt`` or ``lecture.vtt`` next to ``lecture.mp4``, if there is one."""
    for suffix in (".srt", ".vtt", ".SRT", ".VTT"):
        candidate = path.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


class MediaParser:
    kind = SourceKind.media
    suffixes = MEDIA_SUFFIXES

    def parse(self, path: Path, ctx: ParseContext | None = None) -> ParsedDocument:
        from docent.speech import get_transcriber, probe, transcribe_media

        ctx = ctx or ParseContext()
        settings = ctx.settings or Settings()
        info = probe(path)
        title = info.title or readable_stem(path)
        subtitles = ctx.subtitles or sidecar_subtitles(path)
        if subtitles is not None:
            doc = SubtitleParser().parse(subtitles)
            doc.kind, doc.title = self.kind, title
            doc.duration = info.duration or doc.duration
            doc.extra.update({"subtitles": str(subtitles), "transcribed": False})
            return doc
        if not info.has_audio:
            raise SourceError(path, "the file has no audio stream",
                              fix="give the recording with sound, or its subtitles with "
                              "--subtitles")
        transcriber = get_transcriber(settings)
        sha = ctx.sha256 or sha256_file(path)
        transcript = transcribe_media(
            path, sha, ctx.store, settings, transcriber,
            language=ctx.language or settings.asr_language, progress=ctx.progress,
        )
        cues = [Cue(s.start, s.end, s.text) for s in transcript.segments]
        text, passages = group_cues(cues)
        return ParsedDocument(
            kind=self.kind,
            title=title,
            text=text,
            passages=passages,
            duration=info.duration or transcript.duration,
            language=transcript.language or detect_language(text),
            extra={
                "transcribed": True,
                "asr_model": transcriber.name,
                "dropped_segments": transcript.dropped,
                "resumed_windows": transcript.resumed_windows,
            },
        )

