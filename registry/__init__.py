"""The registry of issued documents: SQLAlchemy 2 models, Alembic migrations, file store.

SQLite (WAL) by default, PostgreSQL in production. Holds no business rules.
"""

from __future__ import annotations

from registry.errors import Conflict, NotFound, RegistryError, StatusIndexTaken
from registry.files import FileStore, LocalFileStore, S3FileStore
from registry.records import ApiKeyRecord, DocumentRecord, NewDocument
from registry.store import STATUS_LIST_BITS, Registry, make_engine, new_id

__all__ = [
    "STATUS_LIST_BITS",
    "ApiKeyRecord",
    "Conflict",
    "DocumentRecord",
    "FileStore",
    "LocalFileStore",
    "NewDocument",
    "NotFound",
    "Registry",
    "RegistryError",
    "S3FileStore",
    "StatusIndexTaken",
    "make_engine",
    "new_id",
]
