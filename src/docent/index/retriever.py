"""Hybrid retrieval: BM25 and dense vectors fused by reciprocal rank.

Usage::

    from docent.index import Retriever
    retriever = Retriever(store, settings, get_embedder(settings))
    hits = retriever.search("引用的召回率和精确率", top=5)      # Chinese query, English paper
    hits[0].source.title, hits[0].passage.locator.label()

Both indexes are cached under ``<workspace>/cache/index`` and rebuilt when the workspace's
generation (bumped by every ingest) no longer matches.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence

import numpy as np

from docent.config import Settings
from docent.index.dense import DenseIndex, Embedder
from docent.index.fusion import fuse
from docent.index.lexical import LexicalIndex
from docent.progress import Progress
from docent.store import Store
from docent.types import PassageRole, SearchHit

__all__ = ["Retriever", "dense_text", "embed_texts", "ProgressFn"]

ProgressFn = Progress  # the former name of docent.progress.Progress


_NUMBER_RE = re.compile(r"(?<!\w)[-+]?\d[\d.,%]*(?!\w)")
_MARKUP_RE = re.compile(r"\\[A-Za-z]+|[|&\\$^_{}=<>*#~`\[\]()]+")


APPENDIX_LEAD_WORDS = 48


def dense_text(text: str, section: str | None, role: PassageRole | str = "body") -> str:
    """What gets embedded for a passage: its own heading, then its words.

    Bare numbers and markup (table cells, LaTeX, Markdown) are dropped: they cost the slow
    embedded model tokens and carry no meaning for it; BM25 still indexes them. Appendix
    passages (prompts, examples, extra tables) contribute only their lead.
    """
    heading = section.rsplit(" > ", 1)[-1] if section else ""
    words = _MARKUP_RE.sub(" ", _NUMBER_RE.sub(" ", text)).split()
    if PassageRole(role) is PassageRole.appendix:
        words = words[:APPENDIX_LEAD_WORDS]
    return f"{heading}\n{' '.join(words)}" if heading else " ".join(words)


def embed_texts(
    store: Store,
    embedder: Embedder,
    items: Sequence[tuple[str, str]],
    *,
    batch: int = 32,
    progress: Progress | None = None,
    label: str = "embedding",
) -> None:
    """Embed ``(sha, text)`` items not yet in the workspace's vector cache.

    Each batch is committed as soon as it is computed, so an interrupted run resumes where it
    stopped instead of embedding everything again.
    """
    have = store.cached_vectors(embedder.name, [sha for sha, _ in items])
    todo = list({sha: text for sha, text in items if sha not in have}.items())
    total = len(todo)
    if progress:
        progress(label, 0, total)
    for i in range(0, total, batch):
        part = todo[i : i + batch]
        vectors = embedder.embed_passages([text for _, text in part])
        store.put_vectors(embedder.name, zip([sha for sha, _ in part], vectors))
        if progress:
            progress(label, min(i + batch, total), total)


class Retriever:
    def __init__(self, store: Store, settings: Settings, embedder: Embedder | None) -> None:
        self.store = store
        self.settings = settings
        self.embedder = embedder
        self.folder = store.cache_dir / "index"
        self._lexical: LexicalIndex | None = None
        self._dense: DenseIndex | None = None

    # -- building --------------------------------------------------------------------------
    def _manifest(self) -> dict:
        return {
            "generation": self.store.generation(),
            "embedder": self.embedder.name if self.embedder else None,
            "format": 2,
        }

    def ensure(self, progress: Progress | None = None) -> None:
        """Load the cached indexes, or rebuild them if the workspace changed since."""
        if self._lexical is not None:
            return
        manifest = self._manifest()
        path = self.folder / "manifest.json"
        if path.exists():
            try:
                if json.loads(path.read_text()) == manifest:
                    self._lexical = LexicalIndex.load(self.folder)
                    self._dense = DenseIndex.load(self.folder) if self.embedder else None
                    return
            except (OSError, ValueError, KeyError):
                pass  # a damaged cache is rebuilt below
        self.rebuild(progress)

    def rebuild(self, progress: Progress | None = None) -> None:
        ids: list[int] = []
        texts: list[str] = []
        langs: dict[int, str] = {}
        for pid, text, section, language in self.store.iter_passage_texts():
            ids.append(pid)
            texts.append(f"{section}\n{text}" if section else text)
            langs[pid] = language or "und"
        if progress:
            progress("lexical index", 0, 1)
        lexical = LexicalIndex.build(ids, texts)
        if progress:
            progress("lexical index", 1, 1)
        dense = None
        if self.embedder is not None:
            missing = self.store.texts_missing_vectors(self.embedder.name)
            if missing:  # e.g. passages ingested while another embedder was configured
                embed_texts(
                    self.store, self.embedder,
                    [(sha, dense_text(text, section, role)) for sha, text, section, role in missing],
                    batch=self.settings.embed_batch, progress=progress,
                )
            dense_ids, matrix = self.store.passage_vectors(self.embedder.name)
            dense = DenseIndex(
                dense_ids, matrix,
                np.array([langs.get(int(i), "und") for i in dense_ids], dtype="<U8"),
            )
        shutil.rmtree(self.folder, ignore_errors=True)
        lexical.save(self.folder)
        if dense is not None:
            dense.save(self.folder)
        (self.folder / "manifest.json").write_text(json.dumps(self._manifest()))
        self._lexical, self._dense = lexical, dense

    # -- searching -------------------------------------------------------------------------
    def rank(self, query: str, top: int | None = None) -> list[tuple[int, float, dict[str, int]]]:
        """Fused ``(passage id, score, ranks)`` without loading passages (used by bench/)."""
        self.ensure()
        assert self._lexical is not None
        depth = self.settings.fusion_depth
        lists: dict[str, list[int]] = {
            "lexical": [pid for pid, _ in self._lexical.search(query, depth)]
        }
        if self.embedder is not None and self._dense is not None:
            qv = self.embedder.embed_query(query)
            lists["dense"] = [pid for pid, _ in self._dense.search_balanced(qv, depth)]
        fused = fuse(
            lists, k=self.settings.fusion_k, weights={"dense": self.settings.dense_weight}
        )
        return fused[: top or self.settings.search_top]

    def search(self, query: str, top: int | None = None) -> list[SearchHit]:
        ranked = self.rank(query, top)
        passages = self.store.passages_by_id(pid for pid, _, _ in ranked)
        sources = {}
        hits: list[SearchHit] = []
        for pid, score, ranks in ranked:
            passage = passages.get(pid)
            if passage is None:
                continue
            sid = passage.source_id
            if sid not in sources:
                sources[sid] = self.store.source(sid)
            hits.append(
                SearchHit(
                    passage=passage, source=sources[sid], score=score,
                    lexical_rank=ranks.get("lexical"), dense_rank=ranks.get("dense"),
                )
            )
        return hits


