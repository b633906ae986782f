"""Checking a class in the web app (:mod:`docent.web.api_class`): a teacher hands in several
reports (files, a Word file, a zip) and gets one table and its CSV, with the counts ``docent
check`` gives for the same files; accounts keep one student's class checks from another; and
with PostgreSQL and a Redis queue a real ``docent worker`` checks them.

The reports are cut from the chatbot report on the word2vec paper, checked against the paper
with the real embedded embedder; the judge is left out (``no_judge``, ``--no-judge``) to keep
the jobs short: what is tested is the class check's path, not the judge.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from docent.config import Settings
from docent.store import Store
from docent.web import create_app
from docent.web.auth import CSRF_HEADER, Accounts
from tests.conftest import WORD2VEC, run_cli

BASE = "http://127.0.0.1:8765"
PASSWORD = "correct horse battery"
SHARED_REPORT = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "reports" / \
    "chatbot-report-w2v.md"


def _paragraphs() -> list[str]:
    text = SHARED_REPORT.read_text(encoding="utf-8")
    return [p for p in text.split("\n\n") if p.strip() and not p.startswith("#") and "[" in p]


def _markdown(n: int, first: int) -> bytes:
    paras = _paragraphs()[first:first + 2]
    return (f"# Report {n}\n\n" + "\n\n".join(paras) + "\n").encode("utf-8")


def _docx(n: int, first: int) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(f"Report {n}", 1)
    for para in _paragraphs()[first:first + 2]:
        document.add_paragraph(" ".join(para.split()))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _wait_table(get, url: str, timeout: float = 300.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        table = get(url).json()
        if table["status"] == "done" or time.monotonic() > deadline:
            return table
        time.sleep(0.5)


def _wait_uploads(get, slug: str, timeout: float = 300.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        uploads = get(f"/api/projects/{slug}/sources").json()["uploads"]
        if all(u["status"] in ("done", "failed") for u in uploads) or \
                time.monotonic() > deadline:
            return uploads
        time.sleep(0.5)


# --- one person, the app's own worker --------------------------------------------------------

def test_a_class_is_checked_into_one_table_with_the_counts_of_docent_check(tmp_path):
    s1, s2, s3 = _markdown(1, 2), _docx(2, 7), _markdown(3, 5)
    app = create_app(tmp_path / "projects", Settings(workspace=tmp_path / "ws"))
    with TestClient(app, base_url=BASE) as client:
        slug = client.post("/api/projects", json={"name": "Word2vec class"}).json()["slug"]
        r = client.post(f"/api/projects/{slug}/sources?filename={WORD2VEC.name}",
                        files={"file": (WORD2VEC.name, WORD2VEC.read_bytes())})
        assert r.status_code == 202, r.text
        assert [u["status"] for u in _wait_uploads(client.get, slug)] == ["done"]
        bundle = _zip({"class/s3.md": s3, "class/slides.pdf": b"%PDF-1.4 not a report",
                       "__MACOSX/class/._s3.md": b"\x00\x05\x16\x07"})
        r = client.post(f"/api/projects/{slug}/class-checks", data={"no_judge": "1"},
                        files=[("files", ("s1.md", s1)), ("files", ("s2.docx", s2)),
                               ("files", ("class.zip", bundle))])
        assert r.status_code == 202, r.text
        made = r.json()
        assert made["accepted"] == ["s1.md", "s2.docx", "s3.md"]
        assert len(made["rejected"]) == 1, made  # the zip's system file is no submission
        assert made["rejected"][0].startswith("slides.pdf (in class.zip): not a report")
        batch = made["batch"]
        assert [b["batch"] for b in client.get(f"/api/projects/{slug}/class-checks").json()[
            "batches"]] == [batch]
        table = _wait_table(client.get, made["url"])
        csv_response = client.get(table["csv"])
        project = client.get(f"/api/projects/{slug}").json()
    assert table["status"] == "done" and table["done"] == 3, table
    rows = {r["student"]: r for r in table["rows"]}
    assert list(rows) == ["s1.md", "s2.docx", "s3.md"]
    for row in rows.values():
        assert row["review"] == f"/review#/p/{slug}/r/{row['run']}"
        assert row["cited"] > 0 and row["confirmed"] == 0
        assert len(row["worst"]) == min(3, row["errors"])
    assert project["checks"] == []  # the class's runs are in its table, not the runs list

    # the same files, checked by `docent check` against the same workspace
    folder = tmp_path / "subs"
    folder.mkdir()
    for name, data in (("s1.md", s1), ("s2.docx", s2), ("s3.md", s3)):
        (folder / name).write_bytes(data)
    done = run_cli("check", *(str(folder / n) for n in rows), "--no-judge", "--json",
                   str(tmp_path / "class.json"), workspace=tmp_path / "projects" / slug)
    assert done.returncode in (0, 1), done.stderr
    for cli in json.loads((tmp_path / "class.json").read_text(encoding="utf-8")):
        row = rows[Path(cli["report"]).name]
        assert {k: row[k] for k in ("cited", "verified", "unverified", "red", "errors")} == \
            {k: cli[k] for k in ("cited", "verified", "unverified", "red", "errors")}

    # the CSV: UTF-8 with a BOM (Excel), one line per student, the review link in full
    assert csv_response.status_code == 200
    assert csv_response.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv_response.headers["content-disposition"]
    assert csv_response.content.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.DictReader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert [p["student"] for p in parsed] == ["s1.md", "s2.docx", "s3.md"]
    assert [int(p["verified"]) for p in parsed] == [rows[p["student"]]["verified"]
                                                    for p in parsed]
    assert parsed[0]["review"] == f"{BASE}/review#/p/{slug}/r/{rows['s1.md']['run']}"


# --- accounts: whose class checks, what is refused --------------------------------------------

class _User:
    def __init__(self, app) -> None:
        self.client = TestClient(app, base_url=BASE)
        self.csrf = None

    def enter(self, path, **body):
        r = self.client.post(path, json=body)
        assert r.status_code in (200, 201), r.text
        self.csrf = r.json()["csrf"]
        return r.json()

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def post(self, url, **kw):
        return self.client.post(url, headers={CSRF_HEADER: self.csrf}, **kw)


def _people(app) -> tuple[_User, _User, _User]:
    teacher, ann, bob = _User(app), _User(app), _User(app)
    teacher.enter("/api/signup", email="t@uni.edu", name="T", password=PASSWORD,
                  role="teacher")
    code = teacher.post("/api/courses", json={"name": "Reading"}).json()["code"]
    for user, name in ((ann, "ann"), (bob, "bob")):
        user.enter("/api/signup", email=f"{name}@uni.edu", name=name, password=PASSWORD,
                   code=code)
    return teacher, ann, bob


def _fast_accounts(settings: Settings) -> Accounts:
    return Accounts(settings, hasher=PasswordHasher(time_cost=1, memory_cost=1024,
                                                    parallelism=1))


def test_class_checks_are_the_project_owners_and_refuse_what_is_no_report(tmp_path):
    settings = Settings(workspace=tmp_path / "ws", embedder="hash")
    app = create_app(tmp_path / "projects", settings, start_worker=False,
                     accounts=_fast_accounts(settings))  # no worker: the jobs stay queued
    teacher, ann, bob = _people(app)
    slug = ann.post("/api/projects", json={"name": "Mine"}).json()["slug"]
    base = f"/api/projects/{slug}/class-checks"
    r = ann.post(base, files=[("files", ("a.md", b"# A\n\nText [1].\n"))])
    assert r.status_code == 400 and "no sources" in r.json()["error"]
    ann.post(f"/api/projects/{slug}/sources?filename=notes.md",
             files={"file": ("notes.md", b"# Notes\n\nword2vec learns word vectors.\n")})
    reports = [("files", (f"s{i}.md", f"# S{i}\n\nword2vec learns vectors.\n".encode()))
               for i in range(5)]
    r = ann.post(base, files=reports)  # five reports: one job, under the limit of three
    assert r.status_code == 202, r.text
    batch = r.json()["batch"]
    table = ann.get(f"{base}/{batch}").json()
    assert [row["status"] for row in table["rows"]] == ["queued"] * 5

    missing = bob.get("/api/projects/u9-nothing").json()
    for url in (base, f"{base}/{batch}", f"{base}/{batch}.csv"):
        r = bob.get(url)
        assert (r.status_code, r.json()) == (404, missing), url
    for url, kw in ((base, {"files": reports[:1]}), (f"{base}/{batch}/cancel", {})):
        r = bob.post(url, **kw)
        assert (r.status_code, r.json()) == (404, missing), url
    assert teacher.get(f"{base}/{batch}").status_code == 200  # the course's teacher reads it
    assert teacher.post(base, files=reports[:1]).status_code == 403  # and changes nothing
    assert ann.get(f"{base}/000000000000").status_code == 404
    assert ann.get(f"{base}/not-a-batch").status_code == 422

    # what is no report: one line each, nothing queued when nothing is left
    bomb = _zip({"huge.md": b"a" * (21 * 1024 * 1024)})
    r = ann.post(base, files=[("files", ("notes.pdf", b"%PDF-1.4")),
                              ("files", ("empty.md", b"")),
                              ("files", ("bad.docx", b"PK\x03\x04 not really")),
                              ("files", ("huge.zip", bomb)),
                              ("files", ("broken.zip", b"PK\x03\x04 broken"))])
    assert r.status_code == 400, r.text
    lines = r.json()["error"].splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "notes.pdf", "empty.md", "bad.docx", "huge.md (in huge.zip)", "broken.zip"], lines
    r = ann.post(base, files=[("files", ("same.md", b"# A\n\nOne.\n")),
                              ("files", ("same.md", b"# B\n\nTwo.\n"))])
    assert r.status_code == 202 and r.json()["accepted"] == ["same.md"]
    assert r.json()["rejected"] == [
        "same.md: another submission has this name; rename one (a report's name is how its "
        "row is found)"]
    # a folder per student, each with its report.md: named by the folder
    r = ann.post(base, files=[("files", ("class.zip", _zip({
        "ann/report.md": b"# A\n\nOne.\n", "bob/report.md": b"# B\n\nTwo.\n"})))])
    assert r.status_code == 202 and r.json()["accepted"] == ["ann-report.md", "bob-report.md"]
    # three class checks queued: the fourth waits (a user's limit counts a class as one job)
    r = ann.post(base, files=reports[:1])
    assert r.status_code == 429 and "at most 3" in r.json()["error"]
    assert ann.post(f"{base}/{batch}/cancel").json() == {"cancelled": 5, "cancelling": 0}
    assert ann.post(base, files=reports[:1]).status_code == 202


# --- PostgreSQL, a Redis queue and a real `docent worker` --------------------------------------

def test_a_docent_worker_checks_the_class_of_a_project_in_postgresql(tmp_path):
    from tests.services import fresh_database, fresh_redis_db

    with fresh_database() as db, fresh_redis_db() as queue:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOCENT_")}
        env.update(DOCENT_DATABASE_URL=db, DOCENT_QUEUE_URL=queue, PYTHONUNBUFFERED="1",
                   DOCENT_WORKSPACE=str(tmp_path / "worker"), DOCENT_JOB_STALE="10",
                   DOCENT_JOB_REQUEUE="4")
        log = open(tmp_path / "worker.log", "w")
        worker = subprocess.Popen([sys.executable, "-m", "docent.cli", "worker"], env=env,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _queue_mode(tmp_path, db, queue)
        except BaseException:
            print((tmp_path / "worker.log").read_text(errors="replace"))
            raise
        finally:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
            log.close()


def _queue_mode(tmp_path: Path, db: str, queue: str) -> None:
    settings = Settings(workspace=tmp_path / "ws", database_url=db, queue_url=queue)
    app = create_app(tmp_path / "projects", settings, accounts=_fast_accounts(settings))
    with TestClient(app, base_url=BASE):
        teacher = _User(app)
        teacher.enter("/api/signup", email="t@uni.edu", name="T", password=PASSWORD,
                      role="teacher")
        slug = teacher.post("/api/projects", json={"name": "Class"}).json()["slug"]
        folder = tmp_path / "projects" / slug
        schema = json.loads((folder / "project.json").read_text())["schema"]
        assert Store.project_schemas(db) == [schema] and not (folder / "docent.db").exists()
        r = teacher.post(f"/api/projects/{slug}/sources?filename={WORD2VEC.name}",
                         files={"file": (WORD2VEC.name, WORD2VEC.read_bytes())})
        assert r.status_code == 202, r.text
        assert [u["status"] for u in _wait_uploads(teacher.get, slug)] == ["done"]
        base = f"/api/projects/{slug}/class-checks"
        r = teacher.post(base, data={"no_judge": "1"},
                         files=[("files", ("s1.md", _markdown(1, 2))),
                                ("files", ("s2.md", _markdown(2, 7)))])
        assert r.status_code == 202, r.text
        table = _wait_table(teacher.get, r.json()["url"], timeout=240)
        assert [(row["student"], row["status"]) for row in table["rows"]] == [
            ("s1.md", "done"), ("s2.md", "done")], table
        assert all(row["cited"] > 0 for row in table["rows"])
        with Store.open(tmp_path / "reader", db, schema=schema) as store:
            ran_by = {store.conn.execute("SELECT worker FROM runs WHERE id = ?",
                                         (row["run"],)).fetchone()[0] for row in table["rows"]}
        assert all(w and ":" in w for w in ran_by), ran_by  # a `docent worker` ran them

        # the review view's PDF page, from the database once the file is not on this machine
        run = table["rows"][0]["run"]
        items = teacher.get(f"/api/projects/{slug}/runs/{run}/review").json()["items"]
        pid = next(i["evidence"]["passage_id"] for i in items
                   if (i.get("evidence_view") or {}).get("pdf"))
        (folder / "uploads" / WORD2VEC.name).unlink()
        page = teacher.get(f"/api/projects/{slug}/runs/{run}/passages/{pid}/page.png")
        assert page.status_code == 200 and page.content.startswith(b"\x89PNG")

        # cancelled at once: the worker leaves them (a job it had claimed stops or ends)
        r = teacher.post(base, data={"no_judge": "1"},
                         files=[("files", (f"c{i}.md", _markdown(i, i))) for i in range(3)])
        batch = r.json()["batch"]
        assert teacher.post(f"{base}/{batch}/cancel").status_code == 200
        time.sleep(8)
        table = teacher.get(f"{base}/{batch}").json()
        assert table["status"] == "done" and table["cancelled"] >= 2, table
