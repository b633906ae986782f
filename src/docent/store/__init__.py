"""The workspace: one SQLite database with append-only migrations, and a cache folder."""

from docent.store.db import ReviewConflict, Run, Store, text_sha

__all__ = ["ReviewConflict", "Run", "Store", "text_sha"]
