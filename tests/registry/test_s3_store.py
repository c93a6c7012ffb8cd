"""The S3 file store against moto's in-process S3 mock.

This is a mock, not a real S3-compatible server (none is installable here: no MinIO in
Debian, radosgw needs a Ceph cluster). It checks our calls — keys, idempotent puts,
checksums, missing objects, listing — not a server's behaviour under load or failure.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from registry.errors import NotFound
from registry.files import S3FileStore

moto = pytest.importorskip("moto")
boto3 = pytest.importorskip("boto3")


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[S3FileStore]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with moto.mock_aws():
        boto3.client("s3").create_bucket(Bucket="qujat")
        yield S3FileStore.connect("qujat", prefix="pdf/")


def test_put_get_exists_delete(store: S3FileStore) -> None:
    data = b"%PDF-1.7 test"
    digest = store.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert store.put(data) == digest  # the same bytes are one object
    assert store.exists(digest) and store.get(digest) == data
    assert list(store.digests()) == [digest]
    key = store.client.list_objects_v2(Bucket="qujat")["Contents"][0]["Key"]
    assert key == f"pdf/{digest[:2]}/{digest}"
    store.delete(digest)
    assert not store.exists(digest)
    with pytest.raises(NotFound):
        store.get(digest)


def test_a_bad_name_is_not_found(store: S3FileStore) -> None:
    with pytest.raises(NotFound):
        store.get("../../etc/passwd")
