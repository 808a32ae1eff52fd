"""The whole upload → process → post → serve → delete path with media in an
S3-compatible bucket: a real SeaweedFS that the fixture starts on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from starlette.testclient import TestClient

from roost.config import Settings
from tests.api.conftest import Tokens
from tests.media.pictures import picture
from tests.store.seaweed_server import S3Server, seaweed_s3


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    with seaweed_s3(tmp_path_factory.mktemp("seaweed")) as server:
        yield server


@pytest.fixture
def settings(settings: Settings, s3_server: S3Server) -> Settings:
    """The suite's settings (each backend), with media in the SeaweedFS bucket."""
    return settings.model_copy(
        update={
            "s3_bucket": s3_server.bucket,
            "s3_endpoint": s3_server.endpoint,
            "s3_access_key_id": s3_server.access_key,
            "s3_secret_access_key": s3_server.secret_key,
        }
    )


def test_pictures_posted_through_the_api_live_in_the_bucket(
    client: TestClient, tokens: Tokens, settle: Callable[[], int], s3_server: S3Server
) -> None:
    accepted = client.post(
        "/api/v2/media",
        headers=tokens.auth("alice"),
        files={"file": ("p.jpg", picture("JPEG"), "image/jpeg")},
        data={"description": "in the bucket"},
    )
    assert accepted.status_code == 202
    settle()  # the job reads the upload back from the bucket and processes it
    status = client.post(
        "/api/v1/statuses",
        headers=tokens.auth("alice"),
        json={"status": "s3", "media_ids": [accepted.json()["id"]]},
    ).json()
    [media] = status["media_attachments"]
    assert media["url"].startswith(f"{s3_server.endpoint}/{s3_server.bucket}/attachments/")
    for url in (media["url"], media["preview_url"]):
        assert httpx.get(url).status_code == 200
    client.delete(
        f"/api/v1/statuses/{status['id']}?delete_media=true", headers=tokens.auth("alice")
    )
    settle()
    assert httpx.get(media["url"]).status_code == 404
