"""What the PostgreSQL benchmarks share: the server they use, a throwaway database, a skip.

The server is the one the tests use (``PROXYREG_TEST_DSN``, else the local one as
the ``postgres`` user); each benchmark works in a database of its own, dropped
afterwards. Without a server a benchmark's section says so instead of failing.
"""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from collections.abc import Iterator

import psycopg
from _report import Section
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

DEFAULT_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=5"
ADMIN_DSN = os.environ.get("PROXYREG_TEST_DSN") or DEFAULT_ADMIN_DSN  # as tests/pg.py


def unreachable() -> str | None:
    """None when the server answers, else why not."""
    try:
        with psycopg.connect(ADMIN_DSN, autocommit=True):
            return None
    except psycopg.OperationalError as exc:
        return str(exc).strip()


def dsn_of(database: str) -> str:
    """A libpq connection string for ``database`` on the benchmark server."""
    return make_conninfo(ADMIN_DSN, dbname=database)


def url_of(database: str) -> str:
    """The same as a ``postgresql://`` URL, the form ``proxyreg --db`` takes."""
    admin = conninfo_to_dict(ADMIN_DSN)
    password = f":{admin['password']}" if admin.get("password") else ""
    return (
        f"postgresql://{admin.get('user', 'postgres')}{password}"
        f"@{admin.get('host', '127.0.0.1')}:{admin.get('port', 5432)}/{database}"
    )


@contextlib.contextmanager
def throwaway_database(prefix: str) -> Iterator[str]:
    """Create an empty database, yield its name, drop it (connections and all)."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def skipped(title: str, script: str, about: str, why: str) -> Section:
    """A section that says the benchmark did not run, and how to make it run."""
    print(f"{script}: skipped: PostgreSQL is not reachable ({why})", file=sys.stderr)
    return Section(
        title=title,
        script=script,
        about=about,
        tables=(),
        notes=(
            f"**Skipped:** no PostgreSQL server answered at `{ADMIN_DSN}` ({why}); "
            f"set `PROXYREG_TEST_DSN` to an admin DSN to measure.",
        ),
    )
