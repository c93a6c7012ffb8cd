"""Batches and their items (``POST /v1/batches``).

Revision ID: 0005
Revises: 0004

The batch work queue itself is not here: on PostgreSQL it is procrastinate's own tables,
applied by its schema manager (see api/batches.py); the embedded default needs none.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("organisation", sa.String(500), nullable=False),
        sa.Column("api_key_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_batches_status", "batches", ["status"])
    op.create_table(
        "batch_items",
        sa.Column(
            "batch_id",
            sa.String(32),
            sa.ForeignKey("batches.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("idx", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("form", sa.String(64), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("protocol_id", sa.String(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("document_id", sa.String(32), nullable=True),
        sa.Column("error", sa.JSON(), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_batch_items_status", "batch_items", ["batch_id", "status"])


def downgrade() -> None:
    op.drop_table("batch_items")
    op.drop_table("batches")
