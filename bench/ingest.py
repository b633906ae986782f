"""Ingest and search figures on this machine (prints; asserts nothing).

    .venv/bin/python bench/ingest.py [--sizes 10000 100000] [--queries 100]

Prints: PDF pages parsed per second; passages embedded per second by the embedded model;
wall time to ingest + index the 23-page ALCE PDF in a fresh workspace (the `docent ingest`
command, process start included); search latency p50/p95 over 100 queries at 10k and 100k
passages (a workspace built from the corpus passages repeated), and peak memory.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docent.config import Settings
from docent.index import Retriever, dense_text, get_embedder
from docent.ingest import ingest
from docent.sources import parse
from docent.store import Store, text_sha
from docent.types import Source, SourceKind

ROOT = Path(__file__).resolve().parents[1]

EX = ROOT / "examples" / "sources"
PDFS = [EX / "papers" / "alce-2305.14627.pdf", EX / "papers" / "word2vec-1301.3781.pdf"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_parse() -> None:
    pages, t0 = 0, time.perf_counter()
    for _ in range(5):
        for pdf in PDFS:
            pages += parse(pdf).pages or 0
    dt = time.perf_counter() - t0
    print(f"pdf parse: {pages / dt:.0f} pages/s ({pages} pages in {dt:.2f} s)")


def bench_embed(settings: Settings) -> None:
    emb = get_embedder(settings)
    doc = parse(PDFS[0])
    texts = [dense_text(p.text, p.locator.section, p.role) for p in doc.passages
             if p.role.value != "references"]
    t0 = time.perf_counter()
    emb.embed_passages(texts)
    dt = time.perf_counter() - t0
    print(f"embedding ({emb.name}): {len(texts) / dt:.1f} passages/s "
          f"({len(texts)} ALCE passages in {dt:.2f} s)")


def bench_alce_cli(tmp: Path) -> None:
    ws = tmp / "alce-ws"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCENT_")}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "docent.cli", "ingest", "-w", str(ws), str(PDFS[0])],
                   check=True, env=env, capture_output=True)
    dt = time.perf_counter() - t0
    print(f"ALCE (23 pages) ingest + index, `docent ingest` in a fresh workspace: {dt:.2f} s "
          f"(target < 10 s)")


def build_corpus(tmp: Path, settings: Settings) -> tuple[list, list[str]]:
    """Ingest the example sources once; return their passages and sample queries."""
    ws = tmp / "base-ws"
    s = settings.model_copy(update={"workspace": ws})
    store = Store.open(ws)
    ingest([EX], store, s, get_embedder(s))
    rows = []
    for src in store.sources():
        for p in store.passages(src.id):
            rows.append((src, p))
    rnd = random.Random(7)
    queries = []
    for _, p in rnd.sample(rows, 100):  # a short phrase from a passage, as a user would type
        text = " ".join(p.text.split())
        words = text.split()
        queries.append(" ".join(words[:6]) if len(" ".join(words[:6])) <= 60 else text[:12])
    return rows, queries


def bench_search(tmp: Path, settings: Settings, rows, queries, size: int) -> None:
    ws = tmp / f"ws-{size}"
    shutil.rmtree(ws, ignore_errors=True)
    s = settings.model_copy(update={"workspace": ws})
    store = Store.open(ws)
    emb = get_embedder(s)
    base = Store.open(tmp / "base-ws")
    # copy the embedded vectors once, then repeat passages until `size`
    shas = [text_sha(dense_text(p.text, p.locator.section, p.role)) for _, p in rows]
    store.put_vectors(emb.name, base.cached_vectors(emb.name, shas).items())
    copies = -(-size // len(rows))
    t0 = time.perf_counter()
    made = 0
    for c in range(copies):
        by_source: dict[int, list] = {}
        for src, p in rows:
            if made >= size:
                break
            by_source.setdefault(src.id, []).append((src, p))
            made += 1
        for sid, items in by_source.items():
            src = items[0][0]
            ps = [p for _, p in items]
            store.save_source(
                Source(path=f"{src.path}#copy{c}", kind=SourceKind(src.kind), title=src.title,
                       sha256=f"{src.sha256}-{c}", language=src.language),
                "", ps, [text_sha(dense_text(p.text, p.locator.section, p.role)) for p in ps],
            )
    retriever = Retriever(store, s, emb)
    retriever.rebuild()
    build = time.perf_counter() - t0
    retriever = Retriever(store, s, emb)  # a fresh process-like start: load from cache
    t1 = time.perf_counter()
    retriever.ensure()
    load = time.perf_counter() - t1
    retriever.search("warm up")
    times = []
    for q in queries:
        t = time.perf_counter()
        retriever.search(q, top=10)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"search at {store.passage_count():,} passages: p50 {statistics.median(times):.1f} ms, "
          f"p95 {p95:.1f} ms over {len(times)} queries (index build {build:.1f} s, "
          f"load {load:.2f} s; target p95 < 50 ms at 100k)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    ap.add_argument("--queries", type=int, default=100)
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    settings = Settings()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        bench_parse()
        bench_embed(settings)
        bench_alce_cli(tmp)
        rows, queries = build_corpus(tmp, settings)
        queries = (queries * (args.queries // len(queries) + 1))[: args.queries]
        for size in args.sizes:
            bench_search(tmp, settings, rows, queries, size)
    print(f"peak memory: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
