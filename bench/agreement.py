"""Does the model agree with itself where its Chinese rendering is right? (prints; asserts
nothing; the measurement behind README's "the model's agreement with itself", not adopted)

    .venv/bin/python bench/agreement.py [--data FILE ...] [--limit N]

Each rendered sentence of the blind-labelled reports (``bench/data/rendered-*.jsonl`` rows with
``"rendered": true``; default: ``rendered-alce-9``, ``-10``, ``rendered-w2v-3``, ``-4``) is
rendered again from its one source sentence, alone and greedily, with the writer's prompt, and
compared with the report's rendering (difflib ratio of the characters, punctuation aside). It
prints the AUC of that ratio for "supported" against the rest, the judge score's AUC, and how
many sentences reach each ratio and how many of them are supported, with seconds a sentence
and the core count.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import tempfile
import time
from pathlib import Path

from docent.check.judge import get_judge
from docent.config import Settings
from docent.glossary import Glossary
from docent.llm import Message, get_model
from docent.write.sentences import _SYSTEM_ZH, clean_line
from validator import row_roles

DATA = Path(__file__).resolve().parent / "data"
DEFAULT = [DATA / f"rendered-{n}.jsonl" for n in ("alce-9", "alce-10", "w2v-3", "w2v-4")]


def _plain(text: str) -> str:
    return re.sub(r"[\s，。、；：,.;:（）()“”\"'《》]", "", text or "").lower()


def auc(xs: list[float], ys: list[bool]) -> float:
    pos = [x for x, y in zip(xs, ys) if y]
    neg = [x for x, y in zip(xs, ys) if not y]
    if not pos or not neg:
        return float("nan")
    return sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / len(pos) / len(neg)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, action="append", help="a labelled JSONL (repeatable)")
    ap.add_argument("--limit", type=int, default=None, help="at most this many sentences")
    args = ap.parse_args()
    rows = [r for f in args.data or DEFAULT for r in map(json.loads, f.open(encoding="utf-8"))
            if r.get("rendered") and len(r["evidence"]) == 1]
    rows = rows[: args.limit]
    settings = Settings(workspace=Path(tempfile.mkdtemp()))
    model, judge, glossary = get_model(settings, role="writer"), get_judge(settings), Glossary()
    ratios, scores, labels, spent = [], [], [], 0.0
    for row in rows:
        source, roles = row["evidence"][0], row_roles(row)
        who = "讲者" if roles and roles[0] == "lecture" else "作者"
        voice = f"原句中的 we / our / I 指{who}，写作“{who}”，绝不写“我们”或“我”；"
        terms = glossary.prompt_block(source)
        user = f"资料句：\n1. {source}\n\n{terms + chr(10) * 2 if terms else ''}输出："
        t = time.perf_counter()
        reply = model.complete([Message("system", _SYSTEM_ZH.replace("{voice}", voice)
                                        .format(who=who)), Message("user", user)],
                               max_tokens=int(len(source.split()) * 2.2) + 24,
                               temperature=0.0, repeat_penalty=1.1, stop=["\n2."])
        spent += time.perf_counter() - t
        first = (reply.text.strip().splitlines() or [""])[0]
        again = clean_line(re.sub(r"^1\.\s*", "", first), source, who, True) or ""
        ratios.append(difflib.SequenceMatcher(None, _plain(row["claim"]), _plain(again)).ratio())
        scores.append(judge.judge(row["claim"], row["evidence"], roles=roles,
                                  rendered=True).score)
        labels.append(row["label"] == "supported")
    print(f"{len(rows)} rendered sentences, {sum(labels)} supported; machine: {os.cpu_count()} "
          f"cores; {spent / max(len(rows), 1):.1f} s a second rendering")
    print(f"AUC: agreement {auc(ratios, labels):.2f}, judge score {auc(scores, labels):.2f}")
    for at in (0.6, 0.7, 0.8, 0.9, 0.95, 1.0):
        chosen = [y for x, y in zip(ratios, labels) if x >= at]
        print(f"agreement >= {at:.2f}: {len(chosen)} sentences, {sum(chosen)} supported")


if __name__ == "__main__":
    main()
