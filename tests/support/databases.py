"""Which database the suite runs on: SQLite by default, PostgreSQL when
``QUJAT_TEST_DATABASE_URL`` names a server (``.ci/run`` starts one with scripts/postgres).

Every call to :func:`fresh_database_url` gives an empty database of its own.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

SERVER_URL = os.environ.get("QUJAT_TEST_DATABASE_URL")


def fresh_database_url(directory: Path) -> str:
    """A new, empty database: a SQLite file in ``directory`` or a new PostgreSQL database."""
    if not SERVER_URL:
        return f"sqlite:///{directory / f'registry-{uuid.uuid4().hex[:8]}.db'}"
    name = f"qujat_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)


def sqlite_bytes(path: Path) -> bytes:
    """The pages of the SQLite database at ``path`` (its WAL included), read through SQLite.

    Never ``path.read_bytes()`` on a database this process has open: closing any descriptor
    of the file drops every POSIX lock the process holds on it, the registry's connections'
    included, and the next connection then sees a database nobody seems to use (SQLite's
    "How to corrupt" §2.2; the suite met it as "disk I/O error" many tests later)."""
    import sqlite3

    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    copy = sqlite3.connect(":memory:")
    try:
        source.backup(copy)
        return copy.serialize()
    finally:
        source.close()
        copy.close()
