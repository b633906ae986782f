"""Transcribe a recording window by window, checkpointing each window in the workspace.

Usage::

    transcript = transcribe_media(Path("lecture.mp4"), sha, store, settings, transcriber)
    transcript.segments[0]
    # -> Utterance(start=0.0, end=4.2, text='Hi everyone.')

A one-hour lecture is cut into ``DOCENT_ASR_WINDOW``-second windows at quiet moments; every
finished window is stored at once, so re-ingesting the same media never recognises it again and
an interrupted run resumes at the first unfinished window. Progress is reported in audio minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docent.config import Settings
from docent.errors import SourceError
from docent.progress import Progress
from docent.speech.audio import load_audio, plan_windows
from docent.speech.base import SAMPLE_RATE, Utterance, Transcriber
from docent.speech.guard import clean_segments
from docent.store import Store

__all__ = ["Transcript", "transcribe_media"]


@dataclass
class Transcript:
    segments: list[Utterance]
    language: str | None
    duration: float
    dropped: int  # degenerate segments (loops, filler) that were cut
    resumed_windows: int  # windows taken from the workspace instead of recognised again


def transcribe_media(
    path: Path,
    media_sha: str,
    store: Store | None,
    settings: Settings,
    transcriber: Transcriber,
    *,
    language: str | None = None,
    progress: Progress | None = None,
) -> Transcript:
    audio = load_audio(path)
    duration = len(audio) / SAMPLE_RATE
    windows = plan_windows(audio, settings.asr_window)
    done = store.transcript_windows(media_sha, transcriber.name) if store else {}
    label = f"transcribing {path.name} (audio minutes)"
    total_min = max(1, round(duration / 60))
    segments: list[Utterance] = []
    languages: list[str] = []
    dropped = resumed = 0
    for a, b in windows:
        start, end = a / SAMPLE_RATE, b / SAMPLE_RATE
        if progress:
            progress(label, round(start / 60), total_min)
        key = round(start, 3)
        if key in done:
            lang, rows = done[key]
            window_segments = [Utterance(*row) for row in rows]
            resumed += 1
        else:
            raw, lang = transcriber.transcribe(audio[a:b], language=language)
            window_segments, n = clean_segments(raw)
            dropped += n
            window_segments = [
                Utterance(round(start + s.start, 2), round(min(start + s.end, end), 2), s.text)
                for s in window_segments
            ]
            if store:
                store.put_transcript_window(
                    media_sha, transcriber.name, key, end, lang,
                    [[s.start, s.end, s.text] for s in window_segments],
                )
        if lang and window_segments:
            languages.append(lang)
            language = language or lang  # keep one language across windows
        segments.extend(window_segments)
    if progress:
        progress(label, total_min, total_min)
    if not segments:
        raise SourceError(
            path, "no speech found (silence, music or noise only)" + (
                f"; {dropped} looping segments were cut" if dropped else ""),
            fix="check the recording, or give its subtitles with --subtitles",
        )
    lang = max(set(languages), key=languages.count) if languages else language
    return Transcript(segments, lang, duration, dropped, resumed)
