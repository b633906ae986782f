"""The FastAPI app behind ``docent serve``: a JSON API under ``/api`` and a one-page UI at ``/``.

Usage::

    app = create_app(Path("docent-workspace/projects"), Settings())
    serve(app, host="127.0.0.1", port=8765)                     # blocks; Ctrl-C stops it

Routes (``{p}`` a project slug, ``{r}`` a run id), in three routers included by
:func:`create_app`: :mod:`~docent.web.api_projects`, :mod:`~docent.web.api_sources` and
:mod:`~docent.web.api_runs`::

    GET  /                                       the UI (static HTML/CSS/JS, no network resources)
    GET  /api/health | /api/config               liveness; upload limit and accepted types
    GET  /api/projects             POST {name}   list / create projects
    GET  /api/projects/{p}                       the project, its sources, uploads and runs
    POST /api/projects/{p}/sources               upload one file (multipart field "file"); 202
    GET  /api/projects/{p}/sources               sources and upload (ingest) jobs
    POST /api/projects/{p}/runs {assignment, fast}   queue a report; 202
    GET  /api/projects/{p}/runs | runs/{r}       runs; one run's live state (poll every second)
    POST /api/projects/{p}/runs/{r}/cancel
    GET  /api/projects/{p}/runs/{r}/report.{md|docx|html}[?download=1]
    GET  /api/projects/{p}/runs/{r}/validation.{json|md}
    GET  /review  and  GET|POST /api/projects/{p}/runs/{r}/review ...   the reader's review
                                                  (:mod:`~docent.web.api_review`)
    POST /api/projects/{p}/class-checks          a class's reports (files or a .zip); 202
    GET  /api/projects/{p}/class-checks[/{b}[.csv]]   the class checks; one as a table, as CSV
                                                  (:mod:`~docent.web.api_class`)

With ``accounts`` (``docent serve --accounts``), :mod:`~docent.web.api_accounts` adds::

    POST /api/signup | /api/login | /api/logout   GET /api/me   POST /api/invites
    GET  /api/courses              POST {name, assignment}   POST /api/courses/join {code}

and every other ``/api`` route but health and config needs a session (401), a state-changing
one its CSRF token in ``X-CSRF-Token`` (403); a project that is not the user's is a 404.

Errors are JSON ``{"error": message, "fix": ..., "file": ...}`` with a fitting status (400, 401,
403, 404, 409, 411, 413, 415, 422, 429; 500 without a traceback). Requests must name a loopback
host unless the app was made with ``allow_remote`` (DNS rebinding), and a state-changing request
from another origin is refused (403).
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from docent import __version__
from docent.config import Settings
from docent.errors import DocentError
from docent.web import api_accounts, api_class, api_projects, api_review, api_runs, \
    api_sources
from docent.web.auth import Accounts
from docent.web.auth import install as install_accounts
from docent.web.projects import DEFAULT_MAX_UPLOAD, Projects, WebError
from docent.web.links import router as links_router
from docent.web.worker import Worker

__all__ = ["create_app", "is_loopback", "serve"]

STATIC = Path(__file__).parent / "static"
_UI_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
           "frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
           "form-action 'self'; frame-ancestors 'none'")


def create_app(root: Path, settings: Settings | None = None, *,
               max_upload: int = DEFAULT_MAX_UPLOAD, allow_remote: bool = False,
               start_worker: bool = True, worker: Worker | None = None,
               log=None, accounts: bool | Accounts = False) -> FastAPI:
    """The app for the projects under ``root``; its worker starts with the app (lifespan).

    ``accounts``: people log in, and each sees only their own projects (and a teacher those
    of their courses): :mod:`docent.web.auth`, kept in the workspace's store (or the given
    :class:`~docent.web.auth.Accounts`). Without, the one-person app of a loopback address.

    The routes live in routers (:mod:`~docent.web.api_projects`, :mod:`~docent.web.api_sources`,
    :mod:`~docent.web.api_runs`), included here; they read the projects, the worker, the
    settings and the upload limit from ``app.state`` (:mod:`docent.web.api_common`).

    ``settings.database_url``: each project's workspace is a schema of that database
    (:class:`~docent.web.projects.Projects`); with ``settings.queue_url`` as well, checks and
    writes are jobs of the queue, run by ``docent worker`` processes (:mod:`docent.web.worker`).
    """
    settings = settings or Settings()
    projects = Projects(root, settings.database_url)
    worker = worker or Worker(projects, settings, log=log)
    people = (accounts if isinstance(accounts, Accounts) else
              Accounts(settings) if accounts else None)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if start_worker:
            worker.start()
        yield
        await run_in_threadpool(worker.stop)
        if people is not None:
            people.close()

    app = FastAPI(title="Docent", version=__version__, lifespan=lifespan, docs_url=None,
                  redoc_url=None, openapi_url="/api/openapi.json")
    app.state.projects, app.state.worker, app.state.settings = projects, worker, settings
    app.state.max_upload = max_upload
    app.state.accounts, app.state.allow_remote = people, allow_remote
    if people is not None:
        install_accounts(app, people)  # inside the guard: the host is checked first
    _guard(app, allow_remote)
    _error_handlers(app)

    # -- UI -------------------------------------------------------------------------------
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    # -- API ------------------------------------------------------------------------------
    app.include_router(api_projects.router)
    app.include_router(api_sources.router)
    app.include_router(api_runs.router)
    app.include_router(api_review.router)  # the review view and its API
    app.include_router(links_router)  # POST /api/projects/{p}/links: add sources by link
    app.include_router(api_class.router)  # class checks: many reports, one table
    if people is not None:
        app.include_router(api_accounts.router)  # signup, login, courses
    return app


def _guard(app: FastAPI, allow_remote: bool) -> None:
    """Loopback hosts only (unless ``allow_remote``: DNS rebinding), no cross-origin writes,
    and the security headers on every response."""

    @app.middleware("http")
    async def guard(request: Request, call_next):
        host = _hostname(request.headers.get("host") or "")
        if not allow_remote and not is_loopback(host):
            return _error(403, f"host {host!r} is not allowed", fix="open the app at "
                          "http://127.0.0.1:PORT, or serve with --allow-remote")
        origin = request.headers.get("origin")
        unsafe = request.method not in ("GET", "HEAD", "OPTIONS")
        if unsafe and origin and urlsplit(origin).netloc != request.headers.get("host"):
            return _error(403, "cross-origin requests are refused")  # "null" included
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Content-Security-Policy", _UI_CSP)
        return response


def _error_handlers(app: FastAPI) -> None:
    """Every error as JSON ``{"error", "fix", "file"}`` with a fitting status."""

    @app.exception_handler(WebError)
    async def _web_error(request: Request, exc: WebError):
        response = _error(exc.status, exc.message, fix=exc.fix, file=exc.file)
        response.headers.update(getattr(exc, "headers", None) or {})  # e.g. Retry-After
        return response

    @app.exception_handler(DocentError)
    async def _docent_error(request: Request, exc: DocentError):
        return _error(400, exc.message, fix=exc.fix)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        parts = [f"{'.'.join(str(x) for x in e.get('loc', ())[1:]) or 'body'}: {e.get('msg')}"
                 for e in exc.errors()]
        return _error(422, "; ".join(parts) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):
        return _error(500, f"internal error: {type(exc).__name__}",
                      fix="see the server's log; set DOCENT_DEBUG=1 for details")


def serve(app: FastAPI, *, host: str = "127.0.0.1", port: int = 8765,
          banner: str | None = None) -> None:
    """Run ``app`` with uvicorn until Ctrl-C (the running job is queued again); ``banner`` is
    printed once the address is known to be free.

    Raises :class:`DocentError` when the address cannot be listened on.
    """
    import socket

    import uvicorn

    bare = host.strip("[]")
    try:
        family = socket.AF_INET6 if ":" in bare else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((bare, port))
    except OSError as exc:
        raise DocentError(f"{host}:{port}: cannot listen ({exc.strerror or exc})",
                          fix="choose another --port, or stop what uses it") from exc
    if banner:
        print(banner, flush=True)
    uvicorn.run(app, host=bare, port=port, log_level="warning", access_log=False)


def is_loopback(host: str) -> bool:
    """``127.0.0.1``, ``::1``, ``[::1]``, ``localhost`` (any 127.x.y.z address)."""
    import ipaddress

    bare = host.strip().strip("[]").lower()
    if bare == "localhost":
        return True
    try:
        return ipaddress.ip_address(bare).is_loopback
    except ValueError:
        return False


# --- helpers -------------------------------------------------------------------------------

def _error(status: int, message: str, *, fix: str | None = None,
           file: str | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "fix": fix, "file": file}, status_code=status)


def _hostname(host: str) -> str:
    """``127.0.0.1:8765`` -> ``127.0.0.1``; ``[::1]:8765`` -> ``[::1]``."""
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host
