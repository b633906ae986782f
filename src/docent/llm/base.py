"""Chat completion behind one small interface, so a stage never knows which provider it talks to.

>>> from docent.llm import Message, get_model
>>> model = get_model(settings)                          # embedded Qwen2.5-Coder-1.5B by default
>>> reply = model.complete([Message("user", "用一句话介绍 Transformer。")], max_tokens=64)
>>> reply.text, reply.completion_tokens, reply.seconds

Providers implement one method, :meth:`ChatModel.complete` (optionally streaming tokens to a
callback and constrained to a JSON schema), and register a factory by name
(:func:`docent.llm.registry.register_provider`), like plugins in Simon Willison's ``llm``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Message", "Completion", "ChatModel", "TokenCallback"]

TokenCallback = Callable[[str], None]


@dataclass
class Message:
    role: str  # "system", "user" or "assistant"
    content: str


@dataclass
class Completion:
    text: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    finish_reason: str | None = None


class ChatModel(ABC):
    """A chat model. Subclasses set ``name`` and implement :meth:`_complete`."""

    name: str = "model"

    def __init__(self) -> None:
        self.listeners: list[Callable[[list[Message], Completion, dict], None]] = []

    def complete(
        self,
        messages: list[Message],
        *,
        max_tokens: int = 512,
        temperature: float = 0.2,
        json_schema: dict | None = None,
        stop: list[str] | None = None,
        on_token: TokenCallback | None = None,
        seed: int | None = 0,
        repeat_penalty: float = 1.0,
    ) -> Completion:
        """Complete ``messages``; every call is reported to ``listeners`` (the call log).

        ``repeat_penalty`` > 1 discourages small models' loops (llama.cpp's repeat penalty;
        sent as ``frequency_penalty`` = 2 x (penalty - 1) to OpenAI-compatible endpoints).
        """
        options = {
            "max_tokens": max_tokens, "temperature": temperature, "json_schema": json_schema,
            "stop": stop, "seed": seed, "repeat_penalty": repeat_penalty,
        }
        result = self._complete(messages, on_token=on_token, **options)
        for listener in self.listeners:
            listener(messages, result, options)
        return result

    # -- capabilities: what a judge needs beyond text; None where a provider cannot answer ------

    def answer_probabilities(self, messages: list[Message],
                             answers: list[list[str]]) -> list[float] | None:
        """The probability of each answer as the first token of the reply to ``messages``,
        normalised over the answers (each answer: its spellings, e.g. ``["Yes", "yes"]``), read
        from one forward pass; None when the provider exposes no token probabilities (then ask
        for a JSON verdict instead)."""
        return None

    def continuation_logprobs(self, messages: list[Message],
                              continuation: str) -> list[float] | None:
        """``log P(token)`` of each token of ``continuation`` as the start of the reply to
        ``messages`` (one forward pass); None when the provider cannot score text."""
        return None

    @abstractmethod
    def _complete(
        self,
        messages: list[Message],
        *,
        max_tokens: int,
        temperature: float,
        json_schema: dict | None,
        stop: list[str] | None,
        on_token: TokenCallback | None,
        seed: int | None,
        repeat_penalty: float,
    ) -> Completion: ...
