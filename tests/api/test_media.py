"""Media over HTTP: uploads of every format, refusals (broken, mismatched, bomb,
oversize), alt text, attaching (own, unposted, at most 4), and where attachments
show up (hydration, ``only_media``) without leaking a private post's pictures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from roost.graph.actions import do_follow
from roost.media.actions import CLEANUP_JOB, JOB_HANDLERS
from roost.media.images import MAX_PIXELS, MAX_UPLOAD_BYTES
from roost.media.models import media_attachments
from roost.runtime import Runtime
from roost.store.jobs import jobs
from tests.api.conftest import Tokens
from tests.conftest import People
from tests.media.pictures import animated_gif, picture, png_bomb, truncated

MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


def upload(
    client: TestClient,
    tokens: Tokens,
    who: str,
    data: bytes,
    *,
    mime: str = "image/png",
    name: str = "picture.png",
    version: str = "v1",
    **fields: str,
) -> Any:
    return client.post(
        f"/api/{version}/media",
        headers=tokens.auth(who),
        files={"file": (name, data, mime)},
        data=fields,
    )


def media_id(client: TestClient, tokens: Tokens, who: str = "alice", **fields: str) -> str:
    response = upload(client, tokens, who, picture("PNG"), **fields)
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def post_with(client: TestClient, tokens: Tokens, who: str, ids: list[str], **extra: Any) -> Any:
    return client.post(
        "/api/v1/statuses",
        headers=tokens.auth(who),
        json={"status": "look", "media_ids": ids, **extra},
    )


@pytest.mark.parametrize("fmt", list(MIME))
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_each_format_uploads(
    client: TestClient, tokens: Tokens, settle: Callable[[], int], fmt: str, version: str
) -> None:
    response = upload(
        client, tokens, "alice", picture(fmt), mime=MIME[fmt], name="x", version=version
    )
    assert response.status_code == (200 if version == "v1" else 202), response.text
    settle()
    shown = client.get(f"/api/v1/media/{response.json()['id']}", headers=tokens.auth("alice"))
    assert shown.status_code == 200
    body = shown.json()
    assert body["type"] == "image"
    assert body["url"]
    assert body["preview_url"]
    assert body["blurhash"]
    assert body["meta"]["original"]["width"] == 120
    served = client.get(body["url"].removeprefix("http://roost.test"))
    assert served.status_code == 200
    assert served.content


def test_an_animated_gif_is_served_animated(client: TestClient, tokens: Tokens) -> None:
    response = upload(client, tokens, "alice", animated_gif(), mime="image/gif", name="a.gif")
    assert response.status_code == 200
    assert response.json()["url"].endswith(".gif")


@pytest.mark.parametrize(
    ("data", "mime", "name"),
    [
        (b"GIF89a but not really", "image/gif", "x.gif"),
        (truncated(picture("PNG")), "image/png", "x.png"),
        (picture("PNG"), "image/jpeg", "x.jpg"),  # a PNG claiming to be a JPEG
        (picture("JPEG"), "application/octet-stream", "photo.webp"),  # wrong extension
        (picture("BMP"), "image/bmp", "x.bmp"),
        (png_bomb(), "image/png", "bomb.png"),
    ],
    ids=["broken", "truncated", "mismatched-type", "mismatched-extension", "bmp", "bomb"],
)
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_bad_files_are_refused_with_422(
    client: TestClient, tokens: Tokens, rt: Runtime, data: bytes, mime: str, name: str, version: str
) -> None:
    response = upload(client, tokens, "alice", data, mime=mime, name=name, version=version)
    assert response.status_code == 422, response.text
    assert response.json()["error"].startswith("Validation failed")
    with rt.db.read() as conn:
        assert conn.scalar(select(media_attachments.c.id)) is None


def test_an_oversize_upload_is_refused_before_it_is_read(
    client: TestClient, tokens: Tokens, rt: Runtime
) -> None:
    big = b"\x89PNG" + b"\x00" * (MAX_UPLOAD_BYTES + 200_000)
    response = upload(client, tokens, "alice", big)
    assert response.status_code == 413
    assert "larger than" in response.json()["error"]

    def chunks() -> Any:  # no Content-Length: counted as it arrives
        yield b"--b\r\nContent-Disposition: form-data; name=file; filename=a.png\r\n"
        yield b"Content-Type: image/png\r\n\r\n"
        for _ in range(MAX_UPLOAD_BYTES // 65536 + 4):
            yield b"\x00" * 65536

    chunked = client.post(
        "/api/v2/media",
        headers={**tokens.auth("alice"), "Content-Type": "multipart/form-data; boundary=b"},
        content=chunks(),
    )
    assert chunked.status_code == 413
    with rt.db.read() as conn:
        assert conn.scalar(select(media_attachments.c.id)) is None


def test_alt_text_and_focus(client: TestClient, tokens: Tokens) -> None:
    long_text = "é" * 1500
    response = upload(client, tokens, "alice", picture("PNG"), description=long_text)
    assert response.json()["description"] == long_text
    too_long = upload(client, tokens, "alice", picture("PNG"), description="x" * 1501)
    assert too_long.status_code == 422
    bad_focus = upload(client, tokens, "alice", picture("PNG"), focus="2,0")
    assert bad_focus.status_code == 422
    mid = response.json()["id"]
    updated = client.put(
        f"/api/v1/media/{mid}",
        headers=tokens.auth("alice"),
        json={"description": "Opening hours: 9 to 5", "focus": "-1,1"},
    )
    assert updated.json()["description"] == "Opening hours: 9 to 5"
    assert updated.json()["meta"]["focus"] == {"x": -1.0, "y": 1.0}
    status = post_with(client, tokens, "alice", [mid]).json()
    assert status["media_attachments"][0]["description"] == "Opening hours: 9 to 5"


def test_someone_elses_media_is_refused(client: TestClient, tokens: Tokens) -> None:
    bobs = media_id(client, tokens, "bob")
    response = post_with(client, tokens, "alice", [bobs])
    assert response.status_code == 422
    assert "media_ids" in response.json()["details"]
    assert client.delete(f"/api/v1/media/{bobs}", headers=tokens.auth("alice")).status_code == 404
    assert (
        client.put(
            f"/api/v1/media/{bobs}", headers=tokens.auth("alice"), json={"description": "mine"}
        ).status_code
        == 404
    )


def test_more_than_four_and_reused_media_are_refused(client: TestClient, tokens: Tokens) -> None:
    ids = [media_id(client, tokens) for _ in range(5)]
    assert post_with(client, tokens, "alice", ids).status_code == 422
    four = post_with(client, tokens, "alice", ids[:4])
    assert four.status_code == 200
    assert [m["id"] for m in four.json()["media_attachments"]] == ids[:4]  # in the order given
    again = post_with(client, tokens, "alice", [ids[0]])
    assert again.status_code == 422  # already on a post
    assert post_with(client, tokens, "alice", ["12x"]).status_code == 422


def test_media_still_processing_cannot_be_posted(
    client: TestClient, tokens: Tokens, settle: Callable[[], int]
) -> None:
    pending = upload(client, tokens, "alice", picture("PNG"), version="v2").json()["id"]
    assert post_with(client, tokens, "alice", [pending]).status_code == 422
    settle()
    assert post_with(client, tokens, "alice", [pending]).status_code == 200


def test_a_picture_post_may_have_no_text_and_shows_in_timelines(
    client: TestClient, tokens: Tokens, rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.bob, people.alice)
    mid = media_id(client, tokens, description="a heron")
    status = client.post(
        "/api/v1/statuses", headers=tokens.auth("alice"), json={"media_ids[]": [mid]}
    ).json()
    assert status["content"] == ""
    assert status["media_attachments"][0]["id"] == mid
    client.post("/api/v1/statuses", headers=tokens.auth("alice"), json={"status": "no picture"})
    settle()
    home = client.get("/api/v1/timelines/home", headers=tokens.auth("bob")).json()
    shown = {s["id"]: s["media_attachments"] for s in home}
    assert shown[status["id"]][0]["description"] == "a heron"
    account = status["account"]["id"]
    only = client.get(
        f"/api/v1/accounts/{account}/statuses?only_media=true", headers=tokens.auth("bob")
    ).json()
    assert [s["id"] for s in only] == [status["id"]]
    tagged = client.post(
        "/api/v1/statuses",
        headers=tokens.auth("alice"),
        json={"status": "#birds", "media_ids": [media_id(client, tokens)]},
    ).json()
    client.post("/api/v1/statuses", headers=tokens.auth("alice"), json={"status": "#birds, none"})
    public = client.get("/api/v1/timelines/public?only_media=true").json()
    assert [s["id"] for s in public] == [tagged["id"], status["id"]]
    by_tag = client.get("/api/v1/timelines/tag/birds?only_media=true").json()
    assert [s["id"] for s in by_tag] == [tagged["id"]]
    reblog = client.post(
        f"/api/v1/statuses/{status['id']}/reblog", headers=tokens.auth("bob")
    ).json()
    assert reblog["reblog"]["media_attachments"][0]["id"] == mid


def test_a_private_posts_pictures_are_not_shown_to_strangers(
    client: TestClient, tokens: Tokens, rt: Runtime, people: People
) -> None:
    do_follow(rt, people.bob, people.alice)
    mid = media_id(client, tokens)
    private = post_with(client, tokens, "alice", [mid], visibility="private").json()
    url = private["media_attachments"][0]["url"]
    assert (
        client.get(f"/api/v1/statuses/{private['id']}", headers=tokens.auth("bob")).json()[
            "media_attachments"
        ][0]["url"]
        == url
    )
    account = private["account"]["id"]
    for who in ("carol", None):
        headers = tokens.auth(who) if who else {}
        single = client.get(f"/api/v1/statuses/{private['id']}", headers=headers)
        assert single.status_code == 404
        listed = client.get(f"/api/v1/accounts/{account}/statuses?only_media=true", headers=headers)
        assert url not in listed.text
        assert client.get("/api/v1/timelines/public", headers=headers).text.count(url) == 0
    assert client.get(f"/api/v1/media/{mid}", headers=tokens.auth("carol")).status_code == 404


def test_deleting_a_post_removes_its_pictures(
    client: TestClient, tokens: Tokens, rt: Runtime, settle: Callable[[], int]
) -> None:
    mid = media_id(client, tokens)
    status = post_with(client, tokens, "alice", [mid]).json()
    path = status["media_attachments"][0]["url"].removeprefix("http://roost.test")
    assert client.get(path).status_code == 200
    client.delete(
        f"/api/v1/statuses/{status['id']}?delete_media=true", headers=tokens.auth("alice")
    )
    settle()
    assert client.get(path).status_code == 404
    with rt.db.read() as conn:
        assert conn.scalar(select(media_attachments.c.id)) is None


def test_delete_and_redraft_posts_the_same_pictures_again(
    client: TestClient, tokens: Tokens, settle: Callable[[], int]
) -> None:
    mid = media_id(client, tokens, description="kept")
    status = post_with(client, tokens, "alice", [mid]).json()
    deleted = client.delete(f"/api/v1/statuses/{status['id']}", headers=tokens.auth("alice"))
    assert deleted.json()["media_attachments"][0]["id"] == mid
    settle()
    redraft = post_with(client, tokens, "alice", [mid])
    assert redraft.status_code == 200
    [media] = redraft.json()["media_attachments"]
    assert (media["id"], media["description"]) == (mid, "kept")
    assert client.get(media["url"].removeprefix("http://roost.test")).status_code == 200


def test_unattached_media_is_cleaned_up_a_day_later_attached_media_is_not(
    client: TestClient, tokens: Tokens, rt: Runtime, settle: Callable[[], int]
) -> None:
    lonely = media_id(client, tokens)
    posted = media_id(client, tokens)
    post_with(client, tokens, "alice", [posted])
    with rt.db.read() as conn:
        # The jobs are waiting a day ahead; run their handler as the worker will then.
        kinds = list(conn.scalars(select(jobs.c.kind).where(jobs.c.kind == CLEANUP_JOB)))
    assert len(kinds) == 2
    for mid in (lonely, posted):
        JOB_HANDLERS[CLEANUP_JOB](rt, {"media_id": int(mid)})
    settle()
    assert client.get(f"/api/v1/media/{lonely}", headers=tokens.auth("alice")).status_code == 404
    assert client.get(f"/api/v1/media/{posted}", headers=tokens.auth("alice")).status_code == 200


def test_the_advertised_limits_are_the_enforced_ones(client: TestClient) -> None:
    config = client.get("/api/v2/instance").json()["configuration"]
    media = config["media_attachments"]
    assert media["image_size_limit"] == MAX_UPLOAD_BYTES
    assert media["image_matrix_limit"] == MAX_PIXELS
    assert config["statuses"]["max_media_attachments"] == 4


def test_an_edit_replaces_reorders_and_removes_pictures(client: TestClient, tokens: Tokens) -> None:
    first, second, third = (media_id(client, tokens) for _ in range(3))
    posted = post_with(client, tokens, "alice", [first, second]).json()
    url = f"/api/v1/statuses/{posted['id']}"
    auth = tokens.auth("alice")

    edited = client.put(url, headers=auth, json={"status": "look", "media_ids": [third, first]})
    assert edited.status_code == 200, edited.text
    assert [m["id"] for m in edited.json()["media_attachments"]] == [third, first]
    # the dropped picture is free again (kept a day, as after delete and redraft)
    assert [
        m["id"] for m in post_with(client, tokens, "alice", [second]).json()["media_attachments"]
    ] == [second]

    bobs = media_id(client, tokens, "bob")
    refused = client.put(url, headers=auth, json={"status": "look", "media_ids": [bobs]})
    assert refused.status_code == 422
    shown = client.get(url, headers=auth).json()
    assert [m["id"] for m in shown["media_attachments"]] == [third, first]  # nothing changed

    removed = client.put(url, headers=auth, json={"status": "look"})  # as Mastodon: no ids, none
    assert removed.json()["media_attachments"] == []
    only_pictures = post_with(client, tokens, "alice", [lone := media_id(client, tokens)])
    blank = client.put(
        f"/api/v1/statuses/{only_pictures.json()['id']}",
        headers=auth,
        json={"status": "", "media_ids": [lone]},
    )
    assert blank.status_code == 200, blank.text
