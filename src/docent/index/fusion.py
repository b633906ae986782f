"""Reciprocal rank fusion of ranked lists (Cormack et al. 2009).

>>> fuse({"lexical": [1, 2, 3], "dense": [3, 1]}, k=60)[0][0]
1
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["fuse"]


def fuse(
    ranked: Mapping[str, Sequence[int]],
    *,
    k: int = 60,
    weights: Mapping[str, float] | None = None,
) -> list[tuple[int, float, dict[str, int]]]:
    """``(id, fused score, {list name: 1-based rank})`` best first.

    Each list contributes ``weight / (k + rank)``; ties keep the first list's order.
    """
    weights = weights or {}
    scores: dict[int, float] = {}
    ranks: dict[int, dict[str, int]] = {}
    for name, ids in ranked.items():
        w = weights.get(name, 1.0)
        for rank, item in enumerate(ids, start=1):
            if name in ranks.get(item, {}):
                continue
            scores[item] = scores.get(item, 0.0) + w / (k + rank)
            ranks.setdefault(item, {})[name] = rank
    order = sorted(scores, key=lambda i: -scores[i])
    return [(i, scores[i], ranks[i]) for i in order]
