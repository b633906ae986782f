"""People on a course server (``create_app(..., accounts=True)``): each student sees only their
own projects and runs, a teacher those of their course; logins are throttled, state-changing
requests need the session's CSRF token, a forged session is refused, a 300 MB upload is refused
with nothing stored, and the API fuzzed from its own OpenAPI description (schemathesis) never
fails with a 5xx nor answers one user with another's project."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
import uuid
from contextlib import contextmanager

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode, base64_encode

from docent.config import Settings
from docent.errors import DocentError
from docent.web import create_app
from docent.web.auth import CSRF_HEADER, SESSION_COOKIE, Accounts

BASE = "http://127.0.0.1:8765"
PASSWORD = "correct horse battery"
MB = 1024 * 1024
NOTES = b"# Notes\n\nALCE is a benchmark for citations. Citation recall checks support.\n"


def _settings(tmp) -> Settings:
    return Settings(workspace=tmp / "ws", embedder="hash", llm="scripted-none")


def _app(tmp, **kw):
    """An app with accounts and no worker (jobs stay queued); argon2 at test cost."""
    settings = _settings(tmp)
    people = Accounts(settings, hasher=PasswordHasher(time_cost=1, memory_cost=1024,
                                                      parallelism=1))
    kw.setdefault("max_upload", 100 * MB)
    return create_app(tmp / "projects", settings, start_worker=False, accounts=people, **kw)


class User:
    """A browser of one person: its own cookie jar, and the CSRF token of its session."""

    def __init__(self, app, base=BASE) -> None:
        self.client = TestClient(app, base_url=base)
        self.csrf = None
        self.me = None

    def enter(self, path, **body):
        r = self.client.post(path, json=body)
        if r.status_code in (200, 201):
            self.me, self.csrf = r.json(), r.json()["csrf"]
        return r

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def post(self, url, **kw):
        headers = {CSRF_HEADER: self.csrf, **kw.pop("headers", {})}
        return self.client.post(url, headers=headers, **kw)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A teacher with a course; students Ann (a project with an upload and a queued run) and
    Bob (a project of his own) in it."""
    tmp = tmp_path_factory.mktemp("people")
    app = _app(tmp)
    teacher = User(app)
    r = teacher.enter("/api/signup", email="Teacher@Uni.edu", name="Ms T", password=PASSWORD,
                      role="teacher")  # the first account of a loopback server
    assert r.status_code == 201 and r.json()["role"] == "teacher", r.text
    r = teacher.post("/api/courses", json={"name": "Reading 101", "assignment": "Write 300 words"})
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    ann, bob = User(app), User(app)
    for user, name in ((ann, "Ann"), (bob, "Bob")):
        r = user.enter("/api/signup", email=f"{name.lower()}@uni.edu", name=name,
                       password=PASSWORD, code=code.lower())
        assert r.status_code == 201 and r.json()["courses"][0]["name"] == "Reading 101", r.text
    a_slug = ann.post("/api/projects", json={"name": "Reading"}).json()["slug"]
    b_slug = bob.post("/api/projects", json={"name": "Reading"}).json()["slug"]
    assert a_slug != b_slug  # the same name, two projects
    r = ann.post(f"/api/projects/{a_slug}/sources?filename=notes.md",
                 files={"file": ("notes.md", NOTES, "text/markdown")})
    assert r.status_code == 202, r.text
    r = ann.post(f"/api/projects/{a_slug}/runs", json={"assignment": "Write 300 words"})
    assert r.status_code == 202, r.text
    yield app, teacher, ann, bob, a_slug, b_slug, r.json()["id"], tmp


def _a_urls(slug, run):
    base = f"/api/projects/{slug}"
    return [base, f"{base}/sources", f"{base}/runs", f"{base}/runs/{run}",
            f"{base}/runs/{run}/report.md", f"{base}/runs/{run}/report.html?download=1",
            f"{base}/runs/{run}/validation.json", f"{base}/runs/{run}/review",
            f"{base}/runs/{run}/passages/1", f"{base}/runs/{run}/passages/1/page.png"]


def test_a_student_never_sees_another_students_project(course):
    app, _, ann, bob, a_slug, b_slug, run, _ = course
    assert [p["slug"] for p in ann.get("/api/projects").json()["projects"]] == [a_slug]
    assert [p["slug"] for p in bob.get("/api/projects").json()["projects"]] == [b_slug]
    assert ann.get(f"/api/projects/{a_slug}/runs/{run}").status_code == 200
    missing = bob.get("/api/projects/u9-no-such-project")
    assert missing.status_code == 404
    for url in _a_urls(a_slug, run):  # Ann's project, run and files: exactly a missing one
        r = bob.get(url)
        assert (r.status_code, r.json()) == (404, missing.json()), url
        assert a_slug not in r.text and "notes.md" not in r.text
    base = f"/api/projects/{a_slug}"
    for url, kw in [(f"{base}/runs", {"json": {"assignment": "x"}}),
                    (f"{base}/runs/{run}/cancel", {}),
                    (f"{base}/runs/{run}/review", {"json": {"seen": 0, "decisions": [
                        {"id": "s1", "action": "confirmed"}]}}),
                    (f"{base}/links", {"json": {"links": "https://arxiv.org/abs/2305.14627"}}),
                    (f"{base}/sources?filename=x.md", {"files": {"file": ("x.md", NOTES)}})]:
        r = bob.post(url, **kw)
        assert (r.status_code, r.json()) == (404, missing.json()), url
    state = ann.get(f"/api/projects/{a_slug}").json()  # nothing Bob did reached it
    assert [r["status"] for r in state["runs"]] == ["queued"]
    assert [u["file"] for u in state["uploads"]] == ["notes.md"]
    assert bob.get(f"/api/projects/{b_slug}").json()["runs"] == []


def test_the_teacher_reads_the_courses_projects(course):
    app, teacher, ann, bob, a_slug, b_slug, run, _ = course
    listed = {p["slug"]: p for p in teacher.get("/api/projects").json()["projects"]}
    assert set(listed) == {a_slug, b_slug}
    assert listed[a_slug]["owner"] == "Ann" and listed[a_slug]["mine"] is False
    assert teacher.get(f"/api/projects/{a_slug}/runs/{run}").json()["status"] == "queued"
    r = teacher.post(f"/api/projects/{a_slug}/runs/{run}/cancel")
    assert r.status_code == 403 and "can only be read" in r.json()["error"]
    students = teacher.get("/api/courses").json()["courses"][0]["students"]
    assert [s["name"] for s in students] == ["Ann", "Bob"]
    # the course's sources: the teacher's project in the course, which students may read
    course_id = teacher.get("/api/courses").json()["courses"][0]["id"]
    r = teacher.post("/api/projects", json={"name": "Course sources", "course": course_id})
    assert r.status_code == 201, r.text
    shared = r.json()["slug"]
    assert shared in [p["slug"] for p in ann.get("/api/projects").json()["projects"]]
    assert bob.get(f"/api/projects/{shared}").status_code == 200
    r = bob.post(f"/api/projects/{shared}/runs", json={"assignment": "x"})
    assert r.status_code == 403
    assert teacher.post("/api/projects", json={"name": "x", "course": 999}).status_code == 404
    # a teacher of another course sees none of it
    other = User(app)
    invite = teacher.post("/api/invites").json()["invite"]
    assert other.enter("/api/signup", email="o@uni.edu", name="O", password=PASSWORD,
                       role="teacher", invite=invite).status_code == 201
    assert other.get("/api/projects").json()["projects"] == []
    assert other.get(f"/api/projects/{a_slug}").status_code == 404


def test_signup_rules_and_sessions(course):
    app, teacher, ann, bob, a_slug, *_ = course
    new = User(app)
    assert new.get("/api/projects").status_code == 401 and new.get("/api/me").status_code == 401
    assert new.get("/api/health").status_code == 200
    r = new.enter("/api/signup", email="c@uni.edu", name="C", password=PASSWORD)
    assert r.status_code == 400 and "code" in r.json()["error"]
    r = new.enter("/api/signup", email="c@uni.edu", name="C", password=PASSWORD, code="NOPE")
    assert r.status_code == 400
    r = new.enter("/api/signup", email="c@uni.edu", name="C", password=PASSWORD, role="teacher")
    assert r.status_code == 403 and "invite" in r.json()["error"]
    r = new.enter("/api/signup", email="c@uni.edu", name="C", password=PASSWORD, role="teacher",
                  invite="forged.invite")
    assert r.status_code == 403
    code = teacher.get("/api/courses").json()["courses"][0]["code"]
    r = new.enter("/api/signup", email=" ANN@uni.edu", name="Ann again", password=PASSWORD,
                  code=code)
    assert r.status_code == 409 and "exists" in r.json()["error"]
    assert new.enter("/api/signup", email="x", name="C", password=PASSWORD).status_code in (400,
                                                                                           422)
    # a student cannot make a course; joining twice is harmless
    assert ann.post("/api/courses", json={"name": "mine"}).status_code == 403
    assert ann.post("/api/courses/join", json={"code": code}).status_code == 200
    assert ann.post("/api/courses/join", json={"code": "ZZZZZZZZ"}).status_code == 404
    # the cookie: HttpOnly, SameSite=Lax, Secure over https
    r = User(app, base="https://127.0.0.1").enter("/api/login", email="bob@uni.edu",
                                                  password=PASSWORD)
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
    r = User(app).enter("/api/login", email="bob@uni.edu", password=PASSWORD)
    assert "secure" not in r.headers["set-cookie"].lower()


def test_csrf_is_required_for_every_change(course):
    _, _, ann, bob, a_slug, *_ = course
    for headers in ({CSRF_HEADER: ""}, {CSRF_HEADER: "guess"}, {CSRF_HEADER: bob.csrf}):
        r = ann.client.post("/api/projects", json={"name": "csrf"}, headers=headers)
        assert r.status_code == 403 and "CSRF" in r.json()["error"]
        r = ann.client.post(f"/api/projects/{a_slug}/runs", json={"assignment": "x"},
                            headers=headers)
        assert r.status_code == 403
    r = ann.client.post("/api/projects", json={"name": "csrf"})  # no header at all
    assert r.status_code == 403
    assert "csrf" not in [p["name"] for p in ann.get("/api/projects").json()["projects"]]
    assert ann.get("/api/projects").status_code == 200  # reads need no token


def test_a_tampered_or_ended_session_is_refused(course):
    app, teacher, *_ = course
    eve = User(app)
    code = teacher.get("/api/courses").json()["courses"][0]["code"]
    assert eve.enter("/api/signup", email="eve@uni.edu", name="Eve", password=PASSWORD,
                     code=code).status_code == 201
    good = eve.client.cookies[SESSION_COOKIE]

    def with_cookie(value, method="get", **kw):
        client = TestClient(app, base_url=BASE)  # no cookie jar of its own
        headers = {"Cookie": f"{SESSION_COOKIE}={value}", CSRF_HEADER: eve.csrf}
        return getattr(client, method)("/api/me" if method == "get" else "/api/projects",
                                       headers=headers, **kw)

    assert with_cookie(good).json()["name"] == "Eve"
    payload, stamp, signature = good.split(".")
    data = json.loads(base64_decode(payload))
    data["u"] = 1  # the teacher's id, with Eve's signature
    as_teacher = base64_encode(json.dumps(data, separators=(",", ":"))).decode()
    other_key = URLSafeTimedSerializer("not the key", salt="docent.session").dumps(data)
    for forged in (f"{as_teacher}.{stamp}.{signature}", other_key,
                   good[:-2] + ("AA" if not good.endswith("AA") else "BB"), "x" * 40):
        r = with_cookie(forged)
        assert r.status_code == 401 and "log in" in r.json()["error"], forged
        assert with_cookie(forged, "post", json={"name": "x"}).status_code == 401
    assert eve.post("/api/logout").status_code == 200
    assert with_cookie(good).status_code == 401  # a copy of the cookie kept after logout
    assert eve.get("/api/me").status_code == 401


def test_a_brute_forced_login_is_throttled(course):
    app, teacher, *_ = course
    carol, mallory = User(app), User(app)
    code = teacher.get("/api/courses").json()["courses"][0]["code"]
    assert carol.enter("/api/signup", email="carol@uni.edu", name="Carol", password=PASSWORD,
                       code=code).status_code == 201
    assert User(app).enter("/api/login", email="CAROL@uni.edu",
                           password=PASSWORD).status_code == 200
    for _ in range(5):
        r = mallory.enter("/api/login", email="carol@uni.edu", password="wrong password")
        assert r.status_code == 401 and r.json()["error"] == "wrong email or password"
    r = mallory.enter("/api/login", email="carol@uni.edu", password=PASSWORD)  # even the right one
    assert r.status_code == 429 and 800 < int(r.headers["retry-after"]) <= 900
    assert "minutes" in r.json()["fix"] and SESSION_COOKIE not in mallory.client.cookies
    # an unknown email answers the same as a wrong password
    r = mallory.enter("/api/login", email="nobody@uni.edu", password="x")
    assert r.status_code == 401 and r.json()["error"] == "wrong email or password"
    # Carol's session goes on; the window over, she logs in again
    assert carol.get("/api/me").status_code == 200
    people = app.state.accounts
    people.throttle = (5, 0.001)
    try:
        time.sleep(0.01)
        assert mallory.enter("/api/login", email="carol@uni.edu",
                             password=PASSWORD).status_code == 200
    finally:
        people.throttle = (5, 900.0)


def test_a_user_has_a_few_jobs_at_once(course):
    _, _, ann, _, a_slug, _, _, _ = course
    for _ in range(2):  # the fixture queued one
        assert ann.post(f"/api/projects/{a_slug}/runs",
                        json={"assignment": "Write 300 words"}).status_code == 202
    r = ann.post(f"/api/projects/{a_slug}/runs", json={"assignment": "Write 300 words"})
    assert r.status_code == 429 and "at most 3" in r.json()["error"]
    runs = ann.get(f"/api/projects/{a_slug}").json()["runs"]
    cancelled = ann.post(f"/api/projects/{a_slug}/runs/{runs[0]['id']}/cancel").json()
    assert cancelled == {"status": "cancelled"}
    assert ann.post(f"/api/projects/{a_slug}/runs",
                    json={"assignment": "Write 300 words"}).status_code == 202


@contextmanager
def _uvicorn(app):
    """The app served by uvicorn in a thread (a real socket: the body streams)."""
    import socket

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off",
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def test_a_300_mb_upload_is_refused_and_nothing_is_stored(tmp_path):
    app = _app(tmp_path, max_upload=100 * MB)
    with _uvicorn(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        me = client.post("/api/signup", json={"email": "t@uni.edu", "name": "T",
                                              "password": PASSWORD, "role": "teacher"}).json()
        headers = {CSRF_HEADER: me["csrf"]}
        slug = client.post("/api/projects", json={"name": "big"}, headers=headers).json()["slug"]
        boundary = uuid.uuid4().hex
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"lecture.mp4\"\r\nContent-Type: video/mp4\r\n\r\n").encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        sent = []

        def body():  # 300 MB, never held in memory
            yield head + b"\x00\x00\x00\x18ftypmp42"
            for _ in range(300):
                sent.append(MB)
                yield bytes(MB)
            yield tail

        size = len(head) + 12 + 300 * MB + len(tail)
        kind = {"Content-Type": f"multipart/form-data; boundary={boundary}", **headers}
        r = client.post(f"/api/projects/{slug}/sources?filename=lecture.mp4", content=body(),
                        headers={**kind, "Content-Length": str(size)})
        assert r.status_code == 413 and "upload limit (100 MB)" in r.json()["error"]
        assert r.json()["file"] == "lecture.mp4"
        sent.clear()  # without a length (chunked): refused as well
        r = client.post(f"/api/projects/{slug}/sources?filename=lecture.mp4", content=body(),
                        headers=kind)
        assert r.status_code == 411
        state = client.get(f"/api/projects/{slug}").json()
    assert state["uploads"] == [] and state["sources"] == []
    uploads = tmp_path / "projects" / slug / "uploads"
    assert list(uploads.iterdir()) == []  # not even a partial file


def test_accounts_on_a_postgresql_server(tmp_path):
    """The server database may be PostgreSQL (DOCENT_DATABASE_URL): the same people, rules."""
    from tests.services import fresh_database

    with fresh_database() as url:
        settings = Settings(workspace=tmp_path / "ws", embedder="hash", database_url=url)
        people = Accounts(settings, hasher=PasswordHasher(time_cost=1, memory_cost=1024,
                                                          parallelism=1))
        app = create_app(tmp_path / "projects", settings, start_worker=False, accounts=people)
        teacher, ann, bob = User(app), User(app), User(app)
        assert teacher.enter("/api/signup", email="t@uni.edu", name="T", password=PASSWORD,
                             role="teacher").status_code == 201
        code = teacher.post("/api/courses", json={"name": "C"}).json()["code"]
        for user, name in ((ann, "ann"), (bob, "bob")):
            assert user.enter("/api/signup", email=f"{name}@uni.edu", name=name,
                              password=PASSWORD, code=code).status_code == 201
        slug = ann.post("/api/projects", json={"name": "Mine"}).json()["slug"]
        assert bob.get(f"/api/projects/{slug}").status_code == 404
        assert bob.get("/api/projects").json()["projects"] == []
        assert teacher.get(f"/api/projects/{slug}").status_code == 200
        for _ in range(5):
            User(app).enter("/api/login", email="bob@uni.edu", password="wrong")
        assert User(app).enter("/api/login", email="bob@uni.edu",
                               password=PASSWORD).status_code == 429
        assert not (tmp_path / "ws" / "docent.db").exists()  # the accounts are in PostgreSQL
        people.close()


def test_the_login_form_in_the_browser(tmp_path):
    """The page shows the login form until one logs in; the UI's changes carry the CSRF token."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    chromium = "/usr/bin/chromium"
    if not os.access(chromium, os.X_OK):
        pytest.skip(f"{chromium} is missing (scripts/install.sh --test installs it)")
    expect = sync_api.expect
    with _uvicorn(_app(tmp_path)) as url, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url)
        expect(page.locator("#login-view")).to_be_visible()
        expect(page.locator("#app-main")).to_be_hidden()
        page.fill("#signup-name", "Ms T")
        page.fill("#signup-email", "t@uni.edu")
        page.fill("#signup-password", PASSWORD)
        page.click("#signup-button")  # the first account: the teacher
        expect(page.locator("#user-name")).to_have_text("Ms T (teacher)")
        expect(page.locator("#login-view")).to_be_hidden()
        page.fill("#course-name", "Reading 101")
        page.click("#create-course")
        expect(page.locator("#course-list")).to_contain_text("Reading 101")
        expect(page.locator("#course-list")).to_contain_text("code ")
        page.fill("#project-name", "Course sources")
        page.click("#create-project")
        expect(page.locator("#project-title")).to_have_text("Course sources")
        page.click("#logout")
        expect(page.locator("#login-view")).to_be_visible()
        page.fill("#login-email", "t@uni.edu")
        page.fill("#login-password", "not it")
        page.click("#login-button")
        expect(page.locator("#login-error")).to_contain_text("wrong email or password")
        page.fill("#login-password", PASSWORD)
        page.click("#login-button")
        expect(page.locator("#project-list")).to_contain_text("Course sources")
        browser.close()
    assert not errors, errors


def test_the_secret_key_and_the_serve_command(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from docent.cli import app as cli

    Accounts(_settings(tmp_path)).close()
    key = tmp_path / "ws" / "secret.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_text().strip()) >= 32
    first = key.read_text()
    Accounts(_settings(tmp_path)).close()
    assert key.read_text() == first  # made once
    for args, env in ((["--host", "0.0.0.0", "--allow-remote"], {}),
                      ([], {"DOCENT_DATABASE_URL": "postgresql://postgres@127.0.0.1/x"})):
        for k in [k for k in os.environ if k.startswith("DOCENT_")]:
            monkeypatch.delenv(k)
        result = CliRunner().invoke(cli, ["serve", *args, "-w", str(tmp_path / "w2")], env=env)
        assert isinstance(result.exception, DocentError), result.output
        assert "needs --accounts" in str(result.exception)
    # without accounts the app is the one-person app: no login, no people routes
    plain = TestClient(create_app(tmp_path / "p", _settings(tmp_path), start_worker=False),
                       base_url=BASE)
    assert plain.get("/api/me").status_code == 404
    assert plain.post("/api/projects", json={"name": "x"}).status_code == 201


def test_the_api_fuzzed_never_fails_nor_crosses_users(tmp_path):
    """schemathesis against the app's own OpenAPI description, as student Bob (his own and
    Ann's project slugs in the paths): no 5xx, and nothing of Ann's in any answer."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
    from schemathesis import GenerationMode

    app = _app(tmp_path, allow_remote=True)  # a course server
    people = app.state.accounts
    teacher, ann, bob = User(app), User(app), User(app)
    assert teacher.enter("/api/signup", email="t@uni.edu", name="T", password=PASSWORD,
                         role="teacher", invite=people.invite()).status_code == 201
    code = teacher.post("/api/courses", json={"name": "C"}).json()["code"]
    for user, name in ((ann, "ann"), (bob, "bob")):
        assert user.enter("/api/signup", email=f"{name}.x7@school.test", name=name,
                          password=PASSWORD, code=code).status_code == 201
    a_slug = ann.post("/api/projects", json={"name": "Secret plans"}).json()["slug"]
    b_slug = bob.post("/api/projects", json={"name": "Own work"}).json()["slug"]
    ann.post(f"/api/projects/{a_slug}/sources?filename=notes.md",
             files={"file": ("notes.md", NOTES, "text/markdown")})
    a_run = ann.post(f"/api/projects/{a_slug}/runs", json={"assignment": "Write"}).json()["id"]
    bob.post(f"/api/projects/{b_slug}/sources?filename=notes.md",
             files={"file": ("notes.md", NOTES, "text/markdown")})
    b_run = bob.post(f"/api/projects/{b_slug}/runs", json={"assignment": "Write"}).json()["id"]
    before = ann.get(f"/api/projects/{a_slug}").json()

    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    cookies = {SESSION_COOKIE: bob.client.cookies[SESSION_COOKIE]}
    headers = {CSRF_HEADER: bob.csrf}
    secrets_of_ann = (a_slug, "ann.x7@school.test", "Secret plans")
    seen = {"calls": 0, "statuses": set()}
    per_op = {}
    for result in schema.get_all_operations():
        op = result.ok()
        if op.path == "/api/logout":
            continue  # it would end Bob's session; tested above
        params = {p.name for p in op.path_parameters}
        fixed = [None]
        if "slug" in params:
            fixed = [{"slug": a_slug}, {"slug": b_slug}]
            if "run_id" in params:
                fixed += [{"slug": a_slug, "run_id": a_run}, {"slug": b_slug, "run_id": b_run}]
        strategy = st.one_of([op.as_strategy(mode, path_parameters=f)
                              for f in fixed for mode in (GenerationMode.POSITIVE,
                                                          GenerationMode.NEGATIVE)])

        @hsettings(max_examples=12 * len(fixed), deadline=None, database=None,
                   derandomize=True, suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def fuzz(case):
            response = case.call(headers=headers, cookies=cookies)
            seen["calls"] += 1
            seen["statuses"].add(response.status_code)
            per_op.setdefault(f"{case.method} {op.path}", set()).add(response.status_code)
            assert response.status_code < 500, (case.method, case.formatted_path,
                                                response.status_code, response.text[:300])
            for secret in secrets_of_ann:
                assert secret not in response.text, (case.method, case.formatted_path,
                                                     response.text[:300])

        fuzz()
    assert seen["calls"] > 300 and {200, 404} <= seen["statuses"], seen
    assert 200 in per_op["GET /api/projects/{slug}"]  # it reached into Bob's own project
    assert 202 in per_op["POST /api/projects/{slug}/runs"]
    after = ann.get(f"/api/projects/{a_slug}").json()
    assert after == before  # nothing Bob sent changed Ann's project
    assert bob.get("/api/me").status_code == 200
