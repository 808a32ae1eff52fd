"""End to end: pictures through Mastodon.py against the real `roost serve` process
(the embedded default: jobs in a thread of the web process, so the v2 upload is
processed in the background while the library polls for it, as against Mastodon)."""

from __future__ import annotations

import io

import httpx
import pytest
from mastodon import Mastodon, MastodonAPIError
from PIL import Image

from tests.e2e.test_mastodon_client import server as roost_server  # noqa: F401 (a fixture)
from tests.media.pictures import picture

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def test_pictures_through_a_mastodon_client(roost_server: str) -> None:  # noqa: F811
    client_id, client_secret = Mastodon.create_app("e2e-media", api_base_url=roost_server)
    anon = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=roost_server)
    token = anon.create_account("pia", "a long enough password", "pia@example.com", agreement=True)
    pia = Mastodon(access_token=token, api_base_url=roost_server)
    limits = pia.instance()["configuration"]["media_attachments"]
    assert "image/webp" in limits["supported_mime_types"]

    media = pia.media_post(
        picture("JPEG", size=(2000, 1000)),
        mime_type="image/jpeg",
        description="A bar chart of flu cases",
        focus=(0.1, -0.2),
        synchronous=True,  # polls GET /api/v1/media/:id until the job is done
    )
    assert media["url"] is not None
    assert media["meta"]["original"]["aspect"] == 2.0
    status = pia.status_post("This week's numbers", media_ids=[media])
    [attached] = status["media_attachments"]
    assert attached["description"] == "A bar chart of flu cases"
    served = httpx.get(attached["url"])
    assert Image.open(io.BytesIO(served.content)).size == (2000, 1000)
    assert pia.account_statuses(pia.me()["id"], only_media=True)[0]["id"] == status["id"]

    with pytest.raises(MastodonAPIError) as broken:
        pia.media_post(b"not a picture", mime_type="image/png")
    assert broken.value.args[1] == 422
