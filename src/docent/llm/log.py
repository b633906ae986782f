"""Record every model call in the workspace, so a report can be audited.

Usage::

    model = get_model(settings)
    attach_call_log(model, store, run_id=run.id, stage="write")
    model.complete([...])            # now stored in the llm_calls table
"""

from __future__ import annotations

from docent.llm.base import ChatModel, Completion, Message
from docent.store import Store

__all__ = ["attach_call_log"]


def attach_call_log(
    model: ChatModel, store: Store, *, run_id: int | None = None, stage: str | None = None
) -> ChatModel:
    def log(messages: list[Message], result: Completion, options: dict) -> None:
        store.log_llm_call(
            model=result.model, messages=[{"role": m.role, "content": m.content} for m in messages],
            options=options, output=result.text, prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens, seconds=result.seconds,
            run_id=run_id, stage=stage,
        )

    model.listeners.append(log)
    return model
