"""People of a course server: accounts, courses, memberships, project owners and the failed
logins the login throttle counts (the tables of ``m008_accounts``).

The :class:`~docent.store.Store` inherits these methods; the web app keeps them in the
workspace's own store (``Store.open(settings.workspace, settings.database_url)``)::

    store = Store.open(Path("docent-workspace"))
    teacher = store.create_user("t@uni.edu", "Ms T", hasher.hash(pw), "teacher")
    course = store.create_course("Reading 101", "K7QF2M9A", teacher.id, "Write a report ...")
    student = store.create_user("s@uni.edu", "S", hasher.hash(pw), "student")
    store.join_course(course.id, student.id)
    store.set_project_owner("u2-reading", student.id, course.id)
    store.project_access(teacher.id, "u2-reading")   # ProjectAccess(..., writable=False)
    store.project_access(99, "u2-reading")           # None: not theirs to see

Who sees a project: its owner (read and write); the teacher of the course it belongs to, and
the teachers of every course its owner is in when it belongs to none (read only); the members
of a course whose teacher's project it is (the course's sources; read only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from docent.errors import DocentError

__all__ = ["AccountExists", "AccountsMixin", "Course", "ProjectAccess", "User"]


class AccountExists(DocentError):
    """An email or a course code that is already taken."""


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    role: str  # "teacher" or "student"
    created_at: str
    password_hash: str = field(repr=False)
    session_epoch: int = 0  # sessions made before the last logout name an older one

    def to_json(self) -> dict:
        return {"id": self.id, "email": self.email, "name": self.name, "role": self.role,
                "created_at": self.created_at}


@dataclass(frozen=True)
class Course:
    id: int
    name: str
    code: str
    teacher_id: int
    assignment: str
    created_at: str


@dataclass(frozen=True)
class ProjectAccess:
    """What a user may do with a project: read it always, write it when they own it."""

    slug: str
    owner_id: int
    owner_name: str
    course_id: int | None
    writable: bool


_USER_COLS = "id, email, name, role, created_at, password_hash, session_epoch"
_COURSE_COLS = "id, name, code, teacher_id, assignment, created_at"
# The projects user ?1 may see (the same id bound four times): their own; those of a course
# they teach; those with no course of the students of a course they teach; the projects
# their courses' teachers made for those courses.
_VISIBLE = """
SELECT po.slug, po.user_id, u.name, po.course_id FROM project_owners po
JOIN users u ON u.id = po.user_id
WHERE po.user_id = ?
   OR po.course_id IN (SELECT c.id FROM courses c WHERE c.teacher_id = ?)
   OR (po.course_id IS NULL AND po.user_id IN (
        SELECT m.user_id FROM memberships m JOIN courses c ON c.id = m.course_id
        WHERE c.teacher_id = ?))
   OR (po.course_id IN (SELECT m.course_id FROM memberships m WHERE m.user_id = ?)
       AND po.user_id = (SELECT c.teacher_id FROM courses c WHERE c.id = po.course_id))
"""


def _user(row) -> User:
    return User(id=int(row[0]), email=row[1], name=row[2], role=row[3], created_at=row[4],
                password_hash=row[5], session_epoch=int(row[6]))


def _course(row) -> Course:
    return Course(id=int(row[0]), name=row[1], code=row[2], teacher_id=int(row[3]),
                  assignment=row[4] or "", created_at=row[5])


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _ago(seconds: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(seconds=seconds)).isoformat(
        timespec="microseconds")


class AccountsMixin:
    """Accounts, courses and project owners; mixed into :class:`~docent.store.Store` (it
    provides ``conn`` for reads and ``transaction()`` for writes)."""

    # -- users ------------------------------------------------------------------------------
    def user_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM users").fetchone()[0])

    def create_user(self, email: str, name: str, password_hash: str, role: str) -> User:
        """A new account (``email`` as given: the caller normalises it); raises
        :class:`AccountExists` when the email is taken."""
        from sqlalchemy.exc import IntegrityError

        if role not in ("teacher", "student"):
            raise ValueError(f"role {role!r}")
        try:
            with self.transaction() as conn:
                row = conn.execute(
                    "INSERT INTO users(email, name, password_hash, role, created_at)"
                    " VALUES (?,?,?,?,?) RETURNING id",
                    (email, name, password_hash, role, _now())).fetchone()
        except IntegrityError:
            raise AccountExists(f"{email}: an account with this email exists",
                                fix="log in instead") from None
        user = self.user(int(row[0]))
        assert user is not None
        return user

    def user(self, user_id: int) -> User | None:
        row = self.conn.execute(f"SELECT {_USER_COLS} FROM users WHERE id = ?",
                                (user_id,)).fetchone()
        return _user(row) if row else None

    def user_by_email(self, email: str) -> User | None:
        row = self.conn.execute(f"SELECT {_USER_COLS} FROM users WHERE email = ?",
                                (email,)).fetchone()
        return _user(row) if row else None

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                         (password_hash, user_id))

    def end_sessions(self, user_id: int) -> None:
        """Every session of the account made so far is over (a logout)."""
        with self.transaction() as conn:
            conn.execute("UPDATE users SET session_epoch = session_epoch + 1 WHERE id = ?",
                         (user_id,))

    # -- courses ----------------------------------------------------------------------------
    def create_course(self, name: str, code: str, teacher_id: int, assignment: str = "") -> Course:
        """A new course; raises :class:`AccountExists` when ``code`` is taken (draw another)."""
        from sqlalchemy.exc import IntegrityError

        try:
            with self.transaction() as conn:
                row = conn.execute(
                    "INSERT INTO courses(name, code, teacher_id, assignment, created_at)"
                    " VALUES (?,?,?,?,?) RETURNING id",
                    (name, code, teacher_id, assignment, _now())).fetchone()
        except IntegrityError:
            raise AccountExists(f"course code {code} is taken") from None
        course = self.course(int(row[0]))
        assert course is not None
        return course

    def course(self, course_id: int) -> Course | None:
        row = self.conn.execute(f"SELECT {_COURSE_COLS} FROM courses WHERE id = ?",
                                (course_id,)).fetchone()
        return _course(row) if row else None

    def course_by_code(self, code: str) -> Course | None:
        row = self.conn.execute(f"SELECT {_COURSE_COLS} FROM courses WHERE code = ?",
                                (code,)).fetchone()
        return _course(row) if row else None

    def courses_taught(self, teacher_id: int) -> list[Course]:
        rows = self.conn.execute(
            f"SELECT {_COURSE_COLS} FROM courses WHERE teacher_id = ? ORDER BY id",
            (teacher_id,))
        return [_course(r) for r in rows]

    def courses_joined(self, user_id: int) -> list[Course]:
        cols = ", ".join(f"c.{c.strip()}" for c in _COURSE_COLS.split(","))
        rows = self.conn.execute(
            f"SELECT {cols} FROM courses c JOIN memberships m ON m.course_id = c.id"
            " WHERE m.user_id = ? ORDER BY m.joined_at, c.id", (user_id,))
        return [_course(r) for r in rows]

    def join_course(self, course_id: int, user_id: int) -> None:
        """Make ``user_id`` a member (again: nothing changes)."""
        with self.transaction() as conn:
            conn.execute("INSERT INTO memberships(course_id, user_id, joined_at) VALUES (?,?,?)"
                         " ON CONFLICT (course_id, user_id) DO NOTHING",
                         (course_id, user_id, _now()))

    def course_members(self, course_id: int) -> list[User]:
        cols = ", ".join(f"u.{c.strip()}" for c in _USER_COLS.split(","))
        rows = self.conn.execute(
            f"SELECT {cols} FROM users u JOIN memberships m ON m.user_id = u.id"
            " WHERE m.course_id = ? ORDER BY u.name, u.id", (course_id,))
        return [_user(r) for r in rows]

    # -- projects -----------------------------------------------------------------------------
    def set_project_owner(self, slug: str, user_id: int, course_id: int | None = None) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO project_owners(slug, user_id, course_id, created_at)"
                         " VALUES (?,?,?,?) ON CONFLICT (slug) DO NOTHING",
                         (slug, user_id, course_id, _now()))

    def project_owner(self, slug: str) -> int | None:
        row = self.conn.execute("SELECT user_id FROM project_owners WHERE slug = ?",
                                (slug,)).fetchone()
        return int(row[0]) if row else None

    def owned_projects(self, user_id: int) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT slug FROM project_owners WHERE user_id = ? ORDER BY slug", (user_id,))]

    def visible_projects(self, user_id: int) -> list[ProjectAccess]:
        """Every project ``user_id`` may see (:data:`_VISIBLE`), by slug."""
        rows = self.conn.execute(_VISIBLE + " ORDER BY po.slug", (user_id,) * 4)
        return [ProjectAccess(slug=r[0], owner_id=int(r[1]), owner_name=r[2],
                              course_id=None if r[3] is None else int(r[3]),
                              writable=int(r[1]) == user_id) for r in rows]

    def project_access(self, user_id: int, slug: str) -> ProjectAccess | None:
        """What ``user_id`` may do with the project ``slug``; None: it is not theirs to see
        (or there is no such project: the two are one answer)."""
        rows = self.conn.execute(f"SELECT * FROM ({_VISIBLE}) v WHERE v.slug = ?",
                                 (user_id,) * 4 + (slug,))
        for r in rows:
            return ProjectAccess(slug=r[0], owner_id=int(r[1]), owner_name=r[2],
                                 course_id=None if r[3] is None else int(r[3]),
                                 writable=int(r[1]) == user_id)
        return None

    # -- the login throttle -------------------------------------------------------------------
    def add_login_failure(self, key: str, *, keep: float = 86400.0) -> None:
        """Count a failed login under ``key`` (failures older than ``keep`` seconds go)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM login_failures WHERE at < ?", (_ago(keep),))
            conn.execute("INSERT INTO login_failures(key, at) VALUES (?,?)", (key, _now()))

    def login_failures(self, key: str, window: float) -> tuple[int, str | None]:
        """``(failures under key in the last window seconds, the oldest one's time)``."""
        row = self.conn.execute(
            "SELECT COUNT(*), MIN(at) FROM login_failures WHERE key = ? AND at >= ?",
            (key, _ago(window))).fetchone()
        return int(row[0]), row[1]

    def clear_login_failures(self, key: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM login_failures WHERE key = ?", (key,))
