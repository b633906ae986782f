"""Any OpenAI-compatible chat endpoint: OpenAI, DeepSeek, Qwen/DashScope, Ollama, vLLM,
llama.cpp server. ``DOCENT_LLM=openai DOCENT_LLM_BASE_URL=... DOCENT_LLM_MODEL=...``."""

from __future__ import annotations

import time

from docent.config import Settings
from docent.errors import ConfigError
from docent.llm.base import ChatModel, Completion, Message, TokenCallback
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
    if not settings.llm_base_url:
        raise ConfigError("DOCENT_LLM=openai needs DOCENT_LLM_BASE_URL",
                          fix="e.g. DOCENT_LLM_BASE_URL=https://api.deepseek.com/v1")
    model = settings.llm_small_model if role == "small" else settings.llm_model
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return OpenAIChatModel(settings.llm_base_url, model, api_key=key, timeout=settings.llm_timeout)


register_provider("openai", _factory, default=True)
