"""The audit log of model calls: prompt, model, output, tokens and time."""

SQL = """
CREATE TABLE llm_calls (
    id                INTEGER PRIMARY KEY,
    run_id            INTEGER,
    stage             TEXT,
    model             TEXT NOT NULL,
    messages          TEXT NOT NULL,
    options           TEXT NOT NULL,
    output            TEXT NOT NULL,
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    seconds           REAL NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL
);
CREATE INDEX llm_calls_run ON llm_calls(run_id)
"""
