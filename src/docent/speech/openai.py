"""Any OpenAI-compatible ``POST {base}/audio/transcriptions`` endpoint (OpenAI, Groq,
a faster-whisper or whisper.cpp server...): ``DOCENT_ASR=openai DOCENT_ASR_BASE_URL=...``."""

from __future__ import annotations

import numpy as np

from docent.config import Settings
from docent.errors import ConfigError
from docent.openai_compat import Endpoint, translate_error
from docent.speech.audio import to_wav_bytes
from docent.speech.base import Utterance, register_transcriber

__all__ = ["OpenAITranscriber"]


class OpenAITranscriber:
    def __init__(self, settings: Settings) -> None:
        if not settings.asr_base_url:
            raise ConfigError("DOCENT_ASR=openai needs DOCENT_ASR_BASE_URL",
                              fix="e.g. DOCENT_ASR_BASE_URL=https://api.openai.com/v1")
        key = settings.asr_api_key.get_secret_value() if settings.asr_api_key else None
        self.endpoint = Endpoint(settings.asr_base_url, what="transcription",
                                 setting="DOCENT_ASR", api_key=key, timeout=settings.asr_timeout)
        self.url = self.endpoint.url("audio/transcriptions")
        self.model = settings.asr_model
        self.name = f"openai/{self.endpoint.base_url}/{self.model}"

    def transcribe(
        self, audio: np.ndarray, *, language: str | None = None
    ) -> tuple[list[Utterance], str | None]:
        data = {"model": self.model, "response_format": "verbose_json",
                "timestamp_granularities[]": "segment"}
        if language:
            data["language"] = language
        files = {"file": ("audio.wav", to_wav_bytes(audio), "audio/wav")}
        body = self.endpoint.post_form("audio/transcriptions", data, files)
        try:
            segments = [
                Utterance(float(s["start"]), float(s["end"]), str(s["text"]).strip())
                for s in body.get("segments") or []
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise translate_error(exc, self.url, what="transcription",
                                  setting="DOCENT_ASR") from exc
        if not segments and str(body.get("text", "")).strip():
            segments = [Utterance(0.0, len(audio) / 16_000, str(body["text"]).strip())]
        lang = body.get("language")
        return segments, _iso(lang) if lang else language


_NAMES = {"english": "en", "chinese": "zh", "japanese": "ja", "french": "fr", "german": "de",
          "spanish": "es", "korean": "ko", "russian": "ru", "portuguese": "pt", "italian": "it"}


def _iso(lang: str) -> str:
    return _NAMES.get(lang.lower(), lang.lower())


register_transcriber("openai", OpenAITranscriber, default=True)
