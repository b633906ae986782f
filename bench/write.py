"""`docent write` on the bundled example with the default (1.5B) model: prints wall time (writing
and validation/repair apart), tokens generated, tokens/s, the validation summary, the repairs
and peak memory (asserts nothing).

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
from collections import Counter
from pathlib import Path

from docent.config import Settings
from docent.index import Retriever, get_embedder
from docent.ingest import ingest
from docent.pipeline import write_run
from docent.store import Store

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
        seen: dict[str, float] = {}

        def progress(stage: str, done: int, total: int) -> None:
            seen.setdefault(stage, time.perf_counter())

        t0 = time.perf_counter()
        result = write_run(settings, text, store=store, embedder=embedder, fast=args.fast,
                           progress=progress)
        wall = time.perf_counter() - t0
        validating = min((t for k, t in seen.items() if k.startswith("validating")),
                         default=t0 + wall)
        calls = store.llm_calls(result.run_id)
        generated = sum(c["completion_tokens"] for c in calls)
        prompt = sum(c["prompt_tokens"] for c in calls)
        in_model = sum(c["seconds"] for c in calls)
        if args.out:
            args.out.write_text(result.markdown, encoding="utf-8")
    draft, v = result.draft, result.validation
    rng = draft.length_range
    print(f"model: {calls[0]['model'] if calls else '-'}")
    print(f"report: {draft.length} {draft.length_unit.symbol} (asked {rng.label() if rng else '-'},"
          f" {'within' if rng and rng.contains(draft.length) else 'OUTSIDE'}), "
          f"{len(draft.sections)} sections, {len(draft.citations)} citations")
    print(f"wall time: {wall:.0f} s: writing {validating - t0:.0f} s, validation and repair "
          f"{t0 + wall - validating:.0f} s; {len(calls)} writer calls, {in_model:.0f} s inside "
          "the writer")
    print(f"tokens: {generated} generated ({generated / max(in_model, 1e-9):.1f} tokens/s over "
          f"writer time), {prompt} prompt tokens")
    s_ = v.summary
    print(f"validation: {s_.verified_line()}; {s_.errors} errors, "
          f"{s_.warnings} warnings left; findings {s_.findings_by_kind}")
    print(f"repairs: {dict(Counter(r.action for r in v.repairs))}")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
