"""The batch queue's database side: procrastinate's schema beside ours, and its
connection string (PostgreSQL only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

__all__ = ["conninfo", "ensure_queue_schema"]

_SCHEMA_LOCK = 0x716A_6261_7463  # advisory lock id: one process applies procrastinate's schema


def conninfo(db_url: str) -> str:
    """libpq connection string of a SQLAlchemy PostgreSQL URL."""
    url = make_url(db_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def ensure_queue_schema(engine: Any) -> None:
    """Apply procrastinate's schema if the database lacks it (one process at a time).

    Its tables live beside ours, outside Alembic: procrastinate's schema manager owns them
    (upgrades: ``procrastinate schema --apply`` / its migrations, see the README).
    """
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _SCHEMA_LOCK})
        try:
            present = conn.scalar(text("SELECT to_regclass('procrastinate_jobs') IS NOT NULL"))
            if not present:
                from procrastinate.schema import SchemaManager

                conn.exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))
            conn.commit()
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _SCHEMA_LOCK})
            conn.commit()
