"""Routes of the app itself and of its projects: health, configuration, list/create/show.

    GET  /api/health | /api/config               liveness; upload limit and accepted types
    GET  /api/projects             POST {name}   list / create projects
    GET  /api/projects/{p}                       the project, its sources, uploads and runs

With accounts, the list holds the projects the user may see, each with its owner, course and
``mine`` (whether the user may change it), and ``POST {name, course}`` makes one in a course.

Usage::

    from docent.web.api_projects import router
    app.include_router(router)          # create_app does this
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from docent import __version__
from docent.web.api_common import (
    MaxUploadDep,
    ProjectsDep,
    SettingsDep,
    WorkerDep,
    run_summary,
    sources_json,
    upload_json,
)
from docent.web.projects import BadRequest, Projects, allowed_suffixes

__all__ = ["NewProject", "router"]

router = APIRouter()


class NewProject(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    course: int | None = Field(default=None, description="with accounts: the id of a course "
                               "of the user's that the project belongs to")


@router.get("/api/health")
def health(worker: WorkerDep) -> dict:
    return {"ok": True, "version": __version__, "worker": worker.alive}


@router.get("/api/config")
def config(settings: SettingsDep, max_upload: MaxUploadDep) -> dict:
    return {"max_upload": max_upload, "accept": allowed_suffixes(),
            "llm": settings.llm, "embedder": settings.embedder}


@router.get("/api/projects")
def list_projects(projects: ProjectsDep) -> dict:
    return {"projects": [p.to_json() for p in projects.list()]}


@router.post("/api/projects", status_code=201)
def create_project(body: NewProject, projects: ProjectsDep) -> dict:
    if body.course is None:
        return projects.create(body.name).to_json()
    if isinstance(projects, Projects):
        raise BadRequest("courses exist only on a server with accounts",
                         fix="leave out course, or serve with --accounts")
    return projects.create(body.name, course=body.course).to_json()


@router.get("/api/projects/{slug}")
def get_project(slug: str, projects: ProjectsDep) -> dict:
    project = projects.get(slug)
    with project.open_store() as store:
        runs = store.runs()
        return {**project.to_json(), "sources": sources_json(store),
                "uploads": [upload_json(r) for r in runs if r.kind == "ingest"],
                "runs": [run_summary(r) for r in runs if r.kind == "write"],
                # reports checked into this project (docent check -w <project folder>): each
                # opens in the review view (a class check's are in its own table)
                "checks": [dict(run_summary(r), review=f"/review#/p/{project.slug}/r/{r.id}")
                           for r in runs if r.kind == "check" and "batch" not in r.options]}
