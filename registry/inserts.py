"""New rows written with Core statements instead of the ORM's unit of work.

A flush plans its work per object (identity map, dependency sort, primary keys read back);
for rows that are only ever inserted together and never read back through the session,
one ``INSERT`` per table and set of columns writes the same values for a fraction of the
time. Used by the issuance's group commit and by a countersignature's transaction.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, insert, inspect
from sqlalchemy.orm import Session

from registry.models import Base

__all__ = ["insert_rows"]


def insert_rows(session: Session, rows: Sequence[object]) -> None:
    """Insert new mapped objects with Core statements, one per table and set of columns, in
    the metadata's dependency order: what ``session.add_all(rows)`` and a flush would write,
    without the unit of work (an issuance, a countersignature). Only the attributes set on an
    object are written, so column defaults and autoincrement keys fill the rest; the objects
    stay outside the session."""
    batches: dict[tuple[Table, tuple[str, ...]], list[dict[str, Any]]] = {}
    for obj in rows:
        state = inspect(obj)
        values = {
            attr.columns[0].key: state.dict[attr.key]
            for attr in state.mapper.column_attrs
            if attr.key in state.dict
        }
        table = cast(Table, state.mapper.local_table)
        batches.setdefault((table, tuple(values)), []).append(values)
    order = _table_order(len(Base.metadata.tables))
    for (table, _columns), batch in sorted(batches.items(), key=lambda b: order[b[0][0]]):
        session.execute(insert(table), batch)


@functools.cache
def _table_order(_tables: int) -> dict[Table, int]:
    """Each table's place in dependency order (keyed on the table count: a model module
    imported later adds tables)."""
    return {table: i for i, table in enumerate(Base.metadata.sorted_tables)}
