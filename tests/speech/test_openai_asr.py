"""The OpenAI-compatible transcription provider against a real HTTP server on 127.0.0.1.

The server is a minimal /v1/audio/transcriptions endpoint (verbose_json, segments) backed by
faster-whisper with the embedded model, like the faster-whisper or whisper.cpp servers users run.
"""

import io
import json
import threading
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from docent.config import Settings
from docent.errors import ModelError
from docent.sources import ParseContext, parse
from docent.speech import get_transcriber


class _Handler(BaseHTTPRequestHandler):
    model = None
    requests: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        if self.path != "/v1/audio/transcriptions":
            self.send_error(404)
            return
        body = self.rfile.read(int(self.headers["Content-Length"]))
        head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
        message = BytesParser(policy=default).parsebytes(head + body)
        fields, audio = {}, None
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if part.get_filename():
                audio = part.get_payload(decode=True)
            else:
                fields[name] = part.get_content().strip()
        self.requests.append(fields)
        segments, info = self.model.transcribe(io.BytesIO(audio), beam_size=1, vad_filter=True)
        out = {
            "text": "", "language": "english" if info.language == "en" else info.language,
            "segments": [{"start": s.start, "end": s.end, "text": s.text} for s in segments],
        }
        data = json.dumps(out).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from faster_whisper import WhisperModel

    local = get_transcriber(Settings())  # assembles the embedded model
    _Handler.model = WhisperModel(str(local.folder), device="cpu", compute_type="int8")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


def test_media_transcribed_by_an_endpoint(server, speech_mp4, tmp_path):
    settings = Settings(workspace=tmp_path / "ws", asr="openai", asr_base_url=server,
                        asr_model="whisper-base", embedder="none")
    doc = parse(speech_mp4, ParseContext(settings=settings))
    assert "citation" in doc.text.lower() and doc.language == "en"
    assert doc.passages[0].locator.start == 0.0 or doc.passages[0].locator.start < 5
    assert _Handler.requests[-1]["model"] == "whisper-base"
    assert _Handler.requests[-1]["response_format"] == "verbose_json"


def test_unreachable_transcription_endpoint(speech_mp4, tmp_path):
    settings = Settings(asr="openai", asr_base_url="http://127.0.0.1:9/v1")
    with pytest.raises(ModelError, match=r"127\.0\.0\.1:9/v1/audio/transcriptions: .*unreachable"):
        parse(speech_mp4, ParseContext(settings=settings))
