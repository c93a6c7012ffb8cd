"""Alembic migrations, run from code at start-up (``qujat serve``) and by the tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["alembic_config", "upgrade"]

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

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
    if revision == "head" and _at_head(engine):
        return  # alembic is not imported: ≈ 10 MB less in every server worker
    from alembic import command

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


_REVISION = re.compile(r'^(down_)?revision\s*=\s*(?:"([^"]*)"|None)', re.M)


def _heads() -> set[str]:
    """The revisions no other migration builds on, read from the migration files."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for down, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            if value:
                (parents if down else revisions).add(value)
    return revisions - parents


def _at_head(engine: Engine) -> bool:
    """Whether the schema is at every head already (the start of a worker after the
    first): a cheap read; on any doubt, ``False`` and alembic decides."""
    try:
        with engine.connect() as conn:
            found = {str(v) for v in conn.scalars(text("SELECT version_num FROM alembic_version"))}
    except SQLAlchemyError:
        return False
    heads = _heads()
    return bool(heads) and found == heads
