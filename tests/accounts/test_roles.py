"""Roles: ranks, setting them, and how the API shows them."""

from __future__ import annotations

import pytest

from roost.accounts.queries import get_account
from roost.accounts.roles import ROLES, at_least, do_set_role
from roost.errors import NotFound, ValidationFailed
from roost.runtime import Runtime
from tests.conftest import People


def test_a_new_account_is_a_user(rt: Runtime, people: People) -> None:
    assert get_account(rt, people.alice).role == "user"


def test_setting_a_role_is_case_insensitive_on_the_username(rt: Runtime, people: People) -> None:
    alice, bob = people.alice, people.bob
    assert do_set_role(rt, "ALICE", "moderator") == alice
    assert get_account(rt, alice).role == "moderator"
    assert get_account(rt, bob).role == "user"


def test_unknown_roles_and_accounts_are_refused(rt: Runtime, people: People) -> None:
    assert people.alice
    with pytest.raises(ValidationFailed):
        do_set_role(rt, "alice", "king")
    with pytest.raises(NotFound):
        do_set_role(rt, "nobody", "admin")
    assert get_account(rt, people.alice).role == "user"


@pytest.mark.parametrize(
    ("role", "minimum", "allowed"),
    [
        ("user", "moderator", False),
        ("moderator", "moderator", True),
        ("moderator", "admin", False),
        ("admin", "moderator", True),
        ("admin", "owner", False),
        ("owner", "admin", True),
        ("something else", "moderator", False),
    ],
)
def test_ranks_are_ordered(role: str, minimum: str, allowed: bool) -> None:
    assert at_least(role, minimum) is allowed


def test_only_staff_roles_are_highlighted_and_only_the_owner_administers() -> None:
    assert [k for k, spec in ROLES.items() if spec.highlighted] == ["moderator", "admin", "owner"]
    assert [k for k, spec in ROLES.items() if spec.permissions & 1] == ["owner"]
