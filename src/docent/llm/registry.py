"""Providers by name (``DOCENT_LLM``): ``local`` (llama.cpp, GGUF) and ``openai``
(any OpenAI-compatible endpoint). Tests register scripted models the same way.

>>> register_provider("scripted", lambda settings, role: MyScriptedModel())
>>> get_model(Settings(llm="scripted"))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from docent.errors import ConfigError
from docent.llm.base import ChatModel

if TYPE_CHECKING:
    from docent.config import Settings

__all__ = ["register_provider", "get_model", "providers"]

_PROVIDERS: dict[str, Callable[["Settings", str], ChatModel]] = {}


def register_provider(name: str, factory: Callable[["Settings", str], ChatModel]) -> None:
    """``factory(settings, role)`` returns a model; role is "writer", "judge" or "small"."""
    _PROVIDERS[name] = factory


def providers() -> list[str]:
    from docent.llm import local, openai  # noqa: F401 - built-ins register on import

    return sorted(_PROVIDERS)


def get_model(settings: Settings, role: str = "writer") -> ChatModel:
    names = providers()
    try:
        factory = _PROVIDERS[settings.llm]
    except KeyError:
        raise ConfigError(
            f"DOCENT_LLM={settings.llm!r} is not a known model provider",
            fix="use one of: " + ", ".join(names),
        ) from None
    return factory(settings, role)
