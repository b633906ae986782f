"""The web app served by uvicorn in a child process, for browser and API tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

SERVER = ("import sys; from pathlib import Path; from docent.config import Settings; "
          "from docent.web import create_app, serve; "
          "serve(create_app(Path(sys.argv[1]), Settings({settings})), host='127.0.0.1', "
          "port=int(sys.argv[2]))")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(root: Path, folder: Path, *, env: dict | None = None,
            settings: str = "") -> Iterator[str]:
    """``docent.web`` for the projects under ``root`` (``settings``: the keyword arguments of
    its Settings, as code), its log in ``folder``; yields the base URL, stops it after."""
    port = free_port()
    full = {k: v for k, v in os.environ.items() if not k.startswith("DOCENT_")}
    full.update(env or {})
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-c", SERVER.format(settings=settings), str(root),
                             str(port)], cwd=folder, env=full, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start: "
                               + (folder / "server.log").read_text())
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
