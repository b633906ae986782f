"""A local HTTP server for the tests of sources by link: real files on 127.0.0.1, no internet.

>>> with LinkServer() as server:
...     server.add("/pdf/2305.14627", ALCE.read_bytes(), "application/pdf")
...     httpx.get(server.url("/pdf/2305.14627")).status_code
200

Routes are exact paths (with their query); ``hits`` counts the requests per path, so a test can
prove a second ingest downloaded nothing. ``delay`` holds the answer back (timeouts).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
ALCE_PDF = next(p for p in (ROOT.parent / "shared" / "corpus" / "papers" / "alce-2305.14627.pdf",
                            ROOT / "examples" / "sources" / "papers" / "alce-2305.14627.pdf")
                if p.is_file())
LECTURE_VTT = DATA / "lets-build-gpt.vtt"
ARTICLE_HTML = DATA / "rag-citations-article.html"


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class LinkServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.hits[self.path] += 1
                route = server.routes.get(self.path)
                if route is None:
                    route = Route(b"<html><body><h1>Not Found</h1></body></html>", status=404)
                if route.delay:
                    time.sleep(route.delay)
                try:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    self.send_header("Content-Length", str(len(route.body)))
                    for k, v in route.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args) -> None:  # quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def add(self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8",
            **options) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(data, content_type, **options)
        return self.url(path)

    def redirect(self, path: str, to: str) -> str:
        self.routes[path] = Route(b"", status=302, headers={"Location": to})
        return self.url(path)

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> LinkServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def closed_port_url() -> str:
    """An address on 127.0.0.1 where nothing listens (the offline case)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/paper.pdf"


def reading_server() -> LinkServer:
    """A server of one week's reading: the ALCE PDF where arXiv's download address points
    (DOCENT_ARXIV_URL) and an HTML article at /notes/why-cite; use it as a context manager."""
    s = LinkServer()
    s.add("/pdf/2305.14627", ALCE_PDF.read_bytes(), "application/pdf")
    s.add("/notes/why-cite", ARTICLE_HTML.read_bytes())
    return s
