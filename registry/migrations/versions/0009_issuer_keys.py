"""Per-organisation issuer keys: where each organisation's PKCS#12 and passphrase file are.

Revision ID: 0009
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issuer_keys",
        sa.Column("organisation", sa.String(500), primary_key=True),
        sa.Column("bin", sa.String(12), nullable=False),
        sa.Column("p12_path", sa.Text(), nullable=False),
        sa.Column("passphrase_file", sa.Text(), nullable=False),
        sa.Column("certificate_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("issuer_keys")
