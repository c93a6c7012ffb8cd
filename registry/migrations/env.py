"""Alembic environment: the engine comes from registry.migrate (never from a config file)."""

from __future__ import annotations

from alembic import context

from registry.issuer_keys import IssuerKeyRow  # noqa: F401  (its table on Base)
from registry.models import Base
from registry.models_webhooks import WebhookEndpointRow  # noqa: F401  (its tables on Base)

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
