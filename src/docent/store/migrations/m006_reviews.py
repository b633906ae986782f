"""The reader's review of a run (append-only: the latest decision for a sentence counts), and
the text of a report `docent check` checked, so a corrected one can be written back."""

SQL = """
CREATE TABLE reviews (
    seq          INTEGER PRIMARY KEY,
    run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    sentence_id  TEXT NOT NULL,
    action       TEXT NOT NULL,
    before       TEXT NOT NULL,
    text         TEXT,
    passage_id   INTEGER,
    note         TEXT,
    at           TEXT NOT NULL
);
CREATE INDEX reviews_run ON reviews(run_id, sentence_id);
ALTER TABLE runs ADD COLUMN report TEXT
"""
