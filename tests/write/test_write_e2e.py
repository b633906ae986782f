"""`docent write` end to end with the embedded small model (Qwen2.5-Coder-0.5B) on the bundled
paper and lecture transcript, with the real Chinese assignment."""

import re

import pytest
from conftest import ALCE, LECTURE_SRT, ROOT, run_cli

from docx import Document

from docent.brief import parse_brief, report_length
from docent.check import parse_report
from docent.types import ValidationReport
from docent.store import Store

ASSIGNMENT = ROOT / "examples" / "assignments" / "reading-report-zh.txt"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("write")
    out = tmp / "report.md"
    result = run_cli("write", "-a", str(ASSIGNMENT), "-s", str(ALCE), "-s", str(LECTURE_SRT),
                     "--fast", "-o", str(out), "-f", "md", "-f", "docx", "-f", "html",
                     workspace=tmp / "ws", env={"DOCENT_REPAIR_ROUNDS": "1"})
    assert result.returncode == 0, result.stderr
    return out.read_text(encoding="utf-8"), result.stdout, tmp / "ws"


def test_every_claim_was_validated_and_repairs_are_listed(written):
    report, stdout, ws = written
    out_dir = ws.parent
    v = ValidationReport.model_validate_json(
        (out_dir / "report.validation.json").read_text(encoding="utf-8"))
    assert "validation:" in stdout and v.summary.verified_line() in stdout
    cited = [s for s in v.sentences if s.citations]
    assert len(cited) >= 20 and all(s.verdict is not None for s in cited)
    # every judged sentence keeps its score and the evidence span it was judged against, and
    # only sentences the judge verified count as supported
    judged = [s for s in cited if s.verdict is not None]
    assert sum(s.verdict.value == "supported" for s in judged) == v.summary.supported
    assert all(s.evidence and s.score is not None for s in judged)
    assert v.summary.supported + v.summary.unverified + v.summary.partially_supported \
        + v.summary.not_supported == v.summary.claims_checked
    now = {s.text for s in parse_report(report).sentences}
    for r in v.repairs:  # a removed or rewritten sentence is gone from the report
        if r.action in ("removed", "rewritten"):
            assert r.before not in now, r
    markdown = (out_dir / "report.validation.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Validation report") and "cited sentences" in markdown
    # the same run delivered as DOCX and HTML
    doc = Document(str(out_dir / "report.docx"))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"][:4] == [
        "一、论文基本信息", "二、核心内容摘要", "三、关键技术解析", "四、视频补充要点"]
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    assert 'id="validation-summary"' in html and 'class="cite"' in html
    store = Store.open(ws)
    run = store.runs("write")[0]
    assert run["draft"] and run["validation"] and run["progress"]["stage"] == "done"


def test_headings_in_order_and_length_in_range(written):
    report, stdout, _ = written
    brief = parse_brief(ASSIGNMENT.read_text(encoding="utf-8"))
    headings = re.findall(r"^## (.+)$", report, re.MULTILINE)
    assert headings[:4] == ["一、论文基本信息", "二、核心内容摘要", "三、关键技术解析", "四、视频补充要点"]
    assert headings[-1] == "参考文献"
    body = report.split("## 参考文献")[0]
    n = report_length(body, brief.length.unit)
    assert brief.length.contains(n), n
    assert f"length: {n} 字 (within range)" in stdout


def test_every_citation_resolves_to_a_real_passage(written):
    report, _, ws = written
    body, refs = report.split("## 参考文献")
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    listed = dict(re.findall(r"^\[(\d+)\] (.+)$", refs, re.MULTILINE))
    assert cited and cited == {int(k) for k in listed}
    store = Store.open(ws)
    titles = {s.title for s in store.sources()}
    for label in listed.values():
        assert any(label.startswith(t + ", ") for t in titles), label
        loc = label.split(", ", 1)[1]
        assert re.match(r"p\. \d+|\d+:\d\d", loc), loc
    calls = store.llm_calls()
    assert calls and all(c["output"] is not None for c in calls)  # every model call logged


def test_bibliographic_facts_match_the_pdf(written):
    report, _, ws = written
    info = report.split("## 二、")[0]
    assert "《Enabling Large Language Models to Generate Text with Citations》" in info
    for author in ("Tianyu Gao", "Howard Yen", "Jiatong Yu", "Danqi Chen"):
        assert author in info
    assert "Princeton University" in info and "https://arxiv.org/abs/2305.14627" in info
    assert "github.com" not in info


def test_rerun_resumes_nothing_and_a_new_run_can_be_forced(written, tmp_path):
    _, _, ws = written
    store = Store.open(ws)
    runs = store.conn.execute("SELECT status FROM runs").fetchall()
    assert runs == [("done",)]


def test_a_finished_run_renders_again_and_is_listed(written, tmp_path):
    _, _, ws = written
    result = run_cli("render", "-f", "docx", "-f", "html", "-o", str(tmp_path / "again.docx"),
                     workspace=ws)
    assert result.returncode == 0, result.stderr
    doc = Document(str(tmp_path / "again.docx"))
    assert "二、核心内容摘要" in [p.text for p in doc.paragraphs]
    assert 'id="passage-popup"' in (tmp_path / "again.html").read_text(encoding="utf-8")
    assert (tmp_path / "again.validation.json").exists()
    listed = run_cli("runs", workspace=ws)
    assert listed.returncode == 0 and "done" in listed.stdout and "verified" in listed.stdout
    missing = run_cli("render", "99", workspace=ws)
    assert missing.returncode == 1 and "there is no run 99" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_every_written_sentence_keeps_its_evidence_span_and_its_id(written):
    """Each sentence the model wrote carries the source sentence it came from, inside the
    passage it cites; each checked sentence's id names that very sentence of the draft, which
    carries the verdict."""
    from docent.check.parse import parse_draft, strip_citations
    from docent.pipeline import load_run
    from docent.text import normalize_space
    from docent.types import SectionStatus

    _, _, ws = written
    store = Store.open(ws)
    draft, validation = load_run(store, store.runs("write")[0]["id"])
    cited = {c.number: c.passage_id for c in draft.citations}
    sentences = [s for s in parse_draft(draft).sentences if s.citations]
    written_ = [s for s in sentences if draft.sections[draft.find(s.id)[0]].status
                == SectionStatus.written and not s.text.startswith(("注：", "Note:"))]
    assert written_ and all(s.rendered for s in written_)
    spans = [s for s in written_ if s.span is not None]
    assert len(spans) >= 0.8 * len(written_)  # the rest were rewritten in a repair
    for s in spans:
        assert s.span.passage_id in {cited[int(c.key)] for c in s.citations}
        passage = store.passages_by_id([s.span.passage_id])[s.span.passage_id]
        assert normalize_space(passage.text[s.span.start:s.span.end]) == s.span.text
    assert "我们" not in " ".join(s.text for s in written_)
    ids = [s.id for s in draft.sentences()]
    assert len(ids) == len(set(ids))
    for record in validation.sentences:
        _, sentence = draft.find(record.id)
        assert strip_citations(sentence.text) == record.text
        assert (sentence.verdict, sentence.score) == (record.verdict, record.score)
