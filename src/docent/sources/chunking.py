"""Sentence-aware chunking shared by the document parsers.

Passages hold about 150-300 tokens (CJK characters and Latin words, see
:func:`docent.text.count_tokens`), end at sentence boundaries (。！？； and . ! ?) and overlap
their neighbour by a sentence or two. A passage never crosses a :class:`Segment` boundary, so its
locator (page, heading) stays exact::

    >>> from docent.types import Locator
    >>> text = "First sentence. " * 200
    >>> ps = chunk_segments(text, [Segment(0, len(text), Locator(page=1))])
    >>> all(text[p.char_start:p.char_end] == p.text for p in ps)
    True
"""

from __future__ import annotations

from dataclasses import dataclass

from docent.sources.base import Segment
from docent.text import count_tokens, sentence_spans
from docent.types import Locator, Passage

__all__ = ["ChunkSpec", "chunk_segments"]


@dataclass(frozen=True)
class ChunkSpec:
    target: int = 220  # tokens a passage aims for
    maximum: int = 300  # never more, unless one sentence alone is longer than this
    overlap: int = 40  # tokens of trailing sentences repeated at the start of the next passage
    min_tail: int = 60  # a last passage shorter than this is merged into the one before


def _split_long(text: str, s: int, e: int, maximum: int) -> list[tuple[int, int]]:
    """Cut one over-long sentence at whitespace (or anywhere, for CJK) into <= maximum tokens."""
    pieces: list[tuple[int, int]] = []
    start = s
    while start < e:
        lo, hi = start + 1, e
        # binary search the longest prefix within the limit
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if count_tokens(text[start:mid]) <= maximum:
                lo = mid
            else:
                hi = mid - 1
        cut = lo
        if cut < e:
            space = text.rfind(" ", start + 1, cut)
            if space > start + (cut - start) // 2:
                cut = space
        pieces.append((start, cut))
        start = cut
        while start < e and text[start].isspace():
            start += 1
    return pieces


def _units(text: str, seg: Segment, spec: ChunkSpec) -> list[tuple[int, int, int]]:
    units: list[tuple[int, int, int]] = []
    for s, e in sentence_spans(text, seg.start, seg.end):
        n = count_tokens(text[s:e])
        if n > spec.maximum:
            for ps, pe in _split_long(text, s, e, spec.maximum):
                units.append((ps, pe, count_tokens(text[ps:pe])))
        else:
            units.append((s, e, n))
    return units


def chunk_segments(
    text: str, segments: list[Segment], spec: ChunkSpec | None = None, *, first_chunk: int = 1
) -> list[Passage]:
    """Cut ``segments`` of ``text`` into passages; ``Locator.chunk`` numbers them from 1."""
    spec = spec or ChunkSpec()
    passages: list[Passage] = []
    for seg in segments:
        units = _units(text, seg, spec)
        groups: list[list[tuple[int, int, int]]] = []
        i = 0
        while i < len(units):
            group = [units[i]]
            total = units[i][2]
            j = i + 1
            while j < len(units) and total < spec.target and total + units[j][2] <= spec.maximum:
                group.append(units[j])
                total += units[j][2]
                j += 1
            groups.append(group)
            if j >= len(units):
                break
            # step back over trailing sentences to form the overlap, but always move forward
            back, k = 0, j
            while k - 1 > i + 1 - 1 and back + units[k - 1][2] <= spec.overlap and k - 1 > i:
                k -= 1
                back += units[k][2]
            i = max(k, i + 1)
        if len(groups) > 1 and sum(u[2] for u in groups[-1]) < spec.min_tail:
            tail = groups.pop()
            last = groups[-1]
            merged = last + [u for u in tail if u[0] >= last[-1][1]]
            if sum(u[2] for u in merged) <= spec.maximum + spec.min_tail:
                groups[-1] = merged
            else:
                groups.append(tail)
        for group in groups:
            s, e = group[0][0], group[-1][1]
            loc = seg.locator.model_copy(update={"chunk": first_chunk + len(passages)})
            passages.append(
                Passage(
                    ordinal=len(passages),
                    text=text[s:e],
                    locator=loc,
                    char_start=s,
                    char_end=e,
                    role=seg.role,
                )
            )
    return passages


def locator_for(page: int | None = None, section: str | None = None) -> Locator:
    return Locator(page=page, section=section)
