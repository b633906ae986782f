"""Routes of a project's sources: the ingested ones and uploads, which become ingest jobs.

    POST /api/projects/{p}/sources               upload one file (multipart field "file"); 202
    GET  /api/projects/{p}/sources               sources and upload (ingest) jobs

Usage::

    from docent.web.api_sources import router
    app.include_router(router)          # create_app does this

An upload is streamed to the project's uploads folder in 1 MB chunks (size, name and content
checked by :func:`docent.web.projects.save_upload`), then queued for the worker, which runs
:func:`docent.ingest.ingest_and_index` on it as ``docent ingest`` does.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from docent.web.api_common import (
    MaxUploadDep,
    ProjectsDep,
    WorkerDep,
    admit,
    sources_json,
    upload_json,
)
from docent.web.projects import MB, BadRequest, LengthRequired, UploadTooLarge, safe_filename, \
    save_upload

__all__ = ["router"]

router = APIRouter()


@router.get("/api/projects/{slug}/sources")
def list_sources(slug: str, projects: ProjectsDep) -> dict:
    project = projects.get(slug)
    with project.open_store() as store:
        return {"sources": sources_json(store),
                "uploads": [upload_json(r) for r in store.runs("ingest")]}


@router.post("/api/projects/{slug}/sources", status_code=202)
async def upload(slug: str, request: Request, projects: ProjectsDep, worker: WorkerDep,
                 max_upload: MaxUploadDep) -> dict:
    project = await run_in_threadpool(projects.get, slug)
    await run_in_threadpool(admit, worker, "ingest")  # a user over their job limit: 429
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


def _chunks(fh, size: int = MB) -> Iterator[bytes]:
    fh.seek(0)
    while chunk := fh.read(size):
        yield chunk
