"""Media storage: one conformance suite for the folder and the S3-compatible
implementation, the latter against a real SeaweedFS the fixture starts (the API
path over S3 is in tests/api/test_media_s3.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from roost.store.media import FolderMediaStorage, MediaStorage, S3MediaStorage
from tests.media.pictures import picture
from tests.store.seaweed_server import S3Server, seaweed_s3


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    with seaweed_s3(tmp_path_factory.mktemp("seaweed")) as server:
        yield server


def s3_storage(server: S3Server) -> S3MediaStorage:
    return S3MediaStorage(
        endpoint=server.endpoint,
        bucket=server.bucket,
        access_key=server.access_key,
        secret_key=server.secret_key,
        region="us-east-1",
        public_url="",
    )


@pytest.fixture(params=["folder", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> MediaStorage:
    if request.param == "folder":
        return FolderMediaStorage(tmp_path / "media", "http://roost.test")
    return s3_storage(request.getfixturevalue("s3_server"))


def test_save_read_url_and_delete_round_trip(storage: MediaStorage) -> None:
    data = picture("PNG")
    storage.save("attachments/abc.png", data)
    assert storage.read("attachments/abc.png") == data
    assert storage.url("attachments/abc.png").endswith("/attachments/abc.png")
    storage.save("attachments/abc.png", b"replaced")
    assert storage.read("attachments/abc.png") == b"replaced"
    storage.delete("attachments/abc.png")
    assert storage.read("attachments/abc.png") is None
    storage.delete("attachments/abc.png")  # twice: a retried job must not fail
    assert storage.read("never/there.png") is None


def test_s3_files_are_served_from_the_public_url_with_their_type(s3_server: S3Server) -> None:
    storage = s3_storage(s3_server)
    storage.save("attachments/pub.png", picture("PNG"))
    answer = httpx.get(storage.url("attachments/pub.png"))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/png"
    assert answer.content == picture("PNG")
    storage.delete("attachments/pub.png")
