"""Pictures in the web app, through plain forms (JavaScript off): the composer
attaches up to four with a description each, posts show them sized, lazy-loaded
and described, and a picture without a description earns a gentle notice."""

from __future__ import annotations

import re

from sqlalchemy import select

from roost.media.actions import do_upload_media
from roost.media.models import media_attachments
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.media.pictures import picture
from tests.web.conftest import WebClient


def test_a_picture_with_alt_text_is_posted_and_shown(web: WebClient, rt: Runtime) -> None:
    web.log_in("alice")
    response = web.submit(
        "/posts",
        {"status": "New clinic hours", "alt_1": "Open 9 to 5, closed Sundays"},
        files={"media_1": ("hours.jpg", picture("JPEG", size=(1600, 900)), "image/jpeg")},
    )
    assert response.status_code == 303
    assert "undescribed" not in response.headers["location"]
    home = web.get(response.headers["location"]).text
    [img] = re.findall(r'<img src="[^"]+/media/attachments/[^"]+"[^>]*>', home)
    assert 'alt="Open 9 to 5, closed Sundays"' in img
    assert 'loading="lazy"' in img
    width, height = (int(v) for v in re.findall(r'(?:width|height)="(\d+)"', img))
    assert width * height <= 640 * 640
    assert abs(width / height - 16 / 9) < 0.02
    src = re.search(r'src="http://roost.test([^"]+)"', img)
    assert src is not None
    assert web.get(src.group(1)).headers["content-type"].startswith("image/")


def test_a_picture_without_alt_text_is_posted_with_a_gentle_notice(web: WebClient) -> None:
    web.log_in("alice")
    response = web.submit(
        "/posts",
        {"status": ""},
        files={
            "media_1": ("a.png", picture("PNG"), "image/png"),
            "media_2": ("b.gif", picture("GIF"), "image/gif"),
        },
    )
    assert response.status_code == 303
    home = web.get(response.headers["location"]).text
    assert "2 pictures in it have no description" in home
    assert home.count('alt=""') >= 2


def test_a_broken_picture_is_refused_next_to_the_composer(web: WebClient, rt: Runtime) -> None:
    web.log_in("alice")
    response = web.submit(
        "/posts",
        {"status": "broken"},
        files={"media_1": ("x.png", b"\x89PNG not really", "image/png")},
    )
    assert response.status_code == 422
    assert re.search(r'id="status-error" role="alert">File must be a PNG', response.text)
    with rt.db.read() as conn:
        assert conn.scalar(select(media_attachments.c.id)) is None


def test_the_composer_offers_four_pictures_with_descriptions(web: WebClient) -> None:
    web.log_in("alice")
    home = web.get("/").text
    assert 'enctype="multipart/form-data"' in home
    for n in range(1, 5):
        assert f'name="media_{n}"' in home
        assert f'name="alt_{n}"' in home


def test_pictures_behind_a_content_warning_stay_behind_it(web: WebClient, rt: Runtime) -> None:
    alice = web.log_in("alice")
    hidden = do_upload_media(rt, alice, picture("PNG"), content_type=None, filename=None)
    do_create_post(rt, alice, "spoilers", spoiler_text="Finale", media_ids=[hidden])
    page = web.get("/@alice").text
    warning = page.index("<summary>Finale</summary>")
    assert warning < page.index("/media/attachments/") < page.index("</details>", warning)
