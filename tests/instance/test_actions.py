"""Instance settings and rules: only admins change them, the changes read back,
rules keep their ids through edits and moves, and pages are sanitised."""

from __future__ import annotations

import pytest

from roost.accounts.roles import do_set_role
from roost.errors import Forbidden, NotFound, ValidationFailed
from roost.instance.actions import (
    do_add_rule,
    do_delete_rule,
    do_edit_rule,
    do_move_rule,
    do_update_settings,
)
from roost.instance.pages import render_page
from roost.instance.queries import get_instance_settings, get_registration_mode, list_rules
from roost.runtime import Runtime
from tests.conftest import People


def test_only_admins_change_settings_and_rules(rt: Runtime, people: People) -> None:
    assert people.mod
    assert people.admin
    do_set_role(rt, "mod", "moderator")
    do_set_role(rt, "admin", "admin")
    rule = do_add_rule(rt, people.admin, "Be kind")
    for who in (people.user, people.mod):
        with pytest.raises(Forbidden):
            do_update_settings(rt, who, {"registrations_mode": "closed"})
        with pytest.raises(Forbidden):
            do_add_rule(rt, who, "Mine")
        with pytest.raises(Forbidden):
            do_edit_rule(rt, who, rule, "Be mean")
        with pytest.raises(Forbidden):
            do_move_rule(rt, who, rule, 1)
        with pytest.raises(Forbidden):
            do_delete_rule(rt, who, rule)
    assert [r.text for r in list_rules(rt)] == ["Be kind"]
    assert get_registration_mode(rt) == "open"


def test_the_mode_defaults_to_the_setting_until_an_admin_chooses(
    rt: Runtime, people: People
) -> None:
    rt.settings = rt.settings.model_copy(update={"registrations": "approval"})
    assert get_registration_mode(rt) == "approval"
    assert people.admin
    do_set_role(rt, "admin", "admin")
    do_update_settings(rt, people.admin, {"registrations_mode": "invite"})
    assert get_registration_mode(rt) == "invite"
    with pytest.raises(ValidationFailed):
        do_update_settings(rt, people.admin, {"registrations_mode": "sometimes"})
    with pytest.raises(ValidationFailed):
        do_update_settings(rt, people.admin, {"terms_of_service": "x" * 20_001})
    assert get_registration_mode(rt) == "invite"


def test_an_unchanged_page_keeps_its_date(rt: Runtime, people: People) -> None:
    assert people.admin
    do_set_role(rt, "admin", "admin")
    do_update_settings(rt, people.admin, {"terms_of_service": "Be nice"})
    first = get_instance_settings(rt).updated_at("terms_of_service")
    do_update_settings(rt, people.admin, {"terms_of_service": "Be nice", "closed_message": "x"})
    assert get_instance_settings(rt).updated_at("terms_of_service") == first
    assert get_instance_settings(rt).text("closed_message") == "x"


def test_rules_are_edited_moved_and_deleted_keeping_ids(rt: Runtime, people: People) -> None:
    assert people.admin
    do_set_role(rt, "admin", "admin")
    one = do_add_rule(rt, people.admin, "One")
    two = do_add_rule(rt, people.admin, "Two", "why")
    three = do_add_rule(rt, people.admin, "Three")
    do_move_rule(rt, people.admin, three, -1)
    assert [r.id for r in list_rules(rt)] == [one, three, two]
    do_move_rule(rt, people.admin, one, -1)  # already first: stays
    assert [r.id for r in list_rules(rt)] == [one, three, two]
    do_edit_rule(rt, people.admin, two, "Second", "because")
    do_delete_rule(rt, people.admin, one)
    assert [(r.id, r.text, r.hint) for r in list_rules(rt)] == [
        (three, "Three", ""),
        (two, "Second", "because"),
    ]
    with pytest.raises(NotFound):
        do_delete_rule(rt, people.admin, one)
    with pytest.raises(ValidationFailed):
        do_add_rule(rt, people.admin, "   ")


def test_pages_are_markdown_with_html_escaped() -> None:
    html = render_page(
        "# Hi\n\n<script>alert(1)</script> [x](javascript:alert(1)) ![i](http://e/i.png)"
    )
    assert "<h1>Hi</h1>" in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html  # markdown-it leaves such a link as text
    assert "<img" not in html
    assert render_page("  ") == ""
