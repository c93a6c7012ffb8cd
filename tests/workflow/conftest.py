"""Fixtures of the workflow tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from api.services import Services, build_services
from api.settings import Settings
from registry.migrate import upgrade
from registry.store import make_engine
from tests.support.databases import fresh_database_url
from tests.workflow.webhook_fixtures import FAST
from workflow.webhooks import Webhooks


@pytest.fixture
def hooks(tmp_path: Path) -> Iterator[Webhooks]:
    engine = make_engine(f"sqlite:///{tmp_path / 'hooks.db'}")
    upgrade(engine)
    yield Webhooks(sessionmaker(engine, expire_on_commit=False), lambda: datetime.now(UTC), FAST)
    engine.dispose()


@pytest.fixture
def own_services(tmp_path: Path) -> Iterator[Services]:
    """Services over a registry of their own, with no upgrader thread: a test that runs the
    upgrader works on its own documents only."""
    settings = Settings(data_dir=tmp_path / "data", database_url=fresh_database_url(tmp_path),
                        ltv_upgrader="worker")  # fmt: skip
    services = build_services(settings)
    yield services
    services.registry.close()
