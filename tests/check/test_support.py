"""Support verdicts with the real embedded judge on an adversarial report: a changed number, a
wrong page, a citation to a knowledge-base page that does not mention the claim."""

import pytest
from conftest import ALCE, KB_ZH

from docent.check import validate
from docent.check.judge import get_judge
from docent.config import Settings
from docent.index import Retriever, get_embedder
from docent.ingest import ingest
from docent.store import Store

REPORT = """# Notes on ALCE

## Summary

ALCE evaluates generated text along three dimensions: fluency, correctness and citation quality [1].
On ELI5, even the best model lacks complete citation support for 12% of its generations [1].
Citation recall checks whether every statement is fully supported by the cited passages [2].
The paper proposes ALCE, the first benchmark for automatic citation evaluation [long_context: "第二章 Transformer 架构", chunk 3].

## References

[1] Enabling Large Language Models to Generate Text with Citations, p. 1, Abstract
[2] Enabling Large Language Models to Generate Text with Citations, p. 12
"""


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    settings = Settings(workspace=tmp_path_factory.mktemp("support") / "ws")
    store = Store.open(settings.workspace)
    embedder = get_embedder(settings)
    ingest([ALCE, KB_ZH], store, settings, embedder)
    retriever = Retriever(store, settings, embedder)
    return validate(REPORT, store, get_judge(settings, embedder=embedder), retriever=retriever,
                    embedder=embedder)


def _finding(report, words):
    return [f for f in report.findings if f.sentence and words in f.sentence]


def test_the_faithful_claim_is_never_an_error(checked):
    # verified, or left to the reader as unverified (a warning), never flagged
    for f in _finding(checked, "three dimensions"):
        assert f.severity == "warning" and f.verdict.value == "unverified", f
        assert f.evidence and "fluency" in f.evidence
    record = next(s for s in checked.sentences if "three dimensions" in s.text)
    assert record.status in ("supported", "unverified") and record.score is not None


def test_a_changed_number_is_found(checked):
    (f,) = _finding(checked, "12%")
    assert f.severity == "error" and f.verdict.value == "not_supported"
    assert f.evidence and f.locator


def test_a_wrong_page_is_found_and_the_right_passage_proposed(checked):
    (f,) = _finding(checked, "Citation recall checks")
    assert f.verdict.value != "supported" and f.kind in ("support", "miscited")
    assert f.locator.startswith("p. 12")
    if f.kind == "miscited":  # the passage that does support it is proposed
        assert f.severity == "error" and "Enabling Large Language Models" in f.proposal


def test_a_knowledge_base_page_that_does_not_mention_the_claim(checked):
    (f,) = _finding(checked, "first benchmark")
    assert f.verdict.value != "supported" and f.kind in ("off_source", "miscited", "support")
    assert "Transformer" in (f.source or "")
