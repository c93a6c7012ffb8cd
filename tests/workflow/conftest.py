"""Fixtures of the workflow tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from registry.migrate import upgrade
from registry.store import make_engine
from tests.workflow.webhook_fixtures import FAST
from workflow.webhooks import Webhooks


@pytest.fixture
def hooks(tmp_path: Path) -> Iterator[Webhooks]:
    engine = make_engine(f"sqlite:///{tmp_path / 'hooks.db'}")
    upgrade(engine)
    yield Webhooks(sessionmaker(engine, expire_on_commit=False), lambda: datetime.now(UTC), FAST)
    engine.dispose()
