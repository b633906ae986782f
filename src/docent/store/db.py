"""The workspace database: the only module that runs SQL.

Usage::

    from docent.store import Store
    store = Store.open(Path("docent-workspace"))      # creates the folder, migrates
    [s.title for s in store.sources()]
    # -> [...]

Writes of a source and its passages happen in one transaction, so an interrupted ingest never
leaves a half-written source. Every change to sources bumps ``generation``, which tells the
search indexes cached on disk that they are stale.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import lru_cache
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from docent.errors import DocentError, WorkspaceError
from docent.store.accounts import AccountsMixin
from docent.store.jobs import JobsMixin
from docent.store.engine import (
    describe,
    engine_url,
    make_engine,
    migrate,
    split_schema,
    sqlite_url,
    unreachable,
)
from docent.store.migrations import MIGRATIONS
from docent.types import (
    ReviewAction,
    ReviewDecision,
    Bibliography,
    Locator,
    Passage,
    PassageRole,
    RunState,
    Source,
    SourceKind,
)

__all__ = ["ReviewConflict", "Run", "Store", "text_sha"]


class ReviewConflict(DocentError):
    """A review saved from a view another save has made stale (two tabs on one run)."""

    def __init__(self, run_id: int) -> None:
        super().__init__(f"run {run_id}: another review was saved since this view was loaded; "
                         "nothing was saved", fix="reload the run and decide again")


@dataclass(frozen=True)
class Run:
    """One row of ``runs``: a write run, or an ingest job of the web app.

    ``options`` and ``progress`` are decoded; ``brief``, ``draft`` and ``validation`` stay JSON
    text (``Brief.model_validate_json``, ``Draft...``, ``ValidationReport...``), read only when
    needed. ``run["status"]`` and ``run.get("draft")`` still work, for callers written for the
    dicts runs used to be.
    """

    id: int
    kind: str  # "write" or "ingest"
    assignment: str  # the assignment text (an ingest job: the uploaded file's name)
    brief: str
    options: dict
    status: RunState
    output: str | None
    error: str | None
    created_at: str
    updated_at: str
    draft: str | None
    validation: str | None
    progress: dict | None  # {"stage": ..., "done": n, "total": m} while it runs

    def __getitem__(self, key: str):
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None

    def get(self, key: str, default=None):
        return getattr(self, key, default)

    def to_json(self) -> dict:
        """The row as plain JSON data (``brief``/``draft``/``validation`` left as text)."""
        return asdict(self)


def text_sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_SOURCE_COLS = (
    "s.id, s.path, s.kind, s.title, s.sha256, s.size, s.pages, s.duration, s.language, "
    "s.bibliography, s.ingested_at, (SELECT COUNT(*) FROM passages p WHERE p.source_id = s.id)"
)
_PASSAGE_COLS = (
    "id, source_id, ordinal, text, char_start, char_end, page, section, t_start, t_end, chunk, role"
)


def _row_to_source(row: Sequence) -> Source:
    bib = Bibliography.model_validate_json(row[9]) if row[9] else None
    return Source(
        id=row[0], path=row[1], kind=SourceKind(row[2]), title=row[3], sha256=row[4],
        size=row[5], pages=row[6], duration=row[7], language=row[8], bibliography=bib,
        ingested_at=datetime.fromisoformat(row[10]), passage_count=row[11],
    )


def _row_to_passage(row: Sequence) -> Passage:
    return Passage(
        id=row[0], source_id=row[1], ordinal=row[2], text=row[3], char_start=row[4],
        char_end=row[5],
        locator=Locator(page=row[6], section=row[7], start=row[8], end=row[9], chunk=row[10]),
        role=PassageRole(row[11]),
    )


class Store(AccountsMixin, JobsMixin):
    """A workspace: its database (SQLite in the folder, or PostgreSQL), migrated, and the
    folder's ``cache/`` of derived search indexes."""

    def __init__(self, root: Path, engine, where: str = "") -> None:
        self.root = root
        self.engine = engine
        self.where = where
        #: Reads outside a transaction: ``store.conn.execute(sql, args).fetchall()``.
        self.conn = _Reader(engine)

    # -- lifecycle -------------------------------------------------------------------------
    @classmethod
    def open(cls, root: Path, database: str | None = None, *, schema: str | None = None) -> Store:
        """The workspace at ``root``: its own SQLite file, or the ``database`` URL
        (``postgresql://user@host/db``, optionally in ``schema``) with ``root`` holding only
        the derived search indexes (``cache/``)."""
        root = Path(root)
        try:
            (root / "cache").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkspaceError(
                f"{root}: cannot make the workspace folder ({exc.strerror})",
                fix="choose another folder with --workspace or DOCENT_WORKSPACE",
            ) from exc
        url = database or sqlite_url(root / "docent.db")
        where = str(root / "docent.db") if database is None else describe(url)
        try:
            engine = make_engine(url, schema=schema)
        except WorkspaceError:
            raise
        except Exception as exc:  # noqa: BLE001 - a bad URL or a missing driver is one line
            raise unreachable(url, exc) from exc
        migrate(engine, MIGRATIONS, where)
        return cls(root, engine, where)

    @classmethod
    def project_schemas(cls, url: str | None) -> list[str]:
        """The schemas of the web app's projects in the PostgreSQL database at ``url``
        (``p_...``, one per project: :class:`docent.web.projects.Project`), sorted; none for
        SQLite or no URL. What the queue's workers sweep besides the default workspace."""
        if not url or not engine_url(split_schema(url)[0]).startswith("postgresql"):
            return []
        from sqlalchemy import text

        engine = make_engine(split_schema(url)[0])
        try:
            with engine.connect() as conn:
                rows = conn.execute(text(
                    "SELECT schema_name FROM information_schema.schemata"
                    " WHERE schema_name LIKE 'p\\_%' ORDER BY schema_name")).fetchall()
        except Exception as exc:  # noqa: BLE001 - any driver error is one line
            raise unreachable(url, exc) from exc
        finally:
            engine.dispose()
        return [r[0] for r in rows]

    @classmethod
    def from_settings(cls, settings) -> Store:
        """The workspace the settings name (``DOCENT_DATABASE_URL`` when set)."""
        return cls.open(settings.workspace, settings.database_url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @property
    def keeps_files(self) -> bool:
        """True when sources' files live in the database (a shared server: a worker on another
        machine reads them from there), False for a workspace folder on this machine."""
        return self.dialect != "sqlite"

    def migrations(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM _migrations ORDER BY name")]

    @contextmanager
    def transaction(self) -> Iterator[_Conn]:
        """One atomic unit: everything inside commits together or not at all."""
        with self.engine.begin() as conn:
            yield _Conn(conn)

    # -- sources ---------------------------------------------------------------------------
    def sources(self) -> list[Source]:
        rows = self.conn.execute(f"SELECT {_SOURCE_COLS} FROM sources s ORDER BY s.id")
        return [_row_to_source(r) for r in rows]

    def source(self, source_id: int) -> Source | None:
        row = self.conn.execute(
            f"SELECT {_SOURCE_COLS} FROM sources s WHERE s.id = ?", (source_id,)
        ).fetchone()
        return _row_to_source(row) if row else None

    def source_by_path(self, path: str) -> Source | None:
        row = self.conn.execute(
            f"SELECT {_SOURCE_COLS} FROM sources s WHERE s.path = ?", (path,)
        ).fetchone()
        return _row_to_source(row) if row else None

    def source_by_sha(self, sha256: str) -> Source | None:
        row = self.conn.execute(
            f"SELECT {_SOURCE_COLS} FROM sources s WHERE s.sha256 = ? ORDER BY s.id", (sha256,)
        ).fetchone()
        return _row_to_source(row) if row else None

    def source_text(self, source_id: int) -> str:
        row = self.conn.execute("SELECT text FROM sources WHERE id = ?", (source_id,)).fetchone()
        return row[0] if row else ""

    def save_source(
        self, source: Source, text: str, passages: Sequence[Passage], shas: Sequence[str]
    ) -> Source:
        """Insert ``source`` with its passages, replacing any source at the same path, atomically."""
        bib = source.bibliography.model_dump_json() if source.bibliography else None
        with self.transaction() as conn:
            conn.execute("DELETE FROM sources WHERE path = ?", (source.path,))
            cur = conn.execute(
                "INSERT INTO sources(path, kind, title, sha256, size, pages, duration, language,"
                " bibliography, text, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                (source.path, source.kind.value, source.title, source.sha256, source.size,
                 source.pages, source.duration, source.language, bib, text, _now()),
            )
            source_id = cur.scalar_one()
            conn.executemany(
                "INSERT INTO passages(source_id, ordinal, text, text_sha, char_start, char_end,"
                " page, section, t_start, t_end, chunk, role) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (source_id, p.ordinal, p.text, sha, p.char_start, p.char_end, p.locator.page,
                     p.locator.section, p.locator.start, p.locator.end, p.locator.chunk,
                     p.role.value)
                    for p, sha in zip(passages, shas, strict=True)
                ],
            )
            self._bump(conn)
        saved = self.source(source_id)
        assert saved is not None
        return saved

    def delete_source(self, source_id: int) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
            self._bump(conn)

    # -- passages --------------------------------------------------------------------------
    def passages(self, source_id: int) -> list[Passage]:
        rows = self.conn.execute(
            f"SELECT {_PASSAGE_COLS} FROM passages WHERE source_id = ? ORDER BY ordinal",
            (source_id,),
        )
        return [_row_to_passage(r) for r in rows]

    def passages_by_id(self, ids: Iterable[int]) -> dict[int, Passage]:
        ids = list(ids)
        out: dict[int, Passage] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(
                f"SELECT {_PASSAGE_COLS} FROM passages WHERE id IN ({marks})", chunk
            ):
                out[r[0]] = _row_to_passage(r)
        return out

    def iter_passage_texts(self) -> Iterator[tuple[int, str, str | None, str | None]]:
        """``(passage id, text, section, source language)`` for every passage, in id order."""
        yield from self.conn.execute(
            "SELECT p.id, p.text, p.section, s.language FROM passages p"
            " JOIN sources s ON s.id = p.source_id ORDER BY p.id"
        )

    def passage_count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]

    # -- vectors (embedding cache) ---------------------------------------------------------
    def cached_vectors(self, model: str, shas: Iterable[str]) -> dict[str, np.ndarray]:
        shas = list(dict.fromkeys(shas))
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(shas), 500):
            chunk = shas[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for sha, blob in self.conn.execute(
                f"SELECT text_sha, vector FROM vectors WHERE model = ? AND text_sha IN ({marks})",
                [model, *chunk],
            ):
                out[sha] = np.frombuffer(blob, dtype="<f4")
        return out

    def put_vectors(self, model: str, items: Iterable[tuple[str, np.ndarray]]) -> None:
        """Store vectors (committed at once, so an interrupted ingest keeps what it embedded)."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO vectors(model, text_sha, dim, vector) VALUES (?,?,?,?) ON CONFLICT"
                " (model, text_sha) DO UPDATE SET dim = excluded.dim, vector = excluded.vector",
                [(model, sha, int(v.shape[0]), np.asarray(v, dtype="<f4").tobytes())
                 for sha, v in items],
            )

    def passage_vectors(self, model: str) -> tuple[np.ndarray, np.ndarray]:
        """``(passage ids, matrix)`` of every passage that has a vector for ``model``."""
        rows = self.conn.execute(
            "SELECT p.id, v.vector FROM passages p JOIN vectors v"
            " ON v.text_sha = p.text_sha AND v.model = ? ORDER BY p.id",
            (model,),
        ).fetchall()
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        matrix = np.vstack([np.frombuffer(r[1], dtype="<f4") for r in rows])
        return ids, matrix

    def texts_missing_vectors(self, model: str) -> list[tuple[str, str, str | None, str]]:
        """``(text_sha, text, section, role)`` of passages with no vector for ``model`` yet.

        Reference-list and footnote passages are never embedded (BM25 finds names, titles and
        addresses better).
        """
        return self.conn.execute(
            "SELECT DISTINCT p.text_sha, p.text, p.section, p.role FROM passages p"
            " WHERE p.role NOT IN ('references', 'footnote') AND NOT EXISTS"
            " (SELECT 1 FROM vectors v WHERE v.model = ? AND v.text_sha = p.text_sha)",
            (model,),
        ).fetchall()

    # -- transcripts (checkpoints of speech recognition) -------------------------------------
    def transcript_windows(self, media_sha: str, model: str) -> dict[float, tuple[str | None, list]]:
        """Finished windows: ``{window start: (language, [[start, end, text], ...])}``."""
        rows = self.conn.execute(
            "SELECT window_start, language, segments FROM transcript_windows"
            " WHERE media_sha = ? AND model = ?",
            (media_sha, model),
        )
        return {r[0]: (r[1], json.loads(r[2])) for r in rows}

    def put_transcript_window(
        self, media_sha: str, model: str, start: float, end: float, language: str | None,
        segments: list,
    ) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO transcript_windows(media_sha, model, window_start, window_end, language,"
                " segments) VALUES (?,?,?,?,?,?) ON CONFLICT (media_sha, model, window_start)"
                " DO UPDATE SET window_end = excluded.window_end, language = excluded.language,"
                " segments = excluded.segments",
                (media_sha, model, start, end, language, json.dumps(segments, ensure_ascii=False)),
            )

    # -- model call log -------------------------------------------------------------------
    def log_llm_call(
        self, *, model: str, messages: list[dict], options: dict, output: str,
        prompt_tokens: int, completion_tokens: int, seconds: float,
        run_id: int | None = None, stage: str | None = None,
    ) -> int:
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO llm_calls(run_id, stage, model, messages, options, output,"
                " prompt_tokens, completion_tokens, seconds, created_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?) RETURNING id",
                (run_id, stage, model, json.dumps(messages, ensure_ascii=False),
                 json.dumps(options, ensure_ascii=False, default=str), output, prompt_tokens,
                 completion_tokens, seconds, _now()),
            )
            return int(cur.scalar_one())

    def llm_calls(self, run_id: int | None = None) -> list[dict]:
        sql = ("SELECT id, run_id, stage, model, messages, options, output, prompt_tokens,"
               " completion_tokens, seconds, created_at FROM llm_calls")
        rows = self.conn.execute(
            sql + (" WHERE run_id = ? ORDER BY id" if run_id is not None else " ORDER BY id"),
            (run_id,) if run_id is not None else (),
        )
        keys = ("id", "run_id", "stage", "model", "messages", "options", "output",
                "prompt_tokens", "completion_tokens", "seconds", "created_at")
        out = [dict(zip(keys, r)) for r in rows]
        for row in out:
            row["messages"] = json.loads(row["messages"])
            row["options"] = json.loads(row["options"])
        return out

    # -- runs ---------------------------------------------------------------------------------
    def create_run(self, kind: str, assignment: str, brief: str, options: dict) -> int:
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO runs(kind, assignment, brief, options, status, created_at,"
                " updated_at) VALUES (?,?,?,?,?,?,?) RETURNING id",
                (kind, assignment, brief, json.dumps(options, sort_keys=True), RunState.running.value,
                 _now(), _now()),
            )
            return int(cur.scalar_one())

    _RUN_KEYS = ("id", "kind", "assignment", "brief", "options", "status", "output", "error",
                 "created_at", "updated_at", "draft", "validation", "progress")

    def run(self, run_id: int) -> Run | None:
        """A run (:class:`Run`: ``options``/``progress`` decoded; ``draft`` and ``validation``
        JSON text, for ``Draft.model_validate_json``, ``ValidationReport.model_validate_json``)."""
        row = self.conn.execute(
            f"SELECT {', '.join(self._RUN_KEYS)} FROM runs WHERE id = ?", (run_id,),
        ).fetchone()
        return self._run_record(row) if row is not None else None

    def runs(self, kind: str | None = None) -> list[Run]:
        """All runs (of ``kind``), newest first."""
        where, args = ("WHERE kind = ?", (kind,)) if kind else ("", ())
        rows = self.conn.execute(
            f"SELECT {', '.join(self._RUN_KEYS)} FROM runs {where} ORDER BY id DESC", args)
        return [self._run_record(r) for r in rows]

    def _run_record(self, row: Sequence) -> Run:
        out = dict(zip(self._RUN_KEYS, row))
        out["options"] = json.loads(out["options"])
        out["progress"] = json.loads(out["progress"]) if out["progress"] else None
        out["status"] = RunState(out["status"])
        return Run(**out)

    def set_run_brief(self, run_id: int, brief: str) -> None:
        """Replace the run's brief (JSON text), e.g. with the one the model fallback completed."""
        with self.transaction() as conn:
            conn.execute("UPDATE runs SET brief = ?, updated_at = ? WHERE id = ?",
                         (brief, _now(), run_id))

    def set_run_progress(self, run_id: int, progress: dict) -> None:
        """Where a running run is (e.g. ``{"stage": "sections", "done": 2, "total": 4}``)."""
        with self.transaction() as conn:
            conn.execute("UPDATE runs SET progress = ?, updated_at = ? WHERE id = ?",
                         (json.dumps(progress, ensure_ascii=False), _now(), run_id))

    def save_run_result(self, run_id: int, *, draft: str | None = None,
                        validation: str | None = None) -> None:
        """Keep the run's numbered draft and validation report (JSON text)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE runs SET draft = COALESCE(?, draft), validation = COALESCE(?, validation),"
                " updated_at = ? WHERE id = ?", (draft, validation, _now(), run_id))

    def unfinished_run(self, kind: str, assignment: str, options: dict) -> int | None:
        """The latest run of the same job that did not finish, to resume."""
        row = self.conn.execute(
            "SELECT id FROM runs WHERE kind = ? AND assignment = ? AND options = ?"
            " AND status != 'done' ORDER BY id DESC LIMIT 1",
            (kind, assignment, json.dumps(options, sort_keys=True)),
        ).fetchone()
        return int(row[0]) if row else None

    def set_run_status(self, run_id: int, status: RunState | str, *, output: str | None = None,
                       error: str | None = None) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE runs SET status = ?, output = COALESCE(?, output), error = ?,"
                " updated_at = ? WHERE id = ?",
                (str(status), output, error, _now(), run_id),
            )

    def save_run_section(self, run_id: int, idx: int, data: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO run_sections(run_id, idx, data) VALUES (?,?,?)"
                         " ON CONFLICT (run_id, idx) DO UPDATE SET data = excluded.data",
                         (run_id, idx, data))
            conn.execute("UPDATE runs SET updated_at = ? WHERE id = ?", (_now(), run_id))

    def run_sections(self, run_id: int) -> dict[int, str]:
        rows = self.conn.execute("SELECT idx, data FROM run_sections WHERE run_id = ?", (run_id,))
        return {int(r[0]): r[1] for r in rows}

    # -- the reader's review of a run ---------------------------------------------------------
    def save_run_report(self, run_id: int, report: str) -> None:
        """Keep the text of the report a check run checked (what a corrected one is made from)."""
        with self.transaction() as conn:
            conn.execute("UPDATE runs SET report = ?, updated_at = ? WHERE id = ?",
                         (report, _now(), run_id))

    def run_report(self, run_id: int) -> str | None:
        row = self.conn.execute("SELECT report FROM runs WHERE id = ?", (run_id,)).fetchone()
        return row[0] if row else None

    def review_seq(self, run_id: int) -> int:
        """The number of the run's latest decision (0 before any): what a reader saw, so a
        save made from an older view is refused (:meth:`add_reviews`)."""
        row = self.conn.execute("SELECT MAX(seq) FROM reviews WHERE run_id = ?",
                                (run_id,)).fetchone()
        return int(row[0] or 0)

    def add_reviews(self, run_id: int, decisions: Iterable[ReviewDecision],
                    seen: int | None = None) -> int:
        """Record ``decisions`` all at once (all or none); with ``seen`` (the
        :meth:`review_seq` the reader's view was made from), refuse them with
        :class:`ReviewConflict` when another decision was saved since. Returns the new seq."""
        with self.transaction() as conn:
            if seen is not None:
                row = conn.execute("SELECT MAX(seq) FROM reviews WHERE run_id = ?",
                                   (run_id,)).fetchone()
                if int(row[0] or 0) != seen:
                    raise ReviewConflict(run_id)
            now = _now()
            for d in decisions:
                conn.execute(
                    "INSERT INTO reviews(run_id, sentence_id, action, before, text, passage_id,"
                    " note, at) VALUES (?,?,?,?,?,?,?,?)",
                    (run_id, d.sentence_id, d.action.value, d.before, d.text, d.passage_id,
                     d.note, now))
            row = conn.execute("SELECT MAX(seq) FROM reviews WHERE run_id = ?",
                               (run_id,)).fetchone()
            return int(row[0] or 0)

    def reviews(self, run_id: int) -> list[ReviewDecision]:
        """Every decision on the run, oldest first."""
        rows = self.conn.execute(
            "SELECT seq, sentence_id, action, before, text, passage_id, note, at FROM reviews"
            " WHERE run_id = ? ORDER BY seq", (run_id,))
        return [ReviewDecision(seq=r[0], sentence_id=r[1], action=ReviewAction(r[2]),
                               before=r[3], text=r[4], passage_id=r[5], note=r[6], at=r[7])
                for r in rows]

    def source_passage_ids(self, source_id: int) -> list[int]:
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM passages WHERE source_id = ? ORDER BY ordinal", (source_id,))]

    # -- index generation ------------------------------------------------------------------
    def generation(self) -> int:
        return int(self.conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])

    def _bump(self, conn: _Conn) -> None:
        conn.execute("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)"
                     " WHERE key = 'generation'")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _bind(sql: str, args) -> tuple[object, object]:
    """``?`` placeholders as SQLAlchemy binds: ``(text, {"p0": ..})`` (a list of rows: many)."""
    parts = sql.split("?")
    named = parts[0] + "".join(f":p{i}{rest}" for i, rest in enumerate(parts[1:]))
    return _text(named), args


@lru_cache(maxsize=512)
def _text(sql: str):
    from sqlalchemy import text

    return text(sql)


def _params(args: Sequence) -> dict:
    return {f"p{i}": (bytes(v) if isinstance(v, memoryview) else v) for i, v in enumerate(args)}


class _Result(list):
    """Rows read at once (the connection is back in the pool before they are used)."""

    def fetchone(self):
        return self[0] if self else None

    def fetchall(self) -> list:
        return list(self)


class _Conn:
    """One connection inside a transaction, with the ``execute(sql, args)`` of DB-API."""

    def __init__(self, conn) -> None:
        self._conn = conn

    def execute(self, sql: str, args: Sequence = ()):
        clause, _ = _bind(sql, args)
        return self._conn.execute(clause, _params(args))

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> None:
        rows = [_params(r) for r in rows]
        if rows:
            clause, _ = _bind(sql, ())
            self._conn.execute(clause, rows)


class _Reader:
    """Reads, each on a pooled connection of its own, rows fetched before it is returned."""

    def __init__(self, engine) -> None:
        self._engine = engine

    def execute(self, sql: str, args: Sequence = ()) -> _Result:
        clause, _ = _bind(sql, args)
        with self._engine.connect() as conn:
            return _Result(tuple(r) for r in conn.execute(clause, _params(args)))
