"""Evidence alignment: which sentences of the cited passage(s) a claim is about, and which
passages of a citation's pool are closest to it. The one claim-against-text scorer of the
checks (the judge's evidence, the rewrite's evidence, the passages a page-level citation is
judged against)::

    chosen, best = EvidenceSelector(embedder, k=3).select(claim, passages)
    select_evidence("ALCE has three datasets.", passages, k=2)   # the best two sentences
    best_passages("ALCE has three datasets.", passages, None, k=1)  # [index of the closest]

Lexical: IDF-weighted share of the claim's terms a sentence contains (IDF over the sentences
themselves, so words common on the page count little). Dense, with an embedder: multilingual
embedding similarity, so a Chinese claim finds its English evidence.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from docent.index import tokenize
from docent.text import detect_language, sentence_spans

if TYPE_CHECKING:
    from docent.index import Embedder

__all__ = ["EvidenceSelector", "Sentence", "best_passages", "cross_lingual", "select_evidence"]




@dataclass
class Sentence:
    text: str
    passage: int  # index into the passages
    order: int  # position in the concatenated passages
    score: float = 0.0


def _split(passages: list[str], max_chars: int) -> list[Sentence]:
    out: list[Sentence] = []
    for p, text in enumerate(passages):
        for s, e in sentence_spans(text):
            piece = re.sub(r"\s+", " ", text[s:e]).strip()
            if not piece:
                continue
            # very long "sentences" (tables, run-on extraction) are cut into windows
            while len(piece) > max_chars:
                cut = piece.rfind(" ", max_chars // 2, max_chars)
                cut = cut if cut > 0 else max_chars
                out.append(Sentence(piece[:cut].strip(), p, len(out)))
                piece = piece[cut:].strip()
            if piece:
                out.append(Sentence(piece, p, len(out)))
    return out


def _number_terms(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:[.,]\d+)*", text))


class EvidenceSelector:
    """Scores the sentences of the cited passage(s) against a claim and keeps the best ones.

    Lexical: IDF-weighted share of the claim's terms that a sentence contains (IDF over the
    sentences themselves, so words common on the page count little). Dense (when an embedder is
    given): cosine of multilingual embeddings, computed for the lexical top ``dense_pool``
    sentences -- or for all of them (up to ``dense_max``) when the claim's language differs
    from the passage's, where words cannot match.
    """

    def __init__(self, embedder: Embedder | None = None, *, k: int = 6,
                 max_chars: int = 320, dense_weight: float = 1.0, dense_pool: int = 16,
                 dense_max: int = 48) -> None:
        self.embedder = embedder
        self.k = k
        self.max_chars = max_chars
        self.dense_weight = dense_weight
        self.dense_pool = dense_pool
        self.dense_max = dense_max

    def score(self, claim: str, passages: list[str]) -> list[Sentence]:
        return self._score(claim, passages)[0]

    def _score(self, claim: str, passages: list[str]) -> tuple[list[Sentence], float, float]:
        """Scored sentences, and the claim's lexical coverage by the best sentence and by all."""
        sents = _split(passages, self.max_chars)
        if not sents:
            return [], 0.0, 0.0
        claim_terms = set(tokenize(claim)) | _number_terms(claim)
        bags = [set(tokenize(s.text)) | _number_terms(s.text) for s in sents]
        df = Counter(t for bag in bags for t in bag if t in claim_terms)
        n = len(sents)
        idf = {t: math.log(1 + (n + 1) / (df.get(t, 0) + 0.5)) for t in claim_terms}
        total = sum(idf.values()) or 1.0
        for s, bag in zip(sents, bags):
            s.score = sum(idf[t] for t in claim_terms & bag) / total
        cov_best = max(s.score for s in sents)
        cov_all = len([t for t in claim_terms if df.get(t)]) / max(len(claim_terms), 1)
        if self.embedder is not None and n > 1:
            cross = cross_lingual(claim, passages)
            lexical_top = sorted(range(n), key=lambda i: -sents[i].score)[: self.dense_pool]
            # across languages words cannot match: embed every sentence (up to dense_max)
            pool = sorted(set(range(min(n, self.dense_max))) | set(lexical_top)) if cross \
                else lexical_top
            q = self.embedder.embed_query(claim)
            sims = self.embedder.embed_passages([sents[i].text for i in pool]) @ q
            # e5 cosines sit in a narrow band (~0.7-0.9): standardise them over the pool
            sims = (sims - sims.mean()) / (sims.std() + 1e-6) if len(pool) > 2 else sims * 0
            weight = self.dense_weight * (3.0 if cross else 1.0)
            for i, sim in zip(pool, sims):
                sents[i].score += weight * 0.15 * float(sim)
        return sents, cov_best, cov_all

    def select(self, claim: str, passages: list[str]) -> tuple[list[Sentence], Sentence | None]:
        """The ``k`` best sentences in document order, and the single best one."""
        chosen, best, _, _ = self.select_with_coverage(claim, passages)
        return chosen, best

    def select_with_coverage(self, claim: str, passages: list[str]):
        sents, cov_best, cov_all = self._score(claim, passages)
        if not sents:
            return [], None, 0.0, 0.0
        ranked = sorted(sents, key=lambda s: -s.score)
        chosen = sorted(ranked[: self.k], key=lambda s: s.order)
        return chosen, ranked[0], cov_best, cov_all


def select_evidence(claim: str, passages: list[str], embedder: Embedder | None = None,
                    k: int = 6) -> list[str]:
    """The ``k`` sentences of ``passages`` most relevant to ``claim``, best first."""
    sents = EvidenceSelector(embedder, k=k).score(claim, passages)
    return [s.text for s in sorted(sents, key=lambda s: -s.score)[:k]]


def cross_lingual(claim: str, passages: list[str]) -> bool:
    lang = detect_language(claim)
    return any(detect_language(p) not in (lang, "und") for p in passages[:8])


def best_passages(claim: str, passages: list[str], embedder: Embedder | None,
                  k: int = 3) -> list[int]:
    """The indices of the ``k`` passages closest to ``claim`` (term overlap, plus embedding
    similarity with an embedder), best first; all of them when there are no more than ``k``.

    >>> best_passages("ALCE has three datasets", ["A cat.", "ALCE has three datasets."],
    ...               None, k=1)
    [1]
    """
    if len(passages) <= k:
        return list(range(len(passages)))
    terms = set(tokenize(claim))
    scores = np.array([len(terms & set(tokenize(p))) / max(len(terms), 1) for p in passages])
    if embedder is not None:
        q = embedder.embed_query(claim)
        scores = scores + embedder.embed_passages([p[:1500] for p in passages]) @ q
    return [int(i) for i in np.argsort(-scores, kind="stable")[:k]]
