"""Jobs run by workers on other machines: who holds a run and when it last showed life (a run
whose worker died is claimed again), and the sources' files, kept in the database when it is
a server's, so a worker needs only the database and the queue."""

SQL = """
ALTER TABLE runs ADD COLUMN worker TEXT;
ALTER TABLE runs ADD COLUMN heartbeat TEXT;
ALTER TABLE runs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
CREATE TABLE files (
    sha256  TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    size    INTEGER NOT NULL,
    data    BLOB NOT NULL
)
"""
