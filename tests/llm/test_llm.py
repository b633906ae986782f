"""Model providers: the registry with a scripted model, the embedded model through llama.cpp,
and the OpenAI-compatible provider against llama-cpp-python's own server on 127.0.0.1."""

import json

import pytest
from conftest import serve_locally

from docent.config import Settings
from docent.errors import ConfigError, ModelError
from docent.llm import ChatModel, Completion, Message, get_model, register_provider
from docent.llm.local import LlamaCppModel, resolve_gguf
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


def _small(tmp_path=None):
    return get_model(Settings(llm_model="qwen2.5-coder-0.5b", llm_ctx=2048), role="writer")


def test_embedded_small_model_answers_and_streams():
    model = _small()
    reply = model.complete(
        [Message("user", "What is the capital of France? Answer with one word.")],
        max_tokens=8, temperature=0.0)
    assert "paris" in reply.text.lower()
    assert reply.completion_tokens > 0 and reply.prompt_tokens > 0 and reply.seconds > 0
    pieces = []
    streamed = model.complete([Message("user", "Say hello in Chinese.")], max_tokens=16,
                              temperature=0.0, on_token=pieces.append)
    assert "".join(pieces) == streamed.text and streamed.text.strip()


def test_embedded_model_follows_a_json_schema():
    schema = {"type": "object", "properties": {"verdict": {"type": "string",
              "enum": ["supported", "not_supported"]}}, "required": ["verdict"]}
    reply = _small().complete(
        [Message("user", "Passage: The sky is blue. Claim: The sky is blue. Is the claim "
                 "supported? Answer in JSON.")],
        max_tokens=32, temperature=0.0, json_schema=schema)
    assert json.loads(reply.text)["verdict"] in ("supported", "not_supported")


@pytest.fixture(scope="module")
def llama_server():
    gguf = resolve_gguf("qwen2.5-coder-0.5b", Settings().models_dir)
    proc, url = serve_locally(["llama_cpp.server", "--model", str(gguf), "--n_ctx", "2048",
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


def test_embedded_model_scores_tokens_and_answers():
    """The judge's capability: answer probabilities and a span's token log-probabilities from
    one forward pass, reusing the KV cache; providers without it answer None."""
    model = get_model(Settings(llm_model="qwen2.5-coder-0.5b"))
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
    assert again.span == pytest.approx(scores.span, abs=1e-3)
    assert Scripted(["x"]).token_scores(ask, answers=[["Yes"], ["No"]]) is None


def test_a_shared_prompt_prefix_is_kept_across_a_completion(monkeypatch):
    """The judge's instructions and worked examples (a long prefix two token_scores calls
    share) are kept as a copy of their KV cache: after a completion on the same weights has
    overwritten the cache, the next call restores them and scores as before."""
    model = get_model(Settings(llm_model="qwen2.5-coder-0.5b"))
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
