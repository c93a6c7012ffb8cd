"""Alembic migrations, run from code at start-up (``qujat serve``) and by the tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

__all__ = ["alembic_config", "upgrade"]

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


_MIGRATION_LOCK = 0x716A_6D69_6772  # PostgreSQL advisory lock: one migrating process at a time


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema at ``engine`` to ``revision``.

    On PostgreSQL, processes starting together (``serve --workers``, ``qujat worker``) take
    turns: the first migrates, the others find the schema at head and do nothing.
    """
    if engine.dialect.name != "postgresql":
        command.upgrade(alembic_config(engine), revision)
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK})
        conn.commit()
        try:
            command.upgrade(alembic_config(engine), revision)
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK})
            conn.commit()
