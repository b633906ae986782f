"""Model providers: the registry with a scripted model, the embedded model through llama.cpp on
both bindings (xllamacpp's prebuilt wheel, the default; the compiled llama-cpp-python where the
[compiled] extra is installed), and the OpenAI-compatible provider against llama.cpp's own
server (`python -m docent.llm.server`) on 127.0.0.1."""

import importlib.util
import json

import pytest
from conftest import serve_locally

from docent.config import Settings
from docent.errors import ConfigError, ModelError
from docent.llm import ChatModel, Completion, Message, get_model, register_provider
from docent.llm.local import LlamaCppModel, binding, default_threads, resolve_gguf
from docent.llm.xllama import XLlamaModel

COMPILED = importlib.util.find_spec("llama_cpp") is not None
needs_compiled = pytest.mark.skipif(not COMPILED, reason="the [compiled] extra (llama-cpp-python) "
                                    "is not installed: bash scripts/install.sh --compiled")
BINDINGS = ["xllamacpp", pytest.param("llama-cpp-python", marks=needs_compiled)]
from docent.llm.log import attach_call_log
from docent.store import Store


class Scripted(ChatModel):
    """Answers from a script, for orchestration tests."""

    def __init__(self, answers):
        super().__init__()
        self.name = "scripted"
        self.answers = list(answers)

    def _complete(self, messages, **options):  # accepts every option of the interface
        text = self.answers.pop(0)
        if options.get("on_token"):
            for ch in text:
                options["on_token"](ch)
        return Completion(text=text, model=self.name, prompt_tokens=3,
                          completion_tokens=len(text), seconds=0.01)


register_provider("scripted", lambda settings, role: Scripted(["一", "two"]))


def test_registry_and_call_log(tmp_path):
    store = Store.open(tmp_path / "ws")
    model = attach_call_log(get_model(Settings(llm="scripted")), store, run_id=7, stage="write")
    seen = []
    assert model.complete([Message("user", "hi")], on_token=seen.append).text == "一"
    assert seen == ["一"]
    (call,) = store.llm_calls(run_id=7)
    assert call["model"] == "scripted" and call["output"] == "一"
    assert call["messages"] == [{"role": "user", "content": "hi"}]
    assert call["stage"] == "write" and call["completion_tokens"] == 1


def test_unknown_provider_and_bad_model_path(tmp_path):
    with pytest.raises(ConfigError, match="DOCENT_LLM='nope'"):
        get_model(Settings(llm="nope"))
    with pytest.raises(ModelError, match="missing.gguf: not an embedded model name"):
        resolve_gguf(str(tmp_path / "missing.gguf"), tmp_path)
    with pytest.raises(ConfigError, match="DOCENT_LLM_BASE_URL"):
        get_model(Settings(llm="openai"))


def _small(which: str = "xllamacpp"):
    return get_model(Settings(llm_model="qwen2.5-coder-0.5b", llm_ctx=2048, llm_binding=which),
                     role="writer")


def test_the_binding_is_chosen_by_configuration(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert binding(Settings(llm_binding="auto")) == "xllamacpp"
    assert isinstance(_small("xllamacpp"), XLlamaModel)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    assert binding(Settings(llm_binding="auto")) == "llama-cpp-python"  # installed: chosen
    assert binding(Settings(llm_binding="xllamacpp")) == "xllamacpp"
    assert isinstance(_small("llama-cpp-python"), LlamaCppModel)
    assert get_model(Settings(llm_threads=3, llm_binding="xllamacpp")).threads == 3
    assert get_model(Settings(llm_binding="xllamacpp")).threads == default_threads() >= 1


@pytest.mark.parametrize("which", BINDINGS)
def test_embedded_small_model_answers_and_streams(which):
    model = _small(which)
    reply = model.complete(
        [Message("user", "What is the capital of France? Answer with one word.")],
        max_tokens=8, temperature=0.0)
    assert "paris" in reply.text.lower()
    assert reply.completion_tokens > 0 and reply.prompt_tokens > 0 and reply.seconds > 0
    pieces = []
    streamed = model.complete([Message("user", "Say hello in Chinese.")], max_tokens=16,
                              temperature=0.0, on_token=pieces.append)
    assert "".join(pieces) == streamed.text and streamed.text.strip()
    assert streamed.completion_tokens > 0 and streamed.prompt_tokens > 0


@pytest.mark.parametrize("which", BINDINGS)
def test_embedded_model_follows_a_json_schema(which):
    schema = {"type": "object", "properties": {"verdict": {"type": "string",
              "enum": ["supported", "not_supported"]}}, "required": ["verdict"]}
    reply = _small(which).complete(
        [Message("user", "Passage: The sky is blue. Claim: The sky is blue. Is the claim "
                 "supported? Answer in JSON.")],
        max_tokens=32, temperature=0.0, json_schema=schema)
    assert json.loads(reply.text)["verdict"] in ("supported", "not_supported")


@pytest.fixture(scope="module")
def llama_server():
    gguf = resolve_gguf("qwen2.5-coder-0.5b", Settings().models_dir)
    proc, url = serve_locally(["docent.llm.server", "--model", str(gguf), "--n_ctx", "2048",
                               "--model_alias", "qwen-small"], "/v1/models")
    yield url + "/v1"
    proc.terminate()
    proc.wait(timeout=20)


def test_openai_provider_against_a_real_server(llama_server):
    model = get_model(Settings(llm="openai", llm_base_url=llama_server, llm_model="qwen-small"))
    reply = model.complete([Message("user", "What is 2+3? Answer with a number only.")],
                           max_tokens=8, temperature=0.0)
    assert "5" in reply.text and reply.completion_tokens > 0
    pieces = []
    streamed = model.complete([Message("user", "Name a colour.")], max_tokens=8,
                              temperature=0.0, on_token=pieces.append)
    assert "".join(pieces) == streamed.text and streamed.text.strip()


def test_unreachable_endpoint_is_a_clear_error():
    model = get_model(Settings(llm="openai", llm_base_url="http://127.0.0.1:9/v1"))
    with pytest.raises(ModelError, match=r"127\.0\.0\.1:9/v1/chat/completions: .*unreachable"):
        model.complete([Message("user", "hi")])


@pytest.mark.parametrize("which", BINDINGS)
def test_embedded_model_scores_tokens_and_answers(which):
    """The judge's capability: answer probabilities and a span's token log-probabilities,
    reusing the KV cache; providers without it answer None."""
    model = get_model(Settings(llm_model="qwen2.5-coder-0.5b", llm_binding=which))
    evidence = "Evidence: ALCE contains three datasets: ASQA, QAMPARI and ELI5."
    ask = [Message("user", f"{evidence}\nClaim: ALCE contains three datasets.\n"
                           "Is the claim supported? Answer Yes or No.")]
    scores = model.token_scores(ask, span="ALCE contains three datasets.",
                                answers=[["Yes", "yes"], ["No", "no"]])
    assert scores.answers[0] + scores.answers[1] == pytest.approx(1.0)
    assert scores.answers[0] > 0.5
    assert len(scores.span) >= 4 and all(lp <= 0.0 for lp in scores.span)
    # the same span is more likely right after the evidence that states it than after another
    other = [Message("user", "Evidence: The weather was mild in spring.\nClaim: ALCE contains "
                             "three datasets.\nIs the claim supported? Answer Yes or No.")]
    unrelated = model.token_scores(other, span="ALCE contains three datasets.")
    assert len(unrelated.span) == len(scores.span) and unrelated.answers == []
    assert sum(scores.span) > sum(unrelated.span)
    again = model.token_scores(ask, span="ALCE contains three datasets.",
                               answers=[["Yes", "yes"], ["No", "no"]])  # from the KV cache
    assert again.span == pytest.approx(scores.span, abs=0.05)  # batched differently
    assert Scripted(["x"]).token_scores(ask, answers=[["Yes"], ["No"]]) is None


@needs_compiled
def test_a_shared_prompt_prefix_is_kept_across_a_completion(monkeypatch):
    """The judge's instructions and worked examples (a long prefix two token_scores calls
    share) are kept as a copy of their KV cache: after a completion on the same weights has
    overwritten the cache, the next call restores them and scores as before."""
    model = get_model(Settings(llm_model="qwen2.5-coder-0.5b", llm_binding="llama-cpp-python"))
    rules = " ".join(f"Rule {i}: a claim is supported only if the evidence states it." for i in
                     range(1, 30))
    def ask(claim: str) -> list[Message]:
        return [Message("system", rules), Message(
            "user", f"Evidence: ALCE contains three datasets.\nClaim: {claim}\nAnswer Yes or No.")]

    first = model.token_scores(ask("ALCE has three datasets."), span="ALCE has three datasets.",
                               answers=[["Yes"], ["No"]])
    model.token_scores(ask("ALCE has five datasets."), span="ALCE has five datasets.",
                       answers=[["Yes"], ["No"]])
    pinned, _ = LlamaCppModel._pins[str(model.path)]
    assert len(pinned) >= LlamaCppModel._PIN_MIN
    model.complete([Message("user", "Name a colour.")], max_tokens=4)
    llm = model._llama()
    assert list(llm.input_ids[:len(pinned)]) != pinned  # the completion overwrote the cache
    starts = []
    decode = LlamaCppModel._decode
    monkeypatch.setattr(LlamaCppModel, "_decode", staticmethod(
        lambda llm, tokens, same, end, wanted: starts.append(same) or decode(
            llm, tokens, same, end, wanted)))
    again = model.token_scores(ask("ALCE has three datasets."), span="ALCE has three datasets.",
                               answers=[["Yes"], ["No"]])
    assert starts == [len(pinned)]  # only what follows the prefix was evaluated
    assert again.span == pytest.approx(first.span, abs=0.05)
    assert again.answers[0] == pytest.approx(first.answers[0], abs=0.02)


def _judge_prompt(claim: str) -> list[Message]:
    rules = " ".join(f"Rule {i}: a claim is supported only if the evidence states it." for i in
                     range(1, 30))
    return [Message("system", rules), Message(
        "user", f"Evidence: ALCE contains three datasets.\nClaim: {claim}\nAnswer Yes or No.")]


def test_xllamacpp_keeps_the_shared_prefix_across_a_completion(monkeypatch):
    """On xllamacpp the engine's own prompt cache does what the compiled provider's pin does:
    after a completion has taken the KV cache, the judge's long shared prefix comes back from
    the RAM cache and only what follows it is evaluated."""
    from docent.llm import xllama

    model = get_model(Settings(llm_model="qwen2.5-coder-0.5b", llm_binding="xllamacpp"))
    yes_no = [["Yes"], ["No"]]
    first = model.token_scores(_judge_prompt("ALCE has three datasets."),
                               span="ALCE has three datasets.", answers=yes_no)
    model.complete([Message("user", "Name a colour.")], max_tokens=4)
    evaluated = []
    complete = xllama._Engine.complete
    monkeypatch.setattr(xllama._Engine, "complete", lambda self, request, chat: (
        lambda out: evaluated.append(out["timings"]["prompt_n"]) or out)(
            complete(self, request, chat=chat)))
    again = model.token_scores(_judge_prompt("ALCE has three datasets."),
                               span="ALCE has three datasets.", answers=yes_no)
    assert evaluated and evaluated[0] < 10, evaluated  # not the ~470 tokens of the prefix
    assert again.span == pytest.approx(first.span, abs=0.1)
    assert again.answers[0] == pytest.approx(first.answers[0], abs=0.02)


def test_a_character_split_into_byte_tokens_has_each_token_measured():
    """" 基" after a space is three byte tokens; the engine reports the character as one
    entry, and each of its tokens still gets its own log-probability."""
    model = get_model(Settings(llm_model="qwen2.5-coder-0.5b", llm_binding="xllamacpp"))
    claim = "在 ELI5 上，ChatGPT 基线有 49% 的内容未得到支持。"
    scores = model.token_scores(_judge_prompt(claim), span=claim, answers=[["Yes"], ["No"]])
    tokens = model._engine().tokenize(claim, special=True)
    assert len(scores.span) == len(tokens) and all(-60 < lp <= 0 for lp in scores.span)


@needs_compiled
def test_both_bindings_measure_the_same():
    """The judge's measurements do not depend on the binding: the same probabilities within
    the noise of different CPU kernels (AVX2 in the wheel, AVX-512 compiled here)."""
    gguf = resolve_gguf("qwen2.5-coder-0.5b", Settings().models_dir)
    claim = "ChatGPT 基线有 5 个数据集。"  # with a character split into byte tokens
    scores = [cls(gguf, n_ctx=2048, threads=1).token_scores(
        _judge_prompt(claim), span=claim, answers=[["Yes", "yes"], ["No", "no"]])
        for cls in (XLlamaModel, LlamaCppModel)]
    assert scores[0].answers[0] == pytest.approx(scores[1].answers[0], abs=0.03)
    assert len(scores[0].span) == len(scores[1].span)
    assert scores[0].span == pytest.approx(scores[1].span, abs=0.3)
    assert sum(scores[0].span) == pytest.approx(sum(scores[1].span), rel=0.05)


def test_a_file_that_is_not_a_model_is_one_clear_error(tmp_path):
    bad = tmp_path / "notes.gguf"
    bad.write_bytes(b"GGUF but not really a model")
    with pytest.raises(ModelError, match=r"notes\.gguf: cannot load the model"):
        XLlamaModel(bad, n_ctx=512).complete([Message("user", "hi")], max_tokens=2)


def test_a_prompt_longer_than_the_window_is_one_clear_error():
    model = get_model(Settings(llm_model="qwen2.5-coder-0.5b", llm_ctx=512,
                               llm_binding="xllamacpp"))
    long = [Message("user", "word " * 800)]
    for call in (lambda: model.complete(long, max_tokens=4),
                 lambda: model.complete(long, max_tokens=4, on_token=lambda piece: None),
                 lambda: model.token_scores(long, answers=[["Yes"], ["No"]])):
        with pytest.raises(ModelError, match="exceeds the (available )?context") as info:
            call()
        assert "DOCENT_LLM_CTX" in str(info.value)
