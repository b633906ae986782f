"""People on a course server (``docent serve --accounts``): passwords, sessions, CSRF, the login
throttle, and each user's view of the projects.

Usage::

    accounts = Accounts(settings)                     # the workspace's store holds the accounts
    app = create_app(root, settings, accounts=True)   # makes one and installs the middleware

* Passwords are hashed with argon2id (``argon2-cffi``'s :class:`~argon2.PasswordHasher`).
* A session is a signed cookie (``itsdangerous``; the key is ``DOCENT_SECRET_KEY`` or a random
  one kept in the workspace folder's ``secret.key``, mode 0600): HttpOnly, SameSite=Lax, Secure
  over https, 14 days. It names the user, a CSRF token and the account's session epoch: a
  logout moves the epoch on, which ends every session of the account.
* Every state-changing request under ``/api`` but login and signup must send the session's
  token in ``X-CSRF-Token`` (403 otherwise); every ``/api`` request but health, config, login,
  signup and the OpenAPI description needs a session (401 otherwise).
* Failed logins are counted per email and client address (5 in 15 minutes) and per client
  address (100: a class behind one address mistypes too): past that, a login answers 429 with
  ``Retry-After``, right password or not.
* :class:`UserProjects` is what the routers get as ``ProjectsDep``: only the projects the
  user may see (:meth:`docent.store.Store.project_access`); any other slug is the same 404 as a
  missing project. :class:`UserWorker` holds the user to a few queued or running jobs (429; a
  class check of many reports is one).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import re
import secrets
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from docent.config import Settings
from docent.store import Store, User
from docent.web.projects import Conflict, NotFound, Project, Projects, WebError, slugify

__all__ = [
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "Accounts",
    "Forbidden",
    "OwnedProject",
    "TooMany",
    "Unauthorized",
    "UserProjects",
    "UserWorker",
    "install",
    "normal_email",
]

SESSION_COOKIE = "docent_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: ``/api`` paths that need no session (and, being the way in, no CSRF token).
PUBLIC = frozenset({"/api/health", "/api/config", "/api/login", "/api/signup",
                    "/api/openapi.json"})
_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class Unauthorized(WebError):
    status = 401


class Forbidden(WebError):
    status = 403



class TooMany(WebError):
    """429, with the seconds to wait (``Retry-After``) when there is a time to name."""

    status = 429

    def __init__(self, message: str, *, retry_after: int | None = None,
                 fix: str | None = None) -> None:
        super().__init__(message, fix=fix)
        self.headers = {"Retry-After": str(retry_after)} if retry_after else {}


def normal_email(email: str) -> str:
    """``" Ann@Uni.EDU "`` -> ``"ann@uni.edu"``; raises a 400 when it is no email address."""
    from docent.web.projects import BadRequest

    email = (email or "").strip().lower()
    if len(email) > 254 or not _EMAIL_RE.match(email):
        raise BadRequest("that is not an email address", fix="give one such as ann@uni.edu")
    return email


@dataclass
class Session:
    user: User
    csrf: str


class Accounts:
    """The accounts of a course server, kept in the workspace's store, and the keys and limits
    its sessions, invites and logins go by."""

    SESSION_AGE = 14 * 24 * 3600
    INVITE_AGE = 7 * 24 * 3600

    def __init__(self, settings: Settings, *, store: Store | None = None, hasher=None,
                 max_runs: int = 3, max_ingests: int = 20,
                 throttle: tuple[int, float] = (5, 900.0),
                 ip_throttle: tuple[int, float] = (100, 900.0)) -> None:
        from argon2 import PasswordHasher
        from itsdangerous import URLSafeTimedSerializer

        self.settings = settings
        self.store = store or Store.open(settings.workspace, settings.database_url)
        self.hasher = hasher or PasswordHasher()
        self.max_runs, self.max_ingests = max_runs, max_ingests
        self.throttle, self.ip_throttle = throttle, ip_throttle
        secret = _secret(settings)
        self._sessions = URLSafeTimedSerializer(secret, salt="docent.session")
        self._invites = URLSafeTimedSerializer(secret, salt="docent.teacher-invite")
        self._dummy_hash = self.hasher.hash(secrets.token_hex(16))  # unknown emails: same time

    def close(self) -> None:
        self.store.close()

    # -- passwords ------------------------------------------------------------------------
    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, user: User | None, password: str) -> bool:
        """The password is the user's (the same work is done for no user: no timing tells)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            self.hasher.verify(user.password_hash if user else self._dummy_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if user is None:
            return False
        if self.hasher.check_needs_rehash(user.password_hash):
            self.store.set_password_hash(user.id, self.hasher.hash(password))
        return True

    # -- sessions -------------------------------------------------------------------------
    def new_session(self, user: User) -> tuple[str, str]:
        """``(cookie value, CSRF token)`` of a new session of ``user``."""
        csrf = secrets.token_urlsafe(32)
        value = self._sessions.dumps({"u": user.id, "e": user.session_epoch, "c": csrf})
        return value, csrf

    def session(self, cookie: str | None) -> Session | None:
        """The session a cookie holds, or None (no cookie, a bad signature, too old, ended)."""
        from itsdangerous import BadData

        if not cookie or len(cookie) > 4096:
            return None
        try:
            data = self._sessions.loads(cookie, max_age=self.SESSION_AGE)
            user_id, epoch, csrf = int(data["u"]), int(data["e"]), str(data["c"])
        except (BadData, KeyError, TypeError, ValueError):
            return None
        user = self.store.user(user_id)
        if user is None or user.session_epoch != epoch:
            return None
        return Session(user, csrf)

    # -- teacher invites --------------------------------------------------------------------
    def invite(self, by: int | None = None) -> str:
        """A code a new teacher signs up with (valid for :attr:`INVITE_AGE`)."""
        return self._invites.dumps({"by": by, "n": secrets.token_hex(4)})

    def invite_ok(self, code: str | None) -> bool:
        from itsdangerous import BadData

        if not code or len(code) > 512:
            return False
        try:
            self._invites.loads(code.strip(), max_age=self.INVITE_AGE)
        except BadData:
            return False
        return True

    # -- courses ---------------------------------------------------------------------------
    def new_course_code(self) -> str:
        return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))

    # -- the login throttle -----------------------------------------------------------------
    def _keys(self, email: str, ip: str) -> list[tuple[str, tuple[int, float]]]:
        digest = lambda text: hashlib.sha256(text.encode()).hexdigest()[:32]  # noqa: E731
        return [("e:" + digest(f"{email}\n{ip}"), self.throttle),
                ("a:" + digest(ip), self.ip_throttle)]

    def check_throttle(self, email: str, ip: str) -> None:
        """Raise :class:`TooMany` (429, Retry-After) while the email at this address, or the
        address, has failed too often."""
        for key, (limit, window) in self._keys(email, ip):
            count, oldest = self.store.login_failures(key, window)
            if count >= limit:
                age = (datetime.now(timezone.utc) - datetime.fromisoformat(oldest)).total_seconds()
                wait = max(1, math.ceil(window - age))
                raise TooMany("too many failed logins; wait before trying again",
                              retry_after=wait, fix=f"try again in {math.ceil(wait / 60)} "
                              "minutes")

    def failed_login(self, email: str, ip: str) -> None:
        for key, _ in self._keys(email, ip):
            self.store.add_login_failure(key)

    def good_login(self, email: str, ip: str) -> None:
        self.store.clear_login_failures(self._keys(email, ip)[0][0])


def _secret(settings: Settings) -> str:
    """``DOCENT_SECRET_KEY``, or the workspace's ``secret.key`` (made once, mode 0600)."""
    if settings.secret_key is not None and settings.secret_key.get_secret_value():
        return settings.secret_key.get_secret_value()
    path = Path(settings.workspace) / "secret.key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 32:
            return key
        raise WebError(f"{path}: the secret key is too short",
                       fix="delete the file (a new one is made) or set DOCENT_SECRET_KEY")
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key


# --- the middleware ------------------------------------------------------------------------

def install(app: FastAPI, accounts: Accounts) -> None:
    """Read the session of every request into ``request.state.user``/``.csrf``; refuse API
    requests without one (401) and state-changing ones without its CSRF token (403)."""

    @app.middleware("http")
    async def sessions(request: Request, call_next):
        cookie = request.cookies.get(SESSION_COOKIE)
        session = await run_in_threadpool(accounts.session, cookie) if cookie else None
        request.state.user = session.user if session else None
        request.state.csrf = session.csrf if session else None
        path = request.url.path
        if (path.startswith("/api/") or path == "/api") and path not in PUBLIC:
            if session is None:
                return _error(401, "log in first" if not cookie else
                              "the session is not valid; log in again", fix="log in at /")
            if request.method not in SAFE_METHODS:
                sent = request.headers.get(CSRF_HEADER, "")
                if not hmac.compare_digest(sent.encode(), session.csrf.encode()):
                    return _error(403, "the request has no valid CSRF token",
                                  fix=f"send the token of /api/me in {CSRF_HEADER}")
        return await call_next(request)


def set_session(response, request: Request, value: str) -> None:
    response.set_cookie(SESSION_COOKIE, value, max_age=Accounts.SESSION_AGE, path="/",
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")


def clear_session(response, request: Request) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=request.url.scheme == "https")


def _error(status: int, message: str, fix: str | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "fix": fix, "file": None}, status_code=status)


# --- a user's projects ---------------------------------------------------------------------

@dataclass(frozen=True)
class OwnedProject(Project):
    """A project as one user sees it: whose it is, its course, whether they may change it."""

    owner: str = ""
    course: int | None = None
    writable: bool = True

    def to_json(self) -> dict:
        return {**super().to_json(), "owner": self.owner, "course": self.course,
                "mine": self.writable}


def _missing() -> NotFound:
    # one answer for a project that is not there and one that is not the user's
    return NotFound("no such project", fix="open one of the projects listed")


class UserProjects:
    """The projects one user may see, with the interface of :class:`Projects`: ``list()``,
    ``get(slug)`` (404 when not theirs to see; 403 on a change to one they may only read) and
    ``create(name, course=None)`` (the slug starts with ``u<user id>-``, so no two users' names
    meet)."""

    def __init__(self, base: Projects, accounts: Accounts, user: User, *, write: bool) -> None:
        self.base, self.accounts, self.user, self.write = base, accounts, user, write
        self.root = base.root

    def list(self) -> list[OwnedProject]:
        found = []
        for access in self.accounts.store.visible_projects(self.user.id):
            try:
                project = self.base.get(access.slug)
            except NotFound:
                continue
            found.append(_owned(project, access))
        return sorted(found, key=lambda p: p.created_at, reverse=True)

    def get(self, slug: str) -> OwnedProject:
        if not isinstance(slug, str) or not 0 < len(slug) <= 64:
            raise _missing()
        access = self.accounts.store.project_access(self.user.id, slug)
        if access is None:
            raise _missing()
        try:
            project = self.base.get(slug)
        except NotFound:
            raise _missing() from None
        if self.write and not access.writable:
            raise Forbidden(f"{project.name}: {access.owner_name}'s project can only be read")
        return _owned(project, access)

    def create(self, name: str, course: int | None = None) -> OwnedProject:
        store = self.accounts.store
        course = self._course(course)
        full = " ".join(f"u{self.user.id} {name or ''}".split())[:200]
        slug = slugify(full)
        if slug == f"u{self.user.id}":
            slugify("")  # no letters or digits in the name: the 400 of a project without accounts
        owner = store.project_owner(slug)
        if owner is None and (self.base.root / slug).exists():
            raise Conflict("a project of that name exists", fix="choose another name")
        if owner is not None and owner != self.user.id:
            raise Conflict("a project of that name exists", fix="choose another name")
        if owner is None:
            project = self.base.create(full)
            meta_path = project.path / "project.json"
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            meta["name"] = " ".join((name or "").split())[:200]
            meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            store.set_project_owner(slug, self.user.id, course)
        return self.get(slug)

    def _course(self, course: int | None) -> int | None:
        """The course a new project belongs to: one the user teaches or is in; by default a
        student's only course."""
        store = self.accounts.store
        mine = (store.courses_taught(self.user.id) if self.user.role == "teacher"
                else store.courses_joined(self.user.id))
        if course is None:
            return mine[0].id if self.user.role == "student" and len(mine) == 1 else None
        if course not in {c.id for c in mine}:
            raise NotFound("no such course", fix="give the id of one of your courses")
        return course

    # -- jobs -------------------------------------------------------------------------------
    def active_jobs(self) -> dict[str, int]:
        """The user's queued and running jobs: ``{"write": n, "ingest": m, "check": k}``; a
        class check (a batch of reports, :mod:`docent.web.api_class`) counts once."""
        counts = {"write": 0, "ingest": 0, "check": 0}
        for slug in self.accounts.store.owned_projects(self.user.id):
            try:
                project = self.base.get(slug)
            except NotFound:
                continue
            batches = set()
            with project.open_store() as store:
                for run in store.runs():
                    if run.kind not in counts or run.status not in ("queued", "running"):
                        continue
                    batch = run.options.get("batch") if run.kind == "check" else None
                    if batch is None:
                        counts[run.kind] += 1
                    elif batch not in batches:
                        batches.add(batch)
                        counts["check"] += 1
        return counts


def _owned(project: Project, access) -> OwnedProject:
    base = {f.name: getattr(project, f.name) for f in fields(Project)}
    return OwnedProject(**base, owner=access.owner_name, course=access.course_id,
                        writable=access.writable)


class UserWorker:
    """The app's worker for one user: at most ``max_runs`` reports and ``max_ingests`` uploads
    or links queued or running at once (429); everything else is the worker's."""

    def __init__(self, worker, projects: UserProjects) -> None:
        self._worker, self._projects = worker, projects

    def __getattr__(self, name: str):
        return getattr(self._worker, name)

    def admit(self, kind: str = "ingest", count: int = 1) -> None:
        """Refuse (429) ``count`` more jobs of ``kind``: ``"write"`` (a report) and ``"check"``
        (a class check, however many reports it holds) share the reports' limit."""
        jobs = self._projects.active_jobs()
        if kind in ("write", "check"):
            limit = self._projects.accounts.max_runs
            active = jobs["write"] + jobs["check"]
            what = "reports or class checks"
        else:
            limit, active = self._projects.accounts.max_ingests, jobs[kind]
            what = "uploads and links"
        if active + count > limit:
            raise TooMany(f"you have {active} {what} queued or running; at most {limit} at once",
                          fix="wait until one finishes, or cancel one")

    def enqueue_write(self, project, assignment: str, *, fast: bool = False) -> int:
        self.admit("write")
        return self._worker.enqueue_write(project, assignment, fast=fast)

    def enqueue_ingest(self, project, filename: str) -> int:
        self.admit("ingest")
        return self._worker.enqueue_ingest(project, filename)

    def enqueue_checks(self, project, reports, **options) -> list[int]:
        self.admit("check")  # a class is one job, however many reports it holds
        return self._worker.enqueue_checks(project, reports, **options)
