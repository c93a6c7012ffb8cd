"""Each document's bit in the revocation status list.

Revision ID: 0002
Revises: 0001

Indexes are random (not issue order, so the list says nothing about who was issued when) and
unique; documents issued before this revision get one here.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_LIST_BITS = 131_072


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("status_index", sa.Integer(), nullable=True))
    documents = sa.table("documents", sa.column("id", sa.String), sa.column("status_index"))
    conn = op.get_bind()
    ids = [row[0] for row in conn.execute(sa.select(documents.c.id).order_by(documents.c.id))]
    window = _LIST_BITS
    while len(ids) * 2 > window:
        window *= 2
    taken: set[int] = set()
    for doc_id in ids:
        index = secrets.randbelow(window)
        while index in taken:
            index = secrets.randbelow(window)
        taken.add(index)
        conn.execute(documents.update().where(documents.c.id == doc_id).values(status_index=index))
    op.create_index("ix_documents_status_index", "documents", ["status_index"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_documents_status_index", "documents")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("status_index")
