"""Chat completion behind one small interface, so a stage never knows which provider it talks to.

Usage::

    from docent.llm import Message, get_model
    model = get_model(settings)                          # embedded Qwen2.5-Coder-1.5B by default
    reply = model.complete([Message("user", "用一句话介绍 Transformer。")], max_tokens=64)
    reply.text, reply.completion_tokens, reply.seconds

Providers implement one method, :meth:`ChatModel.complete` (optionally streaming tokens to a
callback and constrained to a JSON schema), and register a factory by name
(:func:`docent.llm.registry.register_provider`), like plugins in Simon Willison's ``llm``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Message", "Completion", "ChatModel", "TokenCallback", "TokenScores"]

TokenCallback = Callable[[str], None]


@dataclass
class Message:
    role: str  # "system", "user" or "assistant"
    content: str


@dataclass
class TokenScores:
    """What :meth:`ChatModel.token_scores` read from one forward pass."""

    # log-probability of each token of the span; None when the provider cannot read the
    # prompt's own tokens (an OpenAI-compatible endpoint gives only the reply's)
    span: list[float] | None
    answers: list[float]  # probability of each answer, summing to 1


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

    # -- capability: what a judge needs beyond text; None where a provider cannot answer -----

    def token_scores(self, messages: list[Message], *, span: str | None = None,
                     answers: list[list[str]] | None = None) -> TokenScores | None:
        """One forward pass over ``messages`` (ready for the assistant's reply), reading

        * ``span``: ``log P(token | everything before it)`` for each token of ``span``, a piece
          of the last message (its last occurrence there);
        * ``answers``: the probability of each answer as the reply's first token, normalised
          over the answers (each answer: its spellings, e.g. ``["Yes", "yes"]``).

        None when the provider exposes no token probabilities: the judge then asks for a JSON
        verdict instead. An OpenAI-compatible endpoint that returns ``top_logprobs`` answers
        ``answers`` only, with ``span`` None (not measured).
        """
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
