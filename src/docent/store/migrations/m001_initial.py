"""Sources, passages, the embedding cache and the index generation counter."""

SQL = """
CREATE TABLE sources (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    size         INTEGER NOT NULL DEFAULT 0,
    pages        INTEGER,
    duration     REAL,
    language     TEXT,
    bibliography TEXT,              -- JSON of docent.types.Bibliography
    text         TEXT NOT NULL,     -- full extracted text; passages are spans of it
    ingested_at  TEXT NOT NULL
);
CREATE INDEX sources_sha256 ON sources(sha256);

CREATE TABLE passages (
    id         INTEGER PRIMARY KEY,
    source_id  INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    ordinal    INTEGER NOT NULL,
    text       TEXT NOT NULL,
    text_sha   TEXT NOT NULL,       -- sha256 of the text that was embedded (see vectors)
    char_start INTEGER NOT NULL,
    char_end   INTEGER NOT NULL,
    page       INTEGER,
    section    TEXT,
    t_start    REAL,
    t_end      REAL,
    chunk      INTEGER,
    role       TEXT NOT NULL DEFAULT 'body',
    UNIQUE (source_id, ordinal)
);
CREATE INDEX passages_source ON passages(source_id);

-- Embedding cache keyed by model and text hash: re-ingesting or resuming reuses vectors.
CREATE TABLE vectors (
    model    TEXT NOT NULL,
    text_sha TEXT NOT NULL,
    dim      INTEGER NOT NULL,
    vector   BLOB NOT NULL,         -- float32, little endian, L2-normalised
    PRIMARY KEY (model, text_sha)
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta(key, value) VALUES ('generation', '0');
"""
