"""The web app's "add by link" route: links in, one queued ingest job each (like an upload).

    POST /api/projects/{p}/links {"links": "https://arxiv.org/abs/2305.14627\\n..."}   202

The field holds one link or several (one a line, ``#`` comments, as in a links file). Every link
is checked first (a text that is no link answers 400 naming it, and nothing is queued); then
each becomes an ``ingest`` run with ``{"url": ..., "file": ...}`` that the worker downloads and
ingests (:func:`docent.ingest.ingest_url`), shown with the uploads. Registered in
:func:`docent.web.app.create_app` with ``app.include_router(links.router)``::

    client.post("/api/projects/reading/links", json={"links": "arXiv:2305.14627"}).json()
    # {'jobs': [{'job': 3, 'url': 'arXiv:2305.14627', 'status': 'queued'}]}
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from docent.errors import SourceError
from docent.web.api_common import ProjectsDep, WorkerDep, admit
from docent.web.projects import BadRequest, Project
from docent.types import RunState

__all__ = ["router", "NewLinks", "enqueue_link", "MAX_LINKS"]

MAX_LINKS = 50
router = APIRouter()


class NewLinks(BaseModel):
    links: str = Field(min_length=1, max_length=20000)


def enqueue_link(project: Project, url: str) -> int:
    """A queued ingest run for ``url`` (the worker's ``_ingest`` reads ``options["url"]``)."""
    with project.open_store() as store:
        run_id = store.create_run("ingest", url, "{}", {"file": url, "url": url})
        store.set_run_status(run_id, RunState.queued)
    return run_id


def _checked(text: str) -> list[str]:
    from docent.sources.links import classify, is_link, parse_links

    links = parse_links(text)
    if not links:
        raise BadRequest("no link given", fix="paste an address such as "
                         "https://arxiv.org/abs/2305.14627, one a line")
    if len(links) > MAX_LINKS:
        raise BadRequest(f"{len(links)} links at once; at most {MAX_LINKS}",
                         fix="add them in smaller groups")
    for link in links:
        try:
            if not is_link(link):
                raise SourceError(link, "not a link")
            classify(link)
        except SourceError as exc:
            raise BadRequest(f"{link[:200]}: not a link", fix="give http(s) addresses (or "
                             "arXiv:ID, doi:10.…), one a line", file=link[:200]) from exc
    return links


@router.post("/api/projects/{slug}/links", status_code=202)
async def add_links(slug: str, body: NewLinks, request: Request, projects: ProjectsDep,
                    worker: WorkerDep) -> dict:
    # with accounts: the user's own project, or a 404
    project = await run_in_threadpool(projects.get, slug)
    links = _checked(body.links)
    await run_in_threadpool(admit, worker, "ingest", len(links))
    jobs = []
    for url in links:
        run_id = await run_in_threadpool(enqueue_link, project, url)
        jobs.append({"job": run_id, "url": url, "status": "queued"})
    request.app.state.worker.wake()
    return {"jobs": jobs}
