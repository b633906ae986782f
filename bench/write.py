"""`docent write` on four scenarios with the default (1.5B) model: prints, for each, the length
and its range, sections, citations, the share of cited sentences the judge verifies (and the
unverified / partly / not supported counts), duplicate sentences, attribution problems, and for
a Chinese report the share of sentences with English words left in, magnitude slips ("7亿" for
"7B") and sentences over 40 字; wall time, model calls, tokens/s and peak memory (asserts
nothing).

    .venv/bin/python bench/write.py                 # all four
    .venv/bin/python bench/write.py -s 1 --out /tmp/reports   # the first, reports kept

1. the bundled Chinese assignment (2000-3000 字, four sections) on the ALCE paper with the
   "Let's build GPT" lecture transcript (README's main job);
2. an English 800-1200 word summary of the word2vec paper with the Chinese knowledge base
   (../shared/corpus/kb-zh);
3. the Chinese assignment on the word2vec paper alone: no video, so the video section must say
   so and invent nothing;
4. material the writer was never tuned on: the Chinese assignment on the BERT paper with the
   "Let's build the GPT Tokenizer" lecture transcript and a Chinese tutorial chapter on
   pre-trained language models (../shared/corpus/kb-zh/pretrained-language-models.md). Use it to
   measure, not to patch.

Ingestion (embedding included) is done first and timed apart.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from docent.check.findings import to_markdown as validation_markdown
from docent.check.parse import parse_report
from docent.config import Settings
from docent.index import get_embedder
from docent.ingest import ingest_and_index
from docent.magnitudes import magnitude_slips
from docent.pipeline import write_run
from docent.store import Store
from docent.text import count_length, strip_markers
from docent.types import LengthUnit
from docent.write.points import content_words
from docent.write.sentences import stray_words

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"
SHARED = ROOT.parent / "shared" / "corpus"
ZH = (EX / "assignments/reading-report-zh.txt").read_text(encoding="utf-8")
EN = ("Write an 800-1200 word summary of this paper for beginners, with the sections: "
      "(1) Basic information (2) Summary (3) Key techniques explained. Use the notes where they "
      "explain a technique. Cite your sources.")
SCENARIOS = {
    1: ("Chinese reading report: ALCE + lecture", ZH,
        [EX / "sources/papers/alce-2305.14627.pdf", EX / "sources/lectures"]),
    2: ("English summary: word2vec + Chinese knowledge base", EN,
        [SHARED / "papers/word2vec-1301.3781.pdf", SHARED / "kb-zh"]),
    3: ("Chinese reading report: word2vec, no video", ZH,
        [SHARED / "papers/word2vec-1301.3781.pdf"]),
    4: ("Chinese reading report, untuned: BERT + tokenizer lecture + Chinese tutorial", ZH,
        [SHARED / "papers/bert-1810.04805.pdf", SHARED / "lectures/lets-build-the-gpt-tokenizer.srt",
         SHARED / "kb-zh/pretrained-language-models.md"]),
}


def duplicates(sentences: list[str]) -> int:
    """Pairs of sentences that say the same thing (identical, or most content words shared)."""
    bags = [content_words(s) for s in sentences]
    n = 0
    for i in range(len(bags)):
        for j in range(i):
            a, b = bags[i], bags[j]
            if sentences[i] == sentences[j] or (
                    len(a) >= 4 and len(b) >= 4 and len(a & b) >= 0.8 * min(len(a), len(b))):
                n += 1
    return n


def run(number: int, out: Path | None) -> None:
    title, assignment, sources = SCENARIOS[number]
    print(f"\n== scenario {number}: {title}")
    with tempfile.TemporaryDirectory() as tmp:
        # with --out the workspace is kept beside the report (to read the run's evidence later)
        ws = out / f"scenario-{number}-ws" if out else Path(tmp) / "ws"
        if ws.exists():
            shutil.rmtree(ws)
        settings = Settings(workspace=ws)
        store = Store.from_settings(settings)
        embedder = get_embedder(settings)
        t0 = time.perf_counter()
        ingest_and_index(sources, store, settings, embedder)
        print(f"ingest: {time.perf_counter() - t0:.0f} s")
        seen: dict[str, float] = {}

        def progress(stage: str, done: int, total: int) -> None:
            seen.setdefault(stage, time.perf_counter())

        t0 = time.perf_counter()
        result = write_run(settings, assignment, store=store, embedder=embedder,
                           progress=progress)
        wall = time.perf_counter() - t0
        validating = min((t for k, t in seen.items() if k.startswith("validating")),
                         default=t0 + wall)
        calls = store.llm_calls(result.run_id)
    if out:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"scenario-{number}.md").write_text(result.markdown, encoding="utf-8")
        (out / f"scenario-{number}.validation.md").write_text(
            validation_markdown(result.validation), encoding="utf-8")
        (out / f"scenario-{number}.validation.json").write_text(
            result.validation.model_dump_json(indent=1), encoding="utf-8")
    draft, v = result.draft, result.validation
    rng = draft.length_range
    parsed = parse_report(result.markdown)
    texts = [s.text for s in parsed.sentences]
    generated = sum(c["completion_tokens"] for c in calls)
    in_model = sum(c["seconds"] for c in calls)
    voice = len(re.findall(r"我们|\bwe\b|\bour\b", parsed.body, re.IGNORECASE))
    stray = [w for t in texts for w in stray_words(t)] if draft.language == "zh" else []
    attribution = sum(1 for f in v.findings if f.kind in ("off_source", "provenance")
                      or "credit" in (f.message or ""))
    s = v.summary
    print(f"length: {draft.length} {draft.length_unit.symbol} (asked "
          f"{rng.label() if rng else '-'}, {'within' if rng and rng.contains(draft.length) else 'OUTSIDE'})")
    print(f"sections: {len(draft.sections)} ({', '.join(x.status for x in draft.sections)}); "
          f"citations: {len(draft.citations)}")
    print(f"validation: {s.verified_line()} -> verified {s.verified_pct:.0f}%; "
          f"{s.errors} errors, {s.warnings} warnings")
    print(f"duplicate sentence pairs: {duplicates(texts)}; 'we/我们' in the body: {voice}; "
          f"attribution findings: {attribution}; bibliography errors: "
          f"{sum(1 for f in v.findings if f.kind == 'bibliography' and f.severity == 'error')}")
    if draft.language == "zh":
        cited = [x for sec in draft.sections for para in sec.paragraphs for x in para.sentences
                 if x.evidence is not None]
        with_english = sum(1 for x in cited if stray_words(x.text))
        long = sum(1 for x in cited
                   if count_length(strip_markers(x.text), LengthUnit.zh_chars) > 40)
        slips = [w for x in cited for w in magnitude_slips(x.text, [x.evidence.text])]
        share = 100.0 / max(len(cited), 1)
        print(f"English words left untranslated in Chinese sentences: {len(stray)} "
              f"({', '.join(stray[:12])}); cited sentences with English words left in: "
              f"{with_english}/{len(cited)} ({with_english * share:.0f}%)")
        print(f"magnitude slips: {len(slips)} ({', '.join(slips[:6])}); cited sentences over "
              f"40 字: {long}/{len(cited)} ({long * share:.0f}%)")
    print(f"wall time: {wall:.0f} s (writing {validating - t0:.0f} s, validation and repair "
          f"{t0 + wall - validating:.0f} s); {len(calls)} model calls, {generated} tokens "
          f"generated, {generated / max(in_model, 1e-9):.1f} tokens/s inside the model")
    print(f"repairs: {dict(Counter(str(r.action) for r in v.repairs))}")
    print(f"peak memory so far: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-s", "--scenario", type=int, action="append", choices=sorted(SCENARIOS),
                    help="run only this scenario (repeatable)")
    ap.add_argument("--out", type=Path, default=None, help="keep the reports in this folder")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    for number in args.scenario or sorted(SCENARIOS):
        run(number, args.out)


if __name__ == "__main__":
    main()
