"""Model providers for chat completion: one interface, a registry, local and openai."""

from docent.llm.base import ChatModel, Completion, Message, TokenCallback
from docent.llm.registry import get_model, providers, register_provider

__all__ = [
    "ChatModel",
    "Completion",
    "Message",
    "TokenCallback",
    "get_model",
    "providers",
    "register_provider",
]
