"""`docent check` on a labelled report (prints figures; asserts nothing).

    .venv/bin/python bench/check.py REPORT GOLD -s SOURCE [-s SOURCE ...] [--workspace DIR]
                                    [--keep] [--cli-args "..."]

    .venv/bin/python bench/check.py ../shared/corpus/reports/chatbot-report-w2v.md \\
        ../shared/corpus/reports/chatbot-report-w2v.gold.jsonl \\
        -s ../shared/corpus/papers/word2vec-1301.3781.pdf

Ingests the sources into a fresh workspace (timed apart), runs ``docent check REPORT --json``
as a user would (timed), and compares each sentence's record with the gold labels (GOLD: one
JSON row a sentence with ``sentence``, ``label`` supported / partial / not_supported,
``error``, ``pages`` and ``agreed``; rows with ``agreed: false`` are left out). One figure a
line:

- ``located page top-1 N`` and ``top-3 N``: of the supported and partial sentences with gold
  pages, the share whose best located page (top-1), or one of the best and the runner-up and
  the third place (top-3), is a gold page;
- ``supported precision N recall N``: green against the gold label supported;
- ``red precision N recall N``: red (verdict not or partly supported, or an error finding on
  the sentence) against gold not fully supported;
- ``not_supported recall N`` per error kind (the share of that kind's sentences made red);
- ``uncited N``: uncited-sentence warnings (and how many of them fall on a sentence a citation
  covers); ``false red N`` (red on a gold-supported sentence);
- ``s per sentence N`` and the check's wall time, with the core count.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from difflib import SequenceMatcher
from pathlib import Path

_CIT = re.compile(r"\[(?:文档|long_context)[^\]]*\]|\[\d+\]")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", _CIT.sub("", text)).strip("。.")


def _docent(*args: str, ws: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCENT_")}
    env.update({"DOCENT_WORKSPACE": str(ws)})
    return subprocess.run([sys.executable, "-m", "docent.cli", *args], capture_output=True,
                          text=True, env=env)


def _match(gold: list[dict], sentences: list[dict]) -> list[dict | None]:
    out = []
    for g in gold:
        want = _norm(g["sentence"])
        best, ratio = None, 0.0
        for s in sentences:
            r = SequenceMatcher(None, want, _norm(s["text"])).ratio()
            if r > ratio:
                best, ratio = s, r
        out.append(best if ratio >= 0.8 else None)
    return out


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}" if b else "n/a"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("report", type=Path)
    ap.add_argument("gold", type=Path)
    ap.add_argument("-s", "--source", action="append", required=True)
    ap.add_argument("--workspace", type=Path, help="reuse this workspace (ingest skipped if "
                    "the sources are in it)")
    ap.add_argument("--cli-args", default="", help="more arguments for docent check")
    ap.add_argument("--show", action="store_true", help="print each sentence's outcome")
    args = ap.parse_args()

    ws = args.workspace or Path(tempfile.mkdtemp(prefix="bench-check-")) / "ws"
    t0 = time.perf_counter()
    r = _docent("ingest", *args.source, ws=ws)
    if r.returncode:
        sys.exit(f"ingest failed: {r.stderr.strip()[-500:]}")
    ingest_s = time.perf_counter() - t0
    out = ws.parent / "check.json"
    t0 = time.perf_counter()
    r = _docent("check", str(args.report), "--json", str(out), *args.cli_args.split(), ws=ws)
    check_s = time.perf_counter() - t0
    if r.returncode not in (0, 1):
        sys.exit(f"check failed: {r.stderr.strip()[-800:]}")
    data = json.loads(out.read_text(encoding="utf-8"))
    sentences = data["sentences"]
    errors_on = {f["sentence_index"] for f in data["findings"]
                 if f["severity"] == "error" and f.get("sentence_index") is not None}
    uncited_on = {f["sentence_index"] for f in data["findings"] if f["kind"] == "uncited"}

    gold = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    gold = [g for g in gold if g.get("agreed", True)]
    matched = _match(gold, sentences)

    top1 = top3 = located_n = 0
    green = green_ok = 0
    red = red_ok = 0
    gold_sup = gold_not = 0
    by_kind: dict[str, list[int]] = {}
    false_red: list[str] = []
    unmatched = 0
    for g, s in zip(gold, matched):
        label = g["label"]
        if s is None:
            unmatched += 1
            continue
        is_green = s["status"] == "supported"
        is_red = s["status"] == "unsupported" or s.get("verdict") in (
            "not_supported", "partially_supported") or s["index"] in errors_on
        if label in ("supported", "partial") and g.get("pages"):
            located_n += 1
            pages = [s.get("page")] + [e.get("page") for e in s.get("located") or []]
            top1 += s.get("page") in g["pages"]
            top3 += any(p in g["pages"] for p in pages if p is not None)
        gold_sup += label == "supported"
        gold_not += label != "supported"
        if is_green:
            green += 1
            green_ok += label == "supported"
        if is_red:
            red += 1
            red_ok += label != "supported"
            if label == "supported":
                false_red.append(g["sentence"][:60])
        if label != "supported":
            kind = g.get("error") or label
            by_kind.setdefault(kind, [0, 0])
            by_kind[kind][0] += is_red
            by_kind[kind][1] += 1
        if args.show:
            mark = "GREEN" if is_green else "RED" if is_red else "grey"
            print(f"{g['id']:>12} {label[:7]:7} {mark:5} p{s.get('page')} "
                  f"(gold {g.get('pages')}) {g['sentence'][:50]}")
    red_recall_hits = sum(v[0] for v in by_kind.values())
    print(f"report {args.report.name}: {len(gold)} agreed gold sentences, {unmatched} unmatched")
    print(f"located page top-1 {_pct(top1, located_n)}")
    print(f"located page top-3 {_pct(top3, located_n)}")
    print(f"supported precision {_pct(green_ok, green)} recall {_pct(green_ok, gold_sup)} "
          f"({green} green)")
    print(f"red precision {_pct(red_ok, red)} recall {_pct(red_recall_hits, gold_not)} "
          f"({red} red)")
    ns = [(g, s) for g, s in zip(gold, matched) if s is not None and g["label"] == "not_supported"]
    ns_red = sum(1 for g, s in ns if s["status"] == "unsupported" or s.get("verdict") in (
        "not_supported", "partially_supported") or s["index"] in errors_on)
    print(f"not_supported recall {_pct(ns_red, len(ns))} ({ns_red} of {len(ns)} sentences "
          "labelled not supported)")
    for kind, (hit, n) in sorted(by_kind.items()):
        print(f"not_supported recall {kind} {_pct(hit, n)} ({hit} of {n})")
    covered = sum(1 for s in sentences if s["index"] in uncited_on and s["citations"])
    print(f"uncited {len(uncited_on)} ({covered} on a sentence a citation covers)")
    print(f"false red {len(false_red)}" + (": " + " | ".join(false_red) if false_red else ""))
    print(f"s per sentence {check_s / max(len(sentences), 1):.2f} ({check_s:.0f} s for "
          f"{len(sentences)} sentences; ingest {ingest_s:.0f} s; {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
