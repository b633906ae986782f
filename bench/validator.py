"""Support-judge accuracy on claim-verification sets (prints; asserts nothing).

    .venv/bin/python bench/validator.py [--data FILE ...] [--limit N] [--model NAME]
                                        [--fit] [--cv K] [--features DIR] [--no-embed]

``--data`` (repeatable) is JSONL in the shape of WiCE: one claim per line with ``claim``,
``evidence`` (the text of the cited passages) and ``label`` (supported / partially_supported /
not_supported); rows may add ``error`` (the kind of a wrong claim) and what is known of the
cited passages (``source_kind`` and ``locator``, or ``cited``), from which the judge learns the
passages' roles (paper body, related work, lecture, knowledge base); ``"rendered": true`` marks
a sentence ``docent write`` rendered from a source sentence (its own calibration). Defaults: the
three shared sets in ``../shared/corpus/claims`` and ``bench/data/rendered-*.jsonl`` (sentences
of Docent's own reports, labelled blind by careful readers).

The task is binary: supported vs. not (partially supported, not supported; the judge's
``unverified`` counts as not supported). For each file it prints ``balanced accuracy N`` and
``supported precision N recall N``, a recall line per ``error`` type, the 4-way confusion,
seconds a claim and the core count.

The model's measurements of each claim (:class:`docent.check.judge.Features`) are kept in
``--features DIR`` (default ``.bench-cache/``), so a rerun or another calibration costs
nothing. ``--fit`` fits the calibration on all loaded rows and prints it (what
``docent.check.judge.CALIBRATIONS`` holds); ``--cv K`` judges every claim by a calibration
fitted without it (K folds over all files together), the fair estimate for unseen claims.
Without ``--fit`` the shipped calibration decides.

Anchors (LLM-AggreFact balanced accuracy on WiCE-like data): GPT-4 75.3, MiniCheck-FT5 74.7.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from docent.check.judge import (
    FEATURES_VERSION,
    Calibration,
    Calibrations,
    copied,
    Features,
    ModelJudge,
    feature_vector,
    role_of,
    unstated_numbers,
)
from docent.config import Settings
from docent.index import get_embedder
from docent.llm import get_model
from docent.types import Verdict

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = ROOT.parent / "shared" / "corpus" / "claims"
DEFAULT_DATA = [CLAIMS / "wice-dev.jsonl", CLAIMS / "report-audit-dev.jsonl",
                CLAIMS / "zh-claims-dev.jsonl", *sorted((ROOT / "bench" / "data").glob(
                    "rendered-*.jsonl"))]
FEATURES_SAME = ("bias", "yes", "min_gain", "cov_best", "cov_all", "missing_terms",
                 "misattributed")
FEATURES_CROSS = ("bias", "yes", "min_gain", "cov_best", "cov_all", "missing_terms",
                  "misattributed")
TARGET_PRECISION = 0.95
TRANSLATED: list[float] = []  # seconds per translation added to cached measurements


def row_roles(row: dict) -> list[str]:
    """The cited passages' roles, from what the row says of them (as the pipeline knows them
    from its passages: ``docent.check.judge.role_of``)."""
    if "source_kind" in row:
        loc = row.get("locator") or {}
        return [role_of(row["source_kind"], None, loc.get("section"))] * len(row["evidence"])
    if "cited" in row:
        out = []
        for c in row["cited"]:
            kind = "subtitles" if c.get("t") else "pdf" if c.get("page") else "web"
            out.append(role_of(kind, None, c.get("section")))
        return out
    return []


def _key(row: dict, i: int) -> str:
    return hashlib.sha1(f"{i}|{row['claim']}|{row['evidence']}".encode()).hexdigest()[:16]


def _measure(judge: ModelJudge | None, rows: list[dict], cache: Path, known_only: bool = False,
             translate: bool = False) -> tuple[list[dict], list[Features], float]:
    known: dict[str, dict] = {}
    if cache.exists():
        for line in cache.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                known[item["key"]] = item["f"]
    out: list[Features] = []
    kept: list[dict] = []
    timed, start = 0, time.perf_counter()
    for i, row in enumerate(rows):
        key = _key(row, i)
        if key in known:
            f = Features(**known[key])
            if not translate and f.translation is not None:
                f.translation, f.cov_best, f.cov_all = None, None, None  # as measured without
            if judge is not None and translate and f.cov_best is None \
                    and f.translation is None:
                # measured before claims were translated: add the translation only
                t = time.perf_counter()
                judge.add_translation(f, row["claim"], row["evidence"])
                TRANSLATED.append(time.perf_counter() - t)
                with cache.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps({"key": key, "f": f.to_json()}, ensure_ascii=False)
                             + "\n")
            out.append(f)
            kept.append(row)
            continue
        if judge is None or known_only:  # --cached / --known: only rows measured before
            continue
        f = judge.features(row["claim"], row["evidence"], row_roles(row))
        if f is None:
            sys.exit("the judge model exposes no token probabilities (use a local GGUF)")
        out.append(f)
        kept.append(row)
        timed += 1
        with cache.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"key": key, "f": f.to_json()}, ensure_ascii=False) + "\n")
        if timed % 25 == 0:
            print(f"  {i + 1}/{len(rows)} ({(time.perf_counter() - start) / timed:.2f} s/claim)",
                  file=sys.stderr, flush=True)
    return kept, out, (time.perf_counter() - start) / timed if timed else float("nan")


def _matrix(feats: list[Features], cal_names: tuple[str, ...], mean_cov) -> np.ndarray:
    return np.array([[feature_vector(f, mean_cov)[n] for n in cal_names] for f in feats])


def fit_both(feats: list[Features], rows: list[dict]) -> Calibrations:
    """A calibration for same-language claims and one for claims across languages, each fitted
    on its own rows, and one for sentences ``docent write`` rendered from a source sentence
    (rows marked ``"rendered": true``) when there are such rows."""
    mine = [i for i, r in enumerate(rows) if r.get("rendered")]
    others = [i for i in range(len(rows)) if i not in set(mine)]
    same = [i for i in others if feats[i].cov_best is not None and feats[i].translation is None]
    cross = [i for i in others if feats[i].cov_best is None or feats[i].translation is not None]
    return Calibrations(
        same=fit([feats[i] for i in same], [rows[i] for i in same], FEATURES_SAME),
        cross=fit([feats[i] for i in cross], [rows[i] for i in cross], FEATURES_CROSS),
        rendered=fit([feats[i] for i in mine], [rows[i] for i in mine], FEATURES_CROSS)
        if mine else None)


def fit(feats: list[Features], rows: list[dict], names: tuple[str, ...] = FEATURES_SAME,
        lam: float = 1.0, precision: float = TARGET_PRECISION) -> Calibration:
    """Logistic regression (balanced classes, L2, Newton steps) on the rows the number rule
    does not decide; ``supported_at`` is the lowest threshold whose precision on these rows is
    at least ``precision``, ``unverified_at`` the score below which only 5% of the supported
    claims fall (below it: not supported)."""
    keep = [i for i, r in enumerate(rows) if not unstated_numbers(r["claim"], r["evidence"])
            and not copied(r["claim"], r["evidence"])]
    if not keep:
        return Calibration()
    feats, rows = [feats[i] for i in keep], [rows[i] for i in keep]
    cb = [f.cov_best for f in feats if f.cov_best is not None]
    ca = [f.cov_all for f in feats if f.cov_all is not None]
    mean_cov = (round(float(np.mean(cb)), 4) if cb else 0.37,
                round(float(np.mean(ca)), 4) if ca else 0.73)
    X = _matrix(feats, names, mean_cov)
    mu, sd = X.mean(0), X.std(0) + 1e-9
    mu[0], sd[0] = 0.0, 1.0  # the bias column
    Z = (X - mu) / sd
    y = np.array([r["label"] == "supported" for r in rows], dtype=float)
    sw = np.where(y == 1, 0.5 / max(y.mean(), 1e-6), 0.5 / max(1 - y.mean(), 1e-6))
    w = np.zeros(Z.shape[1])
    reg = lam * np.diag([0.0] + [1.0] * (Z.shape[1] - 1))
    for _ in range(60):
        p = 1 / (1 + np.exp(-np.clip(Z @ w, -40, 40)))
        grad = Z.T @ (sw * (p - y)) + reg @ w
        hess = (Z.T * (sw * p * (1 - p))) @ Z + reg
        w -= np.linalg.solve(hess + 1e-9 * np.eye(len(w)), grad)
    # back to the raw features' scale
    raw = w / sd
    raw[0] = w[0] - float(np.sum(w[1:] * mu[1:] / sd[1:]))
    cal = Calibration(w={n: round(float(v), 4) for n, v in zip(names, raw)}, mean_cov=mean_cov)
    scores = np.array([cal.score(f) for f in feats])
    pos = y.astype(bool)
    # rows a rule keeps from "supported" do not count against the threshold
    capped = np.array([bool(x["missing_terms"] or x["misattributed"])
                       for x in (feature_vector(f, mean_cov) for f in feats)])
    cal.supported_at = _threshold(scores[~capped], pos[~capped], precision)
    neg_only = np.sort(scores[pos])
    # below the 5th percentile of supported claims' scores a claim is called not supported
    cal.unverified_at = round(float(min(np.quantile(neg_only, 0.05), cal.supported_at)), 4) \
        if len(neg_only) else 0.2
    return cal


def _threshold(scores: np.ndarray, pos: np.ndarray, precision: float, min_tp: int = 5
               ) -> float:
    """The lowest threshold at which "supported" keeps ``precision`` on these rows, with at
    least ``min_tp`` claims above it (fewer make the precision a guess); 1.0 when none does."""
    for t in np.unique(scores):
        pred = scores >= t
        tp, fp = int((pred & pos).sum()), int((pred & ~pos).sum())
        if tp >= min_tp and tp / (tp + fp) >= precision:
            return round(float(t), 4)
    return 1.0


def verdicts_of(cal: Calibrations, feats: list[Features], rows: list[dict]) -> list[Verdict]:
    """As :meth:`ModelJudge.judge` decides (:meth:`Calibration.decide`)."""
    return [cal.decide(f, r["claim"], r["evidence"], rendered=bool(r.get("rendered")))[0]
            for f, r in zip(feats, rows)]


def report(title: str, rows: list[dict], verdicts: list[Verdict]) -> None:
    if not rows:
        return
    gold = np.array([r["label"] == "supported" for r in rows])
    pred = np.array([v is Verdict.supported for v in verdicts])
    tp, fp = int((pred & gold).sum()), int((pred & ~gold).sum())
    tn, fn = int((~pred & ~gold).sum()), int((~pred & gold).sum())
    rec_s, rec_n = tp / max(tp + fn, 1), tn / max(tn + fp, 1)
    prec_s, prec_n = tp / max(tp + fp, 1), tn / max(tn + fn, 1)
    print(f"\n{title}: {len(rows)} claims ({int(gold.sum())} supported, "
          f"{int((~gold).sum())} not/partially)")
    print(f"  balanced accuracy  {100 * (rec_s + rec_n) / 2:5.1f}")
    print(f"  supported          precision {100 * prec_s:5.1f}  recall {100 * rec_s:5.1f}")
    print(f"  not supported      precision {100 * prec_n:5.1f}  recall {100 * rec_n:5.1f}")
    errors = sorted({r["error"] for r in rows if r.get("error")})
    for e in errors:
        idx = [i for i, r in enumerate(rows) if r.get("error") == e]
        caught = sum(1 for i in idx if verdicts[i] is not Verdict.supported)
        print(f"  recall of not supported, {e:20s} {100 * caught / len(idx):5.1f}"
              f"  ({caught}/{len(idx)})")
    labels = ["supported", "partially_supported", "not_supported"]
    cols = [Verdict.supported, Verdict.unverified, Verdict.partially_supported,
            Verdict.not_supported]
    print("  gold rows x predicted columns: supported / unverified / partially / not")
    for g in labels:
        counts = [sum(1 for r, v in zip(rows, verdicts) if r["label"] == g and v is c)
                  for c in cols]
        print(f"    {g:20s} " + " ".join(f"{c:4d}" for c in counts))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, action="append", default=None,
                    help="a JSONL claim set (repeatable); default: the three shared sets")
    ap.add_argument("--limit", type=int, default=None, help="the first N rows of each file")
    ap.add_argument("--model", default=None, help="embedded model name or GGUF path")
    ap.add_argument("--fit", action="store_true", help="fit the calibration on all rows")
    ap.add_argument("--cv", type=int, default=0, metavar="K",
                    help="K-fold cross-validation over all rows (each claim judged by a "
                    "calibration fitted without it)")
    ap.add_argument("--features", type=Path, default=ROOT / ".bench-cache", metavar="DIR",
                    help="where each claim's measurements are kept and reused")
    ap.add_argument("--no-embed", action="store_true", help="lexical evidence selection only")
    ap.add_argument("--cached", action="store_true",
                    help="use only the rows measured before (no model is loaded)")
    ap.add_argument("--translate", action="store_true",
                    help="translate claims across languages first and measure word coverage "
                    "on the translation (about 3.5 s a claim more)")
    ap.add_argument("--known", action="store_true",
                    help="use only the rows measured before, adding what the judge measures "
                    "now and they lack (the translation of a claim across languages)")
    args = ap.parse_args()

    files = args.data or DEFAULT_DATA
    settings = Settings(llm_model=args.model) if args.model else Settings()
    t0 = time.perf_counter()
    model = get_model(settings, role="judge")
    embedder = None if args.no_embed else get_embedder(settings)
    judge = ModelJudge(model, embedder, label=settings.llm_model,
                       translate_claims=args.translate)
    if not args.cached:
        judge.judge("Warm-up claim.", ["Warm-up passage."])  # load the weights before timing
        print(f"judge {judge.name}, embedder {getattr(embedder, 'name', None)}; "
              f"loaded in {time.perf_counter() - t0:.1f} s")
    args.features.mkdir(parents=True, exist_ok=True)
    tag = hashlib.sha1(f"{judge.name}|{getattr(embedder, 'name', None)}|{FEATURES_VERSION}"
                       .encode()).hexdigest()[:8]
    data: list[tuple[Path, list[dict], list[Features]]] = []
    times = []
    for path in files:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()][: args.limit]
        rows, feats, per = _measure(None if args.cached else judge, rows,
                                    args.features / f"{path.stem}-{tag}.jsonl", args.known,
                                    args.translate)
        data.append((path, rows, feats))
        if per == per:
            times.append((per, len(rows)))
    all_rows = [r for _, rows, _ in data for r in rows]
    all_feats = [f for _, _, fs in data for f in fs]
    cal = fit_both(all_feats, all_rows) if args.fit else judge.calibration
    if args.fit:
        print(f"\ncalibration fitted on {len(all_rows)} rows: {cal}")
    offset = 0
    cv: list[Verdict | None] = [None] * len(all_rows)
    if args.cv > 1:
        order = np.random.default_rng(0).permutation(len(all_rows))
        # rows that share an ``origin`` (the sentences of one generated report: their
        # renderings of the same evidence resemble each other) are held out together
        folds = [list(f) for f in np.array_split(
            [i for i in order if not all_rows[i].get("origin")], args.cv)]
        origins = sorted({r["origin"] for r in all_rows if r.get("origin")})
        for k, origin in enumerate(origins):
            folds[k % args.cv] += [i for i, r in enumerate(all_rows) if r.get("origin") == origin]
        for fold in folds:
            held = {int(i) for i in fold}
            train = [i for i in range(len(all_rows)) if i not in held]
            cal_k = fit_both([all_feats[i] for i in train], [all_rows[i] for i in train])
            for i in held:
                cv[i] = verdicts_of(cal_k, [all_feats[i]], [all_rows[i]])[0]
    for path, rows, feats in data:
        if args.cv > 1:
            report(f"{path.name}, {args.cv}-fold cross-validation", rows,
                   cv[offset:offset + len(rows)])
        else:
            label = "in-sample (fitted on these rows)" if args.fit else "shipped calibration"
            report(f"{path.name}, {label}", rows, verdicts_of(cal, feats, rows))
        offset += len(rows)
    if times:
        per = sum(p * n for p, n in times) / sum(n for _, n in times)
        print(f"\n{per:.2f} s per claim (evidence selection + model; load excluded), "
              f"on {os.cpu_count()} cores")
    else:
        print(f"\nall measurements from {args.features} (no claim judged in this run); "
              f"{os.cpu_count()} cores")
    if TRANSLATED:
        print(f"{len(TRANSLATED)} cached claims translated, {np.mean(TRANSLATED):.2f} s each")
    print("anchors (LLM-AggreFact balanced accuracy): GPT-4 75.3, MiniCheck-FT5 74.7")


if __name__ == "__main__":
    main()
