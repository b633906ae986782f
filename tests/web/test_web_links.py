"""The web app's "add by link": links queued as ingest jobs, downloaded from a local HTTP server
by the real worker and ingest (scripted ``hash`` embedder; no language model is loaded)."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from linkserver import reading_server

from docent.config import Settings
from docent.web import create_app

BASE = "http://127.0.0.1:8765"
ABS = "https://arxiv.org/abs/2305.14627"


@pytest.fixture(scope="module")
def server():
    with reading_server() as s:
        yield s


def _wait(client, slug, timeout=120.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(f"/api/projects/{slug}/sources").json()
        if all(u["status"] in ("done", "failed") for u in body["uploads"]) or \
                time.monotonic() > deadline:
            return body
        time.sleep(0.2)


def test_add_by_link(tmp_path, server):
    settings = Settings(workspace=tmp_path / "unused", embedder="hash", arxiv_url=server.base,
                        fetch_timeout=5.0)
    app = create_app(tmp_path / "projects", settings)
    with TestClient(app, base_url=BASE) as client:
        slug = client.post("/api/projects", json={"name": "links"}).json()["slug"]
        gone = server.url("/notes/gone")
        article = server.url("/notes/why-cite")
        r = client.post(f"/api/projects/{slug}/links",
                        json={"links": f"# week 3\n{ABS}\n{article}  # notes\n{gone}\n"})
        assert r.status_code == 202, r.text
        assert [j["url"] for j in r.json()["jobs"]] == [ABS, article, gone]
        state = _wait(client, slug)
        by_file = {u["file"]: u for u in state["uploads"]}
        assert by_file[ABS]["status"] == "done" and by_file[article]["status"] == "done"
        assert by_file[gone]["status"] == "failed"
        assert by_file[gone]["error"].startswith(f"{gone}: not found")
        kinds = sorted((s["kind"], s["title"]) for s in state["sources"])
        assert kinds == [("pdf", "Enabling Large Language Models to Generate Text with Citations"),
                         ("web", "Why Language Models Should Cite Their Sources")]

        bad = client.post(f"/api/projects/{slug}/links", json={"links": f"{ABS}\nnotes.pdf"})
        assert bad.status_code == 400 and bad.json()["error"] == "notes.pdf: not a link"
        assert len(client.get(f"/api/projects/{slug}/sources").json()["uploads"]) == 3
        assert client.post(f"/api/projects/{slug}/links", json={"links": "# none"}).status_code \
            == 400
        assert client.post("/api/projects/nope/links", json={"links": ABS}).status_code == 404
        page = client.get("/").text
        assert 'id="link-form"' in page and 'id="link-input"' in page
