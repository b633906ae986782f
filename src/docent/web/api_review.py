"""Routes of the review view: the sentences of a run to review, riskiest first, each with its
evidence; the reader's decisions; a cited PDF page rendered with the evidence highlighted.

    GET  /review                                         the review view (#/p/<slug>/r/<id>)
    GET  /api/projects/{p}/runs/{r}/review               items, decisions, summary, seq
    POST /api/projects/{p}/runs/{r}/review {seen, decisions: [{id, action, text, passage_id,
                                                              note}]}      409 if stale
    GET  /api/projects/{p}/runs/{r}/passages/{id}        a cited passage's text and place
    GET  /api/projects/{p}/runs/{r}/passages/{id}/page.png?q=QUOTE     its PDF page, QUOTE
                                                                        highlighted

A project's store holds only its own runs and passages, so a run or passage id of another
project is a 404 here. The decisions are those of ``docent review`` (the same store calls). A
PDF that is not on this machine (a project in a database server, ingested elsewhere) is read
from the database (:meth:`docent.store.Store.file`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from docent.review import summarize, to_review
from docent.store import ReviewConflict
from docent.types import ReviewAction, ReviewDecision, SourceKind, ValidationReport
from docent.web.api_common import MAX_ID, ProjectsDep, RowId
from docent.web.projects import Conflict, BadRequest, NotFound, WebError

__all__ = ["router"]

router = APIRouter()
STATIC = Path(__file__).parent / "static"


class Decision(BaseModel):
    id: str = Field(min_length=1, max_length=40)
    action: Literal["confirmed", "removed", "rewritten", "recited", "undone"]
    text: str | None = Field(default=None, max_length=4000)
    passage_id: int | None = Field(default=None, ge=0, le=MAX_ID)
    note: str | None = Field(default=None, max_length=2000)


class Decisions(BaseModel):
    seen: int  # the seq of the view the decisions were made on
    decisions: list[Decision] = Field(min_length=1, max_length=500)



@router.get("/review", include_in_schema=False)
def review_page() -> FileResponse:
    return FileResponse(STATIC / "review.html", media_type="text/html; charset=utf-8")


def _validation(store, run_id: int) -> tuple[object, ValidationReport]:
    run = store.run(run_id)
    if run is None or not run.validation:
        raise NotFound(f"run {run_id} has no finished report to review")
    return run, ValidationReport.model_validate_json(run.validation)


def _state(store, run_id: int) -> dict:
    run, v = _validation(store, run_id)
    decisions = store.reviews(run_id)
    items = to_review(v, decisions)
    summary = summarize(v, decisions)
    text = " ".join(s.text for s in v.sentences[:20])
    language = "zh" if re.search(r"[\u4e00-\u9fff]", text) else "en"
    pages = {}
    ids = {i.evidence.passage_id for i in items if i.evidence and i.evidence.passage_id} | {
        i.runner_up.passage_id for i in items if i.runner_up and i.runner_up.passage_id}
    passages = store.passages_by_id(ids)
    sources = {s.id: s for s in store.sources()}
    for pid, p in passages.items():
        source = sources.get(p.source_id)
        pages[pid] = {"pdf": bool(source and source.kind is SourceKind.pdf
                                  and p.locator.page),
                      "kind": source.kind.value if source else None}
    return {"run": run_id, "kind": run.kind, "title": run.assignment.splitlines()[0][:120]
            if run.assignment else "", "language": language, "seq": store.review_seq(run_id),
            "summary": summary.model_dump(), "line": summary.line(),
            "items": [dict(i.model_dump(mode="json"),
                           evidence_view=pages.get(i.evidence.passage_id) if i.evidence else None,
                           runner_view=pages.get(i.runner_up.passage_id) if i.runner_up
                           else None) for i in items]}


@router.get("/api/projects/{slug}/runs/{run_id}/review")
def get_review(slug: str, run_id: RowId, projects: ProjectsDep) -> dict:
    with projects.get(slug).open_store() as store:
        return _state(store, run_id)


@router.post("/api/projects/{slug}/runs/{run_id}/review")
def post_review(slug: str, run_id: RowId, body: Decisions, projects: ProjectsDep) -> dict:
    with projects.get(slug).open_store() as store:
        _, v = _validation(store, run_id)
        texts = {s.id or f"s{s.index + 1}": s.text for s in v.sentences}
        decisions = []
        for d in body.decisions:
            if d.id not in texts:
                raise BadRequest(f"{d.id}: no such sentence in run {run_id}")
            if d.action == "rewritten" and not (d.text or "").strip():
                raise BadRequest(f"{d.id}: a rewrite needs its new text")
            if d.action == "recited" and d.passage_id is None:
                raise BadRequest(f"{d.id}: a re-citation needs the passage")
            if d.passage_id is not None and not store.passages_by_id([d.passage_id]):
                raise NotFound(f"passage {d.passage_id} is not in this project")
            decisions.append(ReviewDecision(
                sentence_id=d.id, action=ReviewAction(d.action), before=texts[d.id],
                text=(d.text or "").strip() or None, passage_id=d.passage_id, note=d.note))
        try:
            store.add_reviews(run_id, decisions, seen=body.seen)
        except ReviewConflict as exc:
            raise Conflict(exc.message, fix=exc.fix) from None
        return _state(store, run_id)


def _passage(store, run_id: int, passage_id: int):
    store_run = store.run(run_id)
    passage = store.passages_by_id([passage_id]).get(passage_id)
    if store_run is None or passage is None:
        raise NotFound(f"passage {passage_id} is not in this project")
    return passage, store.source(passage.source_id)


@router.get("/api/projects/{slug}/runs/{run_id}/passages/{passage_id}")
def get_passage(slug: str, run_id: RowId, passage_id: RowId, projects: ProjectsDep) -> dict:
    with projects.get(slug).open_store() as store:
        passage, source = _passage(store, run_id, passage_id)
        return {"id": passage_id, "text": passage.text, "locator": passage.locator.label(),
                "page": passage.locator.page, "start": passage.locator.start,
                "source": source.title if source else None,
                "kind": source.kind.value if source else None,
                "url": source.bibliography.url if source and source.bibliography else None}


@router.get("/api/projects/{slug}/runs/{run_id}/passages/{passage_id}/page.png")
def page_png(slug: str, run_id: RowId, passage_id: RowId, projects: ProjectsDep,
             q: str = "") -> Response:
    import pymupdf

    with projects.get(slug).open_store() as store:
        passage, source = _passage(store, run_id, passage_id)
        if source is None or source.kind is not SourceKind.pdf or not passage.locator.page:
            raise NotFound(f"passage {passage_id} is not on a PDF page")
        path = Path(source.path)
        data = None if path.is_file() else store.file(source.sha256)  # kept in the database
        if data is None and not path.is_file():
            raise NotFound(f"{path.name}: the PDF is no longer in the project")
    opened = pymupdf.open(path) if data is None else pymupdf.open(stream=data, filetype="pdf")
    with opened as doc:
        page = doc[passage.locator.page - 1]
        for rect in _quote_rects(page, q):
            annot = page.add_highlight_annot(rect)
            annot.set_colors(stroke=(1, 0.85, 0.2))
            annot.update()
        png = page.get_pixmap(dpi=110).tobytes("png")
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


def _quote_rects(page, quote: str) -> list:
    """The rectangles of ``quote`` on ``page``: found whole, else by its first words (a PDF
    breaks lines and hyphenates where the extracted text does not)."""
    quote = " ".join(quote.split())[:400]
    if not quote:
        return []
    for probe in (quote, quote[:120], " ".join(quote.split()[:8]), " ".join(quote.split()[:4])):
        if len(probe) >= 12:
            rects = page.search_for(probe)
            if rects:
                return rects
    return []
