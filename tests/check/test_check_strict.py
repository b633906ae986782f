"""`docent check --strict`: an unverified sentence fails the gate only when asked.

In-process (typer's runner) with a scripted judge put where ``docent check`` takes its judge
from, a Markdown note as the source and lexical search only: no model is loaded.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import docent.check.judge as judge_module
from docent.check.judge import Judgement
from docent.cli import app
from docent.types import Verdict

NOTES = ("# Notes\n\nALCE is a benchmark for evaluating citations in generated text. "
         "It contains three datasets: ASQA, QAMPARI and ELI5.\n")
REPORT = ("# Report\n\n## Summary\n\n"
          "ALCE is a benchmark for evaluating citations in generated text [文档: notes.md]. "
          "It contains three datasets [文档: notes.md].\n")


class UnsureJudge:
    """Supports everything but what it is told to be unsure of."""

    name = "test/unsure"

    def __init__(self, unsure: str | None) -> None:
        self.unsure = unsure

    def judge(self, claim: str, passages: list[str], roles=None) -> Judgement:
        if self.unsure and self.unsure in claim:
            return Judgement(Verdict.unverified, 0.5, passages[0][:60], 0)
        return Judgement(Verdict.supported, 0.95, passages[0][:60], 0)


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCENT_EMBEDDER", "none")
    notes = tmp_path / "notes.md"
    notes.write_text(NOTES, encoding="utf-8")
    report = tmp_path / "report.md"
    report.write_text(REPORT, encoding="utf-8")
    return tmp_path, notes, report


def _check(files, monkeypatch, unsure: str | None, *extra: str):
    tmp, notes, report = files
    monkeypatch.setattr(judge_module, "get_judge",
                        lambda settings, embedder=None, **kw: UnsureJudge(unsure))
    return CliRunner().invoke(app, ["check", str(report), "-s", str(notes), "-w",
                                    str(tmp / "ws"), "--json", str(tmp / "v.json"), *extra])


def test_unverified_fails_only_with_strict(files, monkeypatch):
    result = _check(files, monkeypatch, "three datasets")
    assert result.exit_code == 0, result.output
    assert ("verified 1 of 2 cited sentences (1 unverified, 0 partly, 0 not supported)"
            in result.output)
    assert "## Unverified sentences (check these yourself)" in result.output
    data = json.loads((files[0] / "v.json").read_text(encoding="utf-8"))
    assert data["summary"]["unverified"] == 1 and data["summary"]["supported"] == 1
    strict = _check(files, monkeypatch, "three datasets", "--strict")
    assert strict.exit_code == 1, strict.output
    assert "1 cited sentence is unverified" in strict.output


def test_strict_passes_when_everything_is_verified(files, monkeypatch):
    result = _check(files, monkeypatch, None, "--strict")
    assert result.exit_code == 0, result.output
    assert ("verified 2 of 2 cited sentences (0 unverified, 0 partly, 0 not supported)"
            in result.output)


def test_help_mentions_strict_with_an_example(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    result = CliRunner().invoke(app, ["check", "--help"])
    assert result.exit_code == 0
    assert "--strict" in result.output and "unverified" in result.output
    assert "docent check report.md -s paper.pdf --strict" in result.output
