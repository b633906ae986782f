"""The assignment brief: parsing phrasings in both languages, the length rule, `docent brief`."""

import json

import pytest
from conftest import ROOT, run_cli

from docent.brief import count_length, parse_brief, report_length, strip_markdown
from docent.errors import DocentError
from docent.types import Brief, LengthRange, LengthUnit

ZH, EN = LengthUnit.zh_chars, LengthUnit.words
READING_REPORT = ROOT / "examples" / "assignments" / "reading-report-zh.txt"


def test_the_example_reading_report_assignment():
    brief = parse_brief(READING_REPORT.read_text(encoding="utf-8"))
    assert brief.title == "大模型技术论文阅读报告"
    assert [s.title for s in brief.sections] == ["论文基本信息", "核心内容摘要", "关键技术解析",
                                                 "视频补充要点"]
    assert [s.number for s in brief.sections] == ["1", "2", "3", "4"]
    assert brief.sections[3].about_source == "video"
    assert brief.length == LengthRange(min=2000, max=3000, unit=ZH)
    assert brief.language == "zh"
    assert "初学者" in brief.audience
    assert brief.tone == "正式书面语"
    assert brief.expected_sources == ["paper", "video"]
    assert brief.citations_required is True
    # "必要时可引用权威公开资料" allows web sources without providing them: a note, not a source.
    assert any("web" in note and "optional" in note for note in brief.notes)


PHRASINGS = [
    # (assignment, sections, (min, max, unit) or None, language)
    ("请写一篇读书报告，结构如下：\n一、研究背景\n二、主要方法\n三、实验结果\n四、总结与展望\n不少于2000字。",
     ["研究背景", "主要方法", "实验结果", "总结与展望"], (2000, None, ZH), "zh"),
    ("报告包括以下几个部分：\n1. 引言\n2. 方法概述\n3. 讨论\n字数：2000-3000",
     ["引言", "方法概述", "讨论"], (2000, 3000, ZH), "zh"),
    ("请根据提供的视频撰写学习笔记，包括：\n- 核心概念\n- 例子\n- 个人思考\n约2500字。",
     ["核心概念", "例子", "个人思考"], (2250, 2750, ZH), "zh"),
    ("报告包含以下部分：①背景；②方法；③结论。篇幅2000~3000 字。",
     ["背景", "方法", "结论"], (2000, 3000, ZH), "zh"),
    ("第一部分：论文概述；第二部分：技术细节；第三部分：视频要点。字数在两千到三千字之间。",
     ["论文概述", "技术细节", "视频要点"], (2000, 3000, ZH), "zh"),
    ("阅读论文并观看视频，撰写报告，报告分为引言、方法、结论三个部分，不超过3000字。",
     ["引言", "方法", "结论"], (None, 3000, ZH), "zh"),
    ("报告分为（一）背景介绍，包括研究动机；（二）核心方法；（三）总结。不少于2000字，不超过3000字。",
     ["背景介绍", "核心方法", "总结"], (2000, 3000, ZH), "zh"),
    ("写一篇关于该论文的报告，包括以下部分：引言、方法和结论。3000字左右。",
     ["引言", "方法", "结论"], (2700, 3300, ZH), "zh"),
    ("请撰写报告，3000字以内。", [], (None, 3000, ZH), "zh"),
    (("Write a summary of the attached paper. Sections: (1) Summary (2) Methods (3) Limitations. "
      "It should be 1500-2000 words."), ["Summary", "Methods", "Limitations"],
     (1500, 2000, EN), "en"),
    (("Write a report on the lecture video. Include the following sections: Introduction, Method, "
      "Results, and Conclusion. At least 1000 words."),
     ["Introduction", "Method", "Results", "Conclusion"], (1000, None, EN), "en"),
    (("The report should include these sections:\n1. Overview\n2. Key points from the lecture\n"
      "3. Takeaways\nNo more than 800 words."),
     ["Overview", "Key points from the lecture", "Takeaways"], (None, 800, EN), "en"),
    ("Write about 1200 words on the paper. Sections: Background; Approach; Findings.",
     ["Background", "Approach", "Findings"], (1080, 1320, EN), "en"),
    (("Write between 1,500 and 2,000 words about the recording, structured as:\n* Context\n"
      "* Argument\n* Critique"), ["Context", "Argument", "Critique"], (1500, 2000, EN), "en"),
    (("Write an essay in three parts: 1) Motivation 2) Method 3) Results. "
      "Length: 1500 – 2000 words."), ["Motivation", "Method", "Results"], (1500, 2000, EN), "en"),
    ("Write at least 1000 words and no more than 1500 words.", [], (1000, 1500, EN), "en"),
    (("## Task\nRead the paper.\n\n### Structure\n- **Summary** – what it claims\n- **Method**\n\n"
      "Word limit: 1000"), ["Summary", "Method"], (None, 1000, EN), "en"),
    ("写一篇不少于三千字的报告，要求：语言严谨。报告应包括背景、方法、结果三个方面。",
     ["背景", "方法", "结果"], (3000, None, ZH), "zh"),
    ("报告结构：\n一、引言\n二、方法\n  1. 数据\n  2. 模型\n三、结论\n字数上限为3000",
     ["引言", "方法", "结论"], (None, 3000, ZH), "zh"),
    ("请用英文撰写一篇关于该论文的报告，包含以下部分：（1）背景；（2）方法。1500-2000 words。",
     ["背景", "方法"], (1500, 2000, EN), "en"),
    ("Write a report in Chinese with sections: (1) Summary (2) Critique. 2000-3000字.",
     ["Summary", "Critique"], (2000, 3000, ZH), "zh"),
]


@pytest.mark.parametrize("assignment,sections,length,language", PHRASINGS,
                         ids=[f"{i:02d}-{p[3]}" for i, p in enumerate(PHRASINGS)])
def test_phrasings(assignment, sections, length, language):
    brief = parse_brief(assignment)
    assert [s.title for s in brief.sections] == sections
    assert brief.length == (LengthRange(min=length[0], max=length[1], unit=length[2])
                            if length else None)
    assert brief.language == language
    if not sections:
        assert any("no required sections" in note for note in brief.notes)


def test_numbered_sections_keep_their_numbers_details_and_sources():
    brief = parse_brief("请撰写报告，包含以下部分：\n1. 论文信息，包括标题和作者\n2. 技术解析\n"
                        "3. 视频补充要点（讲者的例子）")
    assert [(s.number, s.title) for s in brief.sections] == [
        ("1", "论文信息"), ("2", "技术解析"), ("3", "视频补充要点")]
    assert brief.sections[0].details == "包括标题和作者"
    assert [s.about_source for s in brief.sections] == ["paper", None, "video"]
    bullets = parse_brief("Sections:\n- Summary of the paper\n- Key points from the lecture\n"
                          "- Gaps")
    assert [s.number for s in bullets.sections] == [None, None, None]
    assert [s.about_source for s in bullets.sections] == ["paper", "video", None]


def test_a_requirements_list_is_not_taken_for_sections():
    brief = parse_brief("请写一篇报告，要求：1. 使用正式语言 2. 引用论文 3. 字数不少于1500字")
    assert brief.sections == []
    assert brief.length == LengthRange(min=1500, unit=ZH)


@pytest.mark.parametrize("assignment,audience,tone", [
    ("面向本科生，语言通俗易懂。", "本科生", "通俗易懂"),
    ("请用正式的学术语言撰写，目标读者是高中生。", "高中生", "正式的学术语言"),
    ("Write for a general audience in a formal academic tone.", "general audience",
     "formal academic tone"),
    ("Make it accessible to first-year undergraduates. Keep it informal.",
     "first-year undergraduates", "informal"),
    ("The audience is non-specialist engineers. Tone: objective and neutral.",
     "non-specialist engineers", "objective and neutral"),
], ids=["zh-facing", "zh-target-readers", "en-for", "en-accessible", "en-audience-is"])
def test_audience_and_tone(assignment, audience, tone):
    brief = parse_brief(assignment)
    assert (brief.audience, brief.tone) == (audience, tone)


@pytest.mark.parametrize("assignment,title", [
    ("撰写一篇《深度学习综述》，不少于3000字。", "深度学习综述"),
    ("阅读论文《Attention Is All You Need》并写一篇报告。", None),  # a source's title
    ('Write a report titled "Attention in Practice" on the talk.', "Attention in Practice"),
    ("Write in a plain style; Title: Retrieval for Dummies", "Retrieval for Dummies"),
], ids=["zh-guillemets", "zh-source-title", "en-titled", "en-title-colon"])
def test_title(assignment, title):
    assert parse_brief(assignment).title == title


@pytest.mark.parametrize("assignment,sources,cite", [
    ("根据我提供的论文及相关视频撰写报告，并标注来源。", ["paper", "video"], True),
    ("结合讲解视频和论文撰写报告。", ["video", "paper"], False),
    ("Summarise the web page and the attached paper; cite every claim.", ["web", "paper"], True),
    ("Write a term paper on the lecture recording. No citations needed.", ["video"], False),
    ("Write about the paper. Do not use web sources.", ["paper"], False),
    ("Write about the article and include a list of references.", ["paper"], True),
    ("请阅读所附文章和网页，写一篇文章评论它们。", ["paper", "web"], False),
], ids=["zh-provided", "zh-order", "en-web-paper", "en-term-paper", "en-no-web", "en-refs",
        "zh-article"])
def test_expected_sources_and_citations(assignment, sources, cite):
    brief = parse_brief(assignment)
    assert brief.expected_sources == sources
    assert brief.citations_required is cite


def test_language_overrides_and_detection():
    assert parse_brief("请写一篇关于注意力机制的报告。").language == "zh"
    assert parse_brief("请写一篇报告，用英文撰写。").language == "en"
    assert parse_brief("Write a report on attention.").language == "en"
    assert parse_brief("Write a report on attention, in Chinese.").language == "zh"
    assert parse_brief("中文撰写，专业术语保留英文。").language == "zh"


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_an_empty_assignment_is_an_error(text):
    with pytest.raises(DocentError, match="the assignment is empty"):
        parse_brief(text)


def test_fallback_is_called_only_for_gaps():
    calls: list[Brief] = []

    def fallback(text: str, partial: Brief) -> Brief:
        calls.append(partial)
        return partial.model_copy(update={"length": LengthRange(min=1000, max=2000, unit=EN)})

    complete = parse_brief("Sections: (1) A (2) B. 1500-2000 words.", fallback=fallback)
    assert calls == [] and complete.length.max == 2000
    filled = parse_brief("Sections: (1) A (2) B.", fallback=fallback)
    assert len(calls) == 1 and calls[0].length is None
    assert filled.length == LengthRange(min=1000, max=2000, unit=EN)


# --- the length-counting rule -------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("Transformer模型很强大。", 7),  # Transformer 1 + 模型很强大 5 + 。1
    # GPT-4 is one Latin word (as Word counts it): GPT-4 1 + 发布于 3 + 2023 1 + 年 1 + 。1
    ("GPT-4 发布于2023年。", 7),
    ("模型 ,  . - 很好", 4),  # lone ASCII punctuation and whitespace count 0
    ("version 3.5, e.g. good", 4),
    ("ＧＰＴ４", 4),  # full-width letters and digits count one each
    ("don’t stop", 2),
    ("", 0),
], ids=["latin-run", "gpt-4", "ascii-punct", "decimal-abbrev", "fullwidth", "apostrophe",
        "empty"])
def test_count_zh_chars(text, expected):
    assert count_length(text, ZH) == expected


def test_count_zh_chars_by_hand():
    # “ 注 意 力 ” — — 机 制 … …  -> 11
    assert count_length("“注意力”——机制……", ZH) == 11
    # BERT 、 GPT 和 T5 （ 2019 ）  -> 8
    assert count_length("BERT、GPT 和 T5（2019）", ZH) == 8


def test_count_words():
    assert count_length("State-of-the-art models, e.g. GPT-4, work well — mostly.", EN) == 7
    assert count_length("  one\ttwo\nthree  ", EN) == 3
    assert count_length("- * 1.", EN) == 1


def test_markdown_syntax_is_not_counted():
    assert strip_markdown("## 一、摘要\n\n- 要点[1]").split() == ["一、摘要", "要点"]
    assert report_length("## 一、摘要\n\n- 要点[1]", ZH) == 6  # 一 、 摘 要 要 点
    report = ("# 报告\n\n1. **Transformer** 是核心[1, 2]。\n> 引用[^3]\n\n"
              "| 列 | 值 |\n|---|---|\n| a | 1 |\n\n"
              "[链接](https://example.com) ![图](x.png)\n---\n")
    # 报告 2; Transformer 1 是核心 3 。1; 引用 2; 列 值 2; a 1; 1 1; 链接 2
    assert report_length(report, ZH) == 15
    assert report_length("## Results\n\n- **Recall** is high [2].\n- See `code`.", EN) == 6


def test_length_range():
    r = LengthRange(min=2000, max=3000, unit=ZH)
    assert r.label() == "2000-3000 字" and r.contains(2000) and r.contains(3000)
    assert not r.contains(1999) and not r.contains(3001)
    assert LengthRange(min=1500, max=2000, unit=EN).label() == "1500-2000 words"
    assert LengthRange(min=1000, unit=EN).label() == "≥1000 words"
    assert LengthRange(max=800, unit=EN).contains(10)


# --- the command ----------------------------------------------------------------------------------

def test_cli_brief_prints_what_was_understood(tmp_path):
    result = run_cli("brief", str(READING_REPORT), workspace=tmp_path / "ws")
    assert result.returncode == 0, result.stderr
    for title in ("论文基本信息", "核心内容摘要", "关键技术解析", "视频补充要点"):
        assert title in result.stdout
    assert "2000-3000 字" in result.stdout and "大模型技术论文阅读报告" in result.stdout


def test_cli_brief_json(tmp_path):
    result = run_cli("brief", "--json", "Sections: (1) Summary (2) Methods. 1500-2000 words.",
                     workspace=tmp_path / "ws")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [s["title"] for s in data["sections"]] == ["Summary", "Methods"]
    assert data["length"] == {"min": 1500, "max": 2000, "unit": "words"}
    assert Brief.model_validate(data).language == "en"


@pytest.mark.parametrize("argument", ["", "missing-assignment.txt"])
def test_cli_brief_bad_input_is_one_line(tmp_path, argument):
    result = run_cli("brief", argument, workspace=tmp_path / "ws")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr


def test_cli_brief_help_has_an_example(tmp_path):
    result = run_cli("brief", "--help", workspace=tmp_path / "ws")
    assert result.returncode == 0
    assert "Example: docent brief" in " ".join(result.stdout.split())
