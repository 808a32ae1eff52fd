"""Edits: only the author edits; the history keeps the original first; mentions and
hashtags are parsed again (new mentions told, removed ones no longer listed); those
who reposted get an ``update`` notification; poll options changed reset the votes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from roost.errors import Forbidden, NotFound
from roost.graph.actions import do_follow
from roost.notifications.queries import list_notifications
from roost.paging import Page
from roost.posts.actions import do_create_post, do_reblog
from roost.posts.edits import Edit, do_edit_post, get_history, get_source
from roost.posts.polls import PollSpec, do_vote
from roost.posts.queries import get_status
from roost.runtime import Runtime
from tests.conftest import People

Settle = Callable[[], int]


def kinds(rt: Runtime, account_id: int) -> list[str]:
    views, _ = list_notifications(rt, account_id, Page(limit=80))
    return [v.type for v in views]


def test_history_keeps_the_original_first(rt: Runtime, people: People) -> None:
    post = do_create_post(rt, people.alice, "Clinic opens at 9", visibility="unlisted")
    _, single = get_history(rt, None, post)
    assert [v.text for v in single] == ["Clinic opens at 9"]
    do_edit_post(rt, people.alice, post, Edit("Clinic opens at 8"))
    do_edit_post(rt, people.alice, post, Edit("Clinic opens at 8:30", spoiler_text="hours"))
    _, versions = get_history(rt, None, post)
    assert [v.text for v in versions] == [
        "Clinic opens at 9",
        "Clinic opens at 8",
        "Clinic opens at 8:30",
    ]
    view = get_status(rt, people.alice, post)
    assert view.post.edited_at is not None
    assert view.post.visibility == "unlisted"  # an edit keeps the visibility
    assert view.post.sensitive  # a content warning makes it sensitive
    assert get_source(rt, None, post).spoiler_text == "hours"


def test_only_the_author_edits(rt: Runtime, people: People) -> None:
    post = do_create_post(rt, people.alice, "mine")
    with pytest.raises(Forbidden):
        do_edit_post(rt, people.bob, post, Edit("yours now"))
    reblog = do_reblog(rt, people.bob, post)
    with pytest.raises(NotFound):
        do_edit_post(rt, people.bob, reblog, Edit("a repost has no text"))
    assert get_status(rt, None, post).post.text == "mine"


def test_history_of_a_private_post_is_not_leaked(rt: Runtime, people: People) -> None:
    post = do_create_post(rt, people.alice, "followers only", visibility="private")
    do_edit_post(rt, people.alice, post, Edit("followers only, edited"))
    for viewer in (None, people.mallory):
        with pytest.raises(NotFound):
            get_history(rt, viewer, post)
        with pytest.raises(NotFound):
            get_source(rt, viewer, post)


def test_mentions_and_tags_are_parsed_again(rt: Runtime, people: People, settle: Settle) -> None:
    assert people.bob
    assert people.carol
    post = do_create_post(rt, people.alice, "Hi @bob #old")
    settle()
    do_edit_post(rt, people.alice, post, Edit("Hi @carol #new"))
    settle()
    view = get_status(rt, people.alice, post)
    assert [m.username for m in view.mentions] == ["carol"]
    assert view.tags == ["new"]
    assert 'href="http://roost.test/tags/new"' in view.post.content
    assert 'href="http://roost.test/@carol"' in view.post.content
    assert kinds(rt, people.carol) == ["mention"]
    assert kinds(rt, people.bob) == ["mention"]  # told before; not told again


def test_reposters_are_told_of_each_edit(rt: Runtime, people: People, settle: Settle) -> None:
    post = do_create_post(rt, people.alice, "Typo hree")
    do_reblog(rt, people.bob, post)
    settle()
    do_edit_post(rt, people.alice, post, Edit("Typo here"))
    settle()
    assert kinds(rt, people.bob) == ["update"]
    assert "reblog" in kinds(rt, people.alice)
    do_edit_post(rt, people.alice, post, Edit("Typo fixed"))
    settle()
    assert kinds(rt, people.bob) == ["update"]  # one, renewed


def test_changed_poll_options_reset_the_votes(rt: Runtime, people: People) -> None:
    do_follow(rt, people.bob, people.alice)
    post = do_create_post(rt, people.alice, "Day?", poll=PollSpec(["Mon", "Tue"], 3600))
    poll = get_status(rt, people.alice, post).poll
    assert poll is not None
    do_vote(rt, people.bob, poll.row.id, [0])
    do_edit_post(rt, people.alice, post, Edit("Day!", poll=PollSpec(["Mon", "Tue"], 3600)))
    kept = get_status(rt, people.bob, post).poll
    assert kept is not None
    assert (kept.row.votes_count, kept.own_votes) == (1, [0])  # same options: votes stay
    do_edit_post(rt, people.alice, post, Edit("Day?", poll=PollSpec(["Wed", "Thu"], 3600)))
    reset = get_status(rt, people.bob, post).poll
    assert reset is not None
    assert (reset.row.votes_count, reset.own_votes, list(reset.row.options)) == (
        0,
        [],
        ["Wed", "Thu"],
    )
    _, versions = get_history(rt, None, post)
    assert [v.poll_options for v in versions] == [["Mon", "Tue"], ["Mon", "Tue"], ["Wed", "Thu"]]
    do_edit_post(rt, people.alice, post, Edit("No poll", poll=None))
    assert get_status(rt, people.bob, post).poll is None
