"""Providers by name (``DOCENT_LLM``): ``local`` (llama.cpp, GGUF) and ``openai``
(any OpenAI-compatible endpoint). Tests register scripted models the same way.

Usage::

    register_provider("scripted", lambda settings, role: MyScriptedModel())
    get_model(Settings(llm="scripted"))

The judge may be another model, elsewhere (``DOCENT_JUDGE_LLM``, ``DOCENT_JUDGE_MODEL``,
``DOCENT_JUDGE_BASE_URL``, ``DOCENT_JUDGE_API_KEY``): for ``role="judge"`` every provider is
handed settings whose ``llm*`` fields are the judge's (:func:`settings_for`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from docent.llm.base import ChatModel
from docent.registry import Registry

if TYPE_CHECKING:
    from docent.config import Settings

__all__ = ["PROVIDERS", "get_model", "providers", "register_provider", "settings_for"]

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


def settings_for(settings: Settings, role: str) -> Settings:
    """``settings`` as the model of ``role`` sees them: for the judge, ``llm``, ``llm_model``,
    ``llm_base_url`` and ``llm_api_key`` replaced by the ``judge_*`` settings that are set.
    The writer's API key goes with the judge only to the writer's endpoint.

    >>> from docent.config import Settings
    >>> s = Settings(llm="openai", llm_base_url="http://gpu:8600/v1", llm_model="small",
    ...              llm_api_key="k", judge_model="big", judge_base_url="http://gpu:8601/v1")
    >>> j = settings_for(s, "judge")
    >>> j.llm, j.llm_model, j.llm_base_url, j.llm_api_key
    ('openai', 'big', 'http://gpu:8601/v1', None)
    >>> settings_for(s, "writer") is s, settings_for(Settings(llm_model="m"), "judge").llm_model
    (True, 'm')
    """
    if role != "judge":
        return settings
    update: dict = {}
    if settings.judge_llm:
        update["llm"] = settings.judge_llm
    if settings.judge_model:
        update["llm_model"] = settings.judge_model
    if settings.judge_base_url and settings.judge_base_url != settings.llm_base_url:
        update["llm_base_url"] = settings.judge_base_url
        update["llm_api_key"] = settings.judge_api_key
    elif settings.judge_api_key:
        update["llm_api_key"] = settings.judge_api_key
    return settings.model_copy(update=update) if update else settings


def get_model(settings: Settings, role: str = "writer") -> ChatModel:
    """The model for ``role`` ("writer", "judge" or "small") from its provider."""
    settings = settings_for(settings, role)
    return PROVIDERS.get(settings.llm)(settings, role)
