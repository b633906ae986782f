"""The validation report's counts and its readable form: supported is verified, unverified is
neither supported nor hidden."""

from __future__ import annotations

import json

from docent.check.findings import to_markdown
from docent.types import CheckedSentence, Finding, ValidationReport
from docent.types import Verdict

UNVERIFIED_MESSAGE = ("not verified: the judge could not establish that the cited passage "
                      "supports this; check it yourself")


def _report() -> ValidationReport:
    """Five judged sentences: 2 supported, 1 unverified, 1 partly, 1 not supported; one more
    cited sentence whose citation resolves to nothing (not judged)."""
    sentences = [
        CheckedSentence(index=0, section="一、概述", text="ALCE 是一个基准。", citations=["[1]"],
                        verdict=Verdict.supported, score=0.93, status="supported",
                        evidence="ALCE is a benchmark.", locator="p. 1", source="ALCE",
                        passage_id=11),
        CheckedSentence(index=1, section="一、概述", text="它包含三个数据集。", citations=["[1]"],
                        verdict=Verdict.unverified, score=0.51, status="unverified",
                        evidence="ALCE consists of three datasets: ASQA, QAMPARI and ELI5.",
                        locator="p. 4, 3 Datasets", source="ALCE paper", passage_id=12),
        CheckedSentence(index=2, section="一、概述", text="评估很全面。", citations=[],
                        verdict=Verdict.supported, status="supported", paragraph_citation=True,
                        evidence="We evaluate fluency, correctness and citation quality.",
                        locator="p. 4", source="ALCE paper", passage_id=12),
        CheckedSentence(index=3, section="二、讲座", text="讲者用了 softmax。", citations=["[2]"],
                        verdict=Verdict.partially_supported, status="partial"),
        CheckedSentence(index=4, section="二、讲座", text="训练用了十年。", citations=["[2]"],
                        verdict=Verdict.not_supported, status="unsupported"),
        CheckedSentence(index=5, section="二、讲座", text="见某书。", citations=["[9]"],
                        status="unsupported"),
        CheckedSentence(index=6, section="二、讲座", text="总之如此。"),
    ]
    findings = [
        Finding(kind="support", severity="warning", section="一、概述", sentence_index=1,
                sentence="它包含三个数据集。", verdict=Verdict.unverified, score=0.51,
                message=UNVERIFIED_MESSAGE, evidence=sentences[1].evidence,
                locator=sentences[1].locator, source=sentences[1].source),
        Finding(kind="support", severity="warning", section="二、讲座", sentence_index=3,
                sentence="讲者用了 softmax。", verdict=Verdict.partially_supported, score=0.4,
                message="the cited passage supports the claim only in part"),
        Finding(kind="support", severity="error", section="二、讲座", sentence_index=4,
                sentence="训练用了十年。", verdict=Verdict.not_supported, score=0.1,
                message="the cited passage does not support the claim"),
        Finding(kind="citation", severity="error", section="二、讲座", sentence_index=5,
                sentence="见某书。", message="[9] is not in the reference list"),
    ]
    verdicts = [s.verdict for s in sentences if s.verdict is not None]
    return ValidationReport.build("r.md", findings, verdicts, None, None, sentences)


def test_summary_counts_unverified_apart_from_supported():
    v = _report()
    s = v.summary
    assert (s.claims_checked, s.supported, s.unverified, s.partially_supported,
            s.not_supported) == (5, 2, 1, 1, 1)
    assert s.cited == 6 and s.covered == 6  # the sentence with a broken citation counts
    assert s.verified_pct == round(100 * 2 / 6, 1)
    assert s.supported_pct == 40.0  # kept: supported of the judged
    assert s.verified_line() == ("verified 2 of 6 cited sentences (1 unverified, 1 partly, "
                                 "1 not supported, 1 not judged)")
    assert not v.ok and not v.ok_strict


def test_ok_strict_fails_on_unverified_alone():
    sentence = CheckedSentence(index=0, section="A", text="X.", citations=["[1]"],
                               verdict=Verdict.unverified, status="unverified")
    finding = Finding(kind="support", severity="warning", section="A", sentence_index=0,
                      sentence="X.", verdict=Verdict.unverified, message=UNVERIFIED_MESSAGE)
    v = ValidationReport.build("r", [finding], [Verdict.unverified], None, None, [sentence])
    assert v.ok and not v.ok_strict
    assert v.summary.unverified == 1 and v.summary.supported == 0
    fine = ValidationReport.build("r", [], [Verdict.supported], None, None, [
        sentence.model_copy(update={"verdict": Verdict.supported, "status": "supported"})])
    assert fine.ok and fine.ok_strict
    assert fine.summary.verified_line() == ("verified 1 of 1 cited sentences (0 unverified, "
                                            "0 partly, 0 not supported)")


def test_json_carries_the_new_fields_and_reads_old_reports():
    v = _report()
    data = json.loads(v.model_dump_json())
    assert data["summary"]["unverified"] == 1 and data["summary"]["verified_pct"] == 33.3
    assert data["sentences"][1]["evidence"].startswith("ALCE consists")
    assert data["sentences"][2]["paragraph_citation"] is True
    assert data["sentences"][0]["passage_id"] == 11
    again = ValidationReport.model_validate_json(v.model_dump_json())
    assert again.summary == v.summary and again.sentences == v.sentences
    # a report saved before unverified and cited were counted
    old = {"report": "r", "summary": {"claims_checked": 4, "supported": 3,
                                      "partially_supported": 1, "not_supported": 0,
                                      "supported_pct": 75.0, "errors": 0, "warnings": 1},
           "findings": [], "sentences": [{"index": 0, "text": "X.", "status": "supported"}]}
    loaded = ValidationReport.model_validate_json(json.dumps(old))
    assert loaded.summary.unverified == 0 and loaded.summary.covered == 4
    assert loaded.summary.verified_pct == 75.0 and loaded.ok_strict


def test_markdown_opens_with_the_verified_count():
    text = to_markdown(_report())
    lines = text.splitlines()
    assert lines[0] == "# Validation report: r.md"
    assert lines[2] == "- verified 2 of 6 cited sentences (33.3%)"
    assert lines[3] == ("- unverified (check these yourself): 1; partly supported: 1; "
                        "not supported: 1; not judged: 1")
    assert "supported 2 (" not in text  # the old "supported N (P%)" wording is gone


def test_markdown_lists_unverified_sentences_with_their_evidence():
    text = to_markdown(_report())
    head = "## Unverified sentences (check these yourself)"
    assert text.count(head) == 1
    section = text.split(head, 1)[1].split("\n## ", 1)[0]
    assert "1. [一、概述] 它包含三个数据集。 [1]" in section
    assert ("evidence (ALCE paper, p. 4, 3 Datasets): “ALCE consists of three datasets: "
            "ASQA, QAMPARI and ELI5.”") in section
    assert "score 0.51" in section
    for other in ("ALCE 是一个基准", "评估很全面", "softmax", "十年"):
        assert other not in section, other  # only the unverified one is listed
    assert text.index(head) < text.index("## Findings")
    assert "WARNING support [一、概述]" in text and UNVERIFIED_MESSAGE in text
    # the one listed is Chinese against English evidence: the reader is told what that means
    assert "1 of them is a Chinese sentence judged against English evidence" in section


def test_unverified_from_findings_alone_and_none_without_any():
    """A report whose sentence records lack the evidence (or are absent) still lists it from
    the finding; a report with no unverified sentence has no such section."""
    finding = Finding(kind="support", severity="warning", section="S", sentence_index=3,
                      sentence="Claim three.", verdict=Verdict.unverified, score=0.5,
                      message=UNVERIFIED_MESSAGE, evidence="Evidence three.", locator="p. 2",
                      source="Paper")
    v = ValidationReport.build("r", [finding], [Verdict.unverified], None, None)
    assert [u.text for u in v.unverified_sentences()] == ["Claim three."]
    text = to_markdown(v)
    assert "1. [S] Claim three." in text and "evidence (Paper, p. 2): “Evidence three.”" in text
    assert "judged against English evidence" not in text  # an English claim
    plain = ValidationReport.build("r", [], [Verdict.supported], None, None)
    assert "Unverified sentences" not in to_markdown(plain)
    assert "- verified 1 of 1 cited sentences (100%)" in to_markdown(plain)
