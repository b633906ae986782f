"""`docent model-server`: one model for many workers, on the real embedded 0.5B behind
llama.cpp's OpenAI-compatible server; workers reach it through the ``openai`` provider, and the
judge through its own ``DOCENT_JUDGE_*`` settings."""

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from docent.check.judge import Calibration, Calibrations, Features, ModelJudge, get_judge
from docent.config import Settings
from docent.errors import DocentError
from docent.llm import ChatModel, Message, get_model
from docent.llm.base import TokenScores
from docent.llm.local import default_threads, resolve_gguf
from docent.llm.openai import OpenAIChatModel
from docent.llm.xllama import XLlamaModel
from docent.llm.server import check_server_installed, server_argv, worker_settings
from docent.types import Verdict

SMALL = "qwen2.5-coder-0.5b"
ASK = [Message("user", "Evidence: ALCE contains three datasets: ASQA, QAMPARI and ELI5.\n"
                       "Claim: ALCE contains three datasets.\n"
                       "Is the claim supported? Answer Yes or No.")]
YES_NO = [["Yes", "yes"], ["No", "no"]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _docent(*args: str, **kwargs) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCENT_")}
    return subprocess.Popen([sys.executable, "-m", "docent.cli", *args], env=env, **kwargs)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``docent model-server`` on the 0.5B; yields (base URL, what it printed at start)."""
    port = _free_port()
    log = tmp_path_factory.mktemp("model-server") / "stderr.txt"
    with open(log, "w") as err:
        proc = _docent("model-server", "--model", SMALL, "--port", str(port), "--ctx", "2048",
                       stdout=subprocess.DEVNULL, stderr=err)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the model server did not answer in 60 s"
            try:
                if httpx.get(url + "/models", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield url, log.read_text()
    finally:
        proc.terminate()  # forwarded to the server child, which it waits for
        try:
            assert proc.wait(timeout=20) == 0
        finally:
            if proc.poll() is None:
                proc.kill()


def test_a_worker_chats_through_the_server(server):
    url, printed = server
    assert (f"workers: DOCENT_LLM=openai DOCENT_LLM_BASE_URL={url} DOCENT_LLM_MODEL={SMALL} "
            f"DOCENT_LLM_SMALL_MODEL={SMALL}") in printed
    assert f"DOCENT_JUDGE_LLM=openai DOCENT_JUDGE_BASE_URL={url} DOCENT_JUDGE_MODEL={SMALL}" \
        in printed
    assert httpx.get(url + "/models").json()["data"][0]["id"] == SMALL
    model = get_model(Settings(llm="openai", llm_base_url=url, llm_model=SMALL))
    reply = model.complete([Message("user", "What is 2+3? Answer with a number only.")],
                           max_tokens=8, temperature=0.0)
    assert "5" in reply.text and reply.completion_tokens > 0


def test_the_endpoint_gives_p_yes_but_not_the_claim_tokens(server):
    """token_scores over the endpoint: the answers from top_logprobs, the same probability the
    model gives in-process over the same prompt; the span is reported as not measured."""
    url, _ = server
    model = get_model(Settings(llm="openai", llm_base_url=url, llm_model=SMALL))
    scores = model.token_scores(ASK, span="ALCE contains three datasets.", answers=YES_NO)
    assert scores.span is None  # the chat API returns no probabilities of the prompt's tokens
    assert sum(scores.answers) == pytest.approx(1.0) and scores.answers[0] > 0.5
    local = XLlamaModel(resolve_gguf(SMALL, Settings().models_dir), n_ctx=2048)
    assert scores.answers[0] == pytest.approx(local.token_scores(ASK, answers=YES_NO).answers[0],
                                              abs=0.03)
    assert model.token_scores(ASK, answers=YES_NO).span == []  # no span asked


def test_the_judge_has_its_own_endpoint_and_model(server):
    url, _ = server
    settings = Settings(llm="openai", llm_base_url="http://127.0.0.1:9/v1", llm_model="writer",
                        llm_api_key="writer-key", judge_base_url=url, judge_model=SMALL)
    writer, judge_model = get_model(settings), get_model(settings, role="judge")
    assert isinstance(judge_model, OpenAIChatModel)
    assert (writer.endpoint.base_url, writer.model) == ("http://127.0.0.1:9/v1", "writer")
    assert (judge_model.endpoint.base_url, judge_model.model) == (url, SMALL)
    assert get_model(settings, role="small").endpoint.base_url == "http://127.0.0.1:9/v1"
    # the writer's key stays with the writer's endpoint
    assert writer.endpoint._client.headers["Authorization"] == "Bearer writer-key"
    assert "Authorization" not in judge_model.endpoint._client.headers
    judge = get_judge(settings)
    assert isinstance(judge, ModelJudge) and url in judge.name and SMALL in judge.name
    j = judge.judge("ALCE contains 5 datasets.",
                    ["ALCE contains 3 datasets: ASQA, QAMPARI and ELI5."], roles=["paper"])
    assert j.verdict is Verdict.not_supported  # the number rule, on the endpoint's P(Yes)
    assert j.raw is not None and 0.0 < j.raw < 1.0  # P(Yes) was measured through the endpoint
    # a local writer with a judge on the server
    mixed = Settings(judge_llm="openai", judge_base_url=url, judge_model=SMALL)
    assert get_model(mixed, role="judge").endpoint.base_url == url


def test_unmeasured_gains_never_make_supported():
    """A calibration that weighs the claim tokens' gains cannot say "supported" from P(Yes)
    alone (an endpoint); one that weighs P(Yes) alone can."""
    weighs_gain = Calibration(w={"bias": 0.0, "yes": 1.0, "min_gain": 1.0}, supported_at=0.6,
                              unverified_at=0.2)
    claim, passages = "ALCE has three datasets.", ["ALCE has three datasets."]
    measured = Features(p_parts=0.99, p_full=0.99, cov_best=1.0, cov_all=1.0,
                        lp_ev=[-0.1], lp_base=[-0.5])
    unmeasured = Features(p_parts=0.99, p_full=0.99, cov_best=1.0, cov_all=1.0,
                          gains_measured=False)
    assert weighs_gain.decide(measured, claim, passages)[0] is Verdict.supported
    assert weighs_gain.decide(unmeasured, claim, passages)[0] is Verdict.unverified
    hopeless = Features(p_parts=0.001, p_full=0.001, cov_best=0.0, cov_all=0.0,
                        gains_measured=False)
    assert weighs_gain.decide(hopeless, claim, passages)[0] is Verdict.not_supported
    assert Calibration(supported_at=0.6).decide(unmeasured, claim, passages)[0] \
        is Verdict.supported

    class EndpointLike(ChatModel):
        """P(Yes) from top_logprobs, the claim's tokens unmeasured (span None)."""

        name = "scripted-endpoint"

        def __init__(self) -> None:
            super().__init__()
            self.passes = 0

        def _complete(self, messages, **options):  # pragma: no cover - never called here
            raise AssertionError("the judge measured, it did not ask for JSON")

        def token_scores(self, messages, *, span=None, answers=None):
            self.passes += 1
            return TokenScores(span=None if span else [],
                               answers=[0.99, 0.01] if answers else [])

    rendered = Calibration(w={"bias": 0.9119, "yes": 0.8018, "min_gain": 0.3082},
                           supported_at=0.915, unverified_at=0.336)
    model = EndpointLike()
    judge = ModelJudge(model, None, calibration=Calibrations(same=rendered, cross=rendered,
                                                              rendered=rendered))
    j = judge.judge("作者提出了 ALCE 基准。", ["We propose ALCE, a benchmark."], rendered=True)
    assert j.verdict is Verdict.unverified and j.raw == pytest.approx(0.99)
    assert model.passes == 2  # the probe and the evidence pass: no baseline pass


def test_server_argv(tmp_path):
    argv = server_argv(SMALL, Settings(llm_ctx=4096, llm_threads=3), host="0.0.0.0", port=8700,
                       parallel=2, gpu_layers=-1)
    assert argv[:3] == [sys.executable, "-m", "docent.llm.server"]
    opts = dict(zip(argv[3::2], argv[4::2]))
    assert opts["--model"] == str(resolve_gguf(SMALL, Settings().models_dir))
    assert (opts["--model_alias"], opts["--host"], opts["--port"]) == (SMALL, "0.0.0.0", "8700")
    assert (opts["--n_ctx"], opts["--n_threads"]) == ("4096", "3")
    assert (opts["--parallel"], opts["--gpu_layers"]) == ("2", "-1")
    own = tmp_path / "tiny-model.gguf"
    own.write_bytes(b"GGUF")
    argv = server_argv(str(own), Settings(), port=8701, threads=None, ctx=1024)
    opts = dict(zip(argv[3::2], argv[4::2]))
    assert (opts["--model"], opts["--model_alias"]) == (str(own), "tiny-model")
    assert (opts["--n_ctx"], opts["--n_threads"]) == ("1024", str(default_threads()))
    assert worker_settings(argv, api_key=True) == (
        "DOCENT_LLM=openai DOCENT_LLM_BASE_URL=http://127.0.0.1:8701/v1 "
        "DOCENT_LLM_MODEL=tiny-model DOCENT_LLM_SMALL_MODEL=tiny-model "
        "DOCENT_LLM_API_KEY=<the server's key>")


def test_a_file_that_is_not_a_model_is_a_one_line_error(tmp_path):
    bad = tmp_path / "notes.gguf"
    bad.write_bytes(b"GGUF but not a model")
    proc = _docent("model-server", "--model", str(bad), "--port", str(_free_port()),
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and out == ""
    assert err.strip().splitlines()[-1] == (
        f"error: {bad}: the model server cannot load the model (check that it is a GGUF file "
        "llama.cpp supports)")


def test_a_port_in_use_is_a_one_line_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _docent("model-server", "--model", SMALL, "--port", str(port),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and out == ""
    assert err.strip() == (f"error: 127.0.0.1:{port}: the port is in use (choose another with "
                           "--port, or stop what listens there)")


def test_a_missing_engine_is_a_one_line_error(monkeypatch):
    import importlib

    def missing(name, *args):
        raise ModuleNotFoundError(f"No module named '{name}'", name=name)

    monkeypatch.setattr(importlib, "import_module", missing)
    with pytest.raises(DocentError) as info:
        check_server_installed()
    assert str(info.value) == ("the model server needs xllamacpp (it is not installed) "
                               "(pip install xllamacpp)")
