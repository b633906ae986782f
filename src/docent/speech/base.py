"""Speech recognition behind one small interface, chosen by configuration (``DOCENT_ASR``).

Usage::

    from docent.speech import get_transcriber
    asr = get_transcriber(Settings())                 # embedded Whisper base, offline
    segments, language = asr.transcribe(audio_16k_mono, language=None)

Providers: ``whisper`` (faster-whisper in-process; the embedded Whisper base or any
CTranslate2 model folder in ``DOCENT_WHISPER_MODEL``) and ``openai`` (any OpenAI-compatible
``/v1/audio/transcriptions`` endpoint). Register more with :func:`register_transcriber`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from docent.registry import Registry

if TYPE_CHECKING:
    from docent.config import Settings

__all__ = [
    "SAMPLE_RATE", "TRANSCRIBERS", "Utterance", "Transcriber", "register_transcriber",
    "get_transcriber",
]

SAMPLE_RATE = 16_000


@dataclass
class Utterance:
    """A timed piece of speech, as a transcriber returns it."""

    start: float  # seconds from the start of the recording
    end: float
    text: str


class Transcriber(Protocol):
    name: str  # identity of the transcripts it makes (model, settings); keys the cache

    def transcribe(
        self, audio: np.ndarray, *, language: str | None = None
    ) -> tuple[list[Utterance], str | None]:
        """Segments of 16 kHz mono float32 ``audio`` (times relative to it) and the language."""
        ...


def _builtins() -> None:
    from docent.speech import local, openai  # noqa: F401 - built-ins register on import


#: Transcriber factories by name (``DOCENT_ASR``).
TRANSCRIBERS: Registry[Callable[[Settings], Transcriber]] = Registry(
    "speech recogniser", setting="DOCENT_ASR", builtins=_builtins)


def register_transcriber(name: str, factory: Callable[[Settings], Transcriber], *,
                         default: bool = False) -> None:
    TRANSCRIBERS.register(name, factory, default=default)


def get_transcriber(settings: Settings) -> Transcriber:
    return TRANSCRIBERS.get(settings.asr)(settings)
