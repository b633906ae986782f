"""People of a course server (``docent serve --accounts``): accounts with a role, courses a
teacher makes (a code students join with, and the assignment), who belongs to which course,
who owns which project (a session names its user's epoch: a logout ends every
session of the account), and the failed logins the login throttle counts."""

SQL = """
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('teacher', 'student')),
    session_epoch  INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL
);
CREATE TABLE courses (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    teacher_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    assignment  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX courses_teacher ON courses(teacher_id);
CREATE TABLE memberships (
    course_id  INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    joined_at  TEXT NOT NULL,
    PRIMARY KEY (course_id, user_id)
);
CREATE INDEX memberships_user ON memberships(user_id);
CREATE TABLE project_owners (
    slug        TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    course_id   INTEGER REFERENCES courses(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX project_owners_user ON project_owners(user_id);
CREATE TABLE login_failures (
    id   INTEGER PRIMARY KEY,
    key  TEXT NOT NULL,
    at   TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at)
"""
