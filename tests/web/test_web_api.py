"""The web app's API with FastAPI's TestClient: a scripted model (registered through the real
registry), the scripted ``hash`` embedder, the real ingest, pipeline, worker and renderers."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest
from conftest import ALCE, LECTURE_SRT
from fastapi.testclient import TestClient

from docent.config import Settings
from docent.errors import DocentError, ModelError
from docent.llm import ChatModel, Completion, register_provider
from docent.store import Store
from docent.web import create_app
from docent.web.projects import (
    UnsupportedUpload,
    check_content,
    safe_filename,
    slugify,
)

BASE = "http://127.0.0.1:8765"
ASSIGNMENT = ("Write a 300-500 word report with sections (1) Summary (2) Key techniques; "
              "cite sources.")
LIMIT = 1024 * 1024


class ScriptedModel(ChatModel):
    """Writes a paragraph about ALCE; as a judge (JSON schema) it says "supported"."""

    name = "scripted-web"

    def _complete(self, messages, *, json_schema=None, **options):
        if json_schema is not None:
            text = json.dumps({"verdict": "supported"})
        else:
            text = ("ALCE is a benchmark for generating text with citations. Large language "
                    "models are asked to cite retrieved passages for every statement. Citation "
                    "recall checks whether each statement is fully supported by its citations. "
                    "Citation precision checks whether every citation is relevant.")
        return Completion(text=text, model=self.name, completion_tokens=40, seconds=0.01)


class BrokenModel(ChatModel):
    name = "broken-web"

    def _complete(self, messages, **options):
        raise ModelError("the scripted endpoint is unreachable", fix="start it first")


class SlowModel(ScriptedModel):
    name = "slow-web"

    def _complete(self, messages, **options):
        time.sleep(0.3)
        return super()._complete(messages, **options)


register_provider("scripted-web", lambda settings, role: ScriptedModel())
register_provider("slow-web", lambda settings, role: SlowModel())
register_provider("broken-web", lambda settings, role: BrokenModel())


def _settings(tmp, llm="scripted-web") -> Settings:
    return Settings(workspace=tmp / "unused", llm=llm, embedder="hash", embed_batch=16,
                    repair_rounds=1)


def wait_for(client, url, done=lambda j: j["status"] in ("done", "failed", "cancelled"),
             timeout=180.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(url).json()
        if done(body) or time.monotonic() > deadline:
            return body
        time.sleep(0.2)


def upload(client, slug, name, data: bytes):
    return client.post(f"/api/projects/{slug}/sources?filename={name}",
                       files={"file": (name, data, "application/octet-stream")})


def wait_uploads(client, slug, timeout=180.0) -> dict:
    return wait_for(client, f"/api/projects/{slug}/sources",
                    lambda j: all(u["status"] in ("done", "failed") for u in j["uploads"]),
                    timeout)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One app with a project holding the paper and the lecture, and one finished run."""
    tmp = tmp_path_factory.mktemp("web")
    app = create_app(tmp / "projects", _settings(tmp), max_upload=LIMIT)
    with TestClient(app, base_url=BASE) as client:
        r = client.post("/api/projects", json={"name": "Reading 报告 / ../x"})
        assert r.status_code == 201, r.text
        slug = r.json()["slug"]
        assert r.json()["name"] == "Reading 报告 / ../x"
        for path in (ALCE, LECTURE_SRT):
            r = upload(client, slug, path.name, path.read_bytes())
            assert r.status_code == 202, r.text
        state = wait_uploads(client, slug)
        assert [u["status"] for u in state["uploads"]] == ["done", "done"], state
        r = client.post(f"/api/projects/{slug}/runs", json={"assignment": ASSIGNMENT,
                                                             "fast": True})
        assert r.status_code == 202, r.text
        run = r.json()
        assert run["status"] == "queued" and run["fast"] is True
        finished = wait_for(client, f"/api/projects/{slug}/runs/{run['id']}")
        yield client, tmp / "projects", slug, finished


def test_projects_have_safe_slugs_and_sources(served):
    client, root, slug, _ = served
    assert "/" not in slug and ".." not in slug and slug.startswith("reading-报告")
    assert (root / slug / "docent.db").exists() and (root / slug / "uploads").is_dir()
    assert slug in [p["slug"] for p in client.get("/api/projects").json()["projects"]]
    sources = client.get(f"/api/projects/{slug}").json()["sources"]
    assert {s["file"] for s in sources} == {"alce-2305.14627.pdf", "lets-build-gpt.srt"}
    assert all(s["passages"] > 0 for s in sources)
    assert all("/" not in s["file"] for s in sources)  # no server paths
    for bad in ("a.b", "nope", "..."):
        r = client.get(f"/api/projects/{bad}")
        assert r.status_code == 404 and "error" in r.json()
    assert client.post("/api/projects", json={"name": "../.."}).status_code == 400


def test_upload_checks_content_size_and_names(served):
    client, root, slug, _ = served
    uploads = root / slug / "uploads"
    r = upload(client, slug, "notes.pdf", b"just some text, not a PDF\n" * 20)
    assert r.status_code == 415
    assert r.json()["file"] == "notes.pdf" and "notes.pdf" in r.json()["error"]
    r = upload(client, slug, "big.pdf", b"%PDF-1.7\n" + b"0" * (LIMIT + 100))
    assert r.status_code == 413 and r.json()["file"] == "big.pdf"
    r = upload(client, slug, "huge.pdf", b"%PDF-1.7\n" + b"0" * (3 * LIMIT))
    assert r.status_code == 413 and "huge.pdf" in r.json()["error"]
    r = upload(client, slug, "tool.exe", b"MZ\x90\x00")
    assert r.status_code == 415 and "unsupported file type" in r.json()["error"]
    r = upload(client, slug, "../../etc/passwd.txt", "root:x:0:0 根\n".encode())
    assert r.status_code == 202 and r.json()["file"] == "passwd.txt"
    assert (uploads / "passwd.txt").read_bytes() == "root:x:0:0 根\n".encode()
    assert not (root / "etc").exists() and not (root.parent / "etc").exists()
    r = upload(client, slug, "..\\..\\evil.md", b"# Evil\n\nnot really\n")
    assert r.status_code == 202 and r.json()["file"] == "evil.md"
    r = upload(client, slug, "../../etc/passwd", b"root:x:0:0\n")
    assert r.status_code == 415 and r.json()["file"] == "passwd"
    assert sorted(p.name for p in uploads.iterdir()) == [
        "alce-2305.14627.pdf", "evil.md", "lets-build-gpt.srt", "passwd.txt"]  # no partials
    r = client.post(f"/api/projects/{slug}/sources", data={"x": "1"})
    assert r.status_code == 400
    wait_uploads(client, slug)


def test_content_checks_by_magic():
    cases = {
        "a.wav": b"RIFF\x24\x00\x00\x00WAVEfmt ", "a.flac": b"fLaC\x00\x00\x00\x22",
        "a.mkv": b"\x1aE\xdf\xa3\x9fB\x86", "a.mp3": b"ID3\x04\x00\x00", "b.mp3": b"\xff\xfb\x90d",
        "a.mp4": b"\x00\x00\x00\x18ftypmp42", "a.m4a": b"\x00\x00\x00\x20ftypM4A ",
        "a.srt": "1\n00:00:01,000 --> 00:00:02,000\n你好\n".encode(),
        "a.vtt": b"\xef\xbb\xbfWEBVTT\n\n00:01.000 --> 00:02.000\nhi\n",
        "a.html": b"<html><body>hi</body></html>", "a.md": "# 标题\n".encode(),
    }
    bad = {"a.wav": b"RIFF\x00\x00\x00\x00AVI ", "a.mp4": b"%PDF-1.4", "a.srt": b"no cues",
           "a.vtt": b"1\n00:01 --> 00:02", "a.md": b"\xff\xfe\x00t", "a.docx": b"PK\x03\x04xx",
           "a.txt": b"ok\x00binary", "a.pdf": b""}
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        for name, data in cases.items():
            (Path(d) / "f").write_bytes(data)
            check_content(Path(d) / "f", name)
        for name, data in bad.items():
            (Path(d) / "f").write_bytes(data)
            with pytest.raises(UnsupportedUpload):
                check_content(Path(d) / "f", name)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("word/document.xml", "<w:document/>")
        (Path(d) / "f").write_bytes(buf.getvalue())
        check_content(Path(d) / "f", "real.docx")
    assert safe_filename("C:\\Users\\me\\论文 v2.PDF") == "论文 v2.pdf"
    assert safe_filename("../../.bashrc") == "bashrc" and safe_filename("..") == "upload"
    assert slugify("  Transformer 学习报告 #1 ") == "transformer-学习报告-1"


def test_run_completes_with_progress_and_validation(served):
    client, _, slug, run = served
    assert run["status"] == "done", run
    assert run["error"] is None
    assert [s["title"] for s in run["sections"]] == ["Summary", "Key techniques"]
    assert all(s["done"] for s in run["sections"])
    assert run["progress"]["stage"] == "done"
    assert run["validation"]["claims_checked"] > 0
    assert {"unverified", "verified_pct", "covered"} <= set(run["validation"])
    assert set(run["links"]) >= {"html", "md", "docx", "validation_json", "validation_md"}
    runs = client.get(f"/api/projects/{slug}/runs").json()["runs"]
    assert [r["id"] for r in runs] == [run["id"]] and runs[0]["status"] == "done"


def test_downloads_have_the_right_types(served):
    client, _, slug, run = served
    links = run["links"]
    docx = client.get(links["docx"])
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert docx.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert "attachment" in docx.headers["content-disposition"]
    import docx as python_docx

    document = python_docx.Document(io.BytesIO(docx.content))
    assert any("Summary" in p.text for p in document.paragraphs)
    md = client.get(links["md"])
    assert md.headers["content-type"].startswith("text/markdown")
    assert "Summary" in md.text and "[1]" in md.text
    html = client.get(links["html"])
    assert html.headers["content-type"].startswith("text/html")
    assert 'class="cite"' in html.text and 'id="passage-popup"' in html.text
    assert "script-src 'unsafe-inline'" in html.headers["content-security-policy"]
    v = client.get(links["validation_json"])
    assert v.headers["content-type"] == "application/json"
    assert v.json()["summary"]["claims_checked"] == run["validation"]["claims_checked"]
    vmd = client.get(links["validation_md"])
    assert vmd.text.startswith("# Validation report")
    base = f"/api/projects/{slug}/runs/{run['id']}"
    assert client.get(f"{base}/report.txt").status_code == 422
    assert client.get(f"/api/projects/{slug}/runs/999/report.md").status_code == 404


def test_ui_and_safety(served):
    client, _, slug, _ = served
    page = client.get("/")
    assert page.status_code == 200 and 'id="upload-form"' in page.text
    assert "http" not in page.text.replace("http-equiv", "")  # no network resources
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/../projects.py").status_code == 404
    assert client.get("/static/%2e%2e/projects.py").status_code == 404
    evil = client.get("/api/projects", headers={"host": "evil.example"})
    assert evil.status_code == 403
    cross = client.post("/api/projects", json={"name": "x"},
                        headers={"origin": "http://evil.example"})
    assert cross.status_code == 403
    same = client.post("/api/projects", json={"name": "same origin"},
                       headers={"origin": BASE})
    assert same.status_code == 201
    r = client.post(f"/api/projects/{same.json()['slug']}/runs", json={"assignment": "x"})
    assert r.status_code == 400 and "no sources" in r.json()["error"]
    r = client.post(f"/api/projects/{slug}/runs", json={"assignment": ""})
    assert r.status_code == 422 and "assignment" in r.json()["error"]


def test_failed_run_shows_why(tmp_path):
    app = create_app(tmp_path / "projects", _settings(tmp_path, llm="broken-web"))
    with TestClient(app, base_url=BASE) as client:
        slug = client.post("/api/projects", json={"name": "broken"}).json()["slug"]
        assert upload(client, slug, LECTURE_SRT.name, LECTURE_SRT.read_bytes()).status_code == 202
        run = client.post(f"/api/projects/{slug}/runs",
                          json={"assignment": ASSIGNMENT, "fast": True}).json()
        run = wait_for(client, f"/api/projects/{slug}/runs/{run['id']}")
    assert run["status"] == "failed"
    assert run["error"] == "the scripted endpoint is unreachable (start it first)"
    assert "links" not in run


def test_restart_picks_up_queued_and_interrupted_jobs(tmp_path):
    root = tmp_path / "projects"
    first = create_app(root, _settings(tmp_path), start_worker=False)
    with TestClient(first, base_url=BASE) as client:
        slug = client.post("/api/projects", json={"name": "restart"}).json()["slug"]
        job = upload(client, slug, ALCE.name, ALCE.read_bytes()).json()["job"]
        run = client.post(f"/api/projects/{slug}/runs",
                          json={"assignment": ASSIGNMENT, "fast": True}).json()
        assert client.get(f"/api/projects/{slug}/runs/{run['id']}").json()["status"] == "queued"
    with Store.open(root / slug) as store:  # the server died while ingesting
        store.set_run_status(job, "running")
    second = create_app(root, _settings(tmp_path))
    with TestClient(second, base_url=BASE) as client:
        done = wait_for(client, f"/api/projects/{slug}/runs/{run['id']}")
        uploads = client.get(f"/api/projects/{slug}/sources").json()["uploads"]
    assert done["status"] == "done", done
    assert uploads[0]["status"] == "done" and uploads[0]["result"].startswith("added")


def test_cancel_a_queued_and_a_running_run(tmp_path):
    app = create_app(tmp_path / "projects", _settings(tmp_path, llm="slow-web"))
    with TestClient(app, base_url=BASE) as client:
        slug = client.post("/api/projects", json={"name": "cancel"}).json()["slug"]
        upload(client, slug, LECTURE_SRT.name, LECTURE_SRT.read_bytes())
        first, second = (client.post(f"/api/projects/{slug}/runs",
                                     json={"assignment": ASSIGNMENT, "fast": True}).json()
                         for _ in range(2))
        assert client.post(f"/api/projects/{slug}/runs/{second['id']}/cancel").json() == {
            "status": "cancelled"}
        url = f"/api/projects/{slug}/runs/{first['id']}"
        running = wait_for(client, url, lambda j: j["status"] != "queued"
                           and j["progress"]["stage"] not in ("queued", "starting"), 60)
        assert running["status"] == "running" and running["current"], running
        assert client.post(url + "/cancel").json() == {"status": "cancelling"}
        first = wait_for(client, url, timeout=60)
        second = client.get(f"/api/projects/{slug}/runs/{second['id']}").json()
    assert first["status"] == "cancelled" and first["error"] == "cancelled by the user"
    assert second["status"] == "cancelled"


def test_serve_refuses_a_remote_host_unless_allowed(tmp_path):
    from typer.testing import CliRunner

    from docent.cli import app as cli
    from docent.web import is_loopback

    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "-w", str(tmp_path)])
    assert isinstance(result.exception, DocentError), result.output
    assert "not a loopback address" in str(result.exception)
    assert "--allow-remote" in str(result.exception)
    assert not (tmp_path / "projects").exists()
    assert "Example: docent serve --port 8765" in CliRunner().invoke(cli, ["serve", "--help"]).output
    assert all(map(is_loopback, ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"]))
    assert not any(map(is_loopback, ["0.0.0.0", "192.168.1.5", "example.org", ""]))


def test_validation_summary_of_a_run_saved_before_unverified_was_counted():
    from docent.web.api_common import validation_summary as _validation_summary

    old = json.dumps({"report": "r", "findings": [], "summary": {
        "claims_checked": 4, "supported": 3, "partially_supported": 1, "not_supported": 0,
        "supported_pct": 75.0, "errors": 0, "warnings": 1}})
    s = _validation_summary(old)
    assert s["unverified"] == 0 and s["covered"] == 4 and s["verified_pct"] == 75.0


def test_a_write_job_keeps_the_brief_it_is_written_from(tmp_path, monkeypatch):
    """The rules-only brief stored at enqueue time is replaced by the one the model fallback
    completed inside ``write_run`` (no model here: the fallback and write_run are scripted)."""
    import docent.pipeline
    import docent.web.worker as worker_module
    from docent.brief import parse_brief
    from docent.types import BriefSection
    from docent.web import Projects, Worker

    def fallback_for(settings):
        def fallback(text, partial):
            return partial.model_copy(update={"sections": [BriefSection(title="从模型来的部分")]})
        return fallback

    class Result:
        seconds = 0.0

    def write_run(settings, assignment, *, store, brief_fallback, run_id, **options):
        parse_brief(assignment, fallback=brief_fallback)
        store.set_run_status(run_id, "done")
        return Result()

    monkeypatch.setattr(worker_module, "settings_fallback", fallback_for)
    monkeypatch.setattr(docent.pipeline, "write_run", write_run)
    projects = Projects(tmp_path / "projects")
    project = projects.create("brief")
    worker = Worker(projects, _settings(tmp_path))
    run_id = worker.enqueue_write(project, "写一篇关于注意力机制的短文。")  # no sections named
    with project.open_store() as store:
        assert json.loads(store.run(run_id)["brief"])["sections"] == []
        worker._write(worker.settings, store, store.run(run_id), lambda *a: None)
        stored = json.loads(store.run(run_id)["brief"])
    assert [s["title"] for s in stored["sections"]] == ["从模型来的部分"]
