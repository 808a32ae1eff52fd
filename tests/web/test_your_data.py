"""The "Your data" pages: the archive with its progress and owner-only download, the
CSV downloads, the import form and its report, and deleting one's account."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.conftest import PASSWORD, People
from tests.web.conftest import WebClient


def test_the_archive_shows_its_progress_and_only_its_owner_downloads_it(
    web: WebClient, other_web: WebClient, rt: Runtime, settle: Callable[[], object]
) -> None:
    # given
    alice = web.log_in("alice")
    for text in ("one", "two"):
        do_create_post(rt, alice, text)
    # when
    response = web.submit("/settings/export", page="/settings/export")
    assert response.status_code == 303
    # then: under way, the page refreshes itself and counts the posts
    page = web.get("/settings/export").text
    assert "being made: 0 of 2 posts" in page
    assert 'http-equiv="refresh"' in page
    settle()
    page = web.get("/settings/export").text
    assert 'http-equiv="refresh"' not in page
    assert "Download the archive" in page
    link = page.split('href="/settings/export/', 1)[1].split('"', 1)[0]
    url = f"/settings/export/{link}"
    download = web.get(url)
    assert download.headers["content-type"] == "application/zip"
    assert "outbox.json" in zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    # someone else, signed in, finds nothing there; nobody signed out either
    other_web.log_in("bob")
    assert other_web.get(url).status_code == 404
    web.log_out()
    assert web.get(url, follow_redirects=False).status_code in (302, 303)
    # a second archive within the week is refused on the page
    web.log_in("alice")
    response = web.submit("/settings/export", page="/settings/export")
    assert response.status_code == 429
    assert "one archive a week" in response.text


def test_each_list_downloads_as_a_csv(web: WebClient, rt: Runtime, people: People) -> None:
    alice = web.log_in("alice")
    do_follow(rt, alice, people.bob)
    follows = web.get("/settings/exports/follows.csv")
    assert follows.headers["content-type"].startswith("text/csv")
    assert 'filename="following_accounts.csv"' in follows.headers["content-disposition"]
    assert follows.text.splitlines() == [
        "Account address,Show boosts,Notify on new posts,Languages",
        "bob@roost.test,true,false,",
    ]
    assert web.get("/settings/exports/passwords.csv").status_code == 404


def test_an_import_is_uploaded_and_its_skipped_rows_are_shown(
    web: WebClient, rt: Runtime, people: People, settle: Callable[[], object]
) -> None:
    # given
    assert people.bob
    web.log_in("alice")
    data = b"bob@roost.test\nghost@roost.test\nfar@away.example\n"
    # when
    response = web.submit(
        "/settings/import",
        {"kind": "blocks", "mode": "merge"},
        page="/settings/import",
        files={"file": ("blocked_accounts.csv", data, "text/csv")},
    )
    # then
    assert response.status_code == 303
    page = web.get("/settings/import").text
    assert "Importing: 0 of 1 parts done" in page
    settle()
    page = web.get("/settings/import").text
    assert "Done: 1 imported, 2 skipped, of 3 rows." in page
    assert "unknown account" in page
    assert "remote account: this server does not federate" in page


def test_a_bad_import_file_is_refused_next_to_the_field(web: WebClient) -> None:
    web.log_in("alice")
    response = web.submit(
        "/settings/import",
        {"kind": "bookmarks", "mode": "merge"},
        page="/settings/import",
        files={"file": ("x.csv", b"bob@roost.test\n", "text/csv")},
    )
    assert response.status_code == 422
    assert "This is not a bookmarks file" in response.text
    assert 'id="file-error"' in response.text


def test_deleting_ones_account_asks_for_the_password_and_signs_out_everywhere(
    web: WebClient, other_web: WebClient, rt: Runtime, settle: Callable[[], object]
) -> None:
    # given: signed in in two browsers
    web.log_in("alice")
    other_web.log_in("alice")
    assert "This cannot be undone" in web.get("/settings/delete").text
    # when: a wrong password, or no confirmation, deletes nothing
    wrong = web.submit(
        "/settings/delete", {"password": "nope", "confirm": "on"}, page="/settings/delete"
    )
    assert wrong.status_code == 422
    assert "The password is wrong" in wrong.text
    unticked = web.submit("/settings/delete", {"password": PASSWORD}, page="/settings/delete")
    assert unticked.status_code == 422
    # when
    done = web.submit(
        "/settings/delete", {"password": PASSWORD, "confirm": "on"}, page="/settings/delete"
    )
    # then
    assert done.headers["location"] == "/settings/delete/done"
    for browser in (web, other_web):
        assert browser.get("/settings", follow_redirects=False).status_code in (302, 303)
    assert web.get("/@alice").status_code == 404
    settle()
    response = web.submit("/login", {"login": "alice", "password": PASSWORD}, page="/login")
    assert response.status_code != 303
