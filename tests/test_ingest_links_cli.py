"""`docent ingest --links FILE` and `docent ingest URL` as a user runs them, against a local HTTP
server (the arXiv download address pointed at it with DOCENT_ARXIV_URL; lexical index only, so
no model is loaded)."""

from __future__ import annotations

import pytest
from conftest import run_cli
from linkserver import reading_server

from docent.config import Settings
from docent.store import Store

ABS = "https://arxiv.org/abs/2305.14627"


@pytest.fixture(scope="module")
def server():
    with reading_server() as s:
        yield s


def test_links_file(tmp_path, server):
    links = tmp_path / "links.txt"
    missing = server.url("/notes/gone")
    links.write_text(f"# week 3 reading\n{ABS}  # ALCE\n\n{server.url('/notes/why-cite')}\n"
                     f"{missing}\n", encoding="utf-8")
    ws = tmp_path / "ws"
    env = {"DOCENT_EMBEDDER": "none", "DOCENT_ARXIV_URL": server.base}
    result = run_cli("ingest", "--links", str(links), workspace=ws, env=env)
    assert result.returncode == 1  # one link failed ...
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert errors == [f"error: {missing}: not found (the server answered 404 Not Found) "
                      "(check the address; copy it again from the browser)"]
    assert "added" in result.stdout and ABS in result.stdout  # ... the others are in
    with Store.open(ws) as store:
        paths = sorted(s.path for s in store.sources())
    assert paths == sorted([ABS, server.url("/notes/why-cite")])

    hits = server.hits["/pdf/2305.14627"]
    again = run_cli("ingest", "arXiv:2305.14627", workspace=ws, env=env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("unchanged") and server.hits["/pdf/2305.14627"] == hits
    listing = run_cli("sources", workspace=ws, env=env)
    assert "Enabling Large Language Models" in listing.stdout


def test_nothing_to_ingest_and_help(tmp_path):
    result = run_cli("ingest", workspace=tmp_path / "ws", env={"DOCENT_EMBEDDER": "none"})
    assert result.returncode != 0 and "nothing to ingest" in result.stderr
    helped = run_cli("ingest", "--help", workspace=tmp_path / "ws")
    assert "docent ingest --links links.txt" in helped.stdout
    assert "https://arxiv.org/abs/2305.14627" in helped.stdout
    assert Settings(arxiv_url="http://127.0.0.1:1").arxiv_url == "http://127.0.0.1:1"
