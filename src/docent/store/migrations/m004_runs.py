"""Runs of `docent write`: the brief, status, and each finished section (for resuming)."""

SQL = """
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    assignment  TEXT NOT NULL,
    brief       TEXT NOT NULL,
    options     TEXT NOT NULL,
    status      TEXT NOT NULL,
    output      TEXT,
    error       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE run_sections (
    run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    idx     INTEGER NOT NULL,
    data    TEXT NOT NULL,
    PRIMARY KEY (run_id, idx)
)
"""
