"""A course on one server, measured (prints figures; asserts nothing).

    .venv/bin/python bench/serve.py [--checks 8] [--writes N] [--workers 1,2] [--pollers 50]
                                    [--model qwen2.5-coder-1.5b] [--skip-writes] [--parallel N]

On a fresh PostgreSQL database (127.0.0.1:5432) and Redis (127.0.0.1:6379): ingests the word2vec
paper, starts `docent model-server`, then for each worker count starts that many `docent worker`
processes pointed at the model server and queues
- ``--checks`` check jobs (reports cut from ../shared's chatbot report, judge on), and
- ``--writes`` write jobs (default: one per worker; the bundled Chinese reading-report
  assignment, ``fast``),
timing each batch from queueing to the last job done: jobs per hour. It reads every process's
peak resident memory (VmHWM), then serves the web app (accounts off, the projects root with one
project and a finished run) and polls it with ``--pollers`` concurrent clients for 15 s:
p50/p95 latency of `GET /api/projects/{p}/runs/{id}`. Prints the core count.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
PAPER = SHARED / "papers" / "word2vec-1301.3781.pdf"
REPORT = SHARED / "reports" / "chatbot-report-w2v.md"
ASSIGNMENT = ROOT / "examples" / "assignments" / "reading-report-zh.txt"
PG = "postgresql://postgres@127.0.0.1:5432"
DOCENT = [sys.executable, "-m", "docent.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _peak_mb(pid: int) -> float:
    """Peak resident memory of a process (VmHWM), MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _tree_peak_mb(pid: int) -> float:
    """Peak resident memory of a process and its children (the model server runs
    llama-server as a child), MB."""
    total = _peak_mb(pid)
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return total + sum(_tree_peak_mb(int(c)) for c in children)


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else 0.0


def _reports(folder: Path, n: int) -> list[Path]:
    paras = [p for p in REPORT.read_text(encoding="utf-8").split("\n\n")
             if p.strip() and not p.startswith("#") and "[" in p]
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        chosen = [paras[(i + k) % len(paras)] for k in range(4)]
        path = folder / f"student{i + 1:02d}.md"
        path.write_text(f"# Report {i + 1}\n\n" + "\n\n".join(chosen) + "\n", encoding="utf-8")
        out.append(path)
    return out


def _queue_batch(env: dict, tmp: Path, kind: str, items: list) -> list[int]:
    from docent.brief import parse_brief
    from docent.jobs.check_job import create_check_run
    from docent.jobs.queue import make_app, send
    from docent.store import Store
    from docent.types import RunState

    store = Store.open(tmp / "bench", env["DOCENT_DATABASE_URL"])
    app = make_app(env["DOCENT_QUEUE_URL"])
    runs = []
    for item in items:
        if kind == "check":
            runs.append(create_check_run(store, item, item.read_text(encoding="utf-8"),
                                         queued=True))
        else:
            brief = parse_brief(item)
            run_id = store.create_run("write", brief.assignment, brief.model_dump_json(),
                                      {"fast": True, "via": "bench", "n": uuid.uuid4().hex})
            store.set_run_status(run_id, RunState.queued)
            runs.append(run_id)
    for run_id in runs:
        send(app, run_id)
    store.close()
    return runs


def _wait(env: dict, tmp: Path, runs: list[int], timeout: float) -> dict[str, int]:
    from docent.store import Store

    store = Store.open(tmp / "bench", env["DOCENT_DATABASE_URL"])
    end = time.monotonic() + timeout
    try:
        while True:
            states = [str(store.run(r).status) for r in runs]
            if all(s in ("done", "failed", "cancelled") for s in states) or \
                    time.monotonic() > end:
                return {s: states.count(s) for s in set(states)}
            time.sleep(1.0)
    finally:
        store.close()


async def _poll(url: str, pollers: int, seconds: float) -> list[float]:
    import httpx

    times: list[float] = []
    errors = 0
    end = time.monotonic() + seconds

    async def one(client) -> None:
        nonlocal errors
        while time.monotonic() < end:
            t = time.perf_counter()
            r = await client.get(url)
            times.append(time.perf_counter() - t)
            errors += r.status_code != 200
            await asyncio.sleep(0.5)  # a page polls about twice a second

    limits = httpx.Limits(max_connections=pollers + 5)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        await asyncio.gather(*(one(client) for _ in range(pollers)))
    if errors:
        print(f"  ({errors} answers were not 200)")
    return times


def _web_latency(tmp: Path, pollers: int) -> tuple[float, float, int]:
    """p50, p95 (ms) and requests of run polling against `docent serve`."""
    import httpx

    port = _free_port()
    ws = tmp / "web"
    env = dict(os.environ, DOCENT_WORKSPACE=str(ws), DOCENT_EMBEDDER="none")
    env.pop("DOCENT_DATABASE_URL", None), env.pop("DOCENT_QUEUE_URL", None)
    proc = subprocess.Popen([*DOCENT, "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(base + "/api/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        headers = {"Origin": base}
        slug = httpx.post(base + "/api/projects", json={"name": "bench"},
                          headers=headers).json()["slug"]
        from docent.store import Store

        with Store.open(ws / "projects" / slug) as store:
            run_id = store.create_run("write", "an assignment", "{}", {"via": "bench"})
            store.set_run_progress(run_id, {"stage": "checking claims", "done": 3, "total": 9})
        times = asyncio.run(_poll(f"{base}/api/projects/{slug}/runs/{run_id}", pollers, 15))
        return _pct(times, 0.5) * 1000, _pct(times, 0.95) * 1000, len(times)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checks", type=int, default=8)
    ap.add_argument("--writes", type=int, default=0,
                    help="write jobs per batch (default: as many as workers)")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--pollers", type=int, default=50)
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--skip-writes", action="store_true")
    ap.add_argument("--parallel", type=int, default=1,
                    help="requests the model server serves at once (its --parallel)")
    args = ap.parse_args()
    import psycopg
    import redis

    tmp = Path(tempfile.mkdtemp(prefix="docent-serve-bench-"))
    name = "docent_bench_" + uuid.uuid4().hex[:8]
    with psycopg.connect(PG + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    queue = "redis://127.0.0.1:6379/14"
    redis.Redis.from_url(queue).flushdb()
    port = _free_port()
    env = dict(os.environ, DOCENT_DATABASE_URL=f"{PG}/{name}", DOCENT_QUEUE_URL=queue,
               DOCENT_WORKSPACE=str(tmp / "teacher"), DOCENT_LLM="openai",
               DOCENT_LLM_BASE_URL=f"http://127.0.0.1:{port}/v1", DOCENT_LLM_MODEL=args.model,
               DOCENT_LLM_SMALL_MODEL=args.model, PYTHONUNBUFFERED="1")
    procs: list[subprocess.Popen] = []
    print(f"cores: {os.cpu_count()}; model server: {args.model}, {args.parallel} request(s) at "
          f"once; database {name}")
    try:
        t = time.monotonic()
        subprocess.run([*DOCENT, "ingest", str(PAPER)], env=env, check=True,
                       capture_output=True)
        print(f"ingest: {time.monotonic() - t:.0f} s")
        server = subprocess.Popen([*DOCENT, "model-server", "--model", args.model, "--port",
                                   str(port), "--parallel", str(args.parallel)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        procs.append(server)
        import httpx

        for _ in range(300):
            try:
                httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        reports = _reports(tmp / "subs", args.checks)
        for n in [int(x) for x in args.workers.split(",")]:
            workers = []
            for i in range(n):
                wenv = dict(env, DOCENT_WORKSPACE=str(tmp / f"w{n}-{i}"))
                log = open(tmp / f"w{n}-{i}.log", "w")
                workers.append(subprocess.Popen([*DOCENT, "worker"], env=wenv, stdout=log,
                                                stderr=subprocess.STDOUT,
                                                start_new_session=True))
            procs.extend(workers)
            time.sleep(5)
            t = time.monotonic()
            runs = _queue_batch(env, tmp, "check", reports)
            states = _wait(env, tmp, runs, 3600)
            secs = time.monotonic() - t
            print(f"{n} worker(s): {len(runs)} check jobs in {secs:.0f} s = "
                  f"{len(runs) * 3600 / secs:.0f} check jobs/hour {states}")
            if not args.skip_writes:
                t = time.monotonic()
                runs = _queue_batch(env, tmp, "write", [ASSIGNMENT.read_text()] * (args.writes or n))
                states = _wait(env, tmp, runs, 3600)
                secs = time.monotonic() - t
                print(f"{n} worker(s): {len(runs)} write jobs (fast) in {secs:.0f} s = "
                      f"{len(runs) * 3600 / secs:.1f} write jobs/hour {states}")
            mem = [_peak_mb(w.pid) for w in workers]
            print(f"{n} worker(s): peak memory per worker "
                  + ", ".join(f"{m:.0f} MB" for m in mem)
                  + f"; model server {_tree_peak_mb(server.pid):.0f} MB")
            for w in workers:
                os.killpg(w.pid, signal.SIGTERM)
            for w in workers:
                w.wait(timeout=60)
        p50, p95, count = _web_latency(tmp, args.pollers)
        print(f"web API, {args.pollers} pollers for 15 s: {count} requests, p50 {p50:.0f} ms, "
              f"p95 {p95:.0f} ms")
    finally:
        for p in procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except OSError:
                    p.kill()
        with psycopg.connect(PG + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
