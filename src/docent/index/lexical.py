"""BM25 over :func:`docent.index.tokenize.tokenize` terms, with bm25s (sparse matrices).

>>> idx = LexicalIndex.build([11, 12], ["citation recall is measured", "多头注意力机制"])
>>> [pid for pid, _ in idx.search("注意力", 5)]
[12]
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from docent.index.tokenize import tokenize

__all__ = ["LexicalIndex"]

logging.getLogger("bm25s").setLevel(logging.WARNING)


class LexicalIndex:
    def __init__(self, ids: np.ndarray, bm25: bm25s.BM25 | None) -> None:
        self.ids = ids
        self.bm25 = bm25

    @classmethod
    def build(cls, ids: Sequence[int], texts: Sequence[str]) -> LexicalIndex:
        ids_arr = np.asarray(list(ids), dtype=np.int64)
        if len(ids_arr) == 0:
            return cls(ids_arr, None)
        corpus = [tokenize(t) or [""] for t in texts]
        bm25 = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
        bm25.index(corpus, show_progress=False)
        return cls(ids_arr, bm25)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """``(passage id, BM25 score)`` best first; passages sharing no term are left out."""
        if self.bm25 is None:
            return []
        vocab = self.bm25.vocab_dict
        terms = [vocab[t] for t in tokenize(query) if t in vocab]
        if not terms:
            return []
        scores = self.bm25.get_scores(terms)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self.ids[i]), float(scores[i])) for i in top if scores[i] > 0]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "ids.npy", self.ids)
        if self.bm25 is not None:
            self.bm25.save(str(folder / "bm25"), show_progress=False)
        (folder / "lexical.json").write_text(json.dumps({"empty": self.bm25 is None}))

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        ids = np.load(folder / "ids.npy")
        empty = json.loads((folder / "lexical.json").read_text())["empty"]
        bm25 = None if empty else bm25s.BM25.load(str(folder / "bm25"), mmap=False)
        return cls(ids, bm25)
