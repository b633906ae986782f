"""`docent check` as a pipeline gate."""

import json

from conftest import ALCE, run_cli
from test_checks import ASSIGNMENT, FAITHFUL

LEXICAL = {"DOCENT_EMBEDDER": "none"}


def test_gate_passes_a_faithful_report_and_fails_a_fabricated_one(tmp_path):
    good = tmp_path / "good.md"
    good.write_text(FAITHFUL, encoding="utf-8")
    result = run_cli("check", str(good), "-s", str(ALCE), "-a", ASSIGNMENT, "--no-judge",
                     "--json", str(tmp_path / "v.json"), workspace=tmp_path / "ws", env=LEXICAL)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))
    assert data["summary"]["errors"] == 0 and data["summary"]["length"] > 0
    bad = tmp_path / "bad.md"
    bad.write_text(FAITHFUL.replace("本次提供的资料中没有讲解视频，因此本部分无法依据该来源撰写，"
                                    "为避免编造内容，此处不作补充。",
                                    "视频中讲者详细演示了引用召回率的计算[2]。"), encoding="utf-8")
    result = run_cli("check", str(bad), "--no-judge", "--md", str(tmp_path / "v.md"),
                     workspace=tmp_path / "ws", env=LEXICAL)
    assert result.returncode == 1
    readable = (tmp_path / "v.md").read_text(encoding="utf-8")
    assert "ERROR provenance" in readable and "视频中讲者" in readable


def test_empty_and_missing_report(tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_text("  \n")
    result = run_cli("check", str(empty), "--no-judge", workspace=tmp_path / "ws", env=LEXICAL)
    assert result.returncode == 1 and "empty.md: the report is empty" in result.stderr
    result = run_cli("check", str(tmp_path / "nope.md"), workspace=tmp_path / "ws", env=LEXICAL)
    assert result.returncode == 1 and "nope.md: cannot read the report" in result.stderr
