"""Verdicts on a report written elsewhere, with the real embedded judge and embedder, on an
adversarial report: a changed number, a wrong page, a citation to a knowledge-base page that
does not mention the claim. Red only with a reason the reader can check in one look."""

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
    assert record.status in ("supported", "unverified") and record.located_score is not None
    # located on the cited page, with the next-best place in the paper
    assert record.page == 1 and "fluency" in record.evidence
    assert record.runner_up is not None and record.runner_up.text != record.evidence


def test_a_changed_number_is_found(checked):
    (f,) = _finding(checked, "12%")
    assert f.severity == "error" and f.verdict.value == "not_supported"
    assert "12%" in f.message and f.evidence and f.locator.startswith("p. 1")


def test_a_reference_list_page_is_no_evidence_and_the_paper_is_searched(checked):
    # p. 12 of ALCE is its reference list: it states no finding
    (f,) = _finding(checked, "Citation recall checks")
    assert f.kind == "miscited" and f.severity == "error" and "(p. 12)" in f.message
    record = next(s for s in checked.sentences if "Citation recall checks" in s.text)
    # the whole paper is searched: the definition of citation recall is located
    assert record.page != 12 and f.proposal.startswith("check ")
    # the whole paper is searched: its definition of citation recall (p. 4) is among the
    # places offered (the annotators' instructions in the appendix come as close)
    assert any(e.page in (3, 4) and "recall" in e.text.lower() for e in record.located)


def test_a_knowledge_base_page_that_never_names_the_claim_is_red_with_its_reason(checked):
    (f,) = [f for f in _finding(checked, "first benchmark") if f.kind != "citation"]
    assert f.severity == "error" and f.verdict.value == "not_supported"
    assert "ALCE never appears in" in f.message and "Transformer" in f.message
    assert "Transformer" in (f.source or "")
