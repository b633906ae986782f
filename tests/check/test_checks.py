"""`docent check`'s deterministic checks on adversarial reports built from the bundled sources:
citations that name nothing, a swapped author, a code repository as the paper's address, a
fabricated video section with no video, a missing section, a report far too short."""

import re

import pytest
from conftest import ALCE, HashEmbedder

from docent.brief import parse_brief
from docent.check import parse_report, resolve, validate
from docent.config import Settings
from docent.ingest import ingest
from docent.store import Store

ASSIGNMENT = ("请撰写《论文阅读报告》，包含以下部分：（1）论文基本信息；（2）核心内容摘要；"
              "（3）视频补充要点。字数在200至400字，标注来源。")

FAITHFUL = """# 论文阅读报告

## 一、论文基本信息

论文题目：《Enabling Large Language Models to Generate Text with Citations》[1]。作者：Tianyu Gao、Howard Yen、Jiatong Yu、Danqi Chen[1]。论文地址：https://arxiv.org/abs/2305.14627。

## 二、核心内容摘要

论文提出了 ALCE，这是第一个自动评估大语言模型引用质量的基准[2]。ALCE 从流畅度、正确性和引用质量三个维度评估生成的文本[2]。在 ELI5 数据集上，即使是最好的模型也有 49% 的回答缺少完整的引用支持[2]。作者认为更好的检索器、长上下文模型和多文档信息综合是值得研究的方向[2]。

## 三、视频补充要点

本次提供的资料中没有讲解视频，因此本部分无法依据该来源撰写，为避免编造内容，此处不作补充。

## 参考文献

[1] Enabling Large Language Models to Generate Text with Citations, p. 1
[2] Enabling Large Language Models to Generate Text with Citations, p. 1, Abstract
"""


@pytest.fixture(scope="module")
def alce_store(tmp_path_factory):
    settings = Settings(workspace=tmp_path_factory.mktemp("check") / "ws", embedder="hash")
    store = Store.open(settings.workspace)
    ingest([ALCE], store, settings, HashEmbedder())
    return store


def _kinds(report):
    return {(f.kind, f.severity) for f in report.findings}


def test_citation_styles_resolve_to_passages(alce_store):
    text = ("A[1]. B[文档: alce-2305.14627.pdf]. C (Gao et al., 2023). D[^n].\n\n"
            "[^n]: Enabling Large Language Models to Generate Text with Citations, p. 4\n\n"
            "## References\n\n[1] Enabling Large Language Models to Generate Text with Citations,"
            " p. 5\n")
    parsed = parse_report(text)
    refs = [c for s in parsed.sentences for c in s.citations]
    assert [c.style for c in refs] == ["numeric", "document", "author_year", "footnote"]
    resolved = [resolve(c, alce_store) for c in refs]
    assert all(r.source is not None and r.passages for r in resolved), [r.problem for r in resolved]
    assert {p.locator.page for p in resolved[0].passages} == {5}
    assert {p.locator.page for p in resolved[3].passages} == {4}
    # a chatbot cites the file under the name it was uploaded with: one PDF provided
    uploaded = parse_report("Z[文档: pdf.pdf].").sentences[0].citations[0]
    read = resolve(uploaded, alce_store)
    assert read.source is not None and read.passages and "the one PDF provided" in read.note
    ghost = parse_report("X[文档: lecture-notes.docx]. Y[7].").sentences
    problems = [resolve(c, alce_store).problem for s in ghost for c in s.citations]
    assert "names no provided source" in problems[0] and "no entry" in problems[1]


def test_faithful_report_has_no_errors(alce_store):
    report = validate(FAITHFUL, alce_store, None, brief=parse_brief(ASSIGNMENT))
    errors = [f for f in report.findings if f.severity == "error"]
    assert errors == [], errors
    assert report.summary.length and report.ok


def test_swapped_author_and_repository_link_are_found(alce_store):
    bad = FAITHFUL.replace("Jiatong Yu", "Percy Liang").replace(
        "https://arxiv.org/abs/2305.14627", "https://github.com/princeton-nlp/ALCE")
    report = validate(bad, alce_store, None, brief=parse_brief(ASSIGNMENT))
    messages = " ".join(f.message for f in report.findings if f.kind == "bibliography")
    assert "Percy Liang" in messages and "code repository" in messages
    assert not report.ok
    proposal = next(f.proposal for f in report.findings if "code repository" in f.message)
    assert proposal == "https://arxiv.org/abs/2305.14627"


def test_fabricated_video_section_is_found(alce_store):
    bad = FAITHFUL.replace(
        "本次提供的资料中没有讲解视频，因此本部分无法依据该来源撰写，为避免编造内容，此处不作补充。",
        "视频中讲者用一个例子演示了引用召回率的计算过程，并强调了检索的重要性[2]。")
    report = validate(bad, alce_store, None, brief=parse_brief(ASSIGNMENT))
    assert ("provenance", "error") in _kinds(report)


def test_the_writers_note_on_a_missing_video_is_no_provenance_error(alce_store):
    """bench scenario 3 (no video): "如需完成本部分，请提供相应的讲解视频……" asks for the recording,
    it credits it nothing."""
    from docent.write import missing_paragraph

    note = missing_paragraph(parse_brief(ASSIGNMENT), "video")
    assert "请提供" in note
    ok = FAITHFUL.replace(
        "本次提供的资料中没有讲解视频，因此本部分无法依据该来源撰写，为避免编造内容，此处不作补充。", note)
    assert ok != FAITHFUL
    report = validate(ok, alce_store, None, brief=parse_brief(ASSIGNMENT))
    assert ("provenance", "error") not in _kinds(report)


def test_missing_section_and_short_report_are_found(alce_store):
    no_summary = re.sub(r"## 二、核心内容摘要.*?(?=## 三)", "", FAITHFUL, flags=re.S)
    report = validate(no_summary, alce_store, None, brief=parse_brief(ASSIGNMENT))
    messages = [f.message for f in report.findings if f.severity == "error"]
    assert any("核心内容摘要" in m and "missing" in m for m in messages)
    assert any(m.startswith("length ") and "under" in m for m in messages)


def test_unresolvable_and_uncited(alce_store):
    bad = FAITHFUL.replace("[2]。ALCE 从", "[9]。ALCE 从").replace(
        "是值得研究的方向[2]。", "是值得研究的方向。")
    report = validate(bad, alce_store, None, brief=parse_brief(ASSIGNMENT))
    assert ("citation", "error") in _kinds(report)
    assert ("uncited", "warning") in _kinds(report)


def test_lines_the_sources_records_state_and_announcements_need_no_citation(alce_store):
    """The paper's arXiv line (checked against its bibliographic record) and a sentence that
    announces what follows are no uncited claims; a line of facts beside the arXiv id is."""
    def uncited(line: str) -> list[str]:
        text = FAITHFUL.replace("## 二、核心内容摘要", f"{line}\n\n## 二、核心内容摘要", 1)
        report = validate(text, alce_store, None, brief=parse_brief(ASSIGNMENT))
        return [f.sentence for f in report.findings if f.kind == "uncited"]

    arxiv = "arXiv 编号：2305.14627，论文地址：https://arxiv.org/abs/2305.14627。"
    assert not uncited(arxiv)
    assert not uncited("下面按论文的结构概括其中最重要的几个要点，并注明对应的页码和章节。")
    assert uncited("arXiv 编号：2305.14627，论文在 ELI5 上的引用召回率达到了 49%，远超此前的全部系统。")


def test_chatbot_report_with_plain_line_headings_has_no_errors(alce_store):
    plain = FAITHFUL.replace("# 论文阅读报告\n", "论文阅读报告\n").replace("## ", "")
    parsed = parse_report(plain)
    assert parsed.title == "论文阅读报告"
    assert parsed.headings == ["一、论文基本信息", "二、核心内容摘要", "三、视频补充要点"]
    assert parsed.references == parse_report(FAITHFUL).references
    report = validate(plain, alce_store, None, brief=parse_brief(ASSIGNMENT))
    errors = [f for f in report.findings if f.severity == "error"]
    assert errors == [], errors


def test_author_line_with_affiliations(alce_store):
    line = "作者：Tianyu Gao、Howard Yen、Jiatong Yu、Danqi Chen[1]。"
    with_affiliations = FAITHFUL.replace(
        line, "作者：Tianyu Gao（Princeton University），Danqi Chen（Princeton University）[1]。")
    report = validate(with_affiliations, alce_store, None, brief=parse_brief(ASSIGNMENT))
    assert [f for f in report.findings if f.kind == "bibliography"] == []
    wrong = FAITHFUL.replace(
        line, "作者：Tianyu Gao（Princeton University），Percy Liang（Stanford University）[1]。")
    report = validate(wrong, alce_store, None, brief=parse_brief(ASSIGNMENT))
    messages = [f.message for f in report.findings if f.kind == "bibliography"]
    assert messages == ["not an author of the paper: Percy Liang"]
