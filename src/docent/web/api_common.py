"""What the web app's routers share: the app's state as FastAPI dependencies, run lookups,
JSON shapes of sources and runs, and download names.

Usage::

    from docent.web.api_common import ProjectsDep, WorkerDep
    @router.get("/api/projects/{slug}/things")
    def things(slug: str, projects: ProjectsDep) -> dict:
        with projects.get(slug).open_store() as store:
            return {"sources": sources_json(store)}

:func:`docent.web.app.create_app` keeps the projects, the worker, the settings and the upload
limit in ``app.state``; a router reads them through these dependencies, so the routers
(:mod:`~docent.web.api_projects`, :mod:`~docent.web.api_sources`, :mod:`~docent.web.api_runs`)
hold no state of their own and ``create_app`` only includes them. With accounts
(``create_app(..., accounts=True)``) ``ProjectsDep`` is the current user's view of the projects
and ``WorkerDep`` holds them to their job limit (:mod:`docent.web.auth`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi import Path as PathParam

from docent.config import Settings
from docent.store import Run
from docent.web.projects import NotFound, Project, Projects
from docent.web.worker import Worker
from docent.types import RunState

__all__ = [
    "MAX_ID",
    "MaxUploadDep",
    "ProjectsDep",
    "RowId",
    "SettingsDep",
    "WorkerDep",
    "admit",
    "attachment",
    "finished_run",
    "load_run_row",
    "run_summary",
    "sources_json",
    "upload_json",
    "validation_summary",
]


def _projects(request: Request) -> Projects:
    """The app's projects; with accounts, the current user's view of them
    (:class:`docent.web.auth.UserProjects`: another user's project is a 404)."""
    projects = request.app.state.projects
    accounts = getattr(request.app.state, "accounts", None)
    if accounts is None:
        return projects
    from docent.web.auth import SAFE_METHODS, Unauthorized, UserProjects

    user = getattr(request.state, "user", None)
    if user is None:
        raise Unauthorized("log in first")
    return UserProjects(projects, accounts, user, write=request.method not in SAFE_METHODS)


def _worker(request: Request) -> Worker:
    """The app's worker; with accounts and a user, one that holds them to their job limit."""
    worker = request.app.state.worker
    if getattr(request.app.state, "accounts", None) is None or \
            getattr(request.state, "user", None) is None:
        return worker
    from docent.web.auth import UserWorker

    return UserWorker(worker, _projects(request))


def admit(worker, kind: str = "ingest", count: int = 1) -> None:
    """Refuse (429) ``count`` more jobs of ``kind`` the user may not queue now; nothing without
    accounts."""
    from docent.web.auth import UserWorker

    if isinstance(worker, UserWorker):
        worker.admit(kind, count)


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _max_upload(request: Request) -> int:
    return request.app.state.max_upload


#: A run's or a passage's id in a path: what a database column holds (a larger number is a 422,
#: never a driver's overflow).
MAX_ID = 2**63 - 1
RowId = Annotated[int, PathParam(ge=0, le=MAX_ID)]

ProjectsDep = Annotated[Projects, Depends(_projects)]
WorkerDep = Annotated[Worker, Depends(_worker)]
SettingsDep = Annotated[Settings, Depends(_settings)]
MaxUploadDep = Annotated[int, Depends(_max_upload)]


def load_run_row(project: Project, run_id: int, store=None) -> Run:
    """The project's run (a write or an ingest job), or a 404."""
    if store is None:
        with project.open_store() as own:
            return load_run_row(project, run_id, own)
    run = store.run(run_id)
    if run is None or run.kind not in ("write", "ingest"):
        raise NotFound(f"project {project.slug!r} has no run {run_id}")
    return run


def finished_run(project: Project, store, run_id: int) -> Run:
    """The project's finished write run, or a 404 saying what it is waiting for."""
    run = load_run_row(project, run_id, store)
    if run.kind != "write" or run.status != RunState.done or not run.draft:
        raise NotFound(f"run {run_id} has no finished report ({run.status})",
                       fix="wait until it is done")
    return run


def sources_json(store) -> list[dict]:
    return [{"id": s.id, "kind": s.kind.value, "title": s.title, "file": Path(s.path).name,
             "passages": s.passage_count, "pages": s.pages, "duration": s.duration,
             "language": s.language} for s in store.sources()]


def upload_json(run: Run) -> dict:
    return {"id": run.id, "file": run.options.get("file"), "status": run.status,
            "error": run.error, "result": run.output, "progress": run.progress,
            "created_at": run.created_at}


def validation_summary(stored: str) -> dict | None:
    """The run's validation summary, read through the model so that a run saved before
    ``unverified`` was counted still gets every figure (``covered``: the "of M")."""
    from docent.types import ValidationReport

    try:
        summary = ValidationReport.model_validate_json(stored).summary
    except ValueError:
        return json.loads(stored).get("summary")
    return {**summary.model_dump(mode="json"), "covered": summary.covered}


def run_summary(run: Run) -> dict:
    first = " ".join(run.assignment.split())
    return {"id": run.id, "status": run.status, "error": run.error,
            "progress": run.progress, "fast": bool(run.options.get("fast")),
            "title": first[:80] + ("…" if len(first) > 80 else ""),
            "created_at": run.created_at, "updated_at": run.updated_at}


def attachment(project: Project, run_id: int, fmt: str, what: str = "report") -> str:
    """A ``Content-Disposition`` naming the download ``{slug}-{what}-run{id}.{fmt}``."""
    ascii_name = f"{what}-run{run_id}.{fmt}"
    full = f"{project.slug}-{what}-run{run_id}.{fmt}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(full)}"
