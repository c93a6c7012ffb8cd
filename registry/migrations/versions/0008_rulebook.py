"""Each document's rulebook (the legal text it was made under) and whether it was issued
outside that rulebook's period of force.

Revision ID: 0008
Revises: 0007

Documents issued before this revision were all made under the only edition of their form:
the pilot's Algorithm (seed 002), except the course and dissemination forms, whose rulebooks
are the providers' texts (filled in below by form id). None was issued outside a period, as
nothing judged periods before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_PILOT = "kz-attestation-pilot-2024"

# the forms whose first edition is not the pilot's (forms.catalogue as of this revision);
# literal, so the migration does not change when the catalogue does
_NOT_PILOT = {
    "course-certificate": "ziat-courses-regulation-2025",
    "course-certificate-supplement": "ziat-courses-regulation-2025",
    "course-attendance-note": "ziat-courses-regulation-2025",
    "course-final-project-evaluation": "kemel-attestation-course",
    "experience-dissemination-conclusion": "tvet-experience-dissemination-guide",
}


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(
            sa.Column("rulebook_id", sa.String(100), nullable=False, server_default=_PILOT)
        )
        batch.add_column(
            sa.Column(
                "issued_outside_period", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    documents = sa.table("documents", sa.column("form", sa.String), sa.column("rulebook_id"))
    conn = op.get_bind()
    for form, rulebook in _NOT_PILOT.items():
        conn.execute(
            documents.update().where(documents.c.form == form).values(rulebook_id=rulebook)
        )


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("issued_outside_period")
        batch.drop_column("rulebook_id")
