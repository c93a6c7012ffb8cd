"""Document revisions: the hash of every revision Qujat produced of a document (issued,
countersigned, archive timestamp renewed), so an older copy is recognised as genuine.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_revisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "document_id",
            sa.String(32),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("archive_timestamp_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tsa_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("document_id", "revision", name="uq_document_revisions_number"),
        sa.UniqueConstraint("document_id", "sha256", name="uq_document_revisions_sha256"),
    )
    op.create_index("ix_document_revisions_sha256", "document_revisions", ["sha256"])


def downgrade() -> None:
    op.drop_table("document_revisions")
