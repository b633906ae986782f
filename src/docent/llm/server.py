"""One model for a whole course: llama.cpp's own OpenAI-compatible server (llama-server, from
xllamacpp's prebuilt wheel) on an embedded model or a GGUF file, so workers do not each load it.

Usage::

    docent model-server --model qwen2.5-coder-1.5b --host 0.0.0.0 --port 8600 --parallel 2
    # on each worker (what the command prints at start):
    DOCENT_LLM=openai DOCENT_LLM_BASE_URL=http://HOST:8600/v1 \
    DOCENT_LLM_MODEL=qwen2.5-coder-1.5b DOCENT_LLM_SMALL_MODEL=qwen2.5-coder-1.5b docent write ...

or from Python::

    argv = server_argv("qwen2.5-coder-0.5b", settings, port=8600)
    run_server(argv)          # blocks; SIGINT/SIGTERM stop the server

One model per server, answering to its name (``--model_alias``); the workers' small model is
the served one too (``DOCENT_LLM_SMALL_MODEL``, as printed), and a judge on another model gets
its own server (``DOCENT_JUDGE_BASE_URL``, ``DOCENT_JUDGE_MODEL``). ``--parallel N`` serves N
requests at once (continuous batching, each with the whole context window): several workers'
drafts advance together instead of queueing. The judge reads ``P(Yes)`` from the replies'
``top_logprobs`` (:meth:`docent.llm.openai.OpenAIChatModel.token_scores`), which the server
computes only when a request asks.

The server itself runs in a child process (``python -m docent.llm.server ...``): the key, if
any, reaches it in the environment (``DOCENT_MODEL_SERVER_API_KEY``), never on the command line
where ``ps`` shows it.
"""

from __future__ import annotations

import argparse
import errno
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

_KEY_ENV = "DOCENT_MODEL_SERVER_API_KEY"
_INSTALL = "pip install xllamacpp"


def server_argv(model: str, settings: Settings, *, host: str = "127.0.0.1",
                port: int = DEFAULT_PORT, threads: int | None = None, ctx: int | None = None,
                parallel: int = 1, gpu_layers: int = 0, python: str | None = None) -> list[str]:
    """The command line of the server child (``python -m docent.llm.server``) serving
    ``model`` (an embedded model name, assembled and verified in ``settings.models_dir`` if
    need be, or a GGUF path) under its own name (a path: the file's name without ``.gguf``).

    ``threads`` defaults to ``settings.llm_threads`` or the cores, ``ctx`` (per
    request) to ``settings.llm_ctx``; ``gpu_layers`` offloads that many layers on a GPU build
    of xllamacpp (-1: all).
    """
    from docent.llm.local import default_threads

    gguf = resolve_gguf(model, settings.models_dir)
    alias = model if model in EMBEDDED_MODELS else gguf.stem
    threads = threads or settings.llm_threads or default_threads()
    return [
        python or sys.executable, "-m", "docent.llm.server",
        "--model", str(gguf), "--model_alias", alias,
        "--host", host, "--port", str(port),
        "--n_ctx", str(ctx or settings.llm_ctx), "--n_threads", str(threads),
        "--parallel", str(parallel), "--gpu_layers", str(gpu_layers),
    ]


def model_alias(argv: list[str]) -> str:
    """The name the server answers to (its ``--model_alias``)."""
    return argv[argv.index("--model_alias") + 1]


def check_server_installed() -> None:
    """Raise a one-line :class:`DocentError` unless xllamacpp (llama.cpp's server engine) can
    be imported."""
    import importlib

    try:
        importlib.import_module("xllamacpp")
    except ImportError as exc:
        raise DocentError("the model server needs xllamacpp (it is not installed)",
                          fix=_INSTALL) from exc


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
    env = {k: v for k, v in os.environ.items() if k != _KEY_ENV}
    if api_key:
        env[_KEY_ENV] = api_key  # not on the command line, where `ps` shows it
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
    if code == 3:
        raise DocentError(f"{argv[argv.index('--model') + 1]}: the model server cannot load "
                          "the model", fix="check that it is a GGUF file llama.cpp supports")
    raise DocentError(f"the model server stopped with exit status {code}",
                      fix="see its messages above")


def _serve(args: argparse.Namespace) -> int:
    """The child: llama-server on the model until SIGINT or SIGTERM."""
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = args.model
    params.model_alias = {args.model_alias}  # a set of names
    params.hostnames = [args.host.strip("[]")]
    params.port = args.port
    params.n_parallel = args.parallel
    params.n_ctx = args.n_ctx * args.parallel  # each request has the whole window
    params.cpuparams.n_threads = args.n_threads
    params.cpuparams_batch.n_threads = args.n_threads
    params.n_gpu_layers = args.gpu_layers
    params.warmup = False
    params.verbosity = -1
    key = os.environ.get(_KEY_ENV)
    if key:
        params.api_keys = [key]
    stop = threading.Event()
    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, lambda *_: stop.set())
    try:
        server = xlc.Server(params)
    except (RuntimeError, ValueError, OSError):
        return 3
    print(f"model server listening at {server.listening_address}", file=sys.stderr, flush=True)
    while not stop.wait(1.0):
        pass
    del server  # waits for the engine's loop to end
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m docent.llm.server",
                                 description="llama-server for `docent model-server`")
    ap.add_argument("--model", required=True)
    ap.add_argument("--model_alias", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=DEFAULT_PORT)
    ap.add_argument("--n_ctx", type=int, default=8192)
    ap.add_argument("--n_threads", type=int, default=1)
    ap.add_argument("--parallel", type=int, default=1)
    ap.add_argument("--gpu_layers", type=int, default=0)
    return _serve(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
