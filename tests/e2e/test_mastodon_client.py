"""End to end: the real `roost serve` process driven by Mastodon.py, a published
Mastodon client library, through the "Done when" list of the social core.

The server runs the embedded default (SQLite in a temporary data folder, jobs in
a thread of the web process), exactly as `make run` starts it.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mastodon import Mastodon, MastodonAPIError, MastodonUnauthorizedError, StreamListener
from PIL import Image
from websockets.sync.client import connect

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

ROOST = str(Path(sys.executable).parent / "roost")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "ROOST_DATA_DIR": str(tmp_path_factory.mktemp("e2e")),
        "ROOST_PORT": str(port),
        "ROOST_DATABASE_URL": "",
        "ROOST_REDIS_URL": "",
        # Every account here signs up from 127.0.0.1: more than the 5 per 30 minutes
        # one address may make (tests/api/test_rate_limits.py checks the limits).
        "ROOST_RATE_LIMITS": "false",
    }
    subprocess.run([ROOST, "migrate"], env=env, check=True, capture_output=True)
    proc = subprocess.Popen([ROOST, "serve"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        # The default serves with one web process per core: on a loaded machine, each
        # importing the app at once can take a minute.
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{base}/api/v1/instance").status_code == 200:
                    break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("roost serve did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def wait_for(check: Callable[[], bool], timeout: float = 1.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


def test_social_core_through_a_mastodon_client(server: str) -> None:
    client_id, client_secret = Mastodon.create_app("e2e", api_base_url=server)
    app = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=server)
    clients: dict[str, Mastodon] = {}
    for name in ("ann", "ben", "cat"):
        anon = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=server)
        token = anon.create_account(
            name, "a long enough password", f"{name}@example.com", agreement=True
        )
        assert isinstance(token, str)
        clients[name] = Mastodon(access_token=token, api_base_url=server)
    ann, ben, cat = clients["ann"], clients["ben"], clients["cat"]
    assert app.instance()["version"].startswith("4.")
    ben_account = ben.me()

    # follow, post with a hashtag and a mention; it reaches the follower within a second
    ann.account_follow(ben_account["id"])
    post = ben.status_post("Live from the #HCSM chat with @cat")
    assert wait_for(lambda: [s["id"] for s in ann.timeline_home()][:1] == [post["id"]])
    assert post["mentions"][0]["acct"] == "cat"
    assert [t["name"] for t in post["tags"]] == ["HCSM"]

    # tag and user timelines
    assert post["id"] in [s["id"] for s in cat.timeline_hashtag("hcsm")]
    assert post["id"] in [s["id"] for s in cat.account_statuses(ben_account["id"])]

    # like, repost, reply, thread
    cat.status_favourite(post["id"])
    cat.status_reblog(post["id"])
    reply = ann.status_post("Great point", in_reply_to_id=post["id"])
    context = ben.status_context(post["id"])
    assert [s["id"] for s in context["descendants"]] == [reply["id"]]
    fresh = ann.status(post["id"])
    assert (fresh["favourites_count"], fresh["reblogs_count"], fresh["replies_count"]) == (1, 1, 1)

    # page the home timeline with max_id
    more = [ben.status_post(f"post number {i}") for i in range(4)]
    assert wait_for(lambda: ann.timeline_home(limit=1)[0]["id"] == more[-1]["id"])
    first_page = ann.timeline_home(limit=2)
    second_page = ann.timeline_home(limit=2, max_id=first_page[-1]["id"])
    assert [s["id"] for s in first_page] == [more[3]["id"], more[2]["id"]]
    assert [s["id"] for s in second_page] == [more[1]["id"], more[0]["id"]]

    # 281 characters: 422; no token: 401
    with pytest.raises(MastodonAPIError) as too_long:
        ben.status_post("x" * 281)
    assert too_long.value.args[1] == 422
    with pytest.raises(MastodonUnauthorizedError):
        Mastodon(api_base_url=server).timeline_home()

    # delete: leaves the follower's timeline
    ben.status_delete(more[3]["id"])
    assert wait_for(lambda: more[3]["id"] not in [s["id"] for s in ann.timeline_home()])

    # unfollow: no more posts arrive
    ann.account_unfollow(ben_account["id"])
    after = ben.status_post("after the unfollow")
    time.sleep(0.5)
    assert after["id"] not in [s["id"] for s in ann.timeline_home()]

    # upload an avatar and fetch it
    image = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 80, 20)).save(image, format="PNG")
    updated: Any = ann.account_update_credentials(
        avatar=image.getvalue(), avatar_mime_type="image/png"
    )
    fetched = httpx.get(updated["avatar"])
    assert fetched.status_code == 200
    assert Image.open(io.BytesIO(fetched.content)).size == (400, 400)


class Heard(StreamListener):
    """Collects what a real SSE stream delivers, by event."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, Any]] = []

    def on_update(self, status: Any) -> None:
        self.events.append(("update", status))

    def on_notification(self, notification: Any) -> None:
        self.events.append(("notification", notification))

    def on_conversation(self, conversation: Any) -> None:
        self.events.append(("conversation", conversation))

    def on_delete(self, status_id: Any) -> None:
        self.events.append(("delete", status_id))


def test_notifications_and_conversations_through_a_mastodon_client(server: str) -> None:
    client_id, client_secret = Mastodon.create_app("e2e-notes", api_base_url=server)
    clients: dict[str, Mastodon] = {}
    for name in ("dee", "eve", "fay"):
        anon = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=server)
        token = anon.create_account(
            name, "a long enough password", f"{name}@example.com", agreement=True
        )
        clients[name] = Mastodon(access_token=token, api_base_url=server)
    dee, eve, fay = clients["dee"], clients["eve"], clients["fay"]
    fay.account_follow(dee.me()["id"])
    # Mastodon's default policy files private mentions from strangers as requests.
    dee.account_follow(eve.me()["id"])

    # live, over real server-sent events: dee hears of a mention and of a DM
    heard = Heard()
    handle = dee.stream_user(heard, run_async=True, reconnect_async=False)
    try:
        time.sleep(0.3)  # the stream subscribes before anything is posted
        mention = eve.status_post("Question for @dee: lunch at noon?")
        dm = eve.status_post("@dee @fay just the three of us", visibility="direct")
        assert wait_for(
            lambda: {kind for kind, _ in heard.events} >= {"notification", "conversation"},
            timeout=3.0,
        )
    finally:
        handle.close()
    # fay's follow may be delivered while the stream is open (its job runs when it runs)
    notified = [n for kind, n in heard.events if kind == "notification" and n["type"] == "mention"]
    assert {n["status"]["id"] for n in notified} == {mention["id"], dm["id"]}

    # the REST side: list, filter, mark read, dismiss
    notes = dee.notifications()
    assert [n["type"] for n in notes] == ["mention", "mention", "follow"]
    assert [n["account"]["acct"] for n in dee.notifications(types=["follow"])] == ["fay"]
    grouped = dee.grouped_notifications()
    assert len(grouped["notification_groups"]) == 3
    dee.markers_set(["notifications"], [notes[0]["id"]])
    assert dee.markers_get(["notifications"])["notifications"]["last_read_id"] == notes[0]["id"]
    assert dee.notifications_unread_count()["count"] == 0
    dee.notifications_dismiss(notes[2]["id"])
    assert [n["id"] for n in dee.notifications()] == [notes[0]["id"], notes[1]["id"]]

    # the conversation: all three have it; reading clears unread for the reader only
    (conversation,) = dee.conversations()
    assert conversation["unread"]
    assert {a["acct"] for a in conversation["accounts"]} == {"eve", "fay"}
    dee.conversations_read(conversation["id"])
    assert not dee.conversations()[0]["unread"]
    assert fay.conversations()[0]["unread"]
    assert not eve.conversations()[0]["unread"]  # the sender has read her own message


def test_direct_stream_over_a_real_websocket(server: str) -> None:
    client_id, client_secret = Mastodon.create_app("e2e-ws", api_base_url=server)
    tokens = {}
    for name in ("gus", "hal", "ivy"):
        anon = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=server)
        tokens[name] = anon.create_account(
            name, "a long enough password", f"{name}@example.com", agreement=True
        )
    gus, ivy = (Mastodon(access_token=tokens[n], api_base_url=server) for n in ("gus", "ivy"))
    ivy.account_follow(gus.me()["id"])
    url = server.replace("http://", "ws://") + "/api/v1/streaming"
    with (
        connect(f"{url}?stream=direct&access_token={tokens['hal']}") as hal_ws,
        connect(f"{url}?stream=user&access_token={tokens['ivy']}") as ivy_ws,
    ):
        secret = gus.status_post("@hal between us", visibility="direct")
        # read before the delete: an event names the conversation as it is when sent
        event = json.loads(hal_ws.recv(timeout=5))
        assert (event["stream"], event["event"]) == (["direct"], "conversation")
        assert json.loads(event["payload"])["last_status"]["id"] == secret["id"]
        gus.status_delete(secret["id"])
        public = gus.status_post("for everyone")
        # ivy follows gus but was not mentioned: the first thing she hears is the public post
        first = json.loads(ivy_ws.recv(timeout=5))
        assert (first["event"], json.loads(first["payload"])["id"]) == ("update", public["id"])


def test_audience_control_through_a_mastodon_client(server: str) -> None:
    client_id, client_secret = Mastodon.create_app("e2e-audience", api_base_url=server)
    clients: dict[str, Mastodon] = {}
    for name in ("jo", "kim", "lee", "max"):
        anon = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=server)
        token = anon.create_account(
            name, "a long enough password", f"{name}@example.com", agreement=True
        )
        clients[name] = Mastodon(access_token=token, api_base_url=server)
    jo, kim, lee, max_ = clients["jo"], clients["kim"], clients["lee"], clients["max"]
    jo_id, kim_id, lee_id, max_id = (c.me()["id"] for c in (jo, kim, lee, max_))

    # a locked account approves one follower and turns another down
    jo.account_update_credentials(locked=True)
    assert kim.account_follow(jo_id)["requested"]
    lee.account_follow(jo_id)
    assert {a["id"] for a in jo.follow_requests()} == {kim_id, lee_id}
    assert jo.follow_request_authorize(kim_id)["followed_by"]
    jo.follow_request_reject(lee_id)
    assert jo.follow_requests() == []
    secret = jo.status_post("for approved followers", visibility="private")
    assert wait_for(lambda: secret["id"] in [s["id"] for s in kim.timeline_home()])
    with pytest.raises(MastodonAPIError):
        lee.status(secret["id"])

    # a list of people one follows, read as its own timeline
    kim.account_follow(lee_id)
    kim.account_follow(max_id)
    friends = kim.list_create("Friends")
    kim.list_accounts_add(friends["id"], [lee_id])
    assert [a["id"] for a in kim.list_accounts(friends["id"])] == [lee_id]
    from_lee = lee.status_post("to my friends")
    max_.status_post("not in the list")
    assert wait_for(lambda: [s["id"] for s in kim.timeline_list(friends["id"])] == [from_lee["id"]])

    # mute, then block: the muted person's posts leave home; a block ends the follow
    assert kim.account_mute(max_id)["muting"]
    assert max_id in {a["id"] for a in kim.mutes()}
    assert all(s["account"]["id"] != max_id for s in kim.timeline_home())
    blocked = kim.account_block(lee_id)
    assert blocked["blocking"]
    assert not blocked["following"]
    assert lee_id in {a["id"] for a in kim.blocks()}
    with pytest.raises(MastodonAPIError):
        lee.status_favourite(kim.status_post("after the block")["id"])
