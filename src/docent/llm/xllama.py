"""llama.cpp in-process through xllamacpp's prebuilt wheel (no compiler), running a GGUF model.

xllamacpp embeds llama.cpp's own server engine: requests go to it as dictionaries, in process
(:meth:`xllamacpp.Server.handle_chat_completions`), and it also listens on a private
127.0.0.1 port, guarded by a random key, for what it answers only over HTTP (tokenizing and
the chat template). What the judge needs, read from llama.cpp's own probabilities:

* ``P(Yes)``: one generated token with ``n_probs`` top log-probabilities;
* the log-probability of each token of a span of the prompt: the prompt up to the span, then
  the span itself forced token by token (a grammar of the span's own token ids, so the
  tokens are exactly the prompt's), reading each forced token's log-probability, which the
  engine computes from the raw logits before any sampler.

Prompt caching is the engine's: a request shares the KV cache of the longest prefix it has
in common with the last one, and prefixes evicted by other requests (the writer's, between
two judgements) come back from its RAM cache instead of being evaluated again.

Usage::

    model = XLlamaModel(resolve_gguf("qwen2.5-coder-0.5b", models_dir), n_ctx=2048)
    model.complete([Message("user", "2+3?")], max_tokens=8).text
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from pathlib import Path

from docent.errors import ModelError
from docent.llm.base import ChatModel, Completion, Message, TokenCallback, TokenScores

__all__ = ["XLlamaModel"]

# how many top log-probabilities the answer token reports: the answers' spellings ("Yes",
# "yes", "No", ...) are among the top few whenever the question is put to the model
_TOP = 40
# and, in turn, until a byte token of a split character is among them (the engine reports
# none of its own): the last asks for the whole vocabulary
_TOPS_SPAN = (2000, 40000, 1 << 20)


class _Engine:
    """One loaded model: the xllamacpp server and its private HTTP address."""

    def __init__(self, path: Path, n_ctx: int, threads: int) -> None:
        try:
            import xllamacpp as xlc
        except ImportError as exc:
            raise ModelError("xllamacpp is not installed",
                             fix="pip install xllamacpp") from exc
        params = xlc.CommonParams()
        params.model.path = str(path)
        params.n_ctx = n_ctx
        params.n_parallel = 1
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.warmup = False
        params.verbosity = -1
        params.hostnames = ["127.0.0.1"]
        params.port = 0  # a free port, chosen by the system
        params.n_threads_http = 1
        self.key = secrets.token_urlsafe(24)
        params.api_keys = [self.key]
        try:
            self.server = xlc.Server(params)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"{path}: cannot load the model ({exc})",
                             fix="check that it is a GGUF file llama.cpp supports") from exc
        import httpx

        # one connection for the engine's tokenizer and template, not one a request
        self.http = httpx.Client(base_url=self.server.listening_address.rstrip("/"),
                                 timeout=60, headers={"Authorization": f"Bearer {self.key}"})
        self.lock = threading.Lock()  # one request at a time, as the compiled provider
        self.answer_ids: dict[tuple[str, ...], list[int]] = {}
        self._filler: int | None = None

    def filler(self) -> int:
        """A token that is a whole character ("a"), to force where only the top
        log-probabilities of a position are wanted."""
        if self._filler is None:
            self._filler = self.tokenize("a", special=False)[0]
        return self._filler

    def post(self, path: str, body: dict) -> dict:
        import httpx

        try:
            r = self.http.post(path, json=body)
            r.raise_for_status()
        except httpx.HTTPError as exc:
            raise ModelError(f"llama.cpp (xllamacpp) {path}: {exc}") from exc
        return r.json()

    def tokenize(self, text: str, *, special: bool) -> list[int]:
        if not text:
            return []
        return self.post("/tokenize", {"content": text, "add_special": False,
                                       "parse_special": special})["tokens"]

    def template(self, messages: list[Message]) -> str:
        """``messages`` through the model's own chat template, ready for the reply."""
        return self.post("/apply-template", {
            "messages": [{"role": m.role, "content": m.content} for m in messages]})["prompt"]

    def complete(self, request: dict, *, chat: bool) -> dict:
        handle = self.server.handle_chat_completions if chat else self.server.handle_completions
        with self.lock:
            out = handle(request)
        return _checked(out)


def _checked(out) -> dict:
    if not isinstance(out, dict):
        raise ModelError(f"llama.cpp (xllamacpp): unexpected answer {str(out)[:200]}")
    if "error" in out and "choices" not in out:
        err = out["error"]
        message = err.get("message", err) if isinstance(err, dict) else err
        fix = "shorten the input or raise DOCENT_LLM_CTX" \
            if "context" in str(message).lower() or "exceed" in str(message).lower() else None
        raise ModelError(f"llama.cpp (xllamacpp): {message}", fix=fix)
    return out


class XLlamaModel(ChatModel):
    """A GGUF model on xllamacpp's prebuilt llama.cpp; the same model interface and
    capabilities as :class:`docent.llm.local.LlamaCppModel`."""

    _engines: dict[tuple[str, int, int], _Engine] = {}  # loaded weights, shared in a process
    _loading = threading.Lock()

    def __init__(self, gguf: Path, *, n_ctx: int = 8192, threads: int = 1,
                 label: str | None = None) -> None:
        super().__init__()
        self.path = gguf
        self.n_ctx = n_ctx
        self.threads = threads
        self.name = f"llama.cpp/{label or gguf.name}"

    def _engine(self) -> _Engine:
        key = (str(self.path), self.n_ctx, self.threads)
        with self._loading:
            if key not in self._engines:
                self._engines[key] = _Engine(self.path, self.n_ctx, self.threads)
            return self._engines[key]

    # -- capabilities (token probabilities), for the support judge --------------------------

    def token_scores(self, messages: list[Message], *, span: str | None = None,
                     answers: list[list[str]] | None = None) -> TokenScores | None:
        eng = self._engine()
        prompt = eng.template(messages)
        at = prompt.rfind(span) if span else -1
        span_lp: list[float] = []
        if at > 0:
            head = eng.tokenize(prompt[:at], special=True)
            body = eng.tokenize(span, special=True)
            tail = eng.tokenize(prompt[at + len(span):], special=True) if answers else []
            self._check_length(len(head) + len(body) + len(tail) + 1)
            if body:
                span_lp = self._forced(eng, head, body)
            tokens = head + body + tail
        else:
            tokens = eng.tokenize(prompt, special=True)
            self._check_length(len(tokens) + 1)
        probs: list[float] = []
        if answers:
            out = eng.complete({"prompt": tokens, "n_predict": 1, "n_probs": _TOP,
                                "temperature": 0.0, "cache_prompt": True}, chat=False)
            top = {t["id"]: t["logprob"] for t in _content(out)[0]["top_logprobs"]}
            mass = [sum(math.exp(top[i]) for i in self._first_ids(eng, a) if i in top)
                    for a in answers]
            total = sum(mass)
            probs = [x / total for x in mass] if total > 0 else [1.0 / len(answers)] * len(
                answers)
        return TokenScores(span=span_lp, answers=probs)

    @staticmethod
    def _forced(eng: _Engine, head: list[int], body: list[int]) -> list[float]:
        """``log P(body[i] | head, body[:i])`` for each token of ``body``: the body generated
        after ``head`` under a grammar that allows exactly its tokens.

        A character that the tokenizer splits into byte tokens (a rare one, or a common one
        after a space: " 基") comes back from the engine as one entry, the probability of its
        last token; each earlier token of it is read from the log-probabilities at its own
        position (:func:`_logprob_at`).
        """
        grammar = "%llguidance {}\nstart: " + " ".join(f"<[{t}]>" for t in body)
        out = eng.complete({"prompt": head, "n_predict": len(body), "n_probs": 1,
                            "temperature": 0.0, "grammar": grammar, "cache_prompt": True},
                           chat=False)
        lp: list[float | None] = [None] * len(body)
        j = 0
        for entry in _content(out):
            while j < len(body) and body[j] != entry["id"]:
                j += 1  # held back with the tokens that complete its character
            if j == len(body):
                raise ModelError("llama.cpp (xllamacpp): the forced span came back altered")
            lp[j] = float(entry["logprob"])
            j += 1
        for i in (i for i, v in enumerate(lp) if v is None):
            lp[i] = _logprob_at(eng, head + body[:i], body[i])
        return [float(v) for v in lp]

    def _first_ids(self, eng: _Engine, spellings: list[str]) -> list[int]:
        key = tuple(spellings)
        if key not in eng.answer_ids:
            ids = {t[0] for w in spellings if (t := eng.tokenize(w, special=False))}
            eng.answer_ids[key] = sorted(ids)
        return eng.answer_ids[key]

    def _check_length(self, n: int) -> None:
        if n >= self.n_ctx:
            raise ModelError(f"prompt of {n} tokens exceeds the context window",
                             fix="raise DOCENT_LLM_CTX")

    # -- chat ----------------------------------------------------------------------------------

    def _complete(self, messages: list[Message], *, max_tokens: int, temperature: float,
                  json_schema: dict | None, stop: list[str] | None,
                  on_token: TokenCallback | None, seed: int | None,
                  repeat_penalty: float = 1.0) -> Completion:
        eng = self._engine()
        request: dict = {
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "max_tokens": max_tokens, "temperature": temperature, "stop": stop or [],
            "repeat_penalty": repeat_penalty, "cache_prompt": True,
        }
        if seed is not None:
            request["seed"] = seed
        if json_schema is not None:
            request["response_format"] = {"type": "json_object", "schema": json_schema}
        start = time.perf_counter()
        if on_token is None:
            out = eng.complete(request, chat=True)
            choice = out["choices"][0]
            usage = out.get("usage") or {}
            return Completion(
                text=choice["message"].get("content") or "", model=self.name,
                prompt_tokens=usage.get("prompt_tokens", 0),
                completion_tokens=usage.get("completion_tokens", 0),
                seconds=time.perf_counter() - start, finish_reason=choice.get("finish_reason"),
            )
        parts: list[str] = []
        state: dict = {"finish": None, "usage": {}, "error": None}

        def chunk(data) -> bool:
            if isinstance(data, dict) and "error" in data and "choices" not in data:
                state["error"] = data
                return True
            for choice in (data or {}).get("choices") or []:
                piece = (choice.get("delta") or {}).get("content") or ""
                if piece:
                    parts.append(piece)
                    on_token(piece)
                state["finish"] = choice.get("finish_reason") or state["finish"]
            if (data or {}).get("usage"):
                state["usage"] = data["usage"]
            return False

        request["stream"] = True
        request["stream_options"] = {"include_usage": True}
        with eng.lock:
            eng.server.handle_chat_completions(request, chunk)
        if state["error"] is not None:
            _checked(state["error"])
        usage = state["usage"]
        text = "".join(parts)
        return Completion(
            text=text, model=self.name, prompt_tokens=usage.get("prompt_tokens", 0),
            completion_tokens=usage.get("completion_tokens", 0),
            seconds=time.perf_counter() - start, finish_reason=state["finish"],
        )


def _logprob_at(eng: _Engine, prompt: list[int], token: int) -> float:
    """``log P(token | prompt)``, read from the top log-probabilities after ``prompt`` (a
    whole-character token is forced there, so that the engine reports them), fetching more
    of them until ``token`` is among them."""
    grammar = f"%llguidance {{}}\nstart: <[{eng.filler()}]>"
    lowest = 0.0
    for k in _TOPS_SPAN:
        out = eng.complete({"prompt": prompt, "n_predict": 1, "n_probs": k, "temperature": 0.0,
                            "cache_prompt": True, "grammar": grammar}, chat=False)
        top = _content(out)[0]["top_logprobs"]
        for t in top:
            if t["id"] == token:
                return float(t["logprob"])
        lowest = min((float(t["logprob"]) for t in top), default=lowest)
        if len(top) < k:
            break  # the whole vocabulary, and not in it
    return lowest


def _content(out: dict) -> list[dict]:
    try:
        return out["choices"][0]["logprobs"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise ModelError("llama.cpp (xllamacpp): no token probabilities in its answer") from exc
