"""Migration 0008: documents registered before it get their form's first rulebook and are
not marked as issued outside its period; a new row records what it is given."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from forms.catalogue import FORMS
from registry.migrate import upgrade
from registry.store import make_engine

_NOW = "2024-11-29 10:00:00+00:00"


def _insert(conn: sa.Connection, doc_id: str, form: str) -> None:
    conn.execute(
        sa.text(
            "INSERT INTO documents (id, form, lang, status, sha256, original_sha256, case_data, "
            "summary, signatures, organisation, created_at, updated_at) VALUES (:id, :form, "
            "'kk', 'issued', :h, :h, '{}', '{}', '[]', 'Org', :now, :now)"
        ),
        {"id": doc_id, "form": form, "h": "0" * 64, "now": _NOW},
    )


def test_earlier_documents_get_their_forms_first_rulebook(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0007")
    with engine.begin() as conn:
        for form in FORMS:
            _insert(conn, form[:32], form)
    upgrade(engine)
    with engine.connect() as conn:
        rows = dict(
            (r.id, (r.rulebook_id, bool(r.issued_outside_period)))
            for r in conn.execute(
                sa.text("SELECT id, rulebook_id, issued_outside_period FROM documents")
            )
        )
    engine.dispose()
    # every form's only edition today is its first: the migration names each one's rulebook
    assert rows == {form[:32]: (spec.rulebook.id, False) for form, spec in FORMS.items()}
    assert rows["course-certificate"][0] == "ziat-courses-regulation-2025"
