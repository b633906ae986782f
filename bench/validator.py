"""Support-judge accuracy on a claim-verification set (prints; asserts nothing).

    .venv/bin/python bench/validator.py [--data FILE] [--offset N] [--limit N] [--model NAME]
                                        [--fit N] [--no-embed]

``--data`` is JSONL in the format of WiCE (``../shared/corpus/claims/wice-dev.jsonl``): one
claim per line with ``claim``, ``evidence`` (the sentences of the cited page) and ``label``
(supported / partially_supported / not_supported). The task is binary, as in LLM-AggreFact:
supported vs. not (partially or not supported). Prints balanced accuracy, per-class precision
and recall, the 3-way confusion, seconds per claim and the core count.

``--fit N --cv K`` adds K-fold cross-validation over all loaded rows (the fairest estimate
of accuracy on unseen claims). ``--fit N`` fits the judge's calibration (logistic regression over the model's P(Yes) and
lexical coverage, balanced classes, then the threshold with the best balanced accuracy) on the
first N loaded rows only, and reports the tuning rows and the held-out rest separately; the
printed ``Calibration(...)`` is what ``docent.check.judge.CALIBRATIONS`` holds.

Anchors (LLM-AggreFact balanced accuracy): GPT-4 75.3, MiniCheck-FT5 74.7.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

from docent.check.judge import Calibration, ModelJudge, unstated_numbers
from docent.config import Settings
from docent.index import get_embedder
from docent.llm import get_model
from docent.types import Verdict

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "corpus" / "claims" / "wice-dev.jsonl"


def _report(title: str, rows: list[dict], verdicts: list[Verdict]) -> None:
    gold = np.array([r["label"] == "supported" for r in rows])
    pred = np.array([v is Verdict.supported for v in verdicts])
    if not len(rows):
        return
    tp, fp = int((pred & gold).sum()), int((pred & ~gold).sum())
    tn, fn = int((~pred & ~gold).sum()), int((~pred & gold).sum())
    rec_s = tp / max(tp + fn, 1)
    rec_n = tn / max(tn + fp, 1)
    prec_s = tp / max(tp + fp, 1)
    prec_n = tn / max(tn + fn, 1)
    print(f"\n{title}: {len(rows)} claims ({int(gold.sum())} supported, "
          f"{int((~gold).sum())} not/partially)")
    print(f"  balanced accuracy  {100 * (rec_s + rec_n) / 2:5.1f}")
    print(f"  supported          precision {100 * prec_s:5.1f}  recall {100 * rec_s:5.1f}")
    print(f"  not supported      precision {100 * prec_n:5.1f}  recall {100 * rec_n:5.1f}")
    labels = ["supported", "partially_supported", "not_supported"]
    print("  3-way (gold rows x predicted columns: S / P / N)")
    for g in labels:
        counts = [sum(1 for r, v in zip(rows, verdicts) if r["label"] == g and v.value == p)
                  for p in labels]
        print(f"    {g:20s} " + " ".join(f"{c:4d}" for c in counts))


def _fit(feats: list[tuple], rows: list[dict]) -> Calibration:
    """Logistic regression (balanced class weights, small L2, Newton steps) and thresholds,
    on the rows the number rule does not already decide."""
    keep = [i for i, r in enumerate(rows) if not unstated_numbers(r["claim"], r["evidence"])]
    feats, rows = [feats[i] for i in keep], [rows[i] for i in keep]
    y = np.array([r["label"] == "supported" for r in rows], dtype=float)
    cb = [f[1] for f in feats if f[1] is not None]
    ca = [f[2] for f in feats if f[2] is not None]
    mean_cov = (float(np.mean(cb)) if cb else 0.5, float(np.mean(ca)) if ca else 0.7)
    def logit(p: float) -> float:
        p = min(max(p, 1e-6), 1 - 1e-6)
        return math.log(p / (1 - p))

    X = np.array([[1.0, logit(f[0]), mean_cov[0] if f[1] is None else f[1],
                   mean_cov[1] if f[2] is None else f[2]] for f in feats])
    sw = np.where(y == 1, 0.5 / max(y.mean(), 1e-6), 0.5 / max(1 - y.mean(), 1e-6))
    w = np.zeros(X.shape[1])
    lam = 1.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-X @ w))
        grad = X.T @ (sw * (p - y)) + lam * np.r_[0, w[1:]]
        hess = (X.T * (sw * p * (1 - p))) @ X + lam * np.diag([0] + [1] * (X.shape[1] - 1))
        w -= np.linalg.solve(hess + 1e-9 * np.eye(len(w)), grad)
    cal = Calibration(w=tuple(round(float(v), 4) for v in w),
                      mean_cov=tuple(round(v, 4) for v in mean_cov))
    scores = np.array([cal(*f[:3]) for f in feats])
    yb = y.astype(bool)

    def ba(t: float, mask_pos, mask_neg) -> float:
        pred = scores >= t
        return 0.5 * ((pred & mask_pos).sum() / max(mask_pos.sum(), 1)
                      + (~pred & mask_neg).sum() / max(mask_neg.sum(), 1))

    grid = np.unique(np.r_[scores, 0.5])
    cal.supported_at = round(float(max(grid, key=lambda t: (ba(t, yb, ~yb), -abs(t - 0.5)))), 4)
    is_not = np.array([r["label"] == "not_supported" for r in rows])
    below = grid[grid < cal.supported_at]
    if is_not.any() and len(below):
        cal.partial_at = round(float(max(below, key=lambda t: ba(t, ~is_not, is_not)
                                         - 0.001 * abs(t - 0.2))), 4)
    else:
        cal.partial_at = min(0.2, cal.supported_at)
    return cal


def _verdict(cal: Calibration, f: tuple, row: dict) -> Verdict:
    """As :meth:`ModelJudge.judge` decides: the calibrated score, and never "supported" when
    the claim states a number the evidence does not."""
    if unstated_numbers(row["claim"], row["evidence"]):
        return Verdict.not_supported
    return cal.verdict(cal(*f[:3]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--offset", type=int, default=0)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--model", default=None, help="embedded model name or GGUF path")
    ap.add_argument("--fit", type=int, default=0, metavar="N",
                    help="fit the calibration on the first N rows; report them and the rest")
    ap.add_argument("--cv", type=int, default=0, metavar="K",
                    help="with --fit: also report K-fold cross-validated balanced accuracy "
                    "(each fold's calibration fitted on the other folds)")
    ap.add_argument("--no-embed", action="store_true", help="lexical evidence selection only")
    ap.add_argument("--k", type=int, default=None, help="evidence sentences shown to the model")
    ap.add_argument("--pool", type=int, default=None, help="sentences embedded per claim")
    ap.add_argument("--parts", type=int, default=None, help="most clauses asked about a claim")
    ap.add_argument("--features", type=Path, default=None, metavar="FILE",
                    help="with --fit: keep each row's model features in FILE (JSONL) and "
                    "reuse them, so an interrupted run resumes")
    args = ap.parse_args()

    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    rows = rows[args.offset:]
    if args.limit is not None:
        rows = rows[: args.limit]
    settings = Settings(llm_model=args.model) if args.model else Settings()
    t0 = time.perf_counter()
    model = get_model(settings, role="judge")
    embedder = None if args.no_embed else get_embedder(settings)
    judge = ModelJudge(model, embedder, label=settings.llm_model,
                       **{k: v for k, v in (("k", args.k), ("max_parts", args.parts))
                          if v is not None})
    if args.pool is not None:
        judge.selector.dense_pool = args.pool
    judge.judge("Warm-up claim.", ["Warm-up passage."])  # load the weights before timing
    print(f"judge {judge.name}, embedder {getattr(embedder, 'name', None)}; "
          f"loaded in {time.perf_counter() - t0:.1f} s")
    print(f"data {args.data} rows {args.offset}..{args.offset + len(rows) - 1}")

    cached: dict[str, list] = {}
    if args.features and args.features.exists():
        for line in args.features.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                cached[item["key"]] = item["f"]
    timed = 0
    feats: list[tuple] = []
    verdicts: list[Verdict] = []
    start = time.perf_counter()
    for i, row in enumerate(rows):
        if args.fit:
            key = f"{args.offset + i}:{row['claim'][:80]}"
            if key in cached:
                feats.append(tuple(cached[key]) + (None,))
                continue
            f = judge.features(row["claim"], row["evidence"])
            if f is None:
                sys.exit("--fit needs a model with token probabilities (a local GGUF)")
            feats.append(f)
            timed += 1
            if args.features:
                with args.features.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps({"key": key, "f": list(f[:3])}) + "\n")
        else:
            verdicts.append(judge.judge(row["claim"], row["evidence"]).verdict)
            timed += 1
        if (i + 1) % 25 == 0:
            print(f"  {i + 1}/{len(rows)} ({(time.perf_counter() - start) / max(timed, 1):.2f} "
                  "s/claim)",
                  file=sys.stderr, flush=True)
    per_claim = (time.perf_counter() - start) / max(timed, 1)

    if args.fit:
        tune = rows[: args.fit]
        cal = _fit(feats[: args.fit], tune)
        print(f"\nfitted on rows {args.offset}..{args.offset + len(tune) - 1}: {cal}")
        verdicts = [_verdict(cal, f, r) for f, r in zip(feats, rows)]
        _report("tuning split", tune, verdicts[: args.fit])
        _report("held-out split", rows[args.fit:], verdicts[args.fit:])
    _report("all", rows, verdicts)
    if args.fit and args.cv > 1:
        order = np.random.default_rng(0).permutation(len(rows))
        cv_verdicts: list[Verdict | None] = [None] * len(rows)
        for fold in np.array_split(order, args.cv):
            held = {int(i) for i in fold}
            train = [i for i in range(len(rows)) if i not in held]
            cal_k = _fit([feats[i] for i in train], [rows[i] for i in train])
            for i in held:
                cv_verdicts[i] = _verdict(cal_k, feats[i], rows[i])
        _report(f"{args.cv}-fold cross-validation (every claim judged by a calibration "
                "fitted without it)", rows, cv_verdicts)
    print(f"\n{per_claim:.2f} s per claim over {timed} claims judged in this run, on "
          f"{os.cpu_count()} cores (evidence selection + model; load excluded)")
    print("anchors (LLM-AggreFact balanced accuracy): GPT-4 75.3, MiniCheck-FT5 74.7")


if __name__ == "__main__":
    main()
