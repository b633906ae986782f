"""Audio out of any media file (ffmpeg's libraries, through PyAV), and checkpoint windows.

Usage::

    info = probe(Path("lecture.mp4"))
    info.duration, info.has_audio, info.codec
    # -> (3725.4, True, 'aac')
    audio = load_audio(Path("lecture.mp4"))          # 16 kHz mono float32
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from docent.errors import SourceError
from docent.speech.base import SAMPLE_RATE

__all__ = ["MediaInfo", "probe", "load_audio", "plan_windows", "to_wav_bytes"]


@dataclass
class MediaInfo:
    duration: float | None
    has_audio: bool
    codec: str | None
    title: str | None


def probe(path: Path) -> MediaInfo:
    """Streams and duration of a media file; one clear error for unreadable containers."""
    import av

    try:
        with av.open(str(path)) as container:
            audio = container.streams.audio
            duration = container.duration / 1_000_000 if container.duration else None
            title = (container.metadata or {}).get("title")
            codec = audio[0].codec_context.name if audio else None
            return MediaInfo(duration, bool(audio), codec, title)
    except av.error.FFmpegError as exc:
        raise SourceError(
            path, f"not a readable media file ({exc.strerror or exc})",
            fix="check that the file is complete; re-export it as .mp4 or .wav",
        ) from exc


def load_audio(path: Path) -> np.ndarray:
    """The first audio stream as 16 kHz mono float32 samples."""
    import av
    from faster_whisper.audio import decode_audio

    info = probe(path)
    if not info.has_audio:
        raise SourceError(path, "the file has no audio stream",
                          fix="give the recording with sound, or its subtitles with --subtitles")
    try:
        audio = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except (av.error.FFmpegError, ValueError, IndexError) as exc:
        raise SourceError(
            path, f"cannot decode its audio ({info.codec or 'unknown'} codec: {exc})",
            fix="convert it, e.g. ffmpeg -i IN -ac 1 -ar 16000 OUT.wav",
        ) from exc
    if audio.size == 0:
        raise SourceError(path, "the audio stream is empty")
    return audio.astype(np.float32, copy=False)


def plan_windows(audio: np.ndarray, window: float, search: float = 20.0) -> list[tuple[int, int]]:
    """Cut ``audio`` into about ``window``-second pieces at its quietest moments.

    Each cut is placed at the quietest 0.25 s frame within ``search`` seconds before the nominal
    boundary, so words are rarely split; the plan depends only on the audio (resumable).
    """
    n = len(audio)
    step = int(window * SAMPLE_RATE)
    frame = SAMPLE_RATE // 4
    cuts = [0]
    while n - cuts[-1] > step + step // 4:
        nominal = cuts[-1] + step
        lo = max(cuts[-1] + step // 2, nominal - int(search * SAMPLE_RATE))
        frames = (nominal - lo) // frame
        if frames <= 0:
            cuts.append(nominal)
            continue
        energy = np.square(audio[lo : lo + frames * frame]).reshape(frames, frame).mean(axis=1)
        cuts.append(lo + int(np.argmin(energy)) * frame + frame // 2)
    cuts.append(n)
    return list(zip(cuts[:-1], cuts[1:]))


def to_wav_bytes(audio: np.ndarray) -> bytes:
    """16-bit PCM WAV of float32 samples, for endpoints that take a file."""
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()
