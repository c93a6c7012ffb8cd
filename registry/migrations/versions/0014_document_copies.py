"""Copies rendered from a document's case data, kept in the file store (the DOCX).

Revision ID: 0014
Revises: 0012

One row per (document, kind) names the stored file; the copy is rendered on first request
and served from the store afterwards, by every worker.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_copies",
        sa.Column("document_id", sa.String(32), sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_document_copies_sha256", "document_copies", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_document_copies_sha256", "document_copies")
    op.drop_table("document_copies")
