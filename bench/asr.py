"""Speech recognition speed on this machine (prints; asserts nothing).

    .venv/bin/python bench/asr.py [--minutes 10] [--keep DIR]

Speaks an English script about the ALCE paper with espeak-ng (about --minutes long), muxes it
into an .mp4 with a still black picture (imageio-ffmpeg), then times Docent's real media path,
``transcribe_media`` (PyAV decode + VAD + embedded Whisper base + guard), end to end. Model
assembly and load are timed separately, before. Prints the real-time factor (audio seconds per
wall second), script words recognised, peak memory and the core count.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

from docent.config import Settings
from docent.speech.audio import load_audio
from docent.speech.base import SAMPLE_RATE, get_transcriber
from docent.speech.transcribe import transcribe_media

ROOT = Path(__file__).resolve().parents[1]

WPM = 146  # espeak-ng en-us at -s 160, pauses included (measured); recalibrated per run

OPENERS = ["", "In the paper, ", "Notably, ", "As the authors explain, ", "In practice, ",
           "According to the study, ", "Put simply, "]
FACTS = [
    "large language models often produce fluent answers that contain factual errors",
    "the benchmark asks a model to write answers that cite their supporting passages",
    "each statement in a response should be backed by at least one citation",
    "citation recall checks whether every statement is fully supported by its citations",
    "citation precision identifies citations that are irrelevant to the statement",
    "a natural language inference model judges whether a passage entails a claim",
    "the evaluation relies on automatic metrics that correlate well with human judgement",
    "fluency is measured with the MAUVE score, which compares generated and human text",
    "correctness is measured differently for each of the three datasets",
    "the first dataset contains ambiguous factoid questions with several valid answers",
    "the second dataset asks for lists of entities, such as films by a given director",
    "the third dataset comes from a forum where people ask for simple explanations",
    "long explanatory answers are much harder to verify than short factoid answers",
    "the retriever searches a large collection of Wikipedia passages for each question",
    "for the forum questions the passages come from a large web corpus",
    "dense retrieval encodes questions and passages into vectors and compares them",
    "a sparse retriever matches words directly and works well on rare names",
    "the model reads the top five passages and writes an answer with bracketed citations",
    "better retrieval improves both correctness and citation quality",
    "even the strongest models fail to fully support about half of their statements",
    "summarising the passages first lets the model see more documents in its context",
    "another approach shows short snippets instead of whole passages",
    "interactive prompting lets the model request the full text of a passage when needed",
    "reranking several sampled answers by citation recall gives a clear improvement",
    "post hoc citation adds references after the answer has already been written",
    "post hoc methods reach lower citation quality than citing while generating",
    "longer context windows help, but models still struggle to use many documents",
    "open models trail the best proprietary models on citation precision",
    "human evaluation confirms that the automatic scores rank systems sensibly",
    "the authors release their data, prompts and evaluation code for others to use",
    "a good answer must be correct, fluent and verifiable at the same time",
    "recall of the gold answers rises when the retrieved passages contain them",
    "the exact match recall metric counts short answers that appear in the response",
    "claim recall uses an inference model to check sub claims of a long answer",
    "in-context examples teach the model the expected citation format",
    "when a passage is missing the answer, the model tends to guess without support",
    "future work should improve retrieval and teach models to admit uncertainty",
    "the study suggests that citations make language model answers easier to trust",
    "readers can follow each citation and check the source for themselves",
    "the framework turns a vague goal into a measurable and reproducible benchmark",
]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("-", " "))


def script(n_words: int) -> str:
    """Distinct sentences (fact x opener), cycled until ``n_words`` are written."""
    out: list[str] = []
    count, i = 0, 0
    while count < n_words:
        opener, fact = OPENERS[i % len(OPENERS)], FACTS[i % len(FACTS)]
        sentence = opener + (fact if opener else fact[0].upper() + fact[1:]) + "."
        out.append(sentence)
        count += len(sentence.split())
        i += 1
    return "\n".join(out) + "\n"


def speak(folder: Path, minutes: float) -> tuple[Path, str, float]:
    """Write script.txt and speech.wav about ``minutes`` long; return the wav, text, seconds."""
    n_words = round(minutes * WPM)
    for _ in range(3):  # recalibrate the word count if espeak-ng speaks at another pace
        text = script(n_words)
        (folder / "script.txt").write_text(text, encoding="utf-8")
        wav = folder / "speech.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(wav),
                        "-f", str(folder / "script.txt")], check=True)
        with wave.open(str(wav)) as w:
            seconds = w.getnframes() / w.getframerate()
        if abs(seconds - minutes * 60) <= 0.05 * minutes * 60:
            break
        n_words = round(n_words * minutes * 60 / seconds)
    return wav, text, seconds


def mux(wav: Path, mp4: Path) -> None:
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error",
                    "-f", "lavfi", "-i", "color=c=black:s=320x240:r=2", "-i", str(wav),
                    "-shortest", "-c:v", "libx264", "-tune", "stillimage", "-c:a", "aac",
                    str(mp4)], check=True)


def bench(folder: Path, minutes: float) -> None:
    wav, text, seconds = speak(folder, minutes)
    mp4 = folder / "speech.mp4"
    mux(wav, mp4)
    print(f"recording: {seconds / 60:.1f} audio minutes, {len(words(text))} script words "
          f"(espeak-ng en-us -s 160), muxed to {mp4.name} ({mp4.stat().st_size / 1e6:.1f} MB)")

    settings = Settings()
    t0 = time.perf_counter()
    transcriber = get_transcriber(settings)
    assembled = time.perf_counter() - t0
    t1 = time.perf_counter()
    transcriber.transcribe(load_audio(wav)[: 2 * SAMPLE_RATE], language=None)  # load + warm up
    loaded = time.perf_counter() - t1
    print(f"model: {transcriber.name}; get_transcriber {assembled:.2f} s, "
          f"load + 2 s warm-up {loaded:.2f} s (excluded below)")

    sha = hashlib.sha256(mp4.read_bytes()).hexdigest()
    t2 = time.perf_counter()
    transcript = transcribe_media(mp4, sha, None, settings, transcriber)
    wall = time.perf_counter() - t2
    heard = set(words(" ".join(s.text for s in transcript.segments)))
    said = words(text)
    recognised = sum(w in heard for w in said) / len(said)
    (folder / "transcript.txt").write_text(
        "\n".join(f"[{s.start:7.2f}-{s.end:7.2f}] {s.text}" for s in transcript.segments) + "\n",
        encoding="utf-8")
    print(f"transcribe_media (decode + VAD + recognition + guard): "
          f"{transcript.duration / 60:.1f} audio minutes in {wall:.1f} s wall = "
          f"{transcript.duration / wall:.1f}x real time (target >= 8x real time on 2 cores)")
    print(f"segments: {len(transcript.segments)} ({transcript.dropped} dropped by the guard), "
          f"language {transcript.language}; script words recognised: {100 * recognised:.1f} %")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--keep", type=Path, default=None,
                    help="keep the script, wav, mp4 and transcript in this folder")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        bench(args.keep, args.minutes)
    else:
        with tempfile.TemporaryDirectory() as d:
            bench(Path(d), args.minutes)
    print(f"peak memory: {peak_mb():.0f} MB (max RSS)")


if __name__ == "__main__":
    main()
