"""The store's part for jobs run by workers on other machines: who holds a run and when it
last showed life, and the sources' files kept in a server's database.

:class:`~docent.store.Store` inherits these methods (the only SQL is here and in db.py)::

    state = store.claim_run(run_id, "host:1234")      # "claimed", "busy" or "settled"
    store.heartbeat(run_id, "host:1234")               # False: cancelled, or taken over
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

__all__ = ["JobsMixin"]


class JobsMixin:
    """Claims, heartbeats, orphaned runs and files (see :class:`~docent.store.Store`)."""

    # -- jobs: claims and heartbeats (workers on other machines) -----------------------------
    def claim_run(self, run_id: int, worker: str, *, stale: float = 30.0) -> str:
        """Take ``run_id`` for ``worker``, atomically: ``"claimed"`` when it was queued, or
        running under a worker silent for ``stale`` seconds (it died: the job runs again);
        ``"busy"`` when another live worker holds it (the same worker takes it back: a job
        retried after a lost database connection); ``"settled"`` when it is done, failed or
        cancelled, or missing (a job delivered twice does nothing the second time)."""
        now = _now()
        cutoff = _ago(stale)
        with self.transaction() as conn:
            row = conn.execute(
                "UPDATE runs SET status = 'running', worker = ?, heartbeat = ?, updated_at = ?,"
                " attempts = attempts + 1 WHERE id = ? AND (status = 'queued' OR (status = 'running'"
                " AND (heartbeat IS NULL OR heartbeat < ? OR worker = ?))) RETURNING id",
                (worker, now, now, run_id, cutoff, worker)).fetchone()
            if row is not None:
                return "claimed"
            state = conn.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()
        return "busy" if state is not None and state[0] == "running" else "settled"

    def heartbeat(self, run_id: int, worker: str) -> bool:
        """The worker still holds the run (False: it lost it, or the run was cancelled)."""
        with self.transaction() as conn:
            row = conn.execute(
                "UPDATE runs SET heartbeat = ? WHERE id = ? AND worker = ? AND status = 'running'"
                " RETURNING id", (_now(), run_id, worker)).fetchone()
        return row is not None

    def orphaned_runs(self, kinds: Sequence[str], *, queued_for: float = 60.0,
                      stale: float = 30.0) -> list[int]:
        """Runs of ``kinds`` a queue may have lost: queued for ``queued_for`` seconds with no
        worker, or running under a worker silent for ``stale`` seconds."""
        marks = ",".join("?" * len(kinds))
        rows = self.conn.execute(
            f"SELECT id FROM runs WHERE kind IN ({marks}) AND ((status = 'queued' AND"
            " updated_at < ?) OR (status = 'running' AND heartbeat IS NOT NULL AND heartbeat < ?))"
            " ORDER BY id", (*kinds, _ago(queued_for), _ago(stale)))
        return [int(r[0]) for r in rows]

    def touch_run(self, run_id: int) -> None:
        """Mark a queued run as just sent again (so it is not sent twice in a row)."""
        with self.transaction() as conn:
            conn.execute("UPDATE runs SET updated_at = ? WHERE id = ?", (_now(), run_id))

    def run_attempts(self, run_id: int) -> int:
        row = self.conn.execute("SELECT attempts FROM runs WHERE id = ?", (run_id,)).fetchone()
        return int(row[0]) if row else 0

    # -- files of sources (kept in a server's database) ----------------------------------------
    def put_file(self, sha256: str, name: str, data: bytes) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO files(sha256, name, size, data) VALUES (?,?,?,?)"
                         " ON CONFLICT (sha256) DO NOTHING", (sha256, name, len(data), data))

    def file(self, sha256: str) -> bytes | None:
        row = self.conn.execute("SELECT data FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        return bytes(row[0]) if row else None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _ago(seconds: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(seconds=seconds)).isoformat(timespec="seconds")
