"""Routes of a project's runs: queue a report, follow it live, cancel it, download the
report and its validation report.

    POST /api/projects/{p}/runs {assignment, fast}   queue a report; 202
    GET  /api/projects/{p}/runs | runs/{r}       runs; one run's live state (poll every second)
    POST /api/projects/{p}/runs/{r}/cancel
    GET  /api/projects/{p}/runs/{r}/report.{md|docx|html}[?download=1]
    GET  /api/projects/{p}/runs/{r}/validation.{json|md}

Usage::

    from docent.web.api_runs import router
    app.include_router(router)          # create_app does this

A queued run is executed by the worker with :func:`docent.pipeline.write_run`, the function
behind ``docent write``; the downloads render the saved run as ``docent render`` does.
"""

from __future__ import annotations

import json
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from docent.web.api_common import (
    ProjectsDep,
    RowId,
    WorkerDep,
    attachment,
    finished_run,
    load_run_row,
    run_summary,
    validation_summary,
)
from docent.web.projects import Conflict, BadRequest, NotFound, Project, WebError
from docent.web.worker import Worker
from docent.types import RunState

__all__ = ["NewRun", "REPORT_CSP", "TYPES", "router"]


router = APIRouter()

# The rendered report is a self-contained page (inline style and script, no network).
REPORT_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
              "img-src data:; font-src data:; base-uri 'none'; form-action 'none'; "
              "frame-ancestors 'self'")
TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
}


class NewRun(BaseModel):
    assignment: str = Field(min_length=1, max_length=20000)
    fast: bool = False


@router.post("/api/projects/{slug}/runs", status_code=202)
def start_run(slug: str, body: NewRun, projects: ProjectsDep, worker: WorkerDep) -> dict:
    project = projects.get(slug)
    with project.open_store() as store:
        pending = any(r.status in (RunState.queued, RunState.running) for r in store.runs("ingest"))
        if store.passage_count() == 0 and not pending:
            raise BadRequest("this project has no sources yet", fix="upload some first")
    if pending and getattr(worker, "queue_mode", False):  # a worker would not wait for them
        raise Conflict("the project's sources are still being ingested",
                       fix="start the run once they are done")
    run_id = worker.enqueue_write(project, body.assignment, fast=body.fast)
    return run_detail(project, run_id, worker)


@router.get("/api/projects/{slug}/runs")
def list_runs(slug: str, projects: ProjectsDep) -> dict:
    with projects.get(slug).open_store() as store:
        return {"runs": [run_summary(r) for r in store.runs("write")]}


@router.get("/api/projects/{slug}/runs/{run_id}")
def get_run(slug: str, run_id: RowId, projects: ProjectsDep, worker: WorkerDep) -> dict:
    return run_detail(projects.get(slug), run_id, worker)


@router.post("/api/projects/{slug}/runs/{run_id}/cancel")
def cancel_run(slug: str, run_id: RowId, projects: ProjectsDep, worker: WorkerDep) -> dict:
    project = projects.get(slug)
    load_run_row(project, run_id)
    return {"status": worker.cancel(project, run_id)}


@router.get("/api/projects/{slug}/runs/{run_id}/report.{fmt}")
def report(slug: str, run_id: RowId, fmt: Literal["md", "docx", "html"], projects: ProjectsDep,
           download: bool = False) -> Response:
    from docent.pipeline import load_run

    project = projects.get(slug)
    with project.open_store() as store:
        finished_run(project, store, run_id)
        draft, validation = load_run(store, run_id)
        try:
            from docent.render import render
        except ImportError as exc:
            raise WebError("rendering is not available in this installation",
                           fix="update Docent") from exc
        body = render(draft, fmt, validation=validation, store=store)
    headers = {"Cache-Control": "no-store"}
    if fmt == "html":
        headers["Content-Security-Policy"] = REPORT_CSP
    if download or fmt == "docx":
        headers["Content-Disposition"] = attachment(project, run_id, fmt)
    return Response(body, media_type=TYPES[fmt], headers=headers)


@router.get("/api/projects/{slug}/runs/{run_id}/validation.{fmt}")
def validation(slug: str, run_id: RowId, fmt: Literal["json", "md"], projects: ProjectsDep,
               download: bool = False) -> Response:
    from docent.check import to_markdown
    from docent.pipeline import load_run

    project = projects.get(slug)
    with project.open_store() as store:
        finished_run(project, store, run_id)
        _, report = load_run(store, run_id)
    if report is None:
        raise NotFound(f"run {run_id} has no validation report")
    body = (report.model_dump_json(indent=2) if fmt == "json" else to_markdown(report))
    headers = {"Cache-Control": "no-store"}
    if download:
        headers["Content-Disposition"] = attachment(project, run_id, fmt, "validation")
    return Response(body.encode("utf-8"), media_type=TYPES[fmt], headers=headers)


def run_detail(project: Project, run_id: int, worker: Worker) -> dict:
    """A run as the page shows it: summary, sections done, live stages, validation, links."""
    with project.open_store() as store:
        run = load_run_row(project, run_id, store)
        done = set(store.run_sections(run_id))
    try:
        sections = json.loads(run.brief).get("sections", [])
    except (TypeError, ValueError):
        sections = []
    out = run_summary(run)
    out["assignment"] = run.assignment
    out["sections"] = [{"title": s.get("title"), "done": i in done}
                       for i, s in enumerate(sections)]
    out["stages"] = worker.live(project.slug, run_id)
    out["current"] = worker.is_current(project.slug, run_id)
    if run.validation:
        out["validation"] = validation_summary(run.validation)
    if run.status == RunState.done and run.draft:
        base = f"/api/projects/{project.slug}/runs/{run_id}"
        out["links"] = {"html": f"{base}/report.html", "md": f"{base}/report.md?download=1",
                        "docx": f"{base}/report.docx",
                        "html_download": f"{base}/report.html?download=1",
                        "validation_json": f"{base}/validation.json?download=1",
                        "validation_md": f"{base}/validation.md?download=1",
                        "review": f"/review#/p/{project.slug}/r/{run_id}"}
    return out
