"""Streaming caps (issue 9, finding 2): streams per WebSocket, and open connections
per account and per address, refused with 429 before the upgrade."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator

import pytest
from starlette.testclient import TestClient, WebSocketDenialResponse

from roost.api.stream_limits import TOO_MANY_CONNECTIONS, TOO_MANY_SUBSCRIPTIONS
from roost.app import create_app
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.api.conftest import BASE_URL, Tokens
from tests.conftest import People


@pytest.fixture
def capped(rt: Runtime) -> Iterator[TestClient]:
    """A server that allows two streaming connections per account, three per address."""
    settings = rt.settings.model_copy(
        update={
            "inprocess_worker": False,
            "streaming_max_per_account": 2,
            "streaming_max_per_address": 3,
        }
    )
    limited = dataclasses.replace(rt, settings=settings)
    with TestClient(create_app(settings, rt=limited), base_url=BASE_URL) as test_client:
        yield test_client


def _subscribe(ws: object, tag: str) -> None:
    ws.send_text(json.dumps({"type": "subscribe", "stream": "hashtag", "tag": tag}))  # type: ignore[attr-defined]


def test_a_websocket_holds_at_most_16_streams_and_stays_open_when_refused(
    client: TestClient, tokens: Tokens, rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    with client.websocket_connect(f"/api/v1/streaming?access_token={tokens.bob}") as ws:
        # given 16 streams
        for i in range(16):
            _subscribe(ws, f"tag{i}")
        # when a 17th is asked for
        _subscribe(ws, "tag16")
        # then it is refused with an error event (commands run in order: all 16 are live)
        assert ws.receive_json() == {"error": TOO_MANY_SUBSCRIPTIONS}
        # and the connection still carries the streams it has
        post = do_create_post(rt, people.alice, "still here #tag0 #tag16")
        settle()
        event = ws.receive_json()
        assert event["stream"] == ["hashtag", "tag0"]
        assert json.loads(event["payload"])["id"] == str(post)
        # and after leaving one stream, another may be taken
        ws.send_text(json.dumps({"type": "unsubscribe", "stream": "hashtag", "tag": "tag1"}))
        _subscribe(ws, "tag16")
        ws.send_text(json.dumps({"type": "subscribe", "stream": "nonsense"}))
        assert ws.receive_json() == {"error": "Unknown stream type"}


def test_an_account_holds_at_most_its_share_of_connections(
    capped: TestClient, tokens: Tokens
) -> None:
    url = f"/api/v1/streaming?stream=user&access_token={tokens.bob}"
    with capped.websocket_connect(url), capped.websocket_connect(url):
        # a third WebSocket is refused before the upgrade
        with pytest.raises(WebSocketDenialResponse) as refused, capped.websocket_connect(url):
            pass
        assert refused.value.status_code == 429
        assert refused.value.json() == {"error": TOO_MANY_CONNECTIONS}
        # and so is an event stream, with a JSON 429
        response = capped.get(f"/api/v1/streaming/user?access_token={tokens.bob}")
        assert response.status_code == 429
        assert response.json() == {"error": TOO_MANY_CONNECTIONS}
        # another account from the same address still gets in
        with capped.websocket_connect(f"/api/v1/streaming?stream=user&access_token={tokens.carol}"):
            pass
    # once closed, the slots are given back
    with capped.websocket_connect(url), capped.websocket_connect(url):
        pass


def test_an_address_holds_at_most_its_share_of_connections(capped: TestClient) -> None:
    url = "/api/v1/streaming?stream=public"
    with (
        capped.websocket_connect(url),
        capped.websocket_connect(url),
        capped.websocket_connect(url),
    ):
        with pytest.raises(WebSocketDenialResponse) as refused, capped.websocket_connect(url):
            pass
        assert refused.value.status_code == 429
        assert capped.get("/api/v1/streaming/public").status_code == 429
    with capped.websocket_connect(url):
        pass
