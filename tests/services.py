"""The real services the course tests talk to (started on the machine before the session and
before CI): PostgreSQL at 127.0.0.1:5432 (user postgres, trust), Redis at 6379, RabbitMQ at 5672.

Each test gets a database of its own, created here and dropped afterwards::

    with fresh_database() as url:      # postgresql://postgres@127.0.0.1:5432/docent_t_ab12cd34
        Store.open(tmp_path, url)
"""

from __future__ import annotations

import os
import socket
import uuid
from contextlib import contextmanager

import pytest

PG_SERVER = os.environ.get("DOCENT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("DOCENT_TEST_REDIS", "redis://127.0.0.1:6379")
AMQP_URL = os.environ.get("DOCENT_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672//")


def require(host: str, port: int, what: str) -> None:
    """Fail (not skip) when a service the machine should run is missing."""
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError as exc:
        pytest.fail(f"{what} is not running at {host}:{port} ({exc}); the python-svc machine "
                    "starts it before tests", pytrace=False)


@contextmanager
def fresh_database():
    """A new, empty PostgreSQL database; dropped (connections and all) afterwards."""
    import psycopg

    require("127.0.0.1", 5432, "PostgreSQL")
    name = "docent_t_" + uuid.uuid4().hex[:10]
    with psycopg.connect(PG_SERVER + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with psycopg.connect(PG_SERVER + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_redis_db():
    """A Redis URL on a database number of its own, flushed before and after."""
    import redis

    require("127.0.0.1", 6379, "Redis")
    db = 1 + uuid.uuid4().int % 15
    url = f"{REDIS_URL}/{db}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
