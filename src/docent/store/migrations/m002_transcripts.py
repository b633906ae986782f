"""Checkpointed speech recognition: one row per finished window of a recording."""

SQL = """
CREATE TABLE transcript_windows (
    media_sha    TEXT NOT NULL,
    model        TEXT NOT NULL,
    window_start REAL NOT NULL,
    window_end   REAL NOT NULL,
    language     TEXT,
    segments     TEXT NOT NULL,
    PRIMARY KEY (media_sha, model, window_start)
);
"""
