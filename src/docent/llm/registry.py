"""Providers by name (``DOCENT_LLM``): ``local`` (llama.cpp, GGUF) and ``openai``
(any OpenAI-compatible endpoint). Tests register scripted models the same way.

Usage::

    register_provider("scripted", lambda settings, role: MyScriptedModel())
    get_model(Settings(llm="scripted"))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from docent.llm.base import ChatModel
from docent.registry import Registry

if TYPE_CHECKING:
    from docent.config import Settings

__all__ = ["PROVIDERS", "register_provider", "get_model", "providers"]

ModelFactory = Callable[["Settings", str], ChatModel]


def _builtins() -> None:
    from docent.llm import local, openai  # noqa: F401 - built-ins register on import


#: Model factories by provider name (``DOCENT_LLM``).
PROVIDERS: Registry[ModelFactory] = Registry("model provider", setting="DOCENT_LLM",
                                             builtins=_builtins)


def register_provider(name: str, factory: ModelFactory, *, default: bool = False) -> None:
    """``factory(settings, role)`` returns a model; role is "writer", "judge" or "small"."""
    PROVIDERS.register(name, factory, default=default)


def providers() -> list[str]:
    return PROVIDERS.names()


def get_model(settings: Settings, role: str = "writer") -> ChatModel:
    return PROVIDERS.get(settings.llm)(settings, role)
