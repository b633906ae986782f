"""Any OpenAI-compatible ``POST {base}/audio/transcriptions`` endpoint (OpenAI, Groq,
a faster-whisper or whisper.cpp server...): ``DOCENT_ASR=openai DOCENT_ASR_BASE_URL=...``."""

from __future__ import annotations

import httpx
import numpy as np

from docent.config import Settings
from docent.errors import ConfigError, ModelError
from docent.speech.audio import to_wav_bytes
from docent.speech.base import Segment, register_transcriber

__all__ = ["OpenAITranscriber"]


class OpenAITranscriber:
    def __init__(self, settings: Settings) -> None:
        if not settings.asr_base_url:
            raise ConfigError("DOCENT_ASR=openai needs DOCENT_ASR_BASE_URL",
                              fix="e.g. DOCENT_ASR_BASE_URL=https://api.openai.com/v1")
        self.url = settings.asr_base_url.rstrip("/") + "/audio/transcriptions"
        self.model = settings.asr_model
        self.name = f"openai/{settings.asr_base_url.rstrip('/')}/{self.model}"
        headers = {}
        if settings.asr_api_key:
            headers["Authorization"] = f"Bearer {settings.asr_api_key.get_secret_value()}"
        self._client = httpx.Client(headers=headers, timeout=settings.asr_timeout)

    def transcribe(
        self, audio: np.ndarray, *, language: str | None = None
    ) -> tuple[list[Segment], str | None]:
        data = {"model": self.model, "response_format": "verbose_json",
                "timestamp_granularities[]": "segment"}
        if language:
            data["language"] = language
        files = {"file": ("audio.wav", to_wav_bytes(audio), "audio/wav")}
        try:
            response = self._client.post(self.url, data=data, files=files)
            response.raise_for_status()
            body = response.json()
        except httpx.ConnectError as exc:
            raise ModelError(f"{self.url}: transcription endpoint unreachable ({exc})",
                             fix="start the server or fix DOCENT_ASR_BASE_URL") from exc
        except httpx.HTTPStatusError as exc:
            raise ModelError(
                f"{self.url}: transcription failed with HTTP {exc.response.status_code}: "
                f"{exc.response.text[:200]}", fix="check DOCENT_ASR_MODEL and DOCENT_ASR_API_KEY",
            ) from exc
        except (httpx.HTTPError, ValueError) as exc:
            raise ModelError(f"{self.url}: bad transcription response ({exc})") from exc
        segments = [
            Segment(float(s["start"]), float(s["end"]), str(s["text"]).strip())
            for s in body.get("segments") or []
        ]
        if not segments and str(body.get("text", "")).strip():
            segments = [Segment(0.0, len(audio) / 16_000, str(body["text"]).strip())]
        lang = body.get("language")
        return segments, _iso(lang) if lang else language


_NAMES = {"english": "en", "chinese": "zh", "japanese": "ja", "french": "fr", "german": "de",
          "spanish": "es", "korean": "ko", "russian": "ru", "portuguese": "pt", "italian": "it"}


def _iso(lang: str) -> str:
    return _NAMES.get(lang.lower(), lang.lower())


register_transcriber("openai", OpenAITranscriber, default=True)
