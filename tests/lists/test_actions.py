from __future__ import annotations

from collections.abc import Callable

import pytest

from roost.errors import NotFound, ValidationFailed
from roost.graph.actions import do_follow, do_unfollow
from roost.lists.actions import (
    do_add_list_accounts,
    do_create_list,
    do_delete_list,
    do_remove_list_accounts,
    do_update_list,
)
from roost.lists.queries import access_list, get_lists, list_member_ids, lists_with_account
from roost.runtime import Runtime
from tests.conftest import People


def test_create_rename_and_delete_a_list(rt: Runtime, people: People) -> None:
    list_id = do_create_list(rt, people.alice, "  Friends ")
    info = access_list(rt, people.alice, list_id)
    assert (info.title, info.replies_policy, info.exclusive) == ("Friends", "list", False)
    do_update_list(rt, people.alice, list_id, title="Pals", replies_policy="none", exclusive=True)
    info = access_list(rt, people.alice, list_id)
    assert (info.title, info.replies_policy, info.exclusive) == ("Pals", "none", True)
    do_delete_list(rt, people.alice, list_id)
    assert get_lists(rt, people.alice) == []


def test_titles_and_policies_are_checked(rt: Runtime, people: People) -> None:
    with pytest.raises(ValidationFailed):
        do_create_list(rt, people.alice, " ")
    with pytest.raises(ValidationFailed):
        do_create_list(rt, people.alice, "x" * 101)
    with pytest.raises(ValidationFailed):
        do_create_list(rt, people.alice, "ok", replies_policy="everyone")


def test_someone_elses_list_is_not_found(rt: Runtime, people: People) -> None:
    list_id = do_create_list(rt, people.alice, "Mine")
    with pytest.raises(NotFound):
        access_list(rt, people.bob, list_id)
    with pytest.raises(NotFound):
        do_update_list(rt, people.bob, list_id, title="Taken")
    with pytest.raises(NotFound):
        do_delete_list(rt, people.bob, list_id)
    with pytest.raises(NotFound):
        do_add_list_accounts(rt, people.bob, list_id, [people.carol])


def test_only_followed_accounts_can_be_added(rt: Runtime, people: People) -> None:
    list_id = do_create_list(rt, people.alice, "Friends")
    with pytest.raises(ValidationFailed, match="You must follow this account"):
        do_add_list_accounts(rt, people.alice, list_id, [people.bob])
    do_follow(rt, people.alice, people.bob)
    do_add_list_accounts(rt, people.alice, list_id, [people.bob])
    do_add_list_accounts(rt, people.alice, list_id, [people.bob])  # twice changes nothing
    assert list_member_ids(rt, list_id) == [people.bob]
    assert [i.id for i in lists_with_account(rt, people.alice, people.bob)] == [list_id]
    assert lists_with_account(rt, people.carol, people.bob) == []
    do_remove_list_accounts(rt, people.alice, list_id, [people.bob])
    assert list_member_ids(rt, list_id) == []


def test_unfollow_removes_the_account_from_lists(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given
    first = do_create_list(rt, people.alice, "One")
    second = do_create_list(rt, people.alice, "Two")
    do_follow(rt, people.alice, people.bob)
    do_follow(rt, people.alice, people.carol)
    for list_id in (first, second):
        do_add_list_accounts(rt, people.alice, list_id, [people.bob, people.carol])
    # when
    do_unfollow(rt, people.alice, people.bob)
    # then: in the unfollow's own transaction, before any job runs
    assert list_member_ids(rt, first) == [people.carol]
    assert list_member_ids(rt, second) == [people.carol]
    # following again does not put them back
    do_follow(rt, people.alice, people.bob)
    settle()
    assert list_member_ids(rt, first) == [people.carol]
