"""The one OpenAI-compatible client (chat, embeddings, transcription) against a small HTTP
server on 127.0.0.1 speaking OpenAI's JSON shapes, and its one-line errors."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from docent.config import Settings
from docent.errors import ModelError
from docent.index import get_embedder
from docent.llm import Message, get_model
from docent.openai_compat import Endpoint
from docent.speech.openai import OpenAITranscriber

KEY = "sk-test"


class _Handler(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def log_message(self, *args):  # quiet
        pass

    def _send(self, code: int, body: dict | str, content_type="application/json") -> None:
        data = (json.dumps(body) if isinstance(body, dict) else body).encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802 - http.server's name
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        kind = self.headers.get("Content-Type", "")
        body = json.loads(raw) if kind.startswith("application/json") else {"form": len(raw)}
        type(self).requests.append({"path": self.path, "body": body,
                                    "auth": self.headers.get("Authorization")})
        if self.headers.get("Authorization") != f"Bearer {KEY}":
            return self._send(401, {"error": {"message": "Incorrect API key provided: sk-***",
                                              "type": "invalid_request_error"}})
        if self.path == "/v1/chat/completions" and body.get("stream"):
            events = [{"choices": [{"delta": {"content": piece}, "finish_reason": None}]}
                      for piece in ("Hel", "lo")]
            events.append({"choices": [{"delta": {}, "finish_reason": "stop"}],
                           "usage": {"prompt_tokens": 5, "completion_tokens": 2}})
            text = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
            return self._send(200, text, "text/event-stream")
        if self.path == "/v1/chat/completions":
            return self._send(200, {
                "id": "chatcmpl-1", "object": "chat.completion", "model": body["model"],
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": "Hello there."}}],
                "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10}})
        if self.path == "/v1/embeddings":
            data = [{"object": "embedding", "index": i, "embedding": [float(len(t)), 1.0, 0.0]}
                    for i, t in enumerate(body["input"])]
            return self._send(200, {"object": "list", "data": data[::-1], "model": body["model"],
                                    "usage": {"prompt_tokens": 1, "total_tokens": 1}})
        if self.path == "/v1/audio/transcriptions":
            return self._send(200, {"text": "Hi everyone.", "language": "english",
                                    "segments": [{"start": 0.0, "end": 1.5,
                                                  "text": " Hi everyone."}]})
        if self.path == "/v1/broken":
            return self._send(200, "<html>not json</html>", "text/html")
        return self._send(404, {"error": {"message": f"no route {self.path}"}})


@pytest.fixture(scope="module")
def base_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


def test_chat_completion_and_stream(base_url):
    model = get_model(Settings(llm="openai", llm_base_url=base_url + "/", llm_api_key=KEY,
                               llm_model="tiny"))
    reply = model.complete([Message("user", "hi")], max_tokens=8, stop=["\n"])
    assert reply.text == "Hello there." and reply.finish_reason == "stop"
    assert (reply.prompt_tokens, reply.completion_tokens) == (7, 3)
    sent = _Handler.requests[-1]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == f"Bearer {KEY}"
    assert sent["body"]["model"] == "tiny" and sent["body"]["stop"] == ["\n"]
    seen: list[str] = []
    streamed = model.complete([Message("user", "hi")], on_token=seen.append)
    assert seen == ["Hel", "lo"] and streamed.text == "Hello"
    assert streamed.completion_tokens == 2 and streamed.finish_reason == "stop"


def test_embeddings_in_input_order_and_normalised(base_url):
    emb = get_embedder(Settings(embedder="openai", embed_base_url=base_url, embed_api_key=KEY,
                                embed_model="e5", embed_batch=2))
    vectors = emb.embed_passages(["a", "abc", "abcdef"])
    assert vectors.shape == (3, 3)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert vectors[0][0] < vectors[1][0] < vectors[2][0]  # the server answered in reverse
    assert emb.embed_query("ab").shape == (3,)


def test_transcription(base_url):
    asr = OpenAITranscriber(Settings(asr="openai", asr_base_url=base_url, asr_api_key=KEY))
    segments, language = asr.transcribe(np.zeros(16_000, dtype=np.float32))
    assert [(s.start, s.end, s.text) for s in segments] == [(0.0, 1.5, "Hi everyone.")]
    assert language == "en" and _Handler.requests[-1]["path"] == "/v1/audio/transcriptions"


def test_401_is_one_line_naming_the_url_and_the_key_setting(base_url):
    model = get_model(Settings(llm="openai", llm_base_url=base_url, llm_api_key="wrong"))
    with pytest.raises(ModelError) as info:
        model.complete([Message("user", "hi")])
    message = str(info.value)
    assert message == (f"{base_url}/chat/completions: model request failed with HTTP 401: "
                       "Incorrect API key provided: sk-*** (check DOCENT_LLM_API_KEY)")
    emb = get_embedder(Settings(embedder="openai", embed_base_url=base_url))  # no key
    with pytest.raises(ModelError, match=r"/v1/embeddings: embedding request failed with "
                                         r"HTTP 401: .*\(check DOCENT_EMBED_API_KEY\)$"):
        emb.embed_query("x")
    with pytest.raises(ModelError, match=r"HTTP 401: .*\(check DOCENT_LLM_API_KEY\)$"):
        model.complete([Message("user", "hi")], on_token=lambda piece: None)  # streaming too


def test_connection_refused_is_one_line_naming_the_setting():
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    checks = [
        (lambda: get_model(Settings(llm="openai", llm_base_url=url)).complete(
            [Message("user", "hi")]), "chat/completions", "model", "DOCENT_LLM_BASE_URL"),
        (lambda: get_embedder(Settings(embedder="openai", embed_base_url=url)).embed_query("x"),
         "embeddings", "embedding", "DOCENT_EMBED_BASE_URL"),
        (lambda: OpenAITranscriber(Settings(asr="openai", asr_base_url=url)).transcribe(
            np.zeros(1600, dtype=np.float32)), "audio/transcriptions", "transcription",
         "DOCENT_ASR_BASE_URL"),
    ]
    for call, path, what, setting in checks:
        with pytest.raises(ModelError) as info:
            call()
        message = str(info.value)
        assert "\n" not in message
        assert message.startswith(f"{url}/{path}: {what} endpoint unreachable (")
        assert message.endswith(f"(start the server or fix {setting})")


def test_not_json_and_unknown_paths(base_url):
    endpoint = Endpoint(base_url, what="model", setting="DOCENT_LLM", api_key=KEY)
    with pytest.raises(ModelError, match=r"/v1/broken: bad model response \(.*\) \(check that "
                                         "DOCENT_LLM_BASE_URL is an OpenAI-compatible"):
        endpoint.post_json("broken", {})
    with pytest.raises(ModelError, match=r"/v1/nowhere: model request failed with HTTP 404: "
                                         r"no route /v1/nowhere \(check DOCENT_LLM_BASE_URL"):
        endpoint.post_json("nowhere", {})
