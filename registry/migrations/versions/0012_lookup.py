"""The check by number and IIN, and the documents' listing.

Revision ID: 0012
Revises: 0007

Each document gets the registration number it states and a keyed hash of its holder's IIN
(never the IIN), both indexed, plus an index for listing an organisation's documents in
order. Registration numbers of existing rows are filled here from their summary; the IIN
hashes need the server's key, so the server fills them at start-up
(``Registry.backfill_lookup``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("registration_number", sa.String(200), nullable=True))
        batch.add_column(sa.Column("holder_iin_hash", sa.String(64), nullable=True))
    documents = sa.table(
        "documents",
        sa.column("id", sa.String),
        sa.column("summary", sa.JSON),
        sa.column("registration_number", sa.String),
    )
    conn = op.get_bind()
    for doc_id, summary in conn.execute(sa.select(documents.c.id, documents.c.summary)).all():
        number = (summary or {}).get("registration_number")
        if isinstance(number, str) and number:
            conn.execute(
                documents.update()
                .where(documents.c.id == doc_id)
                .values(registration_number=number[:200])
            )
    op.create_index("ix_documents_registration_number", "documents", ["registration_number"])
    op.create_index("ix_documents_holder_iin_hash", "documents", ["holder_iin_hash"])
    op.create_index("ix_documents_org_created", "documents", ["organisation", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_documents_org_created", "documents")
    op.drop_index("ix_documents_holder_iin_hash", "documents")
    op.drop_index("ix_documents_registration_number", "documents")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("holder_iin_hash")
        batch.drop_column("registration_number")
