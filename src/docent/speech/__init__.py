"""Speech recognition for media sources: providers, audio extraction, loop guard, checkpoints."""

from docent.speech.audio import MediaInfo, load_audio, plan_windows, probe
from docent.speech.base import (
    SAMPLE_RATE,
    Utterance,
    Transcriber,
    get_transcriber,
    register_transcriber,
)
from docent.speech.guard import clean_segments, is_degenerate
from docent.speech.transcribe import Transcript, transcribe_media

__all__ = [
    "SAMPLE_RATE",
    "MediaInfo",
    "Utterance",
    "Transcriber",
    "Transcript",
    "clean_segments",
    "get_transcriber",
    "is_degenerate",
    "load_audio",
    "plan_windows",
    "probe",
    "register_transcriber",
    "transcribe_media",
]
