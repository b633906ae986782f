"""The ``docent`` command's output in a pipe: tables never wrapped, ``--json`` for scripts.

``run_cli`` captures stdout, so the command sees a pipe (not a terminal), as in
``docent sources | grep TITLE``. Dense embeddings are off (``DOCENT_EMBEDDER=none``) and no
language model is loaded: only the lexical index and ``check --no-judge``.
"""

import json

import pytest
from conftest import run_cli

from docent.config import Settings
from docent.store import Store

LEXICAL = {"DOCENT_EMBEDDER": "none", "COLUMNS": "80"}
LONG_TITLE = ("Enabling Large Language Models to Generate Text with Citations: "
              "a Reading Note on Attention and the Transformer Architecture")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A workspace with one Markdown source (from the shared corpus) under a long title."""
    from test_cli import CORPUS

    folder = tmp_path_factory.mktemp("pipes")
    body = (CORPUS / "kb-zh" / "transformer-architecture.md").read_text(encoding="utf-8")
    lines = body.splitlines()
    assert lines[0].startswith("# ")
    doc = folder / "long-title.md"
    doc.write_text("\n".join([f"# {LONG_TITLE}", *lines[1:]]) + "\n", encoding="utf-8")
    ws = folder / "ws"
    result = run_cli("ingest", str(doc), workspace=ws, env=LEXICAL)
    assert result.returncode == 0, result.stderr
    return ws


def test_sources_piped_is_one_line_per_source(workspace):
    result = run_cli("sources", workspace=workspace, env=LEXICAL)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == ["id", "kind", "title", "passages", "pages/duration", "file"]
    matching = [line for line in lines if LONG_TITLE in line]  # what `| grep TITLE` does
    assert len(matching) == 1
    cells = matching[0].split("\t")
    assert cells[1] == "markdown" and cells[2] == LONG_TITLE and cells[5] == "long-title.md"


def test_sources_json(workspace):
    result = run_cli("sources", "--json", workspace=workspace, env=LEXICAL)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [s["title"] for s in data] == [LONG_TITLE]
    assert data[0]["kind"] == "markdown" and data[0]["passage_count"] > 0


def test_sources_json_of_an_empty_workspace_is_an_empty_list(tmp_path):
    result = run_cli("sources", "--json", workspace=tmp_path / "ws", env=LEXICAL)
    assert result.returncode == 0 and json.loads(result.stdout) == []


def test_search_piped_keeps_the_title_on_the_hit_line(workspace):
    result = run_cli("search", "注意力机制", "-k", "2", workspace=workspace, env=LEXICAL)
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"1. {LONG_TITLE} ") and "score=" in first


def test_search_json(workspace):
    result = run_cli("search", "注意力机制", "--top", "3", "--json", workspace=workspace,
                     env=LEXICAL)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert 1 <= len(hits) <= 3
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
    assert all(h["title"] == LONG_TITLE and h["text"] and h["locator"] for h in hits)
    assert "注意力" in hits[0]["text"]


def test_runs_piped_and_json(workspace):
    store = Store.open(Settings(workspace=workspace).workspace)
    try:
        run_id = store.create_run("write", "Write a long reading note about attention\nmore",
                                  "{}", {"fast": True})
        store.set_run_progress(run_id, {"stage": "sections", "done": 1, "total": 3})
    finally:
        store.close()
    table = run_cli("runs", workspace=workspace, env=LEXICAL)
    assert table.returncode == 0, table.stderr
    rows = [line.split("\t") for line in table.stdout.splitlines()]
    assert rows[0] == ["run", "status", "created", "length", "validation", "assignment"]
    assert rows[1][0] == str(run_id) and rows[1][4] == "sections 1/3"
    assert rows[1][5] == "Write a long reading note about attention"
    data = json.loads(run_cli("runs", "--json", workspace=workspace, env=LEXICAL).stdout)
    assert data[0]["id"] == run_id and data[0]["status"] == "running"
    assert data[0]["options"] == {"fast": True} and data[0]["summary"] is None


def test_check_json_on_stdout(workspace, tmp_path):
    report = tmp_path / "report.md"
    report.write_text(f"# 阅读笔记\n\n## 注意力\n\n注意力机制是 Transformer 的核心[1]。\n\n"
                      f"## 参考文献\n\n[1] {LONG_TITLE}\n", encoding="utf-8")
    result = run_cli("check", str(report), "--no-judge", "--json", "-", workspace=workspace,
                     env=LEXICAL)
    assert result.returncode in (0, 1), result.stderr
    data = json.loads(result.stdout)  # stdout holds the JSON only
    assert "summary" in data and data["summary"]["cited"] >= 1
    assert "errors" in result.stderr  # the one-line summary went to stderr
