"""The job queue against the real services: PostgreSQL, Redis, RabbitMQ, and `docent worker`
processes, killed with SIGKILL where the test says so.

Every test checks reports of the chatbot report's kind (cut from it) against the word2vec paper
with the real embedded embedder; the judge is left out (``--no-judge``) to keep jobs short:
what is tested here is that every job runs and is done once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docent.store import Store
from tests.conftest import WORD2VEC
from tests.services import AMQP_URL, fresh_database, fresh_redis_db, require

SHARED_REPORT = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "reports" / \
    "chatbot-report-w2v.md"
DOCENT = [sys.executable, "-m", "docent.cli"]


def _reports(folder: Path, n: int, paragraphs_each: int = 2) -> list[Path]:
    """``n`` short reports, each a different slice of the chatbot report's paragraphs."""
    text = SHARED_REPORT.read_text(encoding="utf-8")
    paras = [p for p in text.split("\n\n") if p.strip() and not p.startswith("#")
             and "[" in p]
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        chosen = [paras[(i + k) % len(paras)] for k in range(paragraphs_each)]
        path = folder / f"student{i + 1:02d}.md"
        path.write_text(f"# Report {i + 1}\n\n" + "\n\n".join(chosen) + "\n", encoding="utf-8")
        out.append(path)
    return out


def _env(tmp: Path, db: str, queue: str, name: str) -> dict:
    env = dict(os.environ, DOCENT_DATABASE_URL=db, DOCENT_QUEUE_URL=queue,
               DOCENT_WORKSPACE=str(tmp / name), DOCENT_JOB_STALE="10", DOCENT_JOB_REQUEUE="4",
               PYTHONUNBUFFERED="1")
    env.pop("DOCENT_DEBUG", None)
    return env


class Workers:
    """`docent worker` processes, each logging to a file of its own."""

    def __init__(self, tmp: Path, db: str, queue: str) -> None:
        self.tmp, self.db, self.queue = tmp, db, queue
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "w")
        proc = subprocess.Popen([*DOCENT, "worker", *args], env=_env(self.tmp, self.db, self.queue, name),
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs[name] = proc
        return proc

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def _ingest(tmp: Path, db: str, queue: str, paper: Path, **extra) -> None:
    env = dict(_env(tmp, db, queue, "teacher"), **extra)
    done = subprocess.run([*DOCENT, "ingest", str(paper)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def course(tmp_path):
    """A fresh PostgreSQL database holding the word2vec paper, a fresh Redis database."""
    with fresh_database() as db, fresh_redis_db() as redis_url:
        _ingest(tmp_path, db, redis_url, WORD2VEC)
        workers = Workers(tmp_path, db, redis_url)
        try:
            yield tmp_path, db, redis_url, workers
        finally:
            workers.stop()


def _runs(db: str, tmp: Path) -> list:
    with Store.open(tmp / "reader", db) as store:
        return sorted(store.runs("check"), key=lambda r: r.id)


def _check(tmp: Path, db: str, queue: str, reports: list[Path], out: Path, *, wait=True):
    args = [*DOCENT, "check", *map(str, reports), "--no-judge", "--json", str(out)]
    env = _env(tmp, db, queue, "teacher")
    if not wait:
        return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)


def _wait(pred, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = pred()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_class_check_survives_a_worker_killed_mid_job(course):
    tmp, db, queue, workers = course
    reports = _reports(tmp / "subs", 6)
    a, b = workers.start("a"), workers.start("b", "--threads", "1")  # a share of the cores
    checking = _check(tmp, db, queue, reports, tmp / "class.json", wait=False)
    victim = f":{a.pid}"

    def a_is_on_a_job():
        return [r for r in _runs(db, tmp) if r.status == "running"
                and (r.progress or {}).get("stage") not in (None, "queued")
                and _worker_of(db, tmp, r.id).endswith(victim)]

    held = _wait(a_is_on_a_job, 120, "worker a to start a job")[0]
    os.killpg(a.pid, signal.SIGKILL)  # mid-job: its message is unacknowledged, its run held
    stdout, stderr = checking.communicate(timeout=300)
    assert checking.returncode == 1, stderr  # the chatbot's reports have errors: exit 1
    runs = _runs(db, tmp)
    assert len(runs) == 6 and all(r.status == "done" for r in runs)  # nothing lost or doubled
    with Store.open(tmp / "reader", db) as store:
        attempts = {r.id: store.run_attempts(r.id) for r in runs}
    assert attempts[held.id] == 2, (attempts, workers.log("b"))
    assert ", model threads: 1;" in workers.log("b")
    assert all(n == 1 for rid, n in attempts.items() if rid != held.id), attempts
    assert f"run {held.id}: sent again" in workers.log("b")
    rows = json.loads((tmp / "class.json").read_text())
    assert [Path(r["report"]).name for r in rows] == [p.name for p in reports]
    assert all(r["status"] == "done" and r["cited"] > 0 for r in rows)
    # the job run twice gives what one uninterrupted check in this process gives
    alone = subprocess.run([*DOCENT, "check", str(reports[[r.id for r in runs].index(held.id)]), "--no-judge",
                            "--json", "-", "-s", str(WORD2VEC)], capture_output=True, text=True,
                           env=dict(os.environ, DOCENT_WORKSPACE=str(tmp / "alone")), timeout=300)
    summary = json.loads(alone.stdout)["summary"]
    got = next(r for r in rows if r["run"] == held.id)["summary"]
    assert (got["supported"], got["unverified"], got["errors"]) == \
        (summary["supported"], summary["unverified"], summary["errors"])


def _sentences(section_json: str) -> list[str]:
    return [s["text"] for p in json.loads(section_json)["paragraphs"] for s in p["sentences"]]


def _worker_of(db: str, tmp: Path, run_id: int) -> str:
    with Store.open(tmp / "reader", db) as store:
        row = store.conn.execute("SELECT worker FROM runs WHERE id = ?", (run_id,)).fetchone()
    return row[0] or ""


def test_jobs_a_broker_lost_are_sent_again(course):
    """Redis here keeps nothing on disk: a restart loses every queued message. The runs are in
    the database, so the workers' sweep sends them again."""
    import redis

    tmp, db, queue, workers = course
    reports = _reports(tmp / "subs", 3, paragraphs_each=1)
    checking = _check(tmp, db, queue, reports, tmp / "class.json", wait=False)
    _wait(lambda: len(_runs(db, tmp)) == 3 and redis.Redis.from_url(queue).llen("docent") == 3,
          60, "three queued jobs")
    redis.Redis.from_url(queue).flushdb()  # what a restart of this Redis does to them
    workers.start("a")
    checking.communicate(timeout=300)
    runs = _runs(db, tmp)
    assert [r.status for r in runs] == ["done"] * 3
    assert workers.log("a").count("sent again") >= 3


def test_a_worker_rides_out_dropped_database_connections(course):
    """PostgreSQL restarting looks, to a worker, like every connection cut at once."""
    import psycopg

    tmp, db, queue, workers = course
    reports = _reports(tmp / "subs", 2, paragraphs_each=3)
    workers.start("a")
    checking = _check(tmp, db, queue, reports, tmp / "class.json", wait=False)
    _wait(lambda: any(r.status == "running" for r in _runs(db, tmp)), 120, "a running job")
    name = db.rsplit("/", 1)[1]
    with psycopg.connect(db.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        cut = conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                           "datname = %s AND pid <> pg_backend_pid()", (name,)).fetchall()
    assert cut  # the worker's (and the waiting command's) connections were cut
    checking.communicate(timeout=300)
    assert [r.status for r in _runs(db, tmp)] == ["done", "done"], workers.log("a")


def test_thirty_jobs_on_two_workers_over_rabbitmq(tmp_path):
    """30 jobs, 2 workers, RabbitMQ as the broker: every job done exactly once."""
    require("127.0.0.1", 5672, "RabbitMQ")
    with fresh_database() as db:
        _ingest(tmp_path, db, AMQP_URL, WORD2VEC)
        workers = Workers(tmp_path, db, AMQP_URL)
        try:
            workers.start("a"), workers.start("b")
            reports = _reports(tmp_path / "subs", 30, paragraphs_each=1)
            result = _check(tmp_path, db, AMQP_URL, reports, tmp_path / "class.json")
            assert result.returncode in (0, 1), result.stderr
            runs = _runs(db, tmp_path)
            assert len(runs) == 30 and all(r.status == "done" for r in runs)
            with Store.open(tmp_path / "reader", db) as store:
                assert {store.run_attempts(r.id) for r in runs} == {1}
            by = {name: workers.log(name).count(": done in") for name in ("a", "b")}
            assert sum(by.values()) == 30 and min(by.values()) > 0, by
        finally:
            workers.stop()


def test_a_write_job_resumes_from_its_saved_sections_after_sigkill(tmp_path):
    """A write job (the real pipeline, a scripted slow writer from a DOCENT_PLUGINS module)
    whose worker is SIGKILLed after its first section: another worker takes it over, keeps the
    saved sections, and the run finishes once."""
    from docent.brief import parse_brief
    from docent.jobs.queue import make_app, send
    from docent.types import RunState
    from tests.conftest import ALCE, ROOT

    with fresh_database() as db, fresh_redis_db() as queue:
        plugin = {"DOCENT_PLUGINS": "tests.plugins.docent_scripted", "DOCENT_LLM": "scripted-slow",
                  "PYTHONPATH": str(ROOT), "DOCENT_TEST_MODEL_DELAY": "0.4"}
        _ingest(tmp_path, db, queue, ALCE, **plugin)
        brief = parse_brief("Write a 300-500 word report with sections (1) Summary (2) Method "
                            "(3) Results (4) Limitations; cite sources.")
        with Store.open(tmp_path / "reader", db) as store:
            run_id = store.create_run("write", brief.assignment, brief.model_dump_json(),
                                      {"fast": False, "via": "test"})
            store.set_run_status(run_id, RunState.queued)
        workers = Workers(tmp_path, db, queue)
        try:
            for name in ("a", "b"):
                log = open(tmp_path / f"{name}.log", "w")
                workers.procs[name] = subprocess.Popen(
                    [*DOCENT, "worker"], env=dict(_env(tmp_path, db, queue, name), **plugin),
                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            time.sleep(3)
            send(make_app(queue), run_id)

            def first_section_saved():
                with Store.open(tmp_path / "reader", db) as store:
                    holder = _worker_of(db, tmp_path, run_id)
                    return holder if store.run_sections(run_id) else None

            holder = _wait(first_section_saved, 180, "the first saved section")
            victim = next(n for n, p in workers.procs.items() if holder.endswith(f":{p.pid}"))
            with Store.open(tmp_path / "reader", db) as store:
                saved = store.run_sections(run_id)
            os.killpg(workers.procs[victim].pid, signal.SIGKILL)
            other = "b" if victim == "a" else "a"

            def finished():
                with Store.open(tmp_path / "reader", db) as store:
                    return store.run(run_id).status in (RunState.done, RunState.failed)

            _wait(finished, 300, "the write job to finish on the other worker")
            with Store.open(tmp_path / "reader", db) as store:
                run = store.run(run_id)
                assert run.status == RunState.done, (run.error, workers.log(other))
                assert store.run_attempts(run_id) == 2
                assert [r.id for r in store.runs("write")] == [run_id]  # no second run
                after = store.run_sections(run_id)
                for i, data in saved.items():  # kept, not written again (top-ups may add)
                    before, now = _sentences(data), _sentences(after[i])
                    assert before and now[:len(before)] == before
                assert run.draft and len(after) >= 4
            assert f"run {run_id} (write" in workers.log(other)
        finally:
            workers.stop()
