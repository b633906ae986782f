"""Routes of a class check: a teacher hands in a class's submissions (Markdown, text, Word or
HTML files, or one .zip of them) and gets one table: per student, how many cited sentences are
verified, confirmed by a reviewer, unverified and red, the worst findings, and a link to the
review view; and the table as CSV.

    POST /api/projects/{p}/class-checks          multipart: field "files" (repeatable) holding
                                                 reports or one .zip; "no_judge"=1 skips the
                                                 model's verdicts; 202 {batch, runs, rejected}
    GET  /api/projects/{p}/class-checks          the project's class checks, newest first
    GET  /api/projects/{p}/class-checks/{b}      the table: one row per report, live
    GET  /api/projects/{p}/class-checks/{b}.csv  the table as CSV (UTF-8 with a BOM, for Excel)
    POST /api/projects/{p}/class-checks/{b}/cancel   stop what is not checked yet

Each report becomes a ``check`` run of the project with ``options["batch"]``, checked against
the project's sources as ``docent check`` checks it (:func:`docent.jobs.check_job.run_check`):
by the app's worker, or by ``docent worker`` processes when the app has a job queue. A file
that is not a report Docent reads is left out with one line naming it (the others are
checked); a class check is one job against the user's job limit, however many reports it holds.

Usage::

    from docent.web.api_class import router
    app.include_router(router)          # create_app does this
"""

from __future__ import annotations

import csv
import io
import secrets
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from docent.errors import DocentError
from docent.web.api_common import MaxUploadDep, ProjectsDep, WorkerDep, admit
from docent.web.projects import Conflict, MB, BadRequest, LengthRequired, NotFound, Project, \
    UploadTooLarge, WebError, check_content, safe_filename
from docent.types import RunState

__all__ = ["MAX_REPORTS", "MAX_REPORT_BYTES", "MAX_REPORT_CHARS", "collect_reports", "router"]

router = APIRouter()

#: Reports in one class check.
MAX_REPORTS = 200
#: One report's file (unpacked from a zip too), and a Word file's parts unpacked.
MAX_REPORT_BYTES = 20 * MB
MAX_DOCX_UNPACKED = 100 * MB
#: One report's text: more is no report but a book, and would hold the worker for hours.
MAX_REPORT_CHARS = 300_000
#: Entries of a zip looked at (folders and system files included).
MAX_ZIP_ENTRIES = 2000
REPORT_TYPES = (".md", ".markdown", ".txt", ".docx", ".html", ".htm")
_HAND_IN = "hand in .md, .txt, .docx or .html files (or one .zip of them)"
_JUNK = ("__MACOSX/", ".", "~$", "Thumbs.db", "desktop.ini")  # a zip's system files
BatchId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{12}$")]



# --- the upload ----------------------------------------------------------------------------

class _Reports:
    """What a class upload holds: ``(name, text)`` of each report, and one line per file left
    out."""

    def __init__(self, folder: Path, limit: int) -> None:
        self.folder, self.limit = folder, limit
        self.accepted: list[tuple[str, str]] = []
        self.rejected: list[str] = []
        self.total = 0  # bytes unpacked so far
        self.over = 0  # reports past MAX_REPORTS

    def add(self, filename: str, chunks, *, where: str = "") -> None:
        """Read one file (``chunks``: its bytes); keep its text or a line saying why not."""
        name = safe_filename(filename)
        label = f"{name} (in {where})" if where else name
        suffix = Path(name).suffix.lower()
        if suffix not in REPORT_TYPES:
            self.rejected.append(f"{label}: not a report Docent reads "
                                 f"({suffix or 'no extension'}); {_HAND_IN}")
            return
        if any(name == n for n, _ in self.accepted):
            self.rejected.append(f"{label}: another submission has this name; rename one "
                                 "(a report's name is how its row is found)")
            return
        if len(self.accepted) >= MAX_REPORTS:
            self.over += 1
            if self.over == 1:
                self.rejected.append(f"{label} and what follows: more than {MAX_REPORTS} "
                                     "reports in one class check; check the rest in another")
            return
        path = self.folder / name
        try:
            if not self._save(path, chunks, label, name):
                return
            self.accepted.append((name, _read(path, name)))
        except UploadTooLarge:
            raise
        except DocentError as exc:
            line = " ".join(str(exc.message).replace(str(path), name).split())
            self.rejected.append(line.replace(name, label, 1) if where else line)
        finally:
            path.unlink(missing_ok=True)

    def _save(self, path: Path, chunks, label: str, name: str) -> bool:
        """Write the file, counting its bytes (a zip's headers may lie); False when it is too
        large to be a report."""
        size = 0
        with path.open("wb") as fh:
            for chunk in chunks:
                size += len(chunk)
                self.total += len(chunk)
                if self.total > self.limit:
                    raise UploadTooLarge(f"{label}: the class's files are larger than the "
                                         f"upload limit ({self.limit // MB} MB) unpacked",
                                         fix="check the class in parts", file=name)
                if size > MAX_REPORT_BYTES:
                    self.rejected.append(f"{label}: larger than {MAX_REPORT_BYTES // MB} MB; "
                                         "no report is that long")
                    return False
                fh.write(chunk)
        return True

    def add_zip(self, zipname: str, fh) -> None:
        """Every report in a zip, folders flattened; files of the same name in several folders
        (a folder per student) are named by their folder: ``ann-report.docx``."""
        zipname = safe_filename(zipname)
        try:
            archive = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, OSError, ValueError):
            self.rejected.append(f"{zipname}: not a readable zip file; {_HAND_IN}")
            return
        with archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                self.rejected.append(f"{zipname}: {len(entries)} entries; at most "
                                     f"{MAX_ZIP_ENTRIES} (a class's reports are fewer)")
                return
            members = []
            for info in entries:
                name = _member_name(info).replace("\\", "/")  # some Windows zips
                base = name.rstrip("/").rsplit("/", 1)[-1]
                junk = name.startswith(_JUNK[0]) or base.startswith(_JUNK[1:])
                if not (info.is_dir() or junk):
                    members.append((info, name, base))
            bases = [base for _, _, base in members]
            for info, name, base in members:
                folder = name.rsplit("/", 2)[-2] if "/" in name else ""
                if folder and bases.count(base) > 1:
                    base = f"{folder}-{base}"
                if info.flag_bits & 0x1:
                    self.rejected.append(f"{safe_filename(base)} (in {zipname}): encrypted; "
                                         "zip the reports without a password")
                    continue
                if info.file_size > MAX_REPORT_BYTES:  # before unpacking a byte of it
                    self.rejected.append(f"{safe_filename(base)} (in {zipname}): larger than "
                                         f"{MAX_REPORT_BYTES // MB} MB unpacked; no report is "
                                         "that long")
                    continue
                try:
                    with archive.open(info) as member:
                        self.add(base, iter(lambda: member.read(MB), b""), where=zipname)
                except (zipfile.BadZipFile, OSError, RuntimeError, EOFError,
                        NotImplementedError) as exc:
                    self.rejected.append(f"{safe_filename(base)} (in {zipname}): cannot be "
                                         f"unpacked ({type(exc).__name__})")


def _member_name(info: zipfile.ZipInfo) -> str:
    """A zip entry's name; one zipped on Windows without the UTF-8 flag is usually in the
    system's code page (GBK for Chinese), which Python reads as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _read(path: Path, name: str) -> str:
    """The report's text, as ``docent check`` reads it, after the upload's content check."""
    from docent.check.report_file import read_report

    check_content(path, name)  # a .docx is a Word file, a .md is UTF-8 text ...
    if path.suffix.lower() == ".docx":
        with zipfile.ZipFile(path) as docx:
            if sum(i.file_size for i in docx.infolist()) > MAX_DOCX_UNPACKED:
                raise DocentError(f"{name}: the Word file unpacks to more than "
                                  f"{MAX_DOCX_UNPACKED // MB} MB; save it again without "
                                  "embedded media")
    text = read_report(path)
    if len(text) > MAX_REPORT_CHARS:
        raise DocentError(f"{name}: {len(text)} characters; a report to check has at most "
                          f"{MAX_REPORT_CHARS}")
    return text


def collect_reports(files: list[tuple[str, object]], folder: Path, limit: int) -> _Reports:
    """The reports of an upload's files (``(name, file object)``; a ``.zip`` is unpacked)."""
    found = _Reports(folder, limit)
    for filename, fh in files:
        fh.seek(0)
        if Path(filename).suffix.lower() == ".zip":
            found.add_zip(filename, fh)
        else:
            found.add(filename, iter(lambda fh=fh: fh.read(MB), b""))
    return found


def _ready(project: Project, worker) -> None:
    """The project has sources to check against (400), ingested (409 with a job queue: a
    worker would check against what is there so far)."""
    with project.open_store() as store:
        pending = any(r.status in (RunState.queued, RunState.running)
                      for r in store.runs("ingest"))
        if store.passage_count() == 0 and not pending:
            raise BadRequest("this project has no sources yet",
                             fix="upload the sources the reports cite first")
    if pending and getattr(worker, "queue_mode", False):
        raise Conflict("the project's sources are still being ingested",
                       fix="check the class once they are done")


@router.post("/api/projects/{slug}/class-checks", status_code=202)
async def create_class_check(slug: str, request: Request, projects: ProjectsDep,
                             worker: WorkerDep, max_upload: MaxUploadDep) -> dict:
    project = await run_in_threadpool(projects.get, slug)
    await run_in_threadpool(_ready, project, worker)
    await run_in_threadpool(admit, worker, "check")  # a user over their job limit: 429
    length = request.headers.get("content-length")
    if length is None:
        raise LengthRequired("the upload has no Content-Length")
    if not length.isdigit() or int(length) > max_upload + MB:
        raise UploadTooLarge(f"the class's files are larger than the upload limit "
                             f"({max_upload / MB:.0f} MB)", fix="check the class in parts")
    async with request.form(max_files=MAX_REPORTS, max_fields=10, max_part_size=MB) as form:
        files = [(f.filename, f.file) for key in ("files", "file") for f in form.getlist(key)
                 if not isinstance(f, str) and f.filename]
        no_judge = str(form.get("no_judge") or "").lower() in ("1", "true", "on", "yes")
        if not files:
            raise BadRequest("no files in the upload (multipart field 'files')",
                             fix=_HAND_IN)
        with tempfile.TemporaryDirectory(prefix="docent-class-") as tmp:
            found = await run_in_threadpool(collect_reports, files, Path(tmp), max_upload)
    if not found.accepted:
        raise BadRequest("\n".join(found.rejected) or "no report in the upload", fix=_HAND_IN)
    batch = secrets.token_hex(6)
    runs = await run_in_threadpool(worker.enqueue_checks, project, found.accepted, batch=batch,
                                   no_judge=no_judge)
    return {"batch": batch, "runs": runs, "accepted": [name for name, _ in found.accepted],
            "rejected": found.rejected, "status": "queued",
            "url": f"/api/projects/{project.slug}/class-checks/{batch}"}


# --- the tables ----------------------------------------------------------------------------

def _batches(store) -> list[dict]:
    groups: dict[str, dict] = {}
    for run in store.runs("check"):  # newest first
        batch = run.options.get("batch")
        if not isinstance(batch, str):
            continue
        g = groups.setdefault(batch, {"batch": batch, "reports": 0, "queued": 0, "running": 0,
                                      "done": 0, "failed": 0, "cancelled": 0,
                                      "created_at": run.created_at,
                                      "no_judge": bool(run.options.get("no_judge"))})
        g["reports"] += 1
        if str(run.status) in g:
            g[str(run.status)] += 1
        g["created_at"] = min(g["created_at"], run.created_at)
    for g in groups.values():
        g["status"] = ("running" if g["running"] else "queued" if g["queued"] else "done")
    return list(groups.values())


def _table(project: Project, batch: str) -> dict:
    from docent.jobs.classes import batch_rows

    with project.open_store() as store:
        summary = next((b for b in _batches(store) if b["batch"] == batch), None)
        if summary is None:
            raise NotFound(f"project {project.slug!r} has no class check {batch}")
        rows = batch_rows(store, batch)
    for row in rows:
        if row["status"] == RunState.done and "verified" in row:
            row["review"] = f"/review#/p/{project.slug}/r/{row['run']}"
    base = f"/api/projects/{project.slug}/class-checks/{batch}"
    return {**summary, "rows": rows, "csv": f"{base}.csv"}


@router.get("/api/projects/{slug}/class-checks")
def list_class_checks(slug: str, projects: ProjectsDep) -> dict:
    with projects.get(slug).open_store() as store:
        return {"batches": _batches(store)}


COLUMNS = ("student", "run", "status", "cited", "verified", "confirmed", "unverified",
           "red (not supported)", "errors", "warnings", "worst findings", "review")


def _cell(value) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@router.get("/api/projects/{slug}/class-checks/{batch}.csv")
def class_check_csv(slug: str, batch: BatchId, request: Request,
                    projects: ProjectsDep) -> Response:
    project = projects.get(slug)
    table = _table(project, batch)
    origin = str(request.base_url).rstrip("/")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in table["rows"]:
        writer.writerow([_cell(v) for v in (
            r["student"], r["run"], r["status"], r.get("cited"), r.get("verified"),
            r.get("confirmed"), r.get("unverified"), r.get("red"), r.get("errors"),
            r.get("warnings"), " | ".join(r.get("worst") or []) or r.get("error"),
            origin + r["review"] if r.get("review") else "")])
    name = f"{project.slug}-class-{batch}.csv"
    return Response(("\ufeff" + out.getvalue()).encode("utf-8"),
                    media_type="text/csv; charset=utf-8",
                    headers={"Cache-Control": "no-store", "Content-Disposition":
                             f"attachment; filename=\"class-{batch}.csv\"; "
                             f"filename*=UTF-8''{quote(name)}"})


@router.get("/api/projects/{slug}/class-checks/{batch}")
def get_class_check(slug: str, batch: BatchId, projects: ProjectsDep) -> dict:
    return _table(projects.get(slug), batch)


@router.post("/api/projects/{slug}/class-checks/{batch}/cancel")
def cancel_class_check(slug: str, batch: BatchId, projects: ProjectsDep,
                       worker: WorkerDep) -> dict:
    from docent.jobs.classes import batch_runs

    project = projects.get(slug)
    with project.open_store() as store:
        runs = batch_runs(store, batch)
    if not runs:
        raise NotFound(f"project {project.slug!r} has no class check {batch}")
    statuses = [worker.cancel(project, r.id) for r in runs
                if r.status in (RunState.queued, RunState.running)]
    return {"cancelled": statuses.count("cancelled"), "cancelling": statuses.count("cancelling")}
