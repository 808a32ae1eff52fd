from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from roost.accounts.actions import (
    authenticate,
    do_change_password,
    do_register,
    do_update_profile,
)
from roost.accounts.models import accounts
from roost.accounts.queries import get_account, get_account_by_username, search_accounts
from roost.errors import InvalidFields, RateLimited, ValidationFailed
from roost.runtime import Runtime
from tests.conftest import PASSWORD, People


def test_usernames_are_unique_case_insensitively(rt: Runtime, people: People) -> None:
    assert people.alice
    with pytest.raises(ValidationFailed) as taken:
        do_register(rt, "ALICE", PASSWORD)
    assert taken.value.field == "username"


def test_registration_checks_every_field_before_refusing(rt: Runtime, people: People) -> None:
    assert people.alice
    with pytest.raises(InvalidFields) as refused:
        do_register(rt, "alice", "short", email="nope", email_required=True, agreed=False)
    problems = {(p.field, p.code) for p in refused.value.problems}
    assert problems == {
        ("username", "ERR_TAKEN"),
        ("email", "ERR_INVALID"),
        ("password", "ERR_TOO_SHORT"),
        ("agreement", "ERR_ACCEPTED"),
    }


def test_only_the_operator_may_use_a_local_address(rt: Runtime) -> None:
    with pytest.raises(ValidationFailed) as public:
        do_register(rt, "admin", PASSWORD, email="admin@localhost")
    assert public.value.field == "email"
    assert do_register(rt, "admin", PASSWORD, email="admin@localhost", local_email=True)


@pytest.mark.parametrize("username", ["", "a" * 31, "has space", "dash-name", "émile"])
def test_bad_usernames_are_refused(rt: Runtime, username: str) -> None:
    with pytest.raises(ValidationFailed):
        do_register(rt, username, PASSWORD)


def test_short_password_is_refused_and_nothing_is_created(rt: Runtime) -> None:
    with pytest.raises(ValidationFailed) as short:
        do_register(rt, "dora", "short")
    assert short.value.field == "password"
    assert search_accounts(rt, "dora") == []


def test_log_in_by_username_or_email_and_never_with_a_wrong_password(
    rt: Runtime, people: People
) -> None:
    alice = people.alice
    assert authenticate(rt, "alice", PASSWORD, address=None) == alice
    assert authenticate(rt, "Alice@Example.com", PASSWORD, address=None) == alice
    assert authenticate(rt, "alice", PASSWORD + "x", address=None) is None
    assert authenticate(rt, "nobody", PASSWORD, address=None) is None


def test_password_is_stored_hashed_with_argon2(rt: Runtime, people: People) -> None:
    with rt.db.read() as conn:
        stored = conn.scalar(select(accounts.c.password_hash).where(accounts.c.id == people.alice))
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_password_change_needs_the_current_password_and_ends_sessions(
    rt: Runtime, people: People
) -> None:
    epoch = get_account(rt, people.alice).session_epoch
    with pytest.raises(ValidationFailed):
        do_change_password(rt, people.alice, "wrong password", "a brand new password")
    assert authenticate(rt, "alice", PASSWORD, address=None) == people.alice
    do_change_password(rt, people.alice, PASSWORD, "a brand new password")
    assert authenticate(rt, "alice", "a brand new password", address=None) == people.alice
    assert get_account(rt, people.alice).session_epoch == epoch + 1


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def test_avatar_is_validated_cropped_and_saved(rt: Runtime, people: People) -> None:
    do_update_profile(rt, people.alice, display_name="Alice A.", avatar=_png((800, 600)))
    account = get_account_by_username(rt, "alice")
    assert account.display_name == "Alice A."
    assert account.avatar is not None
    saved = rt.settings.data_dir / "media" / account.avatar
    assert Image.open(saved).size == (400, 400)


def test_a_file_that_is_not_an_image_changes_nothing(rt: Runtime, people: People) -> None:
    with pytest.raises(ValidationFailed) as bad:
        do_update_profile(rt, people.alice, display_name="Changed", avatar=b"<svg onload=alert(1)>")
    assert bad.value.field == "avatar"
    account = get_account(rt, people.alice)
    assert account.display_name == ""
    assert account.avatar is None


def test_password_guessing_slows_per_name_and_address_and_locks_nobody_out(
    rt: Runtime, people: People
) -> None:
    alice = people.alice
    # Someone fails on purpose with alice's name, from several addresses.
    for address in ("10.0.0.1", "10.0.0.2"):
        for attempt in range(5):
            assert authenticate(rt, "alice", f"guess {attempt}", address=address) is None
        # The sixth try from that address is refused, even with the right password.
        with pytest.raises(RateLimited):
            authenticate(rt, "alice", PASSWORD, address=address)
    # Alice, from her own address, is not locked out.
    assert authenticate(rt, "alice", PASSWORD, address="10.0.0.99") == alice
    assert authenticate(rt, "alice", PASSWORD, address=None) == alice  # trusted local callers
