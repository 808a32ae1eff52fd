"""Contract: media uploads answer Mastodon's MediaAttachment, and a status carries
its attachments in ``media_attachments``."""

from __future__ import annotations

from collections.abc import Callable

from tests.api.contract import Api, covers
from tests.media.pictures import picture


def _file(
    fmt: str = "PNG", name: str = "picture.png", mime: str = "image/png"
) -> dict[str, object]:
    return {"file": (name, picture(fmt), mime)}


@covers(
    "POST /api/v1/media",
    "POST /api/v2/media",
    "GET /api/v1/media/{id}",
    "PUT /api/v1/media/{id}",
    "DELETE /api/v1/media/{id}",
)
def test_uploading_describing_and_deleting(api: Api, settle: Callable[[], object]) -> None:
    now = api.call(
        "POST",
        "/api/v1/media",
        "MediaAttachment",
        files=_file(),
        data={"description": "A red and blue flag", "focus": "0.5,-0.25"},
    )
    assert now["url"].endswith(".png")
    assert now["preview_url"]
    assert now["meta"]["original"] == {"width": 120, "height": 80, "size": "120x80", "aspect": 1.5}
    assert now["meta"]["focus"] == {"x": 0.5, "y": -0.25}
    assert now["description"] == "A red and blue flag"
    assert now["blurhash"]
    later = api.call(
        "POST",
        "/api/v2/media",
        "MediaAttachment",
        status=202,
        files=_file("JPEG", "a.jpg", "image/jpeg"),
    )
    assert later["url"] is None
    api.call("GET", "/api/v1/media/{id}", "MediaAttachment", status=206, at=later)
    settle()
    done = api.call("GET", "/api/v1/media/{id}", "MediaAttachment", at=later)
    assert done["url"].endswith(".jpg")
    described = api.call(
        "PUT", "/api/v1/media/{id}", "MediaAttachment", at=later, data={"description": "alt"}
    )
    assert described["description"] == "alt"
    api.call("GET", "/api/v1/media/{id}", "Error", status=404, who="bob", at=later)
    api.call(
        "PUT",
        "/api/v1/media/{id}",
        "Error",
        status=422,
        at=later,
        data={"description": "x" * 1501},
    )
    status = api.call(
        "POST", "/api/v1/statuses", "Status", json={"status": "", "media_ids": [now["id"]]}
    )
    assert [m["id"] for m in status["media_attachments"]] == [now["id"]]
    api.call("DELETE", "/api/v1/media/{id}", "Error", status=422, at=now)  # posted: stays
    deleted = api.call("DELETE", "/api/v1/media/{id}", "MediaAttachment", at=later)
    assert deleted["id"] == later["id"]
    api.call("GET", "/api/v1/media/{id}", "Error", status=404, at=later)
