"""Countersignatures: signers, a document's required signers, signing sessions and links.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "signers",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("organisation", sa.String(500), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("iin", sa.String(12), nullable=True),
        sa.Column("affiliation", sa.String(500), nullable=True),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        sa.Column("certificate_sha256", sa.String(64), nullable=False),
        sa.Column("key_location", sa.String(2000), nullable=True),
        _ts("created_at"),
        _ts("revoked_at", True),
        sa.UniqueConstraint("organisation", "certificate_sha256", name="uq_signers_certificate"),
    )
    op.create_table(
        "document_signers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.String(32), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("signer_id", sa.String(32), sa.ForeignKey("signers.id"), nullable=False),
        sa.Column("field_name", sa.String(64), nullable=False),
        _ts("signed_at", True),
        sa.Column("signature_sha256", sa.String(64), nullable=True),
        sa.UniqueConstraint("document_id", "field_name", name="uq_document_signers_field"),
    )
    op.create_index("ix_document_signers_document", "document_signers", ["document_id"])
    op.create_table(
        "signing_plans",
        sa.Column("document_id", sa.String(32), sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("order_rule", sa.String(32), nullable=False),
        sa.Column("follow_up", sa.JSON(), nullable=False),
        _ts("derived_at", True),
    )
    op.create_table(
        "signing_sessions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("document_id", sa.String(32), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column(
            "required_signer_id",
            sa.Integer(),
            sa.ForeignKey("document_signers.id"),
            nullable=False,
        ),
        sa.Column("base_sha256", sa.String(64), nullable=False),
        sa.Column("prepared_sha256", sa.String(64), nullable=False),
        sa.Column("digest_algorithm", sa.String(16), nullable=False),
        sa.Column("document_digest", sa.String(128), nullable=False),
        sa.Column("reserved_start", sa.Integer(), nullable=False),
        sa.Column("reserved_end", sa.Integer(), nullable=False),
        sa.Column("signed_attrs", sa.Text(), nullable=False),
        _ts("created_at"),
        _ts("expires_at"),
        _ts("completed_at", True),
    )
    op.create_table(
        "signing_links",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("document_id", sa.String(32), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column(
            "required_signer_id",
            sa.Integer(),
            sa.ForeignKey("document_signers.id"),
            nullable=False,
        ),
        _ts("created_at"),
        _ts("expires_at"),
        _ts("used_at", True),
    )


def downgrade() -> None:
    op.drop_table("signing_links")
    op.drop_table("signing_sessions")
    op.drop_table("signing_plans")
    op.drop_index("ix_document_signers_document", "document_signers")
    op.drop_table("document_signers")
    op.drop_table("signers")
