"""Which posts a person's filters catch: whole words or substrings, any case, only
in the contexts named and only until they expire; their own posts never."""

from __future__ import annotations

from datetime import timedelta

import pytest

from roost.errors import NotFound, ValidationFailed
from roost.filters import queries as filter_queries
from roost.filters.actions import (
    KeywordChange,
    do_add_filter_status,
    do_create_filter,
    do_delete_keyword,
    do_update_filter,
)
from roost.filters.matcher import keyword_pattern
from roost.filters.queries import get_filter, get_matcher
from roost.posts.actions import do_create_post, do_reblog
from roost.posts.queries import hydrate
from roost.runtime import Runtime
from roost.store.schema import utcnow
from tests.conftest import People


def _filter(
    rt: Runtime,
    owner: int,
    *words: str,
    whole_word: bool = True,
    context: tuple[str, ...] = ("home",),
    action: str = "warn",
) -> int:
    return do_create_filter(
        rt,
        owner,
        title="muted",
        context=list(context),
        filter_action=action,
        keywords=[KeywordChange(w, whole_word) for w in words],
    )


def _caught(rt: Runtime, viewer: int, post: int, context: str = "home") -> list[str]:
    matcher = get_matcher(rt, viewer, context)
    return [
        w for m in matcher.matches(hydrate(rt, viewer, [post])[0]) for w in m.keyword_matches or []
    ]


def test_whole_word_keyword_does_not_match_inside_a_word(rt: Runtime, people: People) -> None:
    _filter(rt, people.alice, "cat")
    assert _caught(rt, people.alice, do_create_post(rt, people.bob, "My CAT sleeps")) == ["cat"]
    assert _caught(rt, people.alice, do_create_post(rt, people.bob, "concatenate")) == []


def test_substring_keyword_matches_inside_a_word_in_any_case(rt: Runtime, people: People) -> None:
    _filter(rt, people.alice, "cat", whole_word=False)
    assert _caught(rt, people.alice, do_create_post(rt, people.bob, "conCATenate")) == ["cat"]


def test_content_warning_is_matched_too(rt: Runtime, people: People) -> None:
    _filter(rt, people.alice, "spoilers")
    post = do_create_post(rt, people.bob, "the butler did it", spoiler_text="Spoilers!")
    assert _caught(rt, people.alice, post) == ["spoilers"]


def test_whole_word_boundaries_only_where_the_keyword_has_word_characters() -> None:
    assert keyword_pattern("#tag", True) == r"\#tag\b"
    assert keyword_pattern("a b", False) == r"a\ b"


def test_filter_applies_only_in_its_contexts(rt: Runtime, people: People) -> None:
    _filter(rt, people.alice, "cat", context=("public",))
    post = do_create_post(rt, people.bob, "cat pictures")
    assert _caught(rt, people.alice, post, "home") == []
    assert _caught(rt, people.alice, post, "public") == ["cat"]


def test_expired_filter_stops_applying(
    rt: Runtime, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    filter_id = _filter(rt, people.alice, "cat")
    do_update_filter(rt, people.alice, filter_id, expires_in=3600)
    post = do_create_post(rt, people.bob, "cat")
    assert _caught(rt, people.alice, post) == ["cat"]
    # an hour and more later (the compiled filters are remembered until the first expires)
    later = utcnow() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(filter_queries, "utcnow", lambda: later)
    assert _caught(rt, people.alice, post) == []


def test_expires_in_sets_the_expiry(rt: Runtime, people: People) -> None:
    filter_id = _filter(rt, people.alice, "cat")
    do_update_filter(rt, people.alice, filter_id, expires_in=3600)
    expires_at = get_filter(rt, people.alice, filter_id).expires_at
    assert expires_at is not None
    assert timedelta(seconds=3590) < expires_at - utcnow() <= timedelta(seconds=3600)


def test_hide_filter_drops_the_post_and_reposts_of_it(rt: Runtime, people: People) -> None:
    _filter(rt, people.alice, "cat", action="hide")
    cat = do_create_post(rt, people.bob, "cat")
    dog = do_create_post(rt, people.bob, "dog")
    repost = do_reblog(rt, people.carol, cat)
    views = hydrate(rt, people.alice, [repost, dog, cat])
    shown = get_matcher(rt, people.alice, "home").shown(views)
    assert [v.post.id for v in shown] == [dog]


def test_filtered_post_matches_by_id_and_through_a_repost(rt: Runtime, people: People) -> None:
    filter_id = _filter(rt, people.alice)
    post = do_create_post(rt, people.bob, "nothing to see")
    do_add_filter_status(rt, people.alice, filter_id, post)
    repost = do_reblog(rt, people.carol, post)
    matcher = get_matcher(rt, people.alice, "home")
    for view in hydrate(rt, people.alice, [post, repost]):
        assert [m.status_matches for m in matcher.matches(view)] == [[post]]


def test_own_posts_are_never_filtered(rt: Runtime, people: People) -> None:
    _filter(rt, people.alice, "cat", action="hide")
    assert _caught(rt, people.alice, do_create_post(rt, people.alice, "my cat")) == []


def test_someone_elses_filter_is_not_found(rt: Runtime, people: People) -> None:
    filter_id = _filter(rt, people.alice, "cat")
    with pytest.raises(NotFound):
        do_update_filter(rt, people.bob, filter_id, title="mine now")
    keyword = get_filter(rt, people.alice, filter_id).keywords[0]
    with pytest.raises(NotFound):
        do_delete_keyword(rt, people.bob, keyword.id)


def test_bad_context_and_action_are_refused(rt: Runtime, people: People) -> None:
    with pytest.raises(ValidationFailed):
        _filter(rt, people.alice, "cat", context=("everywhere",))
    with pytest.raises(ValidationFailed):
        _filter(rt, people.alice, "cat", context=())
    with pytest.raises(ValidationFailed):
        _filter(rt, people.alice, "cat", action="explode")
