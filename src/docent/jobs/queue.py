"""The job queue: Celery, on Redis or RabbitMQ, with the database as the record of every job.

A job is one run of the workspace (a report to check, an assignment to write); its message
carries only the run's id (and the workspace's schema), so whatever a worker needs is in the
database. Delivery is at least once, the work is done once:

- late acknowledgement (``acks_late``, ``task_reject_on_worker_lost``, prefetch 1): a job whose
  worker dies before it finished is delivered again;
- a worker *claims* the run in one UPDATE (:meth:`Store.claim_run`) and beats a heartbeat while
  it works; a second delivery of a run a live worker holds waits and looks again, one of a
  finished run does nothing; a write job resumes from its saved sections;
- every worker sweeps the database (:func:`sweep`) for runs a broker lost (Redis restarted with
  jobs queued: it keeps nothing on disk here) or whose worker went silent, and sends them again.

Usage::

    app = make_app("redis://127.0.0.1:6379/0")
    send(app, run_id)                               # from `docent check --queue`, the web app
    worker_main(settings, concurrency=1)            # `docent worker`
"""

from __future__ import annotations

import os
import socket
import threading
import time
import traceback
from contextlib import contextmanager

from docent.config import Settings
from docent.errors import DocentError, WorkspaceError

__all__ = ["JOB_KINDS", "STALE_SECONDS", "TASK", "execute", "make_app", "send", "sweep",
           "worker_main"]

TASK = "docent.run_job"
JOB_KINDS = ("check", "write")
#: A worker silent this long (no heartbeat) is taken for dead: its run is claimed again.
STALE_SECONDS = float(os.environ.get("DOCENT_JOB_STALE", "30"))
#: A run queued this long with no worker on it: its message may be lost (a broker restarted).
REQUEUE_SECONDS = float(os.environ.get("DOCENT_JOB_REQUEUE", "60"))
_BEAT_SECONDS = max(1.0, STALE_SECONDS / 6)
_SWEEP_SECONDS = max(2.0, STALE_SECONDS / 2)


def make_app(queue_url: str):
    """The Celery app for ``queue_url`` (``redis://...`` or ``amqp://...``)."""
    from celery import Celery

    if not queue_url.split(":", 1)[0] in ("redis", "rediss", "amqp", "amqps", "pyamqp"):
        raise DocentError(f"{queue_url}: not a queue Docent can use",
                          fix="give redis://host:6379/0 or amqp://user:password@host//")
    app = Celery("docent", broker=queue_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_default_queue="docent",
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=5,
        # Redis: a message unacknowledged this long is given to another worker; the sweep
        # finds a dead worker's run much sooner, the claim keeps a live one's from running twice.
        broker_transport_options={"visibility_timeout": 3600},
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        worker_send_task_events=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
    )
    return app


def send(app, run_id: int, schema: str | None = None) -> None:
    """Queue the job of ``run_id`` (a run already saved as queued)."""
    try:
        app.send_task(TASK, args=[int(run_id), schema], retry=True,
                      retry_policy={"max_retries": 3, "interval_start": 0.5})
    except Exception as exc:  # noqa: BLE001 - a broker that does not answer is one line
        raise DocentError(f"{app.conf.broker_url}: cannot queue the job ({exc})",
                          fix="check that the queue (Redis or RabbitMQ) runs and --queue names "
                          "it") from exc


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class JobLost(Exception):
    """The run was cancelled, or another worker took it over: stop working on it."""


@contextmanager
def _heartbeat(store, run_id: int, worker: str):
    """Beat the run's heartbeat while the block runs; ``lost()`` tells when the run is no
    longer this worker's (cancelled, or claimed by another)."""
    stop = threading.Event()
    lost = threading.Event()

    def beat() -> None:
        while not stop.wait(_BEAT_SECONDS):
            try:
                if not store.heartbeat(run_id, worker):
                    lost.set()
                    return
            except Exception:  # noqa: BLE001 - a database blip: try again at the next beat
                continue

    thread = threading.Thread(target=beat, name=f"heartbeat-{run_id}", daemon=True)
    thread.start()
    try:
        yield lost.is_set
    finally:
        stop.set()
        thread.join(timeout=5)


def open_job_store(settings: Settings, schema: str | None):
    from docent.store import Store

    if not settings.database_url:
        raise WorkspaceError("a worker needs the database its jobs are in",
                             fix="give --database postgresql://... (or DOCENT_DATABASE_URL)")
    root = settings.workspace / "workers" / (schema or "public")
    return Store.open(root, settings.database_url, schema=schema)


def execute(settings: Settings, run_id: int, schema: str | None = None, *, models=None,
            log=print) -> str:
    """Run one job here: ``"done"``, ``"failed"``, ``"settled"`` (nothing to do), ``"busy"``
    (a live worker holds it) or ``"retry"`` (the database went away: run it again soon).
    ``models`` caches the embedder and judge across jobs."""
    from sqlalchemy.exc import DBAPIError

    from docent.types import RunState

    models = models if models is not None else {}
    worker = worker_name()
    try:
        store = open_job_store(settings, schema)
    except WorkspaceError as exc:
        log(f"run {run_id}: {exc}; trying again")
        return "retry"
    try:
        state = store.claim_run(run_id, worker, stale=STALE_SECONDS)
        if state != "claimed":
            return state
        run = store.run(run_id)
        log(f"run {run_id} ({run.kind}, {run.assignment}): started, attempt "
            f"{store.run_attempts(run_id)}")
        started = time.monotonic()
        with _heartbeat(store, run_id, worker) as lost:
            def progress(stage: str, done: int, total: int) -> None:
                if lost():
                    raise JobLost()
                if run.kind == "check":
                    store.set_run_progress(run_id, {"stage": stage, "done": done,
                                                    "total": total})
            try:
                if run.kind == "check":
                    _check(settings, store, run_id, models, progress)
                elif run.kind == "write":
                    _write(settings, store, run, models, progress)
                else:
                    raise DocentError(f"run {run_id}: a {run.kind} run is not a queue job")
            except JobLost:
                log(f"run {run_id}: no longer this worker's (cancelled or taken over)")
                return "settled"
            except DBAPIError as exc:
                if exc.connection_invalidated or _is_disconnect(exc):
                    log(f"run {run_id}: lost the database ({_first_line(exc)}); trying again")
                    return "retry"
                store.set_run_status(run_id, RunState.failed,
                                     error=f"database error: {_first_line(exc)}")
                log(f"run {run_id}: failed: {_first_line(exc)}")
                return "failed"
            except DocentError as exc:
                store.set_run_status(run_id, RunState.failed, error=" ".join(str(exc).split()))
                log(f"run {run_id}: failed: {exc}")
                return "failed"
            except Exception as exc:  # noqa: BLE001 - one line in the run; the worker lives on
                if settings.debug:
                    traceback.print_exc()
                store.set_run_status(run_id, RunState.failed,
                                     error=f"internal error: {type(exc).__name__}: {exc}")
                log(f"run {run_id}: failed: {exc!r}")
                return "failed"
        log(f"run {run_id}: done in {time.monotonic() - started:.1f} s")
        return "done"
    except DBAPIError as exc:  # claiming or marking failed: the database is away
        log(f"run {run_id}: lost the database ({_first_line(exc)}); trying again")
        return "retry"
    finally:
        store.close()


def _is_disconnect(exc) -> bool:
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, OperationalError)


def _first_line(exc: BaseException) -> str:
    return (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]


def _embedder(settings: Settings, models: dict):
    from docent.index import get_embedder

    if "embedder" not in models:
        models["embedder"] = get_embedder(settings)
    return models["embedder"]


def _check(settings: Settings, store, run_id: int, models: dict, progress) -> None:
    from docent.jobs.check_job import run_check

    run = store.run(run_id)
    embedder = _embedder(settings, models)
    judge = None
    if not run.options.get("no_judge"):
        if "judge" not in models:
            from docent.check.judge import get_judge

            models["judge"] = get_judge(settings, embedder=embedder)
        judge = models["judge"]
    run_check(store, settings, run_id, embedder=embedder, judge=judge, progress=progress)


def _write(settings: Settings, store, run, models: dict, progress) -> None:
    from docent.brief import settings_fallback
    from docent.pipeline import write_run

    write_run(settings, run.assignment, store=store, embedder=_embedder(settings, models),
              fast=bool(run.options.get("fast")), progress=progress,
              brief_fallback=settings_fallback(settings), run_id=run.id)


def sweep(app, settings: Settings, schemas: list[str | None] | None = None, *,
          queued_for: float = REQUEUE_SECONDS, stale: float = STALE_SECONDS) -> list[int]:
    """Send again the jobs of runs a dead worker held, and of runs queued for ``queued_for``
    seconds while the broker's queue is empty (it lost their messages: a restart); their ids.
    Runs waiting their turn behind messages the broker holds are left alone."""
    sent = []
    empty = None
    for schema in schemas or [None]:
        store = open_job_store(settings, schema)
        try:
            for run_id in store.orphaned_runs(JOB_KINDS, queued_for=queued_for, stale=stale):
                run = store.run(run_id)
                if run is not None and run.status == "queued":
                    if empty is None:
                        empty = queue_depth(app) == 0
                    if not empty:
                        continue
                store.touch_run(run_id)
                send(app, run_id, schema)
                sent.append(run_id)
        finally:
            store.close()
    return sent


def queue_depth(app, name: str = "docent") -> int:
    """Messages waiting in the broker's queue (not those a worker holds); 0 when the broker
    has no such queue (a restarted Redis keeps not even the queue's declaration)."""
    from kombu.exceptions import ChannelError

    with app.connection_for_write() as conn:
        try:
            return int(conn.default_channel.queue_declare(queue=name, passive=True).message_count)
        except ChannelError:
            return 0
        except Exception as exc:  # noqa: BLE001 - amqp's NotFound (404) is not a ChannelError
            if "NOT_FOUND" in str(exc) or type(exc).__name__ == "NotFound":
                return 0
            raise


def worker_main(settings: Settings, *, concurrency: int = 1, log=print) -> None:
    """Run a Celery worker for Docent's jobs until stopped (``docent worker``)."""
    if not settings.queue_url:
        raise DocentError("a worker needs the job queue", fix="give --queue redis://host:6379/0 "
                          "(or DOCENT_QUEUE_URL)")
    open_job_store(settings, None).close()  # the database answers and is migrated
    app = make_app(settings.queue_url)
    models: dict = {}

    @app.task(name=TASK, bind=True, acks_late=True, max_retries=None)
    def run_job(self, run_id: int, schema: str | None = None) -> str:
        state = execute(settings, run_id, schema, models=models, log=log)
        if state == "busy":  # held by a worker that may have died: look again once it is stale
            raise self.retry(countdown=STALE_SECONDS, max_retries=None)
        if state == "retry":  # the database went away a moment: the job runs again
            raise self.retry(countdown=3, max_retries=None)
        return state

    stop = threading.Event()

    def sweeper() -> None:
        while not stop.wait(_SWEEP_SECONDS):
            try:
                for run_id in sweep(app, settings, _schemas(settings)):
                    log(f"run {run_id}: sent again (its job was lost or its worker died)")
            except Exception as exc:  # noqa: BLE001 - the database or broker is down a while
                log(f"sweep: {exc}")

    threading.Thread(target=sweeper, name="sweeper", daemon=True).start()
    try:
        app.worker_main(["worker", "--pool=solo" if concurrency == 1 else "--pool=threads",
                         f"--concurrency={concurrency}", "--loglevel=WARNING",
                         "--without-gossip", "--without-mingle", "--without-heartbeat",
                         f"--hostname=docent@{socket.gethostname()}-{os.getpid()}"])
    finally:
        stop.set()


def _schemas(settings: Settings) -> list[str | None]:
    """The workspaces a course's database holds: the default one and each project's schema."""
    from docent.store import Store

    return [None, *Store.project_schemas(settings.database_url)]
