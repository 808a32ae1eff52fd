"""Linking a phone: E.164 numbers, texted codes, one account per number, settings."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from roost.errors import NotFound, ValidationFailed
from roost.phones.actions import (
    check_number,
    do_link_phone,
    do_remove_phone,
    do_update_phone_settings,
    do_verify_phone,
)
from roost.phones.queries import account_for_number, get_phone
from roost.runtime import Runtime
from tests.conftest import People
from tests.phones.conftest import Link, last_code, texts

Settle = Callable[[], int]


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+1 (415) 555-0123", "+14155550123"),
        ("+44 20 7946 0958", "+442079460958"),
        ("  +33 6 12 34 56 78 ", "+33612345678"),
    ],
)
def test_numbers_are_normalised_to_e164(raw: str, e164: str) -> None:
    assert check_number(raw) == e164


@pytest.mark.parametrize("raw", ["", "555-0123", "+1 555", "hello", "+999 1234 5678"])
def test_numbers_without_country_code_or_invalid_are_refused(raw: str) -> None:
    with pytest.raises(ValidationFailed):
        check_number(raw)


def test_a_texted_code_verifies_the_phone(rt: Runtime, people: People, settle: Settle) -> None:
    do_link_phone(rt, people.alice, "+1 415 555 0123")
    phone = get_phone(rt, people.alice)
    assert phone is not None
    assert not phone.verified
    settle()
    [code_text] = texts(rt, people.alice, kind="code")
    assert code_text.status == "sent"
    assert code_text.to_number == "+14155550123"
    assert account_for_number(rt, "+14155550123") is None  # not before the code comes back
    do_verify_phone(rt, people.alice, last_code(rt, people.alice))
    phone = get_phone(rt, people.alice)
    assert phone is not None
    assert phone.verified
    assert phone.receiving
    assert account_for_number(rt, "+14155550123") == people.alice


def test_wrong_codes_are_counted_and_run_out(rt: Runtime, people: People, settle: Settle) -> None:
    do_link_phone(rt, people.alice, "+14155550123")
    settle()
    code = last_code(rt, people.alice)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ValidationFailed, match="not right"):
            do_verify_phone(rt, people.alice, wrong)
    with pytest.raises(ValidationFailed, match="expired"):
        do_verify_phone(rt, people.alice, code)  # five tries spent: ask again
    phone = get_phone(rt, people.alice)
    assert phone is not None
    assert not phone.verified


def test_a_verified_number_belongs_to_one_account(rt: Runtime, people: People, link: Link) -> None:
    link(people.alice, "+14155550123")
    with pytest.raises(ValidationFailed, match="another account"):
        do_link_phone(rt, people.bob, "+1 415-555-0123")


def test_entering_someone_elses_number_claims_nothing(
    rt: Runtime, people: People, settle: Settle, link: Link
) -> None:
    do_link_phone(rt, people.mallory, "+14155550123")  # mallory cannot read the code
    settle()
    link(people.alice, "+14155550123")  # the phone's owner links it anyway
    assert account_for_number(rt, "+14155550123") == people.alice


def test_removing_the_phone_unlinks_it(rt: Runtime, people: People, link: Link) -> None:
    link(people.alice, "+14155550123")
    do_remove_phone(rt, people.alice)
    assert get_phone(rt, people.alice) is None
    assert account_for_number(rt, "+14155550123") is None
    with pytest.raises(NotFound):
        do_remove_phone(rt, people.alice)


def test_settings_are_validated(rt: Runtime, people: People, link: Link) -> None:
    link(people.alice, "+14155550123")
    do_update_phone_settings(
        rt,
        people.alice,
        quiet_start="22:00",
        quiet_end="07:30",
        time_zone="Europe/Paris",
        daily_cap=10,
        quiet_hold=False,
        mentions_on=False,
    )
    phone = get_phone(rt, people.alice)
    assert phone is not None
    assert (phone.quiet_start, phone.quiet_end, phone.time_zone) == (
        "22:00",
        "07:30",
        "Europe/Paris",
    )
    assert phone.daily_cap == 10
    assert not phone.quiet_hold
    assert not phone.mentions_on
    for bad in ({"quiet_start": "25:00"}, {"time_zone": "Mars/Olympus"}, {"daily_cap": -1}):
        with pytest.raises(ValidationFailed):
            do_update_phone_settings(rt, people.alice, **bad)
    do_update_phone_settings(rt, people.alice, quiet_start="", quiet_end="")
    phone = get_phone(rt, people.alice)
    assert phone is not None
    assert phone.quiet_start is None
