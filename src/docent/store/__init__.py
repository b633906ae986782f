"""The workspace: one SQLite database with append-only migrations, and a cache folder."""

from docent.store.accounts import AccountExists, Course, ProjectAccess, User
from docent.store.db import ReviewConflict, Run, Store, text_sha

__all__ = ["AccountExists", "Course", "ProjectAccess", "ReviewConflict", "Run", "Store", "User",
           "text_sha"]
