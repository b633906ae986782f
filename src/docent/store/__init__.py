"""The workspace: one SQLite database with append-only migrations, and a cache folder."""

from docent.store.db import Store, text_sha

__all__ = ["Store", "text_sha"]
