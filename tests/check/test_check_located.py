"""`docent check` on a chatbot's report: evidence located in the whole cited document, with the
real embedded embedder and the real word2vec paper; red only with a reason the reader can
check; Word reports; citations of sources that were never provided."""

import json
from pathlib import Path

import docx
import pytest
from conftest import WORD2VEC, run_cli

from docent.check import validate
from docent.config import Settings
from docent.index import get_embedder
from docent.ingest import ingest
from docent.store import Store

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"

# sentences of the shape of ../shared/corpus/reports/chatbot-report-w2v.md (written anew here):
# a document-level citation closing each paragraph, a web page that was never provided
REPORT = """《word2vec 阅读报告》

一、论文基本信息

论文标题：Efficient Estimation of Word Representations in Vector Space  
发表会议：ICML 2014  
摘要：作者提出了两种新的模型结构，用于从非常大的数据集中计算词的连续向量表示。[文档: pdf.pdf]

二、方法

CBOW根据上下文来预测当前词，而Skip-gram根据当前词预测它周围的词。模型使用层次softmax，词表表示为Huffman二叉树。
两种模型都用负采样代替完整的softmax。[文档: pdf.pdf]

在一个 1.6 亿词的数据集上，学习高质量的词向量不到一天。[文档: pdf.pdf]

GloVe 在类比任务上与 Skip-gram 表现相当[long_context: "词向量大全！一文读懂。-某博客", chunk 2]。
"""


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    settings = Settings(workspace=tmp_path_factory.mktemp("located") / "ws")
    store = Store.open(settings.workspace)
    embedder = get_embedder(settings)
    ingest([WORD2VEC], store, settings, embedder)
    return validate(REPORT, store, None, embedder=embedder)


def _record(report, words):
    return next(s for s in report.sentences if words in s.text)


def test_a_document_level_citation_is_located_to_its_page(checked):
    cbow = _record(checked, "CBOW根据上下文")
    assert cbow.paragraph_citation and cbow.status == "unverified"
    assert cbow.page in (4, 5) and "CBOW" in cbow.evidence and cbow.runner_up is not None
    huffman = _record(checked, "Huffman")
    assert huffman.page == 3 and "Huffman binary tree" in huffman.evidence


def test_a_first_page_with_the_abstract_is_evidence_for_the_abstract(checked):
    abstract = _record(checked, "两种新的模型结构")
    assert abstract.page == 1 and "novel model architectures" in abstract.evidence
    assert abstract.status != "unsupported"


def test_an_off_paper_claim_is_red_with_its_reason_and_search_evidence(checked):
    record = _record(checked, "负采样")
    assert record.status == "unsupported" and record.verdict.value == "not_supported"
    assert "负采样 (negative sampling) never appears" in record.reason
    (f,) = [f for f in checked.findings if f.sentence_index == record.index and f.kind == "support"]
    assert f.severity == "error" and f.evidence and f.locator  # where the paper came closest


def test_the_title_copied_from_the_paper_is_verified_and_a_wrong_venue_is_an_error(checked):
    assert _record(checked, "论文标题").status == "supported"
    venue = _record(checked, "发表会议")
    assert venue.status == "unsupported"
    assert any(f.kind == "bibliography" and "ICML" in f.message for f in checked.findings
               if f.sentence_index == venue.index)


def test_a_web_page_never_provided_is_one_warning_and_the_paper_is_searched(checked):
    glove = _record(checked, "GloVe")
    warnings = [f for f in checked.findings if f.sentence_index == glove.index
                and f.kind == "citation"]
    assert len(warnings) == 1 and warnings[0].severity == "warning"
    assert "某博客" in warnings[0].message
    # the title's 。！ did not split the sentence, and the paper never names GloVe
    assert glove.text.startswith("GloVe") and glove.status == "unsupported"
    assert "GloVe never appears" in glove.reason


def test_the_uploaded_name_is_read_as_the_one_pdf_and_said_once(checked):
    notes = [f for f in checked.findings if f.kind == "citation" and f.severity == "info"
             and "pdf.pdf read as word2vec-1301.3781.pdf" in f.message]
    assert len(notes) == 1
    assert any("paragraph-level" in f.message for f in checked.findings)


def test_no_sentence_the_located_page_supports_is_red(checked):
    red = sorted(s.text[:6] for s in checked.sentences if s.status == "unsupported")
    assert red == sorted(["发表会议：I", "两种模型都用", "GloVe ", "在一个 1."])


def test_a_magnitude_kept_under_the_wrong_unit_is_red_with_the_right_one(checked):
    """"1.6 billion words" is 16亿 词; 1.6 亿 is 160 million: the mantissa alone is no
    support."""
    record = _record(checked, "1.6 亿词")
    assert record.status == "unsupported"
    assert "states no 1.6" in record.reason
    assert "1.6 亿 is 160 million; the source says 1.6 billion, which is 16亿" in record.reason


def _word(path: Path, text: str) -> Path:
    document = docx.Document()
    for block in text.strip().split("\n\n"):
        line = block.strip()
        if line.startswith(("一、", "二、")):
            document.add_heading(line, level=1)
        elif line.startswith("《"):
            document.add_heading(line, level=0)
        else:
            for part in line.split("\n"):
                document.add_paragraph(part.strip())
    document.save(path)
    return path


def test_a_word_report_is_checked_from_the_command_line(tmp_path):
    report = _word(tmp_path / "submission.docx", REPORT)
    result = run_cli("check", str(report), "-s", str(WORD2VEC), "--json", str(tmp_path / "v.json"),
                     "--no-judge", "--html", str(tmp_path / "c.html"), workspace=tmp_path / "ws")
    assert result.returncode == 1, result.stderr  # errors: the venue, the off-paper claims
    data = json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))
    sections = {s["section"] for s in data["sentences"]}
    assert {"一、论文基本信息", "二、方法"} <= sections
    huffman = next(s for s in data["sentences"] if "Huffman" in s["text"])
    assert huffman["page"] == 3 and huffman["located"]
    assert "Traceback" not in result.stderr
    page = (tmp_path / "c.html").read_text(encoding="utf-8")
    # each sentence marked, its located quote a click away, nothing loaded from outside
    assert 'class="unsupported"' in page and "Huffman binary tree" in page
    assert "Content-Security-Policy" in page and "<script" not in page


def test_a_report_citing_only_missing_sources_loses_nothing(tmp_path):
    report = tmp_path / "r.md"
    report.write_text("模型很快[文档: notes.docx]。它也很准[long_context: \"某网页\", chunk 1]。\n\n"
                      "另一段也很长，说明了方法的细节[文档: slides.pptx]。\n", encoding="utf-8")
    result = run_cli("check", str(report), "-s", str(WORD2VEC), "--json", "-", "--no-judge",
                     workspace=tmp_path / "ws", env={"DOCENT_EMBEDDER": "none"})
    data = json.loads(result.stdout)
    assert len(data["sentences"]) == 3
    problems = [f for f in data["findings"] if f["kind"] == "citation"
                and f["severity"] in ("warning", "error")]
    named = {f["sentence_index"] for f in problems}
    assert named == {0, 1, 2}  # one clear finding each
    assert all("not among" in f["message"] or "names no provided source" in f["message"]
               or "not checked" in f["message"] for f in problems)


def test_the_shared_chatbot_report_parses_into_its_75_labelled_sentences():
    from docent.check import parse_report

    text = (CORPUS / "reports" / "chatbot-report-w2v.md").read_text(encoding="utf-8")
    gold = [json.loads(line) for line in (CORPUS / "reports" / "chatbot-report-w2v.gold.jsonl")
            .read_text(encoding="utf-8").splitlines() if line.strip()]
    parsed = parse_report(text)
    assert len(parsed.sentences) == len(gold) == 75
    cited = [bool(s.citations) for s in parsed.sentences]
    assert cited == [bool(g["citation"]) for g in gold]
