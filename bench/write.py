"""`docent write` on the bundled example with the default (1.5B) model: prints wall time,
tokens generated, tokens/s and peak memory (asserts nothing).

    .venv/bin/python bench/write.py [--fast] [--out report.md]

The example: the ALCE paper and the "Let's build GPT" lecture transcript, with the real Chinese
assignment (2000-3000 字). Ingestion is done first and not timed; target: the report in under
6 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from docent.brief import parse_brief
from docent.config import Settings
from docent.index import Retriever, get_embedder
from docent.ingest import ingest
from docent.llm import get_model
from docent.llm.log import attach_call_log
from docent.store import Store
from docent.write import to_markdown, write_report

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fast", action="store_true", help="use the small 0.5B model")
    ap.add_argument("--out", type=Path, default=None, help="also save the report here")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(workspace=Path(tmp) / "ws")
        store = Store.open(settings.workspace)
        embedder = get_embedder(settings)
        ingest([EX / "sources/papers/alce-2305.14627.pdf", EX / "sources/lectures"], store,
               settings, embedder)
        retriever = Retriever(store, settings, embedder)
        retriever.ensure()
        text = (EX / "assignments/reading-report-zh.txt").read_text(encoding="utf-8")
        brief = parse_brief(text)
        t0 = time.perf_counter()
        model = get_model(settings, role="small" if args.fast else "writer")
        run = store.create_run("write", text, brief.model_dump_json(), {"bench": True})
        attach_call_log(model, store, run_id=run, stage="write")
        draft = write_report(brief, store, settings, retriever, model, embedder, run_id=run)
        wall = time.perf_counter() - t0
        calls = store.llm_calls(run)
        generated = sum(c["completion_tokens"] for c in calls)
        prompt = sum(c["prompt_tokens"] for c in calls)
        in_model = sum(c["seconds"] for c in calls)
        markdown = to_markdown(draft)
        if args.out:
            args.out.write_text(markdown, encoding="utf-8")
    rng = draft.length_range
    print(f"model: {model.name}")
    print(f"report: {draft.length} {draft.length_unit.symbol} (asked {rng.label() if rng else '-'},"
          f" {'within' if rng and rng.contains(draft.length) else 'OUTSIDE'}), "
          f"{len(draft.sections)} sections, {len(draft.citations)} citations")
    print(f"wall time: {wall:.0f} s (target < 360 s), model calls: {len(calls)}, "
          f"{in_model:.0f} s inside the model")
    print(f"tokens: {generated} generated ({generated / max(in_model, 1e-9):.1f} tokens/s over "
          f"model time), {prompt} prompt tokens")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
