"""Routes of the people on a course server (``docent serve --accounts``; :mod:`docent.web.auth`).

    POST /api/signup {email, name, password, role, code, invite}   an account; logged in; 201
    POST /api/login {email, password}       a session cookie (429 after too many failures)
    POST /api/logout                        ends every session of the account
    GET  /api/me                            the user, their courses and the CSRF token to send
    POST /api/invites                       (teacher) a code another teacher signs up with
    GET  /api/courses            POST {name, assignment}   the user's courses / a new one
    POST /api/courses/join {code}           (student) join a course

A student signs up with a course's code; a teacher with an invite (``POST /api/invites``, or the
one ``docent serve --accounts`` prints), except the very first account of a server that does
not allow remote hosts. Usage::

    from docent.web.api_accounts import router
    app.include_router(router)          # create_app(..., accounts=True) does this
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from docent.store import AccountExists, Course, User
from docent.web.auth import (
    Accounts,
    Conflict,
    Forbidden,
    Unauthorized,
    clear_session,
    normal_email,
    set_session,
)
from docent.web.projects import BadRequest, NotFound

__all__ = ["router"]

router = APIRouter()


def _accounts(request: Request) -> Accounts:
    return request.app.state.accounts


def _user(request: Request) -> User:
    user = getattr(request.state, "user", None)
    if user is None:  # the middleware answers first; this is for routes mounted elsewhere
        raise Unauthorized("log in first")
    return user


AccountsDep = Annotated[Accounts, Depends(_accounts)]
UserDep = Annotated[User, Depends(_user)]


class SignUp(BaseModel):
    email: str = Field(min_length=3, max_length=254)
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=1024)
    role: Literal["student", "teacher"] = "student"
    code: str | None = Field(default=None, max_length=64, description="a course's code")
    invite: str | None = Field(default=None, max_length=512, description="a teacher invite")


class LogIn(BaseModel):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class NewCourse(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    assignment: str = Field(default="", max_length=20000)


class JoinCourse(BaseModel):
    code: str = Field(min_length=1, max_length=64)


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def _course_json(accounts: Accounts, course: Course, user: User) -> dict:
    out = {"id": course.id, "name": course.name, "code": course.code,
           "assignment": course.assignment, "created_at": course.created_at}
    if course.teacher_id == user.id:
        out["students"] = [{"id": u.id, "name": u.name, "email": u.email}
                           for u in accounts.store.course_members(course.id)]
    else:
        teacher = accounts.store.user(course.teacher_id)
        out["teacher"] = teacher.name if teacher else None
    return out


def _courses(accounts: Accounts, user: User) -> list[dict]:
    courses = (accounts.store.courses_taught(user.id) if user.role == "teacher"
               else accounts.store.courses_joined(user.id))
    return [_course_json(accounts, c, user) for c in courses]


def _me(accounts: Accounts, user: User, csrf: str) -> dict:
    return {**user.to_json(), "csrf": csrf, "courses": _courses(accounts, user)}


def _logged_in(request: Request, accounts: Accounts, user: User, status: int) -> JSONResponse:
    value, csrf = accounts.new_session(user)
    response = JSONResponse(_me(accounts, user, csrf), status_code=status)
    set_session(response, request, value)
    return response


@router.post("/api/signup", status_code=201)
def signup(body: SignUp, request: Request, accounts: AccountsDep) -> JSONResponse:
    store = accounts.store
    email = normal_email(body.email)
    name = " ".join(body.name.split())
    if not name:
        raise BadRequest("the name is empty")
    course = None
    if body.role == "teacher":
        # the first account of a server only this machine reaches needs no invite
        first = store.user_count() == 0 and not request.app.state.allow_remote
        if not first and not accounts.invite_ok(body.invite):
            raise Forbidden("a teacher account needs an invite",
                            fix="ask a teacher of this server for one, or sign up as a student "
                            "with your course's code")
    else:
        code = (body.code or "").strip().upper()
        course = store.course_by_code(code) if code else None
        if course is None:
            raise BadRequest("no course has that code" if code else "a student signs up with "
                             "a course's code", fix="ask your teacher for the course code")
    try:
        user = store.create_user(email, name, accounts.hash(body.password), body.role)
    except AccountExists as exc:
        raise Conflict(exc.message, fix=exc.fix) from None
    if course is not None:
        store.join_course(course.id, user.id)
    return _logged_in(request, accounts, user, 201)


@router.post("/api/login")
def login(body: LogIn, request: Request, accounts: AccountsDep) -> JSONResponse:
    ip = _client(request)
    email = body.email.strip().lower()[:254]
    accounts.check_throttle(email, ip)
    user = accounts.store.user_by_email(email)
    if not accounts.verify(user, body.password):
        accounts.failed_login(email, ip)
        raise Unauthorized("wrong email or password")
    accounts.good_login(email, ip)
    return _logged_in(request, accounts, accounts.store.user(user.id) or user, 200)


@router.post("/api/logout")
def logout(request: Request, accounts: AccountsDep, user: UserDep) -> JSONResponse:
    accounts.store.end_sessions(user.id)
    response = JSONResponse({"ok": True})
    clear_session(response, request)
    return response


@router.get("/api/me")
def me(request: Request, accounts: AccountsDep, user: UserDep) -> dict:
    return _me(accounts, user, request.state.csrf)


@router.post("/api/invites", status_code=201)
def invite(accounts: AccountsDep, user: UserDep) -> dict:
    if user.role != "teacher":
        raise Forbidden("only a teacher can invite a teacher")
    return {"invite": accounts.invite(user.id), "expires_in": accounts.INVITE_AGE}


@router.get("/api/courses")
def list_courses(accounts: AccountsDep, user: UserDep) -> dict:
    return {"courses": _courses(accounts, user)}


@router.post("/api/courses", status_code=201)
def create_course(body: NewCourse, accounts: AccountsDep, user: UserDep) -> dict:
    if user.role != "teacher":
        raise Forbidden("only a teacher can make a course")
    name = " ".join(body.name.split())
    if not name:
        raise BadRequest("the course name is empty")
    for _ in range(8):
        try:
            course = accounts.store.create_course(name, accounts.new_course_code(), user.id,
                                                  body.assignment.strip())
            return _course_json(accounts, course, user)
        except AccountExists:
            continue
    raise Conflict("no free course code was found; try again")


@router.post("/api/courses/join")
def join_course(body: JoinCourse, accounts: AccountsDep, user: UserDep) -> dict:
    if user.role != "student":
        raise Forbidden("a teacher makes courses; students join them")
    course = accounts.store.course_by_code(body.code.strip().upper())
    if course is None:
        raise NotFound("no course has that code", fix="ask your teacher for the course code")
    accounts.store.join_course(course.id, user.id)
    return _course_json(accounts, course, user)
