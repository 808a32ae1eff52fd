"""Polls, scheduled posts, edits and profile settings in the web app, with plain forms
(as with JavaScript off): build a poll and vote in it, schedule a post and see it
listed, move and cancel it, edit a post and read its history, save every profile
setting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from roost.accounts.queries import get_account
from roost.paging import Page
from roost.posts.actions import do_create_post
from roost.posts.polls import PollSpec
from roost.posts.queries import account_statuses, get_status
from roost.runtime import Runtime
from roost.scheduled.queries import list_scheduled_posts
from tests.conftest import People
from tests.web.conftest import WebClient


def _local(minutes: int) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


def test_a_poll_is_built_in_the_composer_and_voted_in(
    web: WebClient, rt: Runtime, people: People
) -> None:
    alice = people.alice
    web.log_in("alice")
    response = web.submit(
        "/posts",
        {
            "status": "Lunch?",
            "poll_option_0": "Soup",
            "poll_option_1": "Salad",
            "poll_option_2": "",
            "poll_expires_in": "3600",
        },
    )
    assert response.status_code == 303
    views = account_statuses(rt, alice, alice, Page())
    poll = views[0].poll
    assert poll is not None
    assert list(poll.row.options) == ["Soup", "Salad"]
    web.log_out()
    web.log_in("bob")
    page = f"/@alice/{views[0].post.id}"
    shown = web.get(page).text
    assert f'action="/polls/{poll.row.id}/vote"' in shown
    voted = web.submit(f"/polls/{poll.row.id}/vote", {"choice": "1", "next": page}, page=page)
    assert voted.status_code == 303
    after = web.get(page).text
    assert "(your choice)" in after
    assert "100%" in after
    assert f'action="/polls/{poll.row.id}/vote"' not in after  # one vote
    again = web.submit(f"/polls/{poll.row.id}/vote", {"choice": "0"}, page="/")
    assert again.status_code == 422


def test_a_post_is_scheduled_listed_moved_and_cancelled(
    web: WebClient, rt: Runtime, people: People
) -> None:
    alice = people.alice
    web.log_in("alice")
    response = web.submit("/posts", {"status": "Tonight's question", "scheduled_at": _local(60)})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/scheduled")
    listed = web.get("/scheduled").text
    assert "Tonight&#39;s question" in listed
    (row,) = list_scheduled_posts(rt, alice, Page())
    too_soon = web.submit(
        f"/scheduled/{row.id}/move", {"scheduled_at": _local(1)}, page="/scheduled"
    )
    assert too_soon.status_code == 422
    moved = web.submit(f"/scheduled/{row.id}/move", {"scheduled_at": _local(90)}, page="/scheduled")
    assert moved.status_code == 303
    (after,) = list_scheduled_posts(rt, alice, Page())
    assert after.scheduled_at > row.scheduled_at
    web.submit(f"/scheduled/{row.id}/cancel", {}, page="/scheduled")
    assert list_scheduled_posts(rt, alice, Page()) == []
    assert "Nothing is waiting" in web.get("/scheduled").text
    soon = web.submit("/posts", {"status": "too soon", "scheduled_at": _local(2)})
    assert soon.status_code == 422


def test_a_post_is_edited_and_its_history_shown(
    web: WebClient, rt: Runtime, people: People
) -> None:
    alice = people.alice
    post = do_create_post(rt, alice, "Clinic opens at 9")
    web.log_in("alice")
    form = web.get(f"/posts/{post}/edit").text
    assert "Clinic opens at 9" in form
    saved = web.submit(
        f"/posts/{post}/edit", {"status": "Clinic opens at 8"}, page=f"/posts/{post}/edit"
    )
    assert saved.status_code == 303
    page = web.get(f"/@alice/{post}").text
    assert "Clinic opens at 8" in page
    assert f'href="/@alice/{post}/history"' in page
    history = web.get(f"/@alice/{post}/history").text
    assert history.index("Clinic opens at 8") < history.index("Clinic opens at 9")
    web.log_out()
    web.log_in("bob")
    assert web.get(f"/@alice/{post}/history").status_code == 200  # public post
    refused = web.submit(f"/posts/{post}/edit", {"status": "mine now"}, page="/")
    assert refused.status_code == 403
    assert get_status(rt, None, post).post.text == "Clinic opens at 8"


def test_history_of_a_followers_only_post_is_hidden(
    web: WebClient, rt: Runtime, people: People
) -> None:
    post = do_create_post(rt, people.alice, "secret", visibility="private")
    web.log_in("mallory")
    response = web.get(f"/@alice/{post}/history")
    assert response.status_code == 404
    assert "secret" not in response.text


def test_every_profile_setting_is_saved_from_the_settings_page(
    web: WebClient, rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    alice = web.log_in("alice")
    fields = web.submit(
        "/settings/fields",
        {
            "field_name_0": "Site",
            "field_value_0": "https://clinic.example/",
            "field_name_1": "Hours",
            "field_value_1": "9-5",
            "bot": "on",
            "hide_collections": "on",
            "indexable": "on",
        },
        page="/settings",
    )
    assert fields.status_code == 303
    posting = web.submit(
        "/settings/posting",
        {"privacy": "private", "sensitive": "on", "language": "fr"},
        page="/settings",
    )
    assert posting.status_code == 303
    account = get_account(rt, alice)
    assert [(f["name"], f["value"]) for f in account.fields] == [
        ("Site", "https://clinic.example/"),
        ("Hours", "9-5"),
    ]
    assert (account.bot, account.discoverable, account.indexable, account.hide_collections) == (
        True,
        False,
        True,
        True,
    )
    assert (account.default_privacy, account.default_sensitive, account.default_language) == (
        "private",
        True,
        "fr",
    )
    settings = web.get("/settings").text
    assert 'value="https://clinic.example/"' in settings
    assert '<option value="private" selected>' in settings
    home = web.get("/").text
    assert '<option value="private" selected>' in home  # the composer starts there
    profile = web.get("/@alice").text
    assert 'href="https://clinic.example/"' in profile
    assert "Automated account" in profile
    bad = web.submit("/settings/posting", {"privacy": "direct"}, page="/settings")
    assert bad.status_code == 422


def test_a_poll_post_shows_hidden_totals_until_the_end(
    web: WebClient, rt: Runtime, people: People
) -> None:
    post = do_create_post(
        rt, people.alice, "Secret ballot", poll=PollSpec(["A", "B"], 600, hide_totals=True)
    )
    page = web.get(f"/@alice/{post}").text
    assert "results when it ends" in page
    assert "%" not in page.split("Secret ballot", 1)[1].split("</article>", 1)[0]


def test_a_bad_poll_is_refused_and_its_options_kept(web: WebClient, people: People) -> None:
    web.log_in("alice")
    response = web.submit(
        "/posts", {"status": "Lunch?", "poll_option_0": "Only soup", "poll_expires_in": "3600"}
    )
    assert response.status_code == 422
    assert "A poll needs 2 to 4 options" in response.text
    assert 'value="Only soup"' in response.text
