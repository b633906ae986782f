"""Any OpenAI-compatible chat endpoint: OpenAI, DeepSeek, Qwen/DashScope, Ollama, vLLM,
llama.cpp server (``docent model-server``).
``DOCENT_LLM=openai DOCENT_LLM_BASE_URL=... DOCENT_LLM_MODEL=...``; the judge's own
``DOCENT_JUDGE_*`` settings, where set, take their place for it.

The judge's capability :meth:`OpenAIChatModel.token_scores` reads the answers' probabilities
from the ``top_logprobs`` of the reply's first token, where the endpoint returns them
(llama.cpp's server as ``docent model-server`` runs it, vLLM, OpenAI); the log-probabilities of
the prompt's own tokens (the claim) are not in the chat API, so that part is reported as not
measured (``span`` None) and the judge never counts on it.
"""

from __future__ import annotations

import math
import time

from docent.config import Settings
from docent.errors import ConfigError
from docent.llm.base import ChatModel, Completion, Message, TokenCallback, TokenScores
from docent.llm.registry import register_provider
from docent.openai_compat import Endpoint, translate_error

__all__ = ["OpenAIChatModel"]


class OpenAIChatModel(ChatModel):
    def __init__(self, base_url: str, model: str, *, api_key: str | None = None,
                 timeout: float = 300.0) -> None:
        super().__init__()
        self.endpoint = Endpoint(base_url, what="model", setting="DOCENT_LLM", api_key=api_key,
                                 timeout=timeout)
        self.url = self.endpoint.url("chat/completions")
        self.model = model
        self.name = f"openai/{self.endpoint.base_url}/{model}"
        self._logprobs: bool | None = None  # whether the endpoint returns top_logprobs

    # -- capability: the answers' probabilities, where the endpoint returns logprobs ---------

    TOP_LOGPROBS = 20  # the most OpenAI's API (and vLLM by default) returns

    def token_scores(self, messages: list[Message], *, span: str | None = None,
                     answers: list[list[str]] | None = None) -> TokenScores | None:
        """``answers``: each answer's probability as the reply's first token, normalised over
        the answers, from that token's ``top_logprobs`` (an answer counts the listed tokens
        spelled exactly as one of its spellings; one outside the top 20 counts 0). ``span``
        cannot be read through the chat API: ``TokenScores.span`` is None when it was asked for.
        None when the endpoint returns no logprobs (the judge then asks for JSON)."""
        if self._logprobs is False:
            return None
        probs: list[float] = []
        if answers:
            top = self._first_token_top(messages)
            if top is None:
                self._logprobs = False
                return None
            self._logprobs = True
            mass = [sum(math.exp(lp) for tok, lp in top.items() if tok in set(spellings))
                    for spellings in answers]
            total = sum(mass)
            probs = [m / total for m in mass] if total > 0 else [1.0 / len(answers)] * len(
                answers)
        return TokenScores(span=None if span else [], answers=probs)

    def _first_token_top(self, messages: list[Message]) -> dict[str, float] | None:
        """The reply's first token's ``top_logprobs`` (token -> log-probability), or None when
        the endpoint leaves them out."""
        body = {
            "model": self.model, "max_tokens": 1, "temperature": 0.0, "seed": 0,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "logprobs": True, "top_logprobs": self.TOP_LOGPROBS,
        }
        data = self.endpoint.post_json("chat/completions", body)
        try:
            first = (data["choices"][0].get("logprobs") or {}).get("content") or []
            entries = (first[0].get("top_logprobs") or []) if first else []
            top: dict[str, float] = {}
            for entry in entries:
                tok, lp = entry.get("token"), entry.get("logprob")
                if isinstance(tok, str) and isinstance(lp, (int, float)) and tok not in top:
                    top[tok] = float(lp)
        except (KeyError, IndexError, TypeError, AttributeError):
            return None
        return top or None

    def _complete(self, messages: list[Message], *, max_tokens: int, temperature: float,
                  json_schema: dict | None, stop: list[str] | None,
                  on_token: TokenCallback | None, seed: int | None,
                  repeat_penalty: float = 1.0) -> Completion:
        body: dict = {
            "model": self.model, "max_tokens": max_tokens, "temperature": temperature,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
        }
        if stop:
            body["stop"] = stop
        if repeat_penalty > 1.0:
            body["frequency_penalty"] = min(2.0, 2 * (repeat_penalty - 1.0))
        if seed is not None:
            body["seed"] = seed
        if json_schema is not None:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": json_schema, "strict": True},
            }
        start = time.perf_counter()
        if on_token is not None:
            return self._stream(body, on_token, start)
        data = self.endpoint.post_json("chat/completions", body)
        try:
            choice = data["choices"][0]
            text = choice["message"].get("content") or ""
        except (KeyError, IndexError, TypeError, AttributeError) as exc:
            raise translate_error(exc, self.url, what="model", setting="DOCENT_LLM") from exc
        usage = data.get("usage") or {}
        return Completion(
            text=text, model=self.name,
            prompt_tokens=usage.get("prompt_tokens", 0),
            completion_tokens=usage.get("completion_tokens", 0),
            seconds=time.perf_counter() - start, finish_reason=choice.get("finish_reason"),
        )

    def _stream(self, body: dict, on_token: TokenCallback, start: float) -> Completion:
        body = {**body, "stream": True, "stream_options": {"include_usage": True}}
        parts: list[str] = []
        usage: dict = {}
        finish = None
        for chunk in self.endpoint.stream("chat/completions", body):
            usage = chunk.get("usage") or usage
            for choice in chunk.get("choices") or []:
                piece = (choice.get("delta") or {}).get("content") or ""
                if piece:
                    parts.append(piece)
                    on_token(piece)
                finish = choice.get("finish_reason") or finish
        return Completion(
            text="".join(parts), model=self.name,
            prompt_tokens=usage.get("prompt_tokens", 0),
            completion_tokens=usage.get("completion_tokens", 0),
            seconds=time.perf_counter() - start, finish_reason=finish,
        )


def _factory(settings: Settings, role: str) -> OpenAIChatModel:
    """``settings`` as :func:`docent.llm.registry.settings_for` gives them (the judge's own
    where set)."""
    if not settings.llm_base_url:
        if role == "judge" and (settings.judge_llm or settings.judge_model):
            raise ConfigError("an OpenAI-compatible judge needs DOCENT_JUDGE_BASE_URL (or "
                              "DOCENT_LLM_BASE_URL)",
                              fix="e.g. DOCENT_JUDGE_BASE_URL=http://HOST:8600/v1")
        raise ConfigError("DOCENT_LLM=openai needs DOCENT_LLM_BASE_URL",
                          fix="e.g. DOCENT_LLM_BASE_URL=https://api.deepseek.com/v1")
    model = settings.llm_small_model if role == "small" else settings.llm_model
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return OpenAIChatModel(settings.llm_base_url, model, api_key=key, timeout=settings.llm_timeout)


register_provider("openai", _factory, default=True)
