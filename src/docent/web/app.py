"""The FastAPI app behind ``docent serve``: a JSON API under ``/api`` and a one-page UI at ``/``.

>>> app = create_app(Path("docent-workspace/projects"), Settings())
>>> serve(app, host="127.0.0.1", port=8765)                     # blocks; Ctrl-C stops it

Routes (``{p}`` a project slug, ``{r}`` a run id)::

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

Errors are JSON ``{"error": message, "fix": ..., "file": ...}`` with a fitting status (400, 404,
411, 413, 415, 422; 500 without a traceback). Requests must name a loopback host unless the
app was made with ``allow_remote`` (DNS rebinding), and a state-changing request from another
origin is refused (403).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Literal
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from docent import __version__
from docent.config import Settings
from docent.errors import DocentError
from docent.web.links import router as links_router
from docent.web.projects import (
    DEFAULT_MAX_UPLOAD,
    MB,
    BadRequest,
    LengthRequired,
    NotFound,
    Project,
    Projects,
    UploadTooLarge,
    WebError,
    allowed_suffixes,
    safe_filename,
    save_upload,
)
from docent.web.worker import Worker

__all__ = ["create_app", "is_loopback", "serve"]

STATIC = Path(__file__).parent / "static"
_UI_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
           "frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
           "form-action 'self'; frame-ancestors 'none'")
# The rendered report is a self-contained page (inline style and script, no network).
_REPORT_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
               "img-src data:; font-src data:; base-uri 'none'; form-action 'none'; "
               "frame-ancestors 'self'")
_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
}


class NewProject(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class NewRun(BaseModel):
    assignment: str = Field(min_length=1, max_length=20000)
    fast: bool = False


def create_app(root: Path, settings: Settings | None = None, *,
               max_upload: int = DEFAULT_MAX_UPLOAD, allow_remote: bool = False,
               start_worker: bool = True, worker: Worker | None = None,
               log=None) -> FastAPI:
    """The app for the projects under ``root``; its worker starts with the app (lifespan)."""
    settings = settings or Settings()
    projects = Projects(root)
    worker = worker or Worker(projects, settings, log=log)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if start_worker:
            worker.start()
        yield
        await run_in_threadpool(worker.stop)

    app = FastAPI(title="Docent", version=__version__, lifespan=lifespan, docs_url=None,
                  redoc_url=None, openapi_url="/api/openapi.json")
    app.state.projects, app.state.worker, app.state.settings = projects, worker, settings
    app.state.max_upload = max_upload

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

    @app.exception_handler(WebError)
    async def _web_error(request: Request, exc: WebError):
        return _error(exc.status, exc.message, fix=exc.fix, file=exc.file)

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

    # -- UI -------------------------------------------------------------------------------
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(links_router)  # POST /api/projects/{p}/links: add sources by link

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    # -- API ------------------------------------------------------------------------------
    @app.get("/api/health")
    def health() -> dict:
        return {"ok": True, "version": __version__, "worker": worker.alive}

    @app.get("/api/config")
    def config() -> dict:
        return {"max_upload": max_upload, "accept": allowed_suffixes(),
                "llm": settings.llm, "embedder": settings.embedder}

    @app.get("/api/projects")
    def list_projects() -> dict:
        return {"projects": [p.to_json() for p in projects.list()]}

    @app.post("/api/projects", status_code=201)
    def create_project(body: NewProject) -> dict:
        return projects.create(body.name).to_json()

    @app.get("/api/projects/{slug}")
    def get_project(slug: str) -> dict:
        project = projects.get(slug)
        with project.open_store() as store:
            runs = store.runs()
            return {**project.to_json(), "sources": _sources(store),
                    "uploads": [_upload_json(r) for r in runs if r["kind"] == "ingest"],
                    "runs": [_run_summary(r) for r in runs if r["kind"] == "write"]}

    @app.get("/api/projects/{slug}/sources")
    def list_sources(slug: str) -> dict:
        project = projects.get(slug)
        with project.open_store() as store:
            return {"sources": _sources(store),
                    "uploads": [_upload_json(r) for r in store.runs("ingest")]}

    @app.post("/api/projects/{slug}/sources", status_code=202)
    async def upload(slug: str, request: Request) -> dict:
        project = projects.get(slug)
        hinted = safe_filename(request.query_params.get("filename", "")) if \
            request.query_params.get("filename") else "the upload"
        length = request.headers.get("content-length")
        if length is None:
            raise LengthRequired("the upload has no Content-Length", file=hinted)
        if not length.isdigit() or int(length) > max_upload + MB:
            raise UploadTooLarge(f"{hinted}: the file is larger than the upload limit "
                                 f"({max_upload / MB:.0f} MB)", file=hinted)
        async with request.form(max_files=1, max_fields=5, max_part_size=MB) as form:
            file = form.get("file")
            if file is None or isinstance(file, str) or not file.filename:
                raise BadRequest("no file in the upload (multipart field 'file')")
            name = await run_in_threadpool(save_upload, project, file.filename,
                                           _chunks(file.file), limit=max_upload)
        job = await run_in_threadpool(worker.enqueue_ingest, project, name)
        return {"job": job, "file": name, "status": "queued"}

    @app.post("/api/projects/{slug}/runs", status_code=202)
    def start_run(slug: str, body: NewRun) -> dict:
        project = projects.get(slug)
        with project.open_store() as store:
            pending = any(r["status"] in ("queued", "running") for r in store.runs("ingest"))
            if store.passage_count() == 0 and not pending:
                raise BadRequest("this project has no sources yet", fix="upload some first")
        run_id = worker.enqueue_write(project, body.assignment, fast=body.fast)
        return _run_detail(project, run_id)

    @app.get("/api/projects/{slug}/runs")
    def list_runs(slug: str) -> dict:
        with projects.get(slug).open_store() as store:
            return {"runs": [_run_summary(r) for r in store.runs("write")]}

    @app.get("/api/projects/{slug}/runs/{run_id}")
    def get_run(slug: str, run_id: int) -> dict:
        return _run_detail(projects.get(slug), run_id)

    @app.post("/api/projects/{slug}/runs/{run_id}/cancel")
    def cancel_run(slug: str, run_id: int) -> dict:
        project = projects.get(slug)
        _load(project, run_id)
        return {"status": worker.cancel(project, run_id)}

    @app.get("/api/projects/{slug}/runs/{run_id}/report.{fmt}")
    def report(slug: str, run_id: int, fmt: Literal["md", "docx", "html"],
               download: bool = False) -> Response:
        from docent.pipeline import load_run

        project = projects.get(slug)
        with project.open_store() as store:
            _finished(project, store, run_id)
            draft, validation = load_run(store, run_id)
            try:
                from docent.render import render
            except ImportError as exc:
                raise WebError("rendering is not available in this installation",
                               fix="update Docent") from exc
            body = render(draft, fmt, validation=validation, store=store)
        headers = {"Cache-Control": "no-store"}
        if fmt == "html":
            headers["Content-Security-Policy"] = _REPORT_CSP
        if download or fmt == "docx":
            headers["Content-Disposition"] = _attachment(project, run_id, fmt)
        return Response(body, media_type=_TYPES[fmt], headers=headers)

    @app.get("/api/projects/{slug}/runs/{run_id}/validation.{fmt}")
    def validation(slug: str, run_id: int, fmt: Literal["json", "md"],
                   download: bool = False) -> Response:
        from docent.check import to_markdown
        from docent.pipeline import load_run

        project = projects.get(slug)
        with project.open_store() as store:
            _finished(project, store, run_id)
            _, report = load_run(store, run_id)
        if report is None:
            raise NotFound(f"run {run_id} has no validation report")
        body = (report.model_dump_json(indent=2) if fmt == "json" else to_markdown(report))
        headers = {"Cache-Control": "no-store"}
        if download:
            headers["Content-Disposition"] = _attachment(project, run_id, fmt, "validation")
        return Response(body.encode("utf-8"), media_type=_TYPES[fmt], headers=headers)

    def _run_detail(project: Project, run_id: int) -> dict:
        with project.open_store() as store:
            run = _load(project, run_id, store)
            done = set(store.run_sections(run_id))
        try:
            sections = json.loads(run["brief"]).get("sections", [])
        except (TypeError, ValueError):
            sections = []
        out = _run_summary(run)
        out["assignment"] = run["assignment"]
        out["sections"] = [{"title": s.get("title"), "done": i in done}
                           for i, s in enumerate(sections)]
        out["stages"] = worker.live(project.slug, run_id)
        out["current"] = worker.is_current(project.slug, run_id)
        if run.get("validation"):
            out["validation"] = _validation_summary(run["validation"])
        if run["status"] == "done" and run.get("draft"):
            base = f"/api/projects/{project.slug}/runs/{run_id}"
            out["links"] = {"html": f"{base}/report.html", "md": f"{base}/report.md?download=1",
                            "docx": f"{base}/report.docx",
                            "html_download": f"{base}/report.html?download=1",
                            "validation_json": f"{base}/validation.json?download=1",
                            "validation_md": f"{base}/validation.md?download=1"}
        return out

    return app


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


def _chunks(fh, size: int = MB) -> Iterator[bytes]:
    fh.seek(0)
    while chunk := fh.read(size):
        yield chunk


def _load(project: Project, run_id: int, store=None) -> dict:
    if store is None:
        with project.open_store() as own:
            return _load(project, run_id, own)
    run = store.run(run_id)
    if run is None or run["kind"] not in ("write", "ingest"):
        raise NotFound(f"project {project.slug!r} has no run {run_id}")
    return run


def _finished(project: Project, store, run_id: int) -> dict:
    run = _load(project, run_id, store)
    if run["kind"] != "write" or run["status"] != "done" or not run.get("draft"):
        raise NotFound(f"run {run_id} has no finished report ({run['status']})",
                       fix="wait until it is done")
    return run


def _sources(store) -> list[dict]:
    return [{"id": s.id, "kind": s.kind.value, "title": s.title, "file": Path(s.path).name,
             "passages": s.passage_count, "pages": s.pages, "duration": s.duration,
             "language": s.language} for s in store.sources()]


def _upload_json(run: dict) -> dict:
    return {"id": run["id"], "file": run["options"].get("file"), "status": run["status"],
            "error": run["error"], "result": run["output"], "progress": run["progress"],
            "created_at": run["created_at"]}


def _validation_summary(stored: str) -> dict | None:
    """The run's validation summary, read through the model so that a run saved before
    ``unverified`` was counted still gets every figure (``covered``: the "of M")."""
    from docent.check.findings import ValidationReport

    try:
        summary = ValidationReport.model_validate_json(stored).summary
    except ValueError:
        return json.loads(stored).get("summary")
    return {**summary.model_dump(mode="json"), "covered": summary.covered}


def _run_summary(run: dict) -> dict:
    first = " ".join(run["assignment"].split())
    return {"id": run["id"], "status": run["status"], "error": run["error"],
            "progress": run["progress"], "fast": bool(run["options"].get("fast")),
            "title": first[:80] + ("…" if len(first) > 80 else ""),
            "created_at": run["created_at"], "updated_at": run["updated_at"]}


def _attachment(project: Project, run_id: int, fmt: str, what: str = "report") -> str:
    ascii_name = f"{what}-run{run_id}.{fmt}"
    full = f"{project.slug}-{what}-run{run_id}.{fmt}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(full)}"
