"""Cut Whisper's degenerate output: repetition loops and hallucinated filler.

On noise or music Whisper can loop ("the the the ...", one sentence twenty times). Such text
is detected and removed rather than stored:

>>> clean_segments([Utterance(0, 5, "Thank you. " * 12)])
([], 1)
>>> clean_segments([Utterance(0, 4, "Citation recall measures support.")])[0][0].text
'Citation recall measures support.'
"""

from __future__ import annotations

import re
import zlib

from docent.speech.base import Utterance

__all__ = ["is_degenerate", "clean_segments", "trim_repeats"]

_WORD_RE = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def _compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))


def trim_repeats(text: str, max_repeats: int = 3) -> str:
    """Keep at most ``max_repeats`` consecutive copies of any 1-8 word phrase."""
    words = text.split()
    for n in range(1, 9):
        out: list[str] = []
        i = 0
        while i < len(words):
            out.extend(words[i : i + n])
            j = i + n
            reps = 1
            while words[j : j + n] == words[i : i + n] and j + n <= len(words):
                reps += 1
                if reps <= max_repeats:
                    out.extend(words[j : j + n])
                j += n
            i = j
        words = out
    return " ".join(words)


def is_degenerate(text: str) -> bool:
    """True for looping or near-empty recogniser output."""
    stripped = text.strip()
    if not stripped:
        return True
    if len(stripped) > 60 and _compression_ratio(stripped) > 2.4:
        return True
    tokens = _WORD_RE.findall(stripped.lower())
    return len(tokens) >= 12 and len(set(tokens)) <= max(2, len(tokens) // 8)


def clean_segments(segments: list[Utterance], max_same: int = 2) -> tuple[list[Utterance], int]:
    """Drop degenerate segments and runs of identical ones; return the rest and how many went."""
    kept: list[Utterance] = []
    dropped = 0
    run = 0
    for seg in segments:
        if is_degenerate(seg.text):
            dropped += 1
            continue
        text = trim_repeats(seg.text.strip())
        if kept and text.lower() == kept[-1].text.lower():
            run += 1
            if run >= max_same:
                dropped += 1
                continue
        else:
            run = 0
        kept.append(Utterance(seg.start, seg.end, text))
    return kept, dropped
