"""One model for a whole course: llama.cpp's OpenAI-compatible server (llama-cpp-python's
``llama_cpp.server``) on an embedded model or a GGUF file, so workers do not each load it.

Usage::

    docent model-server --model qwen2.5-coder-1.5b --host 0.0.0.0 --port 8600
    # on each worker (what the command prints at start):
    DOCENT_LLM=openai DOCENT_LLM_BASE_URL=http://HOST:8600/v1 \
    DOCENT_LLM_MODEL=qwen2.5-coder-1.5b DOCENT_LLM_SMALL_MODEL=qwen2.5-coder-1.5b docent write ...

or from Python::

    argv = server_argv("qwen2.5-coder-0.5b", settings, port=8600)
    run_server(argv)          # blocks; SIGINT/SIGTERM stop the server

One model per server: ``llama_cpp.server`` holds one model at a time and reloads it whenever a
request names another (its config file's model list swaps, it does not serve side by side), and
it answers a model name it does not know with its one model. So the workers' small model is the
served one too (``DOCENT_LLM_SMALL_MODEL``, as printed); a judge on another model gets its own
server (``DOCENT_JUDGE_BASE_URL``, ``DOCENT_JUDGE_MODEL``).

The server keeps every token's logits (``--logits_all true``, llama_cpp.server's own default) so
that the judge can read ``P(Yes)`` from ``top_logprobs``
(:meth:`docent.llm.openai.OpenAIChatModel.token_scores`); ``logprobs=False`` saves that work on
a server only the writer uses. Requests are answered one at a time and never cut short by the
next one (``--interrupt_requests false``: its default ends a streamed reply as soon as another
request waits, which would truncate one worker's draft whenever another asks).
"""

from __future__ import annotations

import errno
import importlib
import os
import signal
import socket
import subprocess
import sys
import threading

from docent.config import Settings
from docent.errors import DocentError
from docent.llm.local import EMBEDDED_MODELS, resolve_gguf

__all__ = ["DEFAULT_PORT", "check_port_free", "check_server_installed", "model_alias",
           "run_server", "server_argv", "worker_settings"]

DEFAULT_PORT = 8600

# llama_cpp.server's own environment settings that would override the command line (uvicorn
# takes HOST and PORT from the environment first) or replace it (CONFIG_FILE)
_OVERRIDING_ENV = ("HOST", "PORT", "CONFIG_FILE", "API_KEY")

_INSTALL = "pip install 'llama-cpp-python[server]'"


def server_argv(model: str, settings: Settings, *, host: str = "127.0.0.1",
                port: int = DEFAULT_PORT, threads: int | None = None, ctx: int | None = None,
                logprobs: bool = True, python: str | None = None,
                extra: list[str] | None = None) -> list[str]:
    """The command line of ``python -m llama_cpp.server`` serving ``model`` (an embedded model
    name, assembled and verified in ``settings.models_dir`` if need be, or a GGUF path) under
    its own name (a path: the file's name without ``.gguf``).

    ``threads`` defaults to ``settings.llm_threads`` or every core, ``ctx`` to
    ``settings.llm_ctx``; ``extra`` is appended as is (e.g. ``["--n_gpu_layers", "-1"]`` on
    a CUDA build of llama-cpp-python).
    """
    gguf = resolve_gguf(model, settings.models_dir)
    alias = model if model in EMBEDDED_MODELS else gguf.stem
    threads = threads or settings.llm_threads or os.cpu_count() or 1
    argv = [
        python or sys.executable, "-m", "llama_cpp.server",
        "--model", str(gguf), "--model_alias", alias,
        "--host", host, "--port", str(port),
        "--n_ctx", str(ctx or settings.llm_ctx),
        "--n_threads", str(threads), "--n_threads_batch", str(threads),
        "--logits_all", "true" if logprobs else "false",
        "--interrupt_requests", "false",
        "--verbose", "false",
    ]
    return argv + list(extra or [])


def model_alias(argv: list[str]) -> str:
    """The name the server answers to (its ``--model_alias``)."""
    return argv[argv.index("--model_alias") + 1]


def check_server_installed() -> None:
    """Raise a one-line :class:`DocentError` unless ``llama_cpp.server`` (llama-cpp-python with
    its ``[server]`` extra: FastAPI, uvicorn, sse-starlette) can be imported."""
    try:
        importlib.import_module("llama_cpp.server.app")
    except ImportError as exc:
        missing = getattr(exc, "name", None) or "llama_cpp.server"
        raise DocentError(f"the model server needs llama-cpp-python's server ({missing} is not "
                          "installed)", fix=_INSTALL) from exc


def check_port_free(host: str, port: int) -> None:
    """Raise a one-line :class:`DocentError` when ``host:port`` cannot be listened on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        # as the server will (uvicorn): a port whose last connections linger in TIME_WAIT
        # is free, one with a listener is not
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host.strip("[]"), port))
        except OSError as exc:
            where = f"[{host.strip('[]')}]:{port}" if family == socket.AF_INET6 \
                else f"{host}:{port}"
            if exc.errno == errno.EADDRINUSE:
                raise DocentError(f"{where}: the port is in use",
                                  fix="choose another with --port, or stop what listens "
                                  "there") from exc
            raise DocentError(f"{where}: cannot listen there ({exc.strerror or exc})",
                              fix="check --host and --port") from exc


def worker_settings(argv: list[str], *, api_key: bool = False, judge: bool = False) -> str:
    """The settings a worker needs to use this server (``judge``: as its judge only), as
    ``NAME=value`` pairs on one line."""
    host, port = argv[argv.index("--host") + 1], argv[argv.index("--port") + 1]
    if host in ("0.0.0.0", "::", "[::]", ""):  # every interface: the name others reach
        host = socket.getfqdn()
        if host.startswith("localhost"):
            host = socket.gethostname()
    elif ":" in host:
        host = f"[{host.strip('[]')}]"
    name, url = model_alias(argv), f"http://{host}:{port}/v1"
    if judge:
        pairs = [("DOCENT_JUDGE_LLM", "openai"), ("DOCENT_JUDGE_BASE_URL", url),
                 ("DOCENT_JUDGE_MODEL", name)]
    else:
        pairs = [("DOCENT_LLM", "openai"), ("DOCENT_LLM_BASE_URL", url),
                 ("DOCENT_LLM_MODEL", name), ("DOCENT_LLM_SMALL_MODEL", name)]
    if api_key:
        pairs.append(("DOCENT_JUDGE_API_KEY" if judge else "DOCENT_LLM_API_KEY",
                      "<the server's key>"))
    return " ".join(f"{k}={v}" for k, v in pairs)


def run_server(argv: list[str], *, api_key: str | None = None) -> int:
    """Run the server (``argv`` from :func:`server_argv`) until it exits; SIGINT and SIGTERM
    are passed on to it. Returns 0 when it stopped on a signal or by itself without error;
    raises a one-line :class:`DocentError` when it cannot start or fails."""
    check_server_installed()
    host, port = argv[argv.index("--host") + 1], int(argv[argv.index("--port") + 1])
    check_port_free(host, port)
    env = {k: v for k, v in os.environ.items() if k not in _OVERRIDING_ENV}
    if api_key:
        env["API_KEY"] = api_key  # not on the command line, where `ps` shows it
    try:
        proc = subprocess.Popen(argv, env=env)
    except OSError as exc:
        raise DocentError(f"{argv[0]}: cannot start the model server ({exc})") from exc
    stopping: list[int] = []

    def forward(signum, _frame) -> None:
        stopping.append(signum)
        if proc.poll() is None:
            proc.send_signal(signum)

    # signal handlers can only be set in the main thread (elsewhere the caller stops it)
    main = threading.current_thread() is threading.main_thread()
    previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)} \
        if main else {}
    try:
        code = proc.wait()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if proc.poll() is None:  # the wait itself was interrupted
            proc.terminate()
            proc.wait()
    if stopping or code in (0, -signal.SIGINT, -signal.SIGTERM):
        return 0
    raise DocentError(f"the model server stopped with exit status {code}",
                      fix="see its messages above")
