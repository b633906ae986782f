"""`docent review` on real check runs: the sentences to review riskiest first, decisions kept
(all or none), bad ids and values one clear line with exit 2, the corrected report written in
the report's own format, and the decisions carried to a new check of the same report."""

import json

import docx
from conftest import WORD2VEC, run_cli

LEXICAL = {"DOCENT_EMBEDDER": "none"}

REPORT = """# word2vec 阅读笔记

## 方法

论文的模型使用层次softmax，并把词表表示为Huffman二叉树[文档: word2vec.pdf]。两种模型都采用负采样替代完整的softmax[文档: word2vec.pdf]。CBOW的训练复杂度为Q = N×D + D×log2(V)[文档: word2vec.pdf]。
"""


def _check(tmp_path, report):
    result = run_cli("check", str(report), "-s", str(WORD2VEC), "--no-judge",
                     "--json", str(tmp_path / "v.json"), workspace=tmp_path / "ws", env=LEXICAL)
    assert "review it with `docent review" in result.stderr or "carried over" in result.stderr
    return result


def _review(tmp_path, *args):
    return run_cli("review", *args, workspace=tmp_path / "ws", env=LEXICAL)


def test_review_lists_riskiest_first_and_records_decisions(tmp_path):
    report = tmp_path / "notes.md"
    report.write_text(REPORT, encoding="utf-8")
    _check(tmp_path, report)
    listed = json.loads(_review(tmp_path, "1", "--json").stdout)
    ids = [s["id"] for s in listed["sentences"]]
    assert listed["sentences"][0]["status"] == "unsupported"  # red first: negative sampling
    assert "负采样" in listed["sentences"][0]["text"] and ids[0] == "s2"
    assert all(s["evidence"]["page"] for s in listed["sentences"])
    assert listed["summary"]["not_reviewed"] == 3

    # a bad id among good ones: one clear line, exit 2, nothing recorded
    bad = _review(tmp_path, "1", "--set", "s1=confirmed", "--set", "s9=confirmed")
    assert bad.returncode == 2 and "s9: no such sentence" in bad.stderr
    assert "Traceback" not in bad.stderr
    bad = _review(tmp_path, "1", "--set", "s1=great")
    assert bad.returncode == 2 and "unknown decision" in bad.stderr
    assert json.loads(_review(tmp_path, "1", "--json").stdout)["summary"]["not_reviewed"] == 3

    done = _review(tmp_path, "1", "--set", "s1=confirmed", "--set", "s2=removed",
                   "--set", "s3=rewritten", "--text", "CBOW的训练复杂度为Q = N × D + D × log2(V)。",
                   "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["sentences"] == []  # nothing left to review
    assert data["line"] == ("verified by Docent 0, confirmed by the reader 1, corrected 1, "
                            "removed 1, not yet reviewed 0")
    assert _review(tmp_path, "1", "--strict").returncode == 0

    out = tmp_path / "corrected.md"
    assert _review(tmp_path, "1", "--out", str(out)).returncode == 0
    text = out.read_text(encoding="utf-8")
    assert "负采样" not in text and "Huffman二叉树[文档: word2vec.pdf]。" in text
    assert "Q = N × D + D × log2(V)[文档: word2vec.pdf]。" in text

    # undo takes the last decision back
    _review(tmp_path, "1", "--set", "s2=undone")
    assert json.loads(_review(tmp_path, "1", "--json").stdout)["summary"]["not_reviewed"] == 1
    assert _review(tmp_path, "1", "--strict").returncode == 1
    runs = run_cli("runs", "--json", workspace=tmp_path / "ws", env=LEXICAL)
    (run,) = json.loads(runs.stdout)
    assert run["kind"] == "check" and run["review"]["confirmed"] == 1


def test_a_word_report_is_corrected_as_word_and_decisions_carry_to_a_new_check(tmp_path):
    report = tmp_path / "notes.docx"
    document = docx.Document()
    document.add_heading("方法", level=1)
    document.add_paragraph(REPORT.split("## 方法")[1].strip())
    document.save(report)
    _check(tmp_path, report)
    assert _review(tmp_path, "1", "--set", "s2=removed", "--set", "s1=confirmed").returncode == 0
    out = tmp_path / "corrected.docx"
    result = _review(tmp_path, "1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    body = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "负采样" not in body and "Huffman二叉树" in body

    again = _check(tmp_path, report)  # the same report checked again: run 2
    assert "2 decisions of your earlier review carried over" in again.stderr
    listed = json.loads(_review(tmp_path, "2", "--json").stdout)
    assert listed["summary"]["confirmed"] == 1 and listed["summary"]["removed"] == 1
    assert _review(tmp_path, "7").returncode == 1  # no such run: one line
