"""How `docent check` reads reports written by chatbots: headings as plain lines, citations
that close a paragraph or stand after the final period, and author lines."""

from pathlib import Path

import pytest

from docent.brief import parse_brief
from docent.check import parse_report
from docent.check.checks import _norm_heading, _person, _structure
from docent.check.parse import author_names, strip_heading_marker

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
ASSIGNMENT = CORPUS / "assignments" / "reading-report-zh.txt"

# the shape a chatbot gives: no "#", sections marked "一、", sub-sections "1." and "（一）"
CHATBOT = """大模型技术论文阅读报告

一、论文基本信息
论文题目：《Enabling Large Language Models to Generate Text with Citations》[文档: alce.pdf]。
作者：Tianyu Gao（Princeton University），Danqi Chen（Princeton University）

二、核心内容摘要
1. 研究目标
大语言模型容易产生幻觉。作者希望模型在生成文本时给出引用。引用质量仍有很大提升空间。[文档: alce.pdf]

ALCE 从三个维度评估生成的文本：
1. 流畅度
2. 正确性
3. 引用质量

三、关键技术解析
（一）检索与生成
1. The model retrieves passages and cites them in every statement.
2. Citation recall checks whether each statement is supported.

四、视频补充要点
本次没有提供讲解视频，此处不作补充。
"""


@pytest.fixture(scope="module")
def chatbot():
    return parse_report(CHATBOT)


def test_plain_line_headings_are_sections(chatbot):
    assert chatbot.title == "大模型技术论文阅读报告"
    assert chatbot.headings == ["一、论文基本信息", "二、核心内容摘要", "1. 研究目标",
                                "三、关键技术解析", "（一）检索与生成", "四、视频补充要点"]
    by_text = {s.text: s for s in chatbot.sentences}
    assert by_text["大语言模型容易产生幻觉。"].section == "1. 研究目标"
    assert by_text["本次没有提供讲解视频，此处不作补充。"].section == "四、视频补充要点"
    # nothing is glued to a heading
    assert not any(h in s.text for s in chatbot.sentences for h in chatbot.headings)


def test_numbered_sentences_and_short_lists_are_not_headings(chatbot):
    texts = [s.text for s in chatbot.sentences]
    assert "The model retrieves passages and cites them in every statement." in texts
    assert all(s.section == "（一）检索与生成" for s in chatbot.sentences if "Citation recall" in s.text)
    # "1. 流畅度 / 2. 正确性 / 3. 引用质量" after "…评估生成的文本：" is a list
    assert not {"1. 流畅度", "2. 正确性", "3. 引用质量"} & set(chatbot.headings)
    assert any("流畅度" in t and "引用质量" in t for t in texts)


@pytest.mark.parametrize("line", [
    "1. The model uses attention to weigh tokens.",  # a sentence
    "（1）作者：Tianyu Gao",  # a label and its value
    "一、论文地址 https://arxiv.org/abs/2305.14627",  # an address
    "1. 模型在检索后生成带引用的回答 [1]",  # a citation
    "2. 这是一个非常长的编号行它描述了模型如何从检索到的大量文档中选择段落并为每一句话加上引用标记",
])
def test_lines_that_are_not_headings(line):
    parsed = parse_report(f"{line}\n正文第一句。\n")
    assert parsed.headings == []


@pytest.mark.parametrize("heading,bare", [
    ("一、论文基本信息", "论文基本信息"),
    ("（一）研究背景", "研究背景"),
    ("1. 研究目标", "研究目标"),
    ("(1) Basic information", "Basic information"),
    ("Part 1: Summary", "Summary"),
    ("第一部分 摘要", "摘要"),
    ("第二部分：核心内容摘要", "核心内容摘要"),
    ("## 1.2 Method", "Method"),
    ("**三、关键技术解析**", "关键技术解析"),
])
def test_heading_markers(heading, bare):
    assert strip_heading_marker(heading) == bare
    assert _norm_heading(heading) == _norm_heading(bare)
    body = "正文。" if "#" in heading else "Some text here."
    assert parse_report(f"{heading}\n{body}\n").headings == [heading.strip("#* ")]


def test_real_assignment_finds_every_plain_section(chatbot):
    brief = parse_brief(ASSIGNMENT.read_text(encoding="utf-8"))
    assert len(brief.sections) == 4
    assert _structure(brief, chatbot) == []
    # a section that is really absent is still missing
    gone = parse_report(CHATBOT.replace("三、关键技术解析\n", ""))
    messages = [f.message for f in _structure(brief, gone)]
    assert len(messages) == 1 and "关键技术解析" in messages[0] and "missing" in messages[0]


def test_english_plain_headings():
    brief = parse_brief("Write a reading report with these sections: (1) Basic information; "
                        "(2) Summary; (3) Key techniques. 500 to 800 words.")
    report = ("Part 1: Basic information\nThe paper is about citations.\n\n"
              "Part 2: Summary\nALCE is a benchmark.\n\n"
              "Part 3: Key techniques\nRetrieval comes first.\n")
    parsed = parse_report(report)
    assert [s.section for s in parsed.sentences] == [
        "Part 1: Basic information", "Part 2: Summary", "Part 3: Key techniques"]
    assert _structure(brief, parsed) == []


def test_paragraph_closing_citation_covers_the_paragraph(chatbot):
    para = [s for s in chatbot.sentences if s.section == "1. 研究目标"][:3]
    assert [s.text for s in para] == ["大语言模型容易产生幻觉。", "作者希望模型在生成文本时给出引用。",
                                      "引用质量仍有很大提升空间。"]
    assert [s.paragraph_citation for s in para] == [True, True, False]
    assert all([c.key for c in s.citations] == ["alce.pdf"] for s in para)
    assert para[0].citations[0] is not para[2].citations[0]
    assert chatbot.paragraph_citations == 2


def test_a_closing_citation_covers_the_uncited_sentences_after_the_last_cited_one():
    # the shared chatbot report: a web page cited mid-paragraph, the paper at its end
    mixed = parse_report("第一句[1]。第二句没有引用。第三句也没有。第四句[2]。\n\n## References\n"
                         "[1] A, p. 1\n[2] B, p. 2\n")
    assert [[c.key for c in s.citations] for s in mixed.sentences] == [["1"], ["2"], ["2"], ["2"]]
    assert [s.paragraph_citation for s in mixed.sentences] == [False, True, True, False]
    assert mixed.paragraph_citations == 2
    last_uncited = parse_report("第一句[1]。第二句没有引用。\n\n## References\n[1] A, p. 1\n")
    assert not last_uncited.sentences[1].citations
    alone = parse_report("只有一句[1]。\n\n另一段没有引用。\n")
    assert alone.paragraph_citations == 0 and not alone.sentences[1].citations


@pytest.mark.parametrize("text", [
    "引用质量仍有很大提升空间。[1]",
    "Citation quality has room to improve. [1]",
    "引用质量仍有很大提升空间。\n[1]",
    "引用质量仍有很大提升空间。\n\n[1]",
])
def test_a_citation_after_the_final_period_belongs_to_the_last_sentence(text):
    parsed = parse_report(f"第一句话没有引用。{text}\n\n## 参考文献\n[1] Enabling, p. 1\n")
    assert len(parsed.sentences) == 2
    last = parsed.sentences[-1]
    assert last.text.startswith(("引用质量", "Citation quality"))
    assert [c.key for c in last.citations] == ["1"]
    assert last.citations[0].target == "Enabling, p. 1"
    assert parsed.sentences[0].paragraph_citation  # and it closes the paragraph


def test_a_citation_opening_a_sentence_closes_the_one_before():
    parsed = parse_report("ALCE 是一个基准。[文档: alce.pdf] 它评估引用质量。")
    assert [s.text for s in parsed.sentences] == ["ALCE 是一个基准。", "它评估引用质量。"]
    assert [c.key for c in parsed.sentences[0].citations] == ["alce.pdf"]
    assert parsed.sentences[1].citations == [] and parsed.paragraph_citations == 0


@pytest.mark.parametrize("line,names", [
    ("作者：Tianyu Gao（Princeton University），Danqi Chen（Princeton University）",
     ["Tianyu Gao", "Danqi Chen"]),
    ("作者：Tianyu Gao (Princeton University), Danqi Chen (Princeton University)",
     ["Tianyu Gao", "Danqi Chen"]),
    ("作者：Tianyu Gao、Howard Yen、Jiatong Yu、Danqi Chen[1]。",
     ["Tianyu Gao", "Howard Yen", "Jiatong Yu", "Danqi Chen"]),
    ("本文作者是 Tianyu Gao 和 Danqi Chen 等人，来自普林斯顿大学。", ["Tianyu Gao", "Danqi Chen"]),
    ("The authors are Tianyu Gao, Howard Yen, and Danqi Chen et al.",
     ["Tianyu Gao", "Howard Yen", "Danqi Chen"]),
    ("Authors: Tomas Mikolov; Kai Chen; Greg Corrado; Jeffrey Dean; Google Inc.",
     ["Tomas Mikolov", "Kai Chen", "Greg Corrado", "Jeffrey Dean"]),
    ("Written by Christopher D. Manning and Jane van Dijk.",
     ["Christopher D. Manning", "Jane van Dijk"]),
    ("作者：Tianyu Gao（Princeton University），Danqi Chen 论文地址：https://arxiv.org/abs/2305.14627",
     ["Tianyu Gao", "Danqi Chen"]),
    ("Authors: Tianyu Gao, Danqi Chen. Affiliation: Princeton University",
     ["Tianyu Gao", "Danqi Chen"]),
])
def test_author_names(line, names):
    assert author_names(line) == names


def test_a_plain_first_line_is_the_title_only_above_a_heading():
    assert parse_report("阅读报告\n\n一、论文基本信息\n正文。\n").title == "阅读报告"
    assert parse_report("阅读报告\n## 一、论文基本信息\n正文。\n").title == "阅读报告"
    followed_by_text = parse_report("摘要\n\n本文提出了一个基准。\n")
    assert followed_by_text.title is None
    assert [s.text for s in followed_by_text.sentences] == ["摘要", "本文提出了一个基准。"]
    assert parse_report("# 标题\n\n一、基本信息\n正文。\n").title == "标题"


def test_a_numbered_reference_heading_starts_the_reference_list():
    parsed = parse_report("一、摘要\nALCE 是一个基准[1]。\n\n五、参考文献\n[1] Enabling, p. 1\n")
    assert parsed.headings == ["一、摘要"]
    assert parsed.references == {"1": "Enabling, p. 1"}
    assert parsed.sentences[0].citations[0].target == "Enabling, p. 1"


@pytest.mark.parametrize("part,name", [
    ("Tianyu Gao", "Tianyu Gao"),
    ("Christopher D. Manning", "Christopher D. Manning"),
    ("Percy Liang 认为引用质量很重要", "Percy Liang"),
    ("高天宇", None),
    ("argue that Better Retrievers help", None),
    ("Better Retrievers help", None),
])
def test_person_names_in_author_lists(part, name):
    assert _person(part) == name



def test_a_run_in_heading_is_no_part_of_its_sentence():
    """Docent's own reports lead a technique's or a lecture point's paragraph with its name in
    bold; checked again (`docent check` on the report), the time range "16:58" must not read as
    a number the cited passage never states."""
    report = parse_report(
        "# R\n\n## 四、视频补充要点\n\n**块大小（16:58–17:35）**：因为块大小是八，所以有八个节点[1]。"
        "第二句[1]。\n\n**Fluency**: MAUVE measures similarity [1].\n\n## 参考文献\n\n"
        "[1] lets build gpt, 16:58–17:35\n")
    texts = [s.text for s in report.sentences]
    assert texts == ["因为块大小是八，所以有八个节点。", "第二句。", "MAUVE measures similarity."]
    assert all(s.citations for s in report.sentences)


def test_a_cited_title_with_sentence_punctuation_stays_one_citation():
    # real web-page titles hold 。！？ ("…建议收藏！-某博客"): they end no sentence
    text = ('当时许多系统把词当作原子单位[long_context: "大模型入门到精通，建议收藏！-某博客", chunk 1]。'
            '这种表示简单而鲁棒。[文档: word2vec.pdf]\n')
    parsed = parse_report(text)
    assert [s.text for s in parsed.sentences] == ["当时许多系统把词当作原子单位。", "这种表示简单而鲁棒。"]
    first = parsed.sentences[0].citations
    assert [(c.style, c.key, c.chunk) for c in first] == [
        ("long_context", "大模型入门到精通，建议收藏！-某博客", 1)]
    assert parsed.sentences[1].citations[0].key == "word2vec.pdf"


@pytest.mark.parametrize("raw, style, key, target", [
    ("[word2vec.pdf, p. 3]", "document", "word2vec.pdf", "word2vec.pdf, p. 3"),
    ("[notes.md]", "document", "notes.md", "notes.md"),
    ("[文档: pdf.pdf]", "document", "pdf.pdf", "pdf.pdf"),
    ("(Mikolov et al., 2013)", "author_year", "Mikolov et al.|2013", "(Mikolov et al., 2013)"),
    ("（来源：https://arxiv.org/abs/1301.3781）", "url", "https://arxiv.org/abs/1301.3781",
     "https://arxiv.org/abs/1301.3781"),
])
def test_citation_styles(raw, style, key, target):
    parsed = parse_report(f"作者提出了两种模型{raw}。\n")
    assert len(parsed.sentences) == 1 and parsed.sentences[0].text == "作者提出了两种模型。"
    c = parsed.sentences[0].citations[0]
    assert (c.style, c.key, c.target) == (style, key, target)


def test_label_lines_of_one_paragraph_are_statements_of_their_own():
    parsed = parse_report("一、论文基本信息\n\n论文标题：Efficient Estimation of Word Representations  \n"
                          "作者：Tomas Mikolov，Kai Chen  \n发表会议：NIPS 2013\n摘要：论文提出了两种模型。"
                          "[文档: word2vec.pdf]\n")
    assert [s.text[:5] for s in parsed.sentences] == ["论文标题：", "作者：To", "发表会议：", "摘要：论文"]
    assert all(s.citations[0].key == "word2vec.pdf" for s in parsed.sentences)


def test_citations_in_styles_docent_cannot_read_are_named():
    from docent.check.parse import unread_citations

    assert unread_citations("模型很快【3】，也很准[见附录二]。它用 [CLS] 标记[文档: a.pdf]。") == [
        "【3】", "[见附录二]"]
