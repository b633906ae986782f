"""Lecture video and audio with the real embedded Whisper base: spoken by espeak-ng."""

import shutil
import subprocess

import numpy as np
import pytest
from conftest import ffmpeg_exe, mux_mp4, run_cli, speak

from docent.config import Settings
from docent.errors import SourceError
from docent.ingest import IngestStatus, ingest
from docent.sources import ParseContext, parse
from docent.speech.local import FasterWhisperTranscriber
from docent.store import Store


@pytest.fixture(scope="module")
def media_ws(tmp_path_factory, speech_mp4):
    """The talk ingested once through the CLI with the embedded models."""
    ws = tmp_path_factory.mktemp("media-ws") / "ws"
    result = run_cli("ingest", str(speech_mp4), workspace=ws)
    assert result.returncode == 0, result.stderr
    return ws


def test_speech_is_recognised_with_increasing_timestamps(media_ws, speech_mp4):
    store = Store.open(media_ws)
    (source,) = store.sources()
    assert source.kind.value == "media" and source.title == "alce talk"
    assert 30 < source.duration < 120
    text = " ".join(p.text for p in store.passages(source.id)).lower()
    for term in ("citation", "precision", "recall", "retriev", "language model", "statement"):
        assert term in text, term
    passages = store.passages(source.id)
    starts = [p.locator.start for p in passages]
    assert starts == sorted(starts) and starts[0] >= 0
    assert all(p.locator.start < p.locator.end <= source.duration + 0.5 for p in passages)
    assert all(p.locator.end - p.locator.start <= 65 for p in passages)


def test_search_finds_the_spoken_passage_with_its_timestamp(media_ws):
    result = run_cli("search", "natural language inference entails", "-k", "1",
                     workspace=media_ws)
    assert result.returncode == 0
    first = result.stdout.splitlines()[0]
    assert "alce talk" in first and "00:" in first


def test_transcript_is_cached_and_not_recognised_again(media_ws, speech_mp4, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("recognised again")

    monkeypatch.setattr(FasterWhisperTranscriber, "transcribe", refuse)
    store = Store.open(media_ws)
    doc = parse(speech_mp4, ParseContext(settings=Settings(workspace=media_ws), store=store))
    assert doc.extra["resumed_windows"] >= 1 and "citation" in doc.text.lower()


def test_interrupted_transcription_resumes_at_the_next_window(tmp_path, speech_mp4, monkeypatch):
    settings = Settings(workspace=tmp_path / "ws", embedder="none", asr_window=30)
    store = Store.open(settings.workspace)
    real = FasterWhisperTranscriber.transcribe
    calls = []

    def dies_on_second_window(self, audio, language=None):
        calls.append(len(audio))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, audio, language=language)

    monkeypatch.setattr(FasterWhisperTranscriber, "transcribe", dies_on_second_window)
    with pytest.raises(KeyboardInterrupt):
        ingest([speech_mp4], store, settings, None)
    assert store.sources() == []  # nothing half-stored
    monkeypatch.setattr(FasterWhisperTranscriber, "transcribe", real)
    doc = parse(speech_mp4, ParseContext(settings=settings, store=store))
    assert doc.extra["resumed_windows"] == 1
    (result,) = ingest([speech_mp4], store, settings, None)
    assert result.status is IngestStatus.added and result.source.passage_count >= 1


def test_sidecar_subtitles_are_used_instead_of_recognition(tmp_path, speech_mp4, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("speech recognition should not run")

    monkeypatch.setattr(FasterWhisperTranscriber, "transcribe", refuse)
    folder = tmp_path / "lecture"
    folder.mkdir()
    shutil.copy(speech_mp4, folder / "talk.mp4")
    (folder / "talk.srt").write_text(
        "1\n00:00:00,000 --> 00:00:05,000\nSubtitles say the benchmark is ALCE.\n\n"
        "2\n00:00:05,000 --> 00:00:09,500\nCitation recall and precision are measured.\n",
        encoding="utf-8",
    )
    settings = Settings(workspace=tmp_path / "ws", embedder="none")
    store = Store.open(settings.workspace)
    results = ingest([folder], store, settings, None)
    assert [r.status for r in results] == [IngestStatus.added]  # the .srt is not a source alone
    (source,) = store.sources()
    assert source.kind.value == "media" and source.duration > 30
    (passage,) = store.passages(source.id)
    assert passage.text.startswith("Subtitles say") and passage.locator.label() == "00:00-00:09"


def test_subtitles_option_on_the_cli(tmp_path, speech_mp4):
    srt = tmp_path / "other-name.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:04,000\nGiven with the option.\n", encoding="utf-8")
    result = run_cli("ingest", str(speech_mp4), "--subtitles", str(srt),
                     workspace=tmp_path / "ws", env={"DOCENT_EMBEDDER": "none"})
    assert result.returncode == 0, result.stderr
    store = Store.open(tmp_path / "ws")
    (source,) = store.sources()
    assert store.passages(source.id)[0].text == "Given with the option."


def _lavfi(tmp_path, name, source, seconds=8):
    out = tmp_path / name
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-y", "-f", "lavfi", "-i", source,
                    "-t", str(seconds), str(out)], check=True, capture_output=True)
    return out


def test_bad_media_fails_one_line_each_and_others_are_ingested(tmp_path):
    silence = _lavfi(tmp_path, "silence.wav", "anullsrc=r=16000:cl=mono")
    video_only = tmp_path / "mute.mp4"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "color=c=black:s=160x120:r=2", "-t", "3", "-c:v", "libx264", str(video_only)],
                   check=True, capture_output=True)
    corrupt = tmp_path / "broken.mkv"
    corrupt.write_bytes(b"\x1aE\xdf\xa3" + bytes(np.random.default_rng(1).integers(0, 255, 4000,
                                                                                   dtype=np.uint8)))
    good = speak("Retrieval augmented generation cites its sources.", tmp_path / "short.wav")
    result = run_cli("ingest", str(silence), str(video_only), str(corrupt), str(good),
                     "https://www.youtube.com/watch?v=kCc8FmEb1nY",
                     workspace=tmp_path / "ws", env={"DOCENT_EMBEDDER": "none"})
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 4 and "Traceback" not in result.stderr, result.stderr
    joined = "\n".join(errors)
    assert "silence.wav: no speech found" in joined
    assert "mute.mp4: the file has no audio stream" in joined
    assert "broken.mkv: not a readable media file" in joined
    # offline: the video link's one line names it and says its page cannot be read
    assert "youtube.com/watch?v=kCc8FmEb1nY: cannot read the video page" in joined
    assert "added" in result.stdout and "short" in result.stdout
    store = Store.open(tmp_path / "ws")
    assert len(store.sources()) == 1


def test_noise_is_not_stored_as_speech(tmp_path):
    noise = _lavfi(tmp_path, "noise.wav", "anoisesrc=color=pink:amplitude=0.3:r=16000", 20)
    settings = Settings(workspace=tmp_path / "ws", embedder="none")
    store = Store.open(settings.workspace)
    try:
        doc = parse(noise, ParseContext(settings=settings, store=store))
    except SourceError as exc:
        assert "no speech found" in str(exc)
        return
    from docent.speech import is_degenerate

    assert not any(is_degenerate(p.text) for p in doc.passages)


def test_audio_only_formats(tmp_path, speech_mp4):
    m4a = tmp_path / "talk.m4a"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(speech_mp4), "-vn",
                    "-c:a", "aac", str(m4a)], check=True, capture_output=True)
    mkv = mux_mp4(speak("Short test.", tmp_path / "s.wav"), tmp_path / "s.mp4")
    assert mkv.exists()
    settings = Settings(workspace=tmp_path / "ws", embedder="none")
    doc = parse(m4a, ParseContext(settings=settings))
    assert doc.kind.value == "media" and "citation" in doc.text.lower()
