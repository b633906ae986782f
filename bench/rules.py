"""How often each line rule of the catalogue fires on labelled report sentences, and how often
it was right (prints; asserts nothing; no model is loaded, about ten seconds)::

    .venv/bin/python bench/rules.py [--data FILE ...] [--examples N] [--passage]

What is measured: every rule of :data:`docent.write.rules.RULES` run over Chinese report
sentences that careful readers labelled blind against the source they cite:

* ``bench/data/rendered-*.jsonl``: sentences ``docent write`` rendered, one per source sentence
  (``rendered-alce-*``: the bundled ALCE paper and the "Let's build GPT" lecture;
  ``rendered-w2v-*``: the word2vec paper). The English reports ``rendered-w2v-en-*`` are left
  out (the rules measured are those of a Chinese report), and so are the lines the writer
  states without a model (``"rendered": false`` or the 基本信息 section: title, authors); what
  the writer put before a line (a method's run-in name 关于“…”，, an earlier version's 视频中，)
  is taken off;
* ``../shared/corpus/claims/report-audit-dev.jsonl``: sentences of an earlier Docent report;
* ``../shared/corpus/claims/zh-claims-dev.jsonl``: Chinese claims written about the same
  sources, a third of them wrong on purpose (``error``: reversed, wrong number, ...). Claims on
  the Chinese knowledge base are left out: the rules read an English source.

The rules of an English report (and those of both languages) are measured apart, on the English
word2vec reports ``rendered-w2v-en-*`` (one paper only: printed last).

Each row is put under its paper: ``alce`` (the ALCE paper), ``w2v`` (word2vec) or ``other``
(the "Let's build GPT" lecture transcript); the report's voice is 作者 for a paper and 讲者 for
the lecture, as the writer gives it.

**The source sentence.** A rule takes a line and its source sentence; a row gives the cited
passage (or, in the later files, the sentence itself). The passage is split with
:func:`docent.text.sentence_spans` and the sentence that best matches the line is taken:
2 points a number both state (:func:`docent.text.number_values`), 1 a Latin word of two or more
letters both use, 1 a glossary term of the sentence (:meth:`docent.glossary.Glossary.terms_in`)
whose Chinese the line contains, 1 a Chinese technical term of the line
(:func:`docent.lexicon.english_forms`) whose English the sentence uses, and 0.5 an English word
of the CC-CEDICT senses of the line's Chinese words that the sentence uses (its first five
letters); ties go to the sentence whose length (a third of it, English runs about three letters
a Chinese character) is closest to the line's. Where a row gives both the passage and the
sentence the readers judged against, the choice from the passage agrees with theirs on 98% of
the rows (printed: ``source sentence: ...``). ``--passage`` measures with the whole passage as the source instead (printed
after the sentence table: the number rules are laxer, the length rule never fires).

**A fire.** A drop rule fires when it would drop the line; a fix rule fires when it changes
it. Each rule sees the line as the catalogue's fixes before it leave it (citation brackets off,
我们 made 作者), whether or not an earlier rule would drop it: ``fires`` counts each rule on its
own; ``first`` counts the lines it is the first to drop in catalogue order (what it removes
that no earlier rule does).

**Right.** A fired line is *bad* when readers labelled it anything but ``supported`` or flagged
it ``garbled``. A drop rule is right when the line it drops is bad; ``precision`` is right /
fires. A fix rule cannot be judged by the label of the line it fixed (the readers saw the line
before the fix): for a fix the bench prints how many fired lines were bad and how many good,
and ``precision`` is the share of bad ones, i.e. how often it acts on a line that has something
wrong, not proof that it mends it. ``base`` is the share of bad lines among all measured lines:
a drop rule whose precision is not well above it removes good lines about as often as bad ones.
``rows`` repeats a sentence that several runs wrote and labelled; ``distinct`` counts
different lines.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from docent.glossary import Glossary
from docent.lexicon import english_forms, glosses, present, squashed
from docent.text import CJK_RE, number_values, sentence_spans
from docent.write.rules import RULES, Rule

__all__ = ["Row", "best_sentence", "choice_agreement", "load", "main", "measure", "report"]

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = ROOT.parent / "shared" / "corpus" / "claims"
DEFAULT_DATA = sorted(p for p in (ROOT / "bench" / "data").glob("rendered-*.jsonl")
                      if "-en-" not in p.name) + [CLAIMS / "report-audit-dev.jsonl",
                                                   CLAIMS / "zh-claims-dev.jsonl"]
ENGLISH_DATA = sorted((ROOT / "bench" / "data").glob("rendered-*-en-*.jsonl"))
PAPERS = ("alce", "w2v", "other")
_GLOSSARY = Glossary()
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9\-]+")
# what the writer puts before a rendered line, no part of the model's rendering: a method
# section's run-in name ("关于“Synthesis”，"), the lecture's "视频中，" of earlier versions
_LEAD = re.compile(r"^(?:关于“[^”]{1,80}”[，,]\s*|(?:在讲解)?视频中[，,]\s*)")
_INFO = "基本信息"  # the section of bibliographic facts, stated without a model


@dataclass
class Row:
    line: str
    sentence: str  # the source sentence that best matches the line
    passage: str  # the whole cited passage
    paper: str
    who: str
    bad: bool
    origin: str  # the file
    zh: bool = True


def _paper(path: Path, row: dict) -> str | None:
    """alce, w2v or other (the lecture); None for a row on a Chinese source."""
    evidence = " ".join(row.get("passages") or row["evidence"])
    if len(CJK_RE.findall(evidence)) > 0.2 * max(len(evidence), 1):
        return None
    source = row.get("source") or " ".join(str(c.get("source") or "") for c in row["cited"])
    paged = any(c.get("page") is not None for c in row.get("cited") or [])
    if "Citations" in source or (paged and "alce" in path.name):
        return "alce"
    if "word" in source.lower() or (paged and "w2v" in path.name):
        return "w2v"
    return "other"


def _glossed(line: str) -> set[str]:
    """The English words (their first five letters) of the dictionary senses of the Chinese
    words of ``line`` (every run of 2 to 4 characters CC-CEDICT lists)."""
    words: set[str] = set()
    for run in re.findall(r"[\u4e00-\u9fff]+", line):
        for n in (4, 3, 2):
            for i in range(len(run) - n + 1):
                words.update(g[:5] for g in glosses(run[i:i + n]) if len(g) > 2)
    return words


def _score(line: str, sentence: str, glossed: set[str]) -> tuple[float, float]:
    nums = number_values(line) & number_values(sentence)
    low = sentence.lower()
    latin = {w.lower() for w in _LATIN.findall(line)} & {w.lower() for w in _LATIN.findall(low)}
    terms = [en for en, zh in _GLOSSARY.terms_in(sentence) if CJK_RE.search(zh) and zh in line]
    flat = squashed(sentence)
    lexicon = [zh for zh, forms in english_forms(line) if present(forms, flat)]
    words = glossed & {w[:5] for w in re.findall(r"[a-z]{3,}", low)}
    points = 2 * len(nums) + len(latin) + len(terms) + len(lexicon) + 0.5 * len(words)
    return points, -abs(len(sentence) / 3 - len(line))


def best_sentence(line: str, passages: list[str]) -> str:
    """The sentence of ``passages`` that best matches the Chinese ``line`` (see the module's
    docstring)."""
    sentences = [p[a:b].strip() for p in passages for a, b in sentence_spans(p)]
    sentences = [s for s in sentences if s] or [" ".join(passages)]
    if len(sentences) == 1:
        return sentences[0]
    glossed = _glossed(line)
    return max(sentences, key=lambda s: _score(line, s, glossed))


def choice_agreement(paths: list[Path]) -> tuple[int, int]:
    """How often :func:`best_sentence`, given the whole passage, picks the sentence the readers
    judged the line against (rows that give both), of how many."""
    agree = total = 0
    for path in paths:
        for raw in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(raw) if raw.strip() else {}
            if not r.get("passages") or r.get("rendered") is False or len(r["evidence"]) != 1:
                continue
            if len(sentence_spans(r["passages"][0])) < 2 or _paper(path, r) is None:
                continue
            total += 1
            agree += best_sentence(r["claim"], r["passages"]) == r["evidence"][0].strip()
    return agree, total


def load(paths: list[Path], zh: bool = True) -> list[Row]:
    """The labelled lines of ``paths`` (a Chinese report's, or with ``zh`` False an English
    one's), each with its source sentence."""
    rows: list[Row] = []
    for path in paths:
        for raw in path.read_text(encoding="utf-8").splitlines():
            if not raw.strip():
                continue
            r = json.loads(raw)
            if r.get("rendered") is False or _INFO in (r.get("section") or ""):
                continue  # title, authors: stated without a model
            paper = _paper(path, r)
            if paper is None:
                continue
            passages = r.get("passages") or r["evidence"]
            line = _LEAD.sub("", r["claim"])
            sentence = best_sentence(line, r["evidence"]) if zh else r["evidence"][0]
            bad = r["label"] != "supported" or "garbled" in (r.get("flags") or [])
            who = ("讲者" if paper == "other" else "作者") if zh else (
                "the speaker" if paper == "other" else "the authors")
            rows.append(Row(line, sentence, " ".join(passages), paper, who, bad, path.name, zh))
    return rows


def _before(rule: Rule, line: str, source: str, who: str, zh: bool) -> str:
    """``line`` as the catalogue's fixes before ``rule`` leave it."""
    for r in RULES:
        if r is rule:
            break
        if r.kind == "fix":
            line = r.run(line, source, who, zh)
    return line


def measure(rows: list[Row], passage: bool = False) -> dict[str, dict]:
    """Per rule: the rows it fires on, and the rows it is the first to drop."""
    out: dict[str, dict] = {r.id: {"fired": [], "first": []} for r in RULES}
    for row in rows:
        source = row.passage if passage else row.sentence
        dropped = False
        line = row.line
        for r in RULES:
            seen = _before(r, row.line, source, row.who, row.zh)
            if r.fires(seen, source, row.who, row.zh):
                out[r.id]["fired"].append((row, seen, r.run(seen, source, row.who, row.zh)))
            if not dropped:  # the chain, as clean_line runs it
                after = r.run(line, source, row.who, row.zh)
                if after is None:
                    out[r.id]["first"].append(row)
                    dropped = True
                else:
                    line = after
    return out


def _cell(fired: list) -> str:
    n = len(fired)
    bad = sum(row.bad for row, _, _ in fired)
    return f"{bad}/{n}" if n else "-"


def _prec(fired: list) -> str:
    return f"{100 * sum(row.bad for row, _, _ in fired) / len(fired):.0f}%" if fired else "-"


def _cut(text: str, n: int = 46) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[:n - 1] + "…"


def report(rows: list[Row], result: dict[str, dict], examples: int, title: str,
           zh: bool = True) -> None:
    print(f"\n{title}")
    print(f"{'rule':<20}{'kind':<5}{'fires':>6}{'distinct':>9}{'bad':>5}{'good':>5}{'prec':>6}"
          f"{'first':>6}   " + "".join(f"{p:>8}" for p in PAPERS) + "   papers")
    total: list = []
    for r in RULES:
        if r.language != "any" and (r.language == "zh") != zh:
            continue
        fired = result[r.id]["fired"]
        total += fired
        bad = sum(row.bad for row, _, _ in fired)
        papers = [p for p in PAPERS if any(row.paper == p for row, _, _ in fired)]
        first = len(result[r.id]["first"]) if r.kind == "drop" else "-"
        print(f"{r.id:<20}{r.kind:<5}{len(fired):>6}{len({row.line for row, _, _ in fired}):>9}"
              f"{bad:>5}{len(fired) - bad:>5}{_prec(fired):>6}{first:>6}   "
              + "".join(f"{_cell([f for f in fired if f[0].paper == p]):>8}" for p in PAPERS)
              + f"   {len(papers)}")
        shown = set()
        for row, seen, after in fired:
            if len(shown) >= examples:
                break
            if seen in shown:
                continue
            shown.add(seen)
            mark = "bad " if row.bad else "good"
            result_text = "DROP" if after is None else _cut(after, 40)
            print(f"      [{mark}] {_cut(seen)}  ->  {result_text}   | {_cut(row.sentence, 60)}")
    drops = [f for r in RULES if r.kind == "drop" for f in result[r.id]["fired"]]
    chain = [row for r in RULES if r.kind == "drop" for row in result[r.id]["first"]]
    print(f"{'total (all rules)':<25}{len(total):>6}{'':>9}{sum(f[0].bad for f in total):>5}"
          f"{sum(not f[0].bad for f in total):>5}{_prec(total):>6}")
    print(f"{'drop rules':<25}{len(drops):>6}{'':>9}{sum(f[0].bad for f in drops):>5}"
          f"{sum(not f[0].bad for f in drops):>5}{_prec(drops):>6}")
    kept = len(rows) - len(chain)
    print(f"clean_line as a whole drops {len(chain)} of {len(rows)} lines "
          f"({sum(r.bad for r in chain)} bad, {sum(not r.bad for r in chain)} good); "
          f"keeps {kept}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", action="append", type=Path)
    ap.add_argument("--examples", type=int, default=2)
    ap.add_argument("--passage", action="store_true",
                    help="also measure with the whole cited passage as the source")
    args = ap.parse_args(argv)
    start = time.time()
    paths = args.data or [p for p in DEFAULT_DATA if p.exists()]
    rows = load(paths)
    by_paper = Counter(r.paper for r in rows)
    bad = Counter(r.paper for r in rows if r.bad)
    print(f"{len(rows)} labelled Chinese lines from {len(paths)} files: "
          + ", ".join(f"{p} {by_paper[p]} ({100 * bad[p] / max(by_paper[p], 1):.0f}% bad)"
                      for p in PAPERS)
          + f"; base rate of bad lines {100 * sum(r.bad for r in rows) / len(rows):.0f}%")
    by_origin: dict[str, int] = defaultdict(int)
    for r in rows:
        by_origin[r.origin.split("-dev")[0].rstrip("0123456789-.jsonl")] += 1
    print("sets: " + ", ".join(f"{k} {v}" for k, v in sorted(by_origin.items())))
    print("cells: bad/fires per paper (alce = ALCE paper, w2v = word2vec, other = the GPT "
          "lecture); prec = bad/fires; first = lines the rule is the first to drop")
    agree, total = choice_agreement(paths)
    print(f"source sentence: the best-matching sentence of the passage is the one the readers "
          f"judged against for {agree} of {total} rows that give both")
    report(rows, measure(rows), args.examples, "source = the best-matching sentence")
    if args.passage:
        report(rows, measure(rows, passage=True), 0, "source = the whole cited passage")
    english = load([p for p in ENGLISH_DATA if p.exists()], zh=False) if not args.data else []
    if english:
        report(english, measure(english), args.examples,
               f"the English report's rules on {len(english)} lines of the English word2vec "
               f"reports (one paper; {100 * sum(r.bad for r in english) / len(english):.0f}% "
               f"bad)", zh=False)
    print(f"\n{time.time() - start:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
