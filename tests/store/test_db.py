import numpy as np
import pytest

from docent.errors import WorkspaceError
from docent.store import Store, text_sha
from docent.types import Locator, Passage, Source, SourceKind
from tests.services import fresh_database


MIGRATIONS = ["m001_initial", "m002_transcripts", "m003_llm_calls", "m004_runs",
              "m005_run_results", "m006_reviews", "m007_jobs", "m008_accounts"]


@pytest.fixture(params=["sqlite", "postgresql"])
def opener(request, tmp_path):
    """``opener(folder)`` opens a workspace on each engine: the folder's SQLite file, or one
    fresh PostgreSQL database (the same one on every call of a test, as a reopened file)."""
    if request.param == "sqlite":
        yield lambda root: Store.open(root)
        return
    with fresh_database() as url:
        yield lambda root: Store.open(root, url)


def _source(path="/x/a.txt", sha="aa"):
    return Source(path=path, kind=SourceKind.text, title="A", sha256=sha)


def _passages(n):
    return [Passage(ordinal=i, text=f"text {i}", locator=Locator(chunk=i + 1),
                    char_start=i * 7, char_end=i * 7 + 6) for i in range(n)]


def test_migrations_apply_once_and_reopen(tmp_path, opener):
    with opener(tmp_path / "ws") as store:
        assert store.migrations() == MIGRATIONS
        assert store.generation() == 0
    with opener(tmp_path / "ws") as store:
        assert store.migrations() == MIGRATIONS
        sql = ("SELECT name FROM sqlite_master" if store.dialect == "sqlite" else
               "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        tables = {r[0] for r in store.conn.execute(sql)}
        assert {"sources", "passages", "vectors", "meta", "_migrations", "reviews"} <= tables


def test_not_a_database_is_a_clear_error(tmp_path):
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "docent.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(WorkspaceError, match="docent.db"):
        Store.open(tmp_path / "ws")


def test_save_replaces_by_path_and_bumps_generation(tmp_path, opener):
    store = opener(tmp_path / "ws")
    ps = _passages(3)
    first = store.save_source(_source(), "x" * 30, ps, [text_sha(p.text) for p in ps])
    assert first.passage_count == 3 and store.generation() == 1
    ps2 = _passages(2)
    second = store.save_source(_source(sha="bb"), "y" * 30, ps2, [text_sha(p.text) for p in ps2])
    assert [s.id for s in store.sources()] == [second.id]
    assert store.passage_count() == 2 and store.generation() == 2
    assert store.passages(second.id)[1].locator.chunk == 2


def test_failed_save_leaves_nothing_half_written(tmp_path, opener):
    store = opener(tmp_path / "ws")
    ps = _passages(3)
    store.save_source(_source(), "x" * 30, ps, [text_sha(p.text) for p in ps])
    with pytest.raises(ValueError):  # one sha short: the insert of passages fails midway
        store.save_source(_source(sha="cc"), "z", _passages(3), ["1", "2"])
    # the old version of the source is still there, whole
    (only,) = store.sources()
    assert only.sha256 == "aa" and only.passage_count == 3
    assert store.generation() == 1


def test_vectors_round_trip_and_join(tmp_path, opener):
    store = opener(tmp_path / "ws")
    ps = _passages(2)
    shas = [text_sha(p.text) for p in ps]
    store.save_source(_source(), "x" * 30, ps, shas)
    assert len(store.texts_missing_vectors("m")) == 2
    v = np.array([0.6, 0.8], dtype=np.float32)
    store.put_vectors("m", [(shas[0], v)])
    assert np.allclose(store.cached_vectors("m", shas)[shas[0]], v)
    ids, matrix = store.passage_vectors("m")
    assert len(ids) == 1 and matrix.shape == (1, 2)
    assert [r[0] for r in store.texts_missing_vectors("m")] == [shas[1]]
    assert store.texts_missing_vectors("m")[0][3] == "body"
    assert store.passage_vectors("other")[0].size == 0


def test_a_run_keeps_its_result_and_progress(tmp_path, opener):
    store = opener(tmp_path / "ws")
    old = store.create_run("write", "assignment A", "{}", {"model": "m"})
    run = store.create_run("write", "assignment B", "{}", {"model": "m"})
    assert store.run(run)["draft"] is None and store.run(run)["progress"] is None
    store.set_run_progress(run, {"stage": "sections", "done": 1, "total": 4})
    store.save_run_result(run, draft='{"title": "t"}', validation='{"report": "r"}')
    store.save_run_result(run, validation='{"report": "r2"}')  # the draft is kept
    store.close()
    store = opener(tmp_path / "ws")  # survives a restart
    r = store.run(run)
    assert r["progress"] == {"stage": "sections", "done": 1, "total": 4}
    assert r["draft"] == '{"title": "t"}' and r["validation"] == '{"report": "r2"}'
    assert [x["id"] for x in store.runs("write")] == [run, old] and store.runs("ingest") == []


def test_runs_are_typed_records(tmp_path, opener):
    from docent.store import Run

    store = opener(tmp_path / "ws")
    run_id = store.create_run("ingest", "paper.pdf", "{}", {"file": "paper.pdf"})
    store.set_run_brief(run_id, '{"sections": []}')
    run = store.run(run_id)
    assert isinstance(run, Run) and store.runs() == [run]
    assert (run.id, run.kind, run.status, run.options) == (run_id, "ingest", "running",
                                                           {"file": "paper.pdf"})
    assert run.brief == '{"sections": []}' and run.draft is None and run.error is None
    assert run["status"] == run.status and run.get("draft") is None  # dict-style callers
    with pytest.raises(KeyError):
        run["nope"]
    assert run.to_json()["options"] == {"file": "paper.pdf"}


def test_a_bad_database_url_is_one_clear_line(tmp_path):
    with pytest.raises(WorkspaceError, match="cannot use the database") as caught:
        Store.open(tmp_path / "ws", "postgresql://postgres@127.0.0.1:1/nowhere")
    assert "\n" not in str(caught.value)
    with pytest.raises(WorkspaceError, match="not a database Docent can use"):
        Store.open(tmp_path / "ws", "mongodb://x/y")


def test_postgres_schemas_keep_workspaces_apart(tmp_path):
    with fresh_database() as url:
        a = Store.open(tmp_path / "a", url, schema="p_a")
        b = Store.open(tmp_path / "b", f"{url}?schema=p_b")
        ps = _passages(2)
        a.save_source(_source(), "x" * 30, ps, [text_sha(p.text) for p in ps])
        assert a.passage_count() == 2 and b.passage_count() == 0 and b.sources() == []
        a.close(), b.close()
        Store.open(tmp_path / "c", url, schema="other").close()  # not a project's
        assert Store.project_schemas(url) == ["p_a", "p_b"]  # what the workers sweep
        assert Store.project_schemas(f"{url}?schema=p_a") == ["p_a", "p_b"]
    assert Store.project_schemas(None) == [] and Store.project_schemas("sqlite:///x.db") == []


def test_a_run_is_claimed_once_and_again_when_its_worker_dies(tmp_path, opener):
    store = opener(tmp_path / "ws")
    run = store.create_run("check", "a.md", "", {})
    store.set_run_status(run, "queued")
    assert store.claim_run(run, "w1") == "claimed"
    assert store.claim_run(run, "w2") == "busy"  # w1 is alive
    assert store.heartbeat(run, "w1") and not store.heartbeat(run, "w2")
    assert store.orphaned_runs(["check"], stale=30) == []
    # w1 falls silent: after `stale` seconds the run is orphaned and w2 takes it over
    assert store.orphaned_runs(["check"], stale=-1) == [run]
    assert store.claim_run(run, "w2", stale=-1) == "claimed"
    assert not store.heartbeat(run, "w1") and store.run_attempts(run) == 2
    store.set_run_status(run, "done")
    assert store.claim_run(run, "w3", stale=-1) == "settled"
    assert store.claim_run(run + 100, "w3") == "settled"


def test_files_are_kept_by_hash(tmp_path, opener):
    store = opener(tmp_path / "ws")
    data = bytes(range(256)) * 10
    store.put_file("ab", "paper.pdf", data)
    store.put_file("ab", "again.pdf", data)  # the same content is kept once
    assert store.file("ab") == data and store.file("cd") is None


def test_accounts_courses_and_who_sees_which_project(tmp_path, opener):
    from docent.store import AccountExists

    store = opener(tmp_path / "ws")
    assert store.user_count() == 0
    teacher = store.create_user("t@uni.edu", "T", "hash-t", "teacher")
    ann = store.create_user("ann@uni.edu", "Ann", "hash-a", "student")
    bob = store.create_user("bob@uni.edu", "Bob", "hash-b", "student")
    other = store.create_user("o@uni.edu", "O", "hash-o", "teacher")
    with pytest.raises(AccountExists):
        store.create_user("ann@uni.edu", "Ann 2", "h", "student")
    assert store.user_count() == 4 and store.user_by_email("ann@uni.edu") == ann
    assert "hash-a" not in repr(ann)  # the hash is kept out of logs
    course = store.create_course("Reading", "ABCD2345", teacher.id, "Write a report")
    with pytest.raises(AccountExists):
        store.create_course("Again", "ABCD2345", teacher.id)
    assert store.course_by_code("ABCD2345") == course and store.course_by_code("X") is None
    store.join_course(course.id, ann.id)
    store.join_course(course.id, ann.id)  # joining twice changes nothing
    store.join_course(course.id, bob.id)
    assert [u.name for u in store.course_members(course.id)] == ["Ann", "Bob"]
    assert store.courses_joined(ann.id) == [course] == store.courses_taught(teacher.id)
    store.set_project_owner("u2-ann", ann.id, course.id)
    store.set_project_owner("u3-bob", bob.id)  # no course: still the course teacher's to read
    store.set_project_owner("u1-sources", teacher.id, course.id)  # the course's sources
    store.set_project_owner("u4-own", other.id)
    seen = lambda user: {(a.slug, a.writable) for a in store.visible_projects(user.id)}  # noqa
    assert seen(ann) == {("u2-ann", True), ("u1-sources", False)}
    assert seen(bob) == {("u3-bob", True), ("u1-sources", False)}
    assert seen(teacher) == {("u1-sources", True), ("u2-ann", False), ("u3-bob", False)}
    assert seen(other) == {("u4-own", True)}
    assert store.project_access(bob.id, "u2-ann") is None
    assert store.project_access(ann.id, "nope") is None
    access = store.project_access(teacher.id, "u2-ann")
    assert (access.owner_name, access.course_id, access.writable) == ("Ann", course.id, False)
    assert store.owned_projects(ann.id) == ["u2-ann"] and store.project_owner("u3-bob") == bob.id


def test_sessions_end_and_login_failures_are_counted(tmp_path, opener):
    store = opener(tmp_path / "ws")
    user = store.create_user("a@b.cd", "A", "h1", "student")
    assert user.session_epoch == 0
    store.end_sessions(user.id)
    store.set_password_hash(user.id, "h2")
    again = store.user(user.id)
    assert again.session_epoch == 1 and again.password_hash == "h2"
    assert store.login_failures("k", 900) == (0, None)
    for _ in range(3):
        store.add_login_failure("k")
    store.add_login_failure("other")
    count, oldest = store.login_failures("k", 900)
    assert count == 3 and oldest is not None
    assert store.login_failures("k", -1)[0] == 0  # outside the window
    store.clear_login_failures("k")
    assert store.login_failures("k", 900)[0] == 0 and store.login_failures("other", 900)[0] == 1
