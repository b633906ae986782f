"""The background worker of ``docent serve``: one thread runs queued jobs one at a time.

Jobs are rows of each project's ``runs`` table, so they survive a page reload and a server
restart: ``kind="write"`` (a report: :func:`docent.pipeline.write_run`), ``kind="ingest"``
(an uploaded file: :func:`docent.ingest.ingest_and_index`, as ``docent ingest`` runs it) and
``kind="check"`` (one report of a class check, :mod:`docent.web.api_class`:
:func:`docent.jobs.check_job.run_check`, as ``docent check`` runs it). A job is created
``queued``; the worker takes the oldest queued job of any project, marks it ``running`` and
ends it ``done``, ``failed`` (with the one-line error) or ``cancelled``.

With a job queue (``settings.queue_url``, and the projects in ``settings.database_url``) the
checks and writes go to the queue instead (:func:`docent.jobs.queue.send`, with the project's
schema) and ``docent worker`` processes run them; only the ingest jobs of uploads run here (the
uploaded file is on this machine; its bytes are kept in the database for the review view).
Cancelling such a job marks its run cancelled: the worker's heartbeat sees it and stops.

Usage::

    worker = Worker(projects, settings)
    worker.start()                       # runs left queued/running by a previous server resume
    run_id = worker.enqueue_write(project, "Write a 300-500 word report ...", fast=True)
    worker.live(project.slug, run_id)    # {"stages": [{"stage": "sections", "done": 1, ...}]}
    worker.stop()

A run that was ``running`` when the server stopped is queued again at start and resumed by
``write_run`` (finished sections are kept). Only one job runs at a time: the models use every
core, and two at once would only be slower.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from pathlib import Path

from docent.brief import settings_fallback
from docent.config import Settings
from docent.errors import DocentError
from docent.store import Run, Store
from docent.web.projects import Project, Projects
from docent.types import RunState

__all__ = ["JOB_KINDS", "QUEUE_KINDS", "REPAIR", "Worker"]

#: Repair unsupported sentences after validation (``write_run(repair=...)``).
REPAIR = True
JOB_KINDS = ("ingest", "write", "check")
#: The kinds a job queue runs (``docent worker``); ingest jobs always run in the web process.
QUEUE_KINDS = ("write", "check")
_POLL_SECONDS = 30.0  # jobs are enqueued here and wake the worker; this is a safety net


class _Stop(KeyboardInterrupt):
    """Raised from a progress callback to stop a job at its next step (a BaseException, so
    no ``except Exception`` inside a stage swallows it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "shutdown" or "cancelled"


class Worker:
    """One background thread executing the queued jobs of every project, oldest first."""

    def __init__(self, projects: Projects, settings: Settings, *, repair: bool = REPAIR,
                 log: Callable[[str], None] | None = None) -> None:
        self.projects = projects
        self.settings = settings
        self.repair = repair
        self.log = log or (lambda message: None)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._current: tuple[str, int] | None = None
        self._cancel: set[tuple[str, int]] = set()
        self._live: dict[tuple[str, int], dict[str, dict]] = {}
        self._embedders: dict[str, object] = {}
        self._judges: dict[str, object] = {}
        self._queue_app = None

    @property
    def queue_mode(self) -> bool:
        """Checks and writes go to the job queue (``docent worker``), not this thread."""
        return bool(self.settings.queue_url and self.settings.database_url)

    def _here(self, run: Run) -> bool:
        """A job this thread runs: ingest always, checks and writes unless a queue runs them;
        a check only when it is the web app's (a class check), not a ``docent check``'s."""
        if run.kind not in JOB_KINDS or (self.queue_mode and run.kind in QUEUE_KINDS):
            return False
        return run.kind != "check" or run.options.get("batch") is not None

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        """Queue again what a previous server left running, then start the thread."""
        self.recover()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="docent-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the running job to stop at its next step (it is queued again) and wait a little."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def recover(self) -> int:
        """Queue again the jobs left ``running`` (the server stopped under them); how many."""
        count = 0
        for project in self.projects.list():
            with project.open_store() as store:
                for run in store.runs():
                    if self._here(run) and run.status == RunState.running:
                        store.set_run_status(run.id, RunState.queued)
                        count += 1
        return count

    def wake(self) -> None:
        self._wake.set()

    # -- jobs -----------------------------------------------------------------------------
    def enqueue_write(self, project: Project, assignment: str, *, fast: bool = False) -> int:
        """Create a queued write run. The brief is read now by the rules only (a request must not
        wait for a model); when the rules leave gaps, the job replaces it with the brief the
        model fallback completes, the one the run is written from."""
        from docent.brief import parse_brief

        brief = parse_brief(assignment)
        with project.open_store() as store:
            run_id = store.create_run("write", brief.assignment, brief.model_dump_json(),
                                      {"fast": bool(fast), "via": "web"})
            store.set_run_status(run_id, RunState.queued)
            store.set_run_progress(run_id, {"stage": "queued", "done": 0, "total": 1})
        self._dispatch(project, [run_id])
        return run_id

    def enqueue_checks(self, project: Project, reports: list[tuple[str, str]], *, batch: str,
                       no_judge: bool = False) -> list[int]:
        """Queue one check run per ``(file name, report text)`` of a class check, each with
        ``options["batch"]``; their ids, in order."""
        from docent.jobs.check_job import create_check_run

        with project.open_store() as store:
            ids = [create_check_run(store, Path(name), text, no_judge=no_judge, queued=True,
                                    options={"batch": batch, "remote": True, "via": "web"})
                   for name, text in reports]
        self._dispatch(project, ids)
        return ids

    def _dispatch(self, project: Project, run_ids: list[int]) -> None:
        """Hand queued checks or writes to the job queue, or wake this thread. A message the
        broker does not take is logged: the run stays queued in the database, and the workers'
        sweep sends it again."""
        if not self.queue_mode:
            self.wake()
            return
        from docent.jobs.queue import make_app, send

        if self._queue_app is None:
            self._queue_app = make_app(self.settings.queue_url)
        for run_id in run_ids:
            try:
                send(self._queue_app, run_id, project.schema)
            except DocentError as exc:
                self.log(f"worker: {project.slug} run {run_id}: {exc}; the workers' sweep "
                         "sends it again")

    def enqueue_ingest(self, project: Project, filename: str) -> int:
        with project.open_store() as store:
            run_id = store.create_run("ingest", filename, "{}", {"file": filename})
            store.set_run_status(run_id, RunState.queued)
        self.wake()
        return run_id

    def cancel(self, project: Project, run_id: int) -> str:
        """Cancel a queued job at once, a running one at its next step; returns the status.
        A job of the queue is marked cancelled in the database: a worker does not claim it,
        or, running it, stops at its next heartbeat."""
        with project.open_store() as store:
            run = store.run(run_id)
            if run is None:
                return "missing"
            if run.status == RunState.queued or (
                    run.status == RunState.running and not self._here(run)):
                store.set_run_status(run_id, RunState.cancelled, error="cancelled by the user")
                return "cancelled"
            if run.status == RunState.running:
                with self._lock:
                    self._cancel.add((project.slug, run_id))
                return "cancelling"
            return run.status

    def live(self, slug: str, run_id: int) -> list[dict]:
        """The stages the running job has reported so far (in memory; empty after a restart)."""
        with self._lock:
            stages = self._live.get((slug, run_id), {})
            return [dict(v, stage=k) for k, v in stages.items()]

    def is_current(self, slug: str, run_id: int) -> bool:
        return self._current == (slug, run_id)

    # -- the loop -------------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._stop.is_set():
            job = self._next_job()
            if job is None:
                self._wake.wait(_POLL_SECONDS)
                self._wake.clear()
                continue
            project, run = job
            try:
                self._execute(project, run)
            except Exception as exc:  # noqa: BLE001 - the worker must survive any job
                self.log(f"worker: {project.slug} job {run.id} failed: {exc!r}")
                if self.settings.debug:
                    traceback.print_exc()

    def _next_job(self) -> tuple[Project, Run] | None:
        best: tuple[str, int, Project, Run] | None = None
        for project in self.projects.list():
            try:
                with project.open_store() as store:
                    queued = [r for r in store.runs() if r.status == RunState.queued
                              and self._here(r)]
            except DocentError:
                continue
            for run in queued:
                key = (run.created_at, run.id)
                if best is None or key < best[:2]:
                    best = (*key, project, run)
        return (best[2], best[3]) if best else None

    def _execute(self, project: Project, run: Run) -> None:
        key = (project.slug, run.id)
        settings = project.settings(self.settings)
        with self._lock:
            self._current = key
            self._live[key] = {}
        store = project.store()
        try:
            latest = store.run(run.id)
            if latest is None or latest.status != RunState.queued:  # cancelled meanwhile
                return
            store.set_run_status(run.id, RunState.running)
            store.set_run_progress(run.id, {"stage": "starting", "done": 0, "total": 1})
            # write_run keeps its own progress in the row; the others' is kept here
            progress = self._progress(store, key, track=run.kind != "write")
            if run.kind == "write":
                self._write(settings, store, run, progress)
            elif run.kind == "check":
                self._check(settings, store, run, progress)
            else:
                self._ingest(project, settings, store, run, progress)
        except _Stop as stop:
            if stop.reason == "shutdown":
                store.set_run_status(run.id, RunState.queued)
            else:
                store.set_run_status(run.id, RunState.cancelled, error="cancelled by the user")
        except DocentError as exc:
            store.set_run_status(run.id, RunState.failed, error=_one_line(str(exc), project))
        except Exception as exc:  # noqa: BLE001 - shown to the user as one line
            if self.settings.debug:
                traceback.print_exc()
            store.set_run_status(run.id, RunState.failed, error=_one_line(
                f"internal error: {type(exc).__name__}: {exc}", project))
        finally:
            store.close()
            with self._lock:
                self._current = None
                self._cancel.discard(key)

    def _progress(self, store: Store, key: tuple[str, int], *, track: bool):
        def update(stage: str, done: int, total: int) -> None:
            with self._lock:
                self._live.setdefault(key, {})[stage] = {"done": done, "total": total}
                cancelled = key in self._cancel
            if self._stop.is_set():
                raise _Stop("shutdown")
            if cancelled:
                raise _Stop("cancelled")
            if track:
                store.set_run_progress(key[1], {"stage": stage, "done": done, "total": total})

        return update

    def _embedder(self, settings: Settings):
        from docent.index import get_embedder

        if settings.embedder not in self._embedders:
            self._embedders[settings.embedder] = get_embedder(settings)
        return self._embedders[settings.embedder]

    def _judge(self, settings: Settings, embedder):
        from docent.check.judge import get_judge

        if settings.embedder not in self._judges:
            self._judges[settings.embedder] = get_judge(settings, embedder=embedder)
        return self._judges[settings.embedder]

    def _check(self, settings: Settings, store: Store, run: Run, progress) -> None:
        from docent.jobs.check_job import run_check

        embedder = self._embedder(settings)
        judge = None if run.options.get("no_judge") else self._judge(settings, embedder)
        result = run_check(store, settings, run.id, embedder=embedder, judge=judge,
                           progress=progress)
        self.log(f"check {run.id} ({run.assignment}): {result.summary.verified_line()}")

    def _write(self, settings: Settings, store: Store, run: Run, progress) -> None:
        from docent.pipeline import write_run

        fallback = settings_fallback(settings)

        def completing(text: str, partial):
            """The model fallback, as ``docent write`` uses it; the brief it completes replaces
            the rules-only one stored at enqueue time, so the run shows the brief it uses."""
            brief = fallback(text, partial)
            store.set_run_brief(run.id, brief.model_dump_json())
            return brief

        result = write_run(settings, run.assignment, store=store,
                           embedder=self._embedder(settings), fast=bool(run.options.get("fast")),
                           repair=self.repair, progress=progress, brief_fallback=completing,
                           run_id=run.id)
        self.log(f"run {run.id} done in {result.seconds:.0f} s")

    def _ingest(self, project: Project, settings: Settings, store: Store, run: Run,
                progress) -> None:
        from docent.ingest import IngestStatus, ingest_and_index

        url = run.options.get("url")  # a link (docent.web.links), else an upload
        path = url or project.upload_path(str(run.options.get("file", "")))
        results = ingest_and_index([path], store, settings, self._embedder(settings), progress)
        failed = [r for r in results if r.status is IngestStatus.failed]
        if failed:
            raise failed[0].error or DocentError(f"{url or path.name}: could not be ingested")
        r = results[0]
        title = r.source.title if r.source else (url or path.name)
        note = f" ({r.note})" if r.note else ""
        store.set_run_status(run.id, RunState.done, output=f"{r.status.value}: {title}{note}")
        store.set_run_progress(run.id, {"stage": "done", "done": 1, "total": 1})


def _one_line(message: str, project: Project) -> str:
    """One line, with the server's folders left out of file names."""
    for prefix in (str(project.uploads.resolve()) + "/", str(project.path.resolve()) + "/",
                   str(project.uploads) + "/", str(project.path) + "/"):
        message = message.replace(prefix, "")
    return " ".join(message.split())[:1000]
