"""Contract: the instance's rules and pages, and the moderators' approve/reject of
waiting sign-ups, answer Mastodon's entities."""

from __future__ import annotations

from roost.accounts.roles import do_set_role
from roost.instance.actions import do_add_rule, do_update_settings
from roost.registrations.actions import do_sign_up
from roost.runtime import Runtime
from tests.api.conftest import Tokens, register_app
from tests.api.contract import Api, covers
from tests.conftest import PASSWORD, People

ADMIN_SCOPES = "read write admin:read admin:write"


@covers(
    "GET /api/v1/instance/rules",
    "GET /api/v1/instance/extended_description",
    "GET /api/v1/instance/privacy_policy",
    "GET /api/v1/instance/terms_of_service",
)
def test_instance_rules_and_pages(api: Api, rt: Runtime, people: People) -> None:
    # given nothing written yet: no rules, an empty about text, Roost's own privacy
    # policy and no terms (404, as Mastodon)
    assert api.call("GET", "/api/v1/instance/rules", "[Rule]", who=None) == []
    empty = api.call(
        "GET", "/api/v1/instance/extended_description", "ExtendedDescription", who=None
    )
    assert empty == {"updated_at": None, "content": ""}
    policy = api.call("GET", "/api/v1/instance/privacy_policy", "PrivacyPolicy", who=None)
    assert "Roost" in policy["content"]
    api.call("GET", "/api/v1/instance/terms_of_service", "Error", who=None, status=404)
    # when an admin writes them
    assert people.alice
    do_set_role(rt, "alice", "admin")
    first = do_add_rule(rt, people.alice, "Be kind", "No insults")
    second = do_add_rule(rt, people.alice, "No spam")
    do_update_settings(
        rt,
        people.alice,
        {
            "extended_description": "# Welcome\n\nA *small* place. <script>x()</script>",
            "terms_of_service": "Be nice to %domain%.",
            "privacy_policy": "We keep [little](https://example.com/p).",
        },
    )
    # then the API says what they wrote, as sanitised HTML
    rules = api.call("GET", "/api/v1/instance/rules", "[Rule]", who=None)
    assert rules == [
        {"id": str(first), "text": "Be kind", "hint": "No insults"},
        {"id": str(second), "text": "No spam", "hint": ""},
    ]
    about = api.call("GET", "/api/v1/instance/extended_description", "ExtendedDescription")
    assert "<h1>Welcome</h1>" in about["content"]
    assert "<em>small</em>" in about["content"]
    assert "<script" not in about["content"]
    assert about["updated_at"] is not None
    terms = api.call("GET", "/api/v1/instance/terms_of_service", "TermsOfService")
    assert terms["effective"] is True
    assert terms["succeeded_by"] is None
    assert "Be nice" in terms["content"]
    policy = api.call("GET", "/api/v1/instance/privacy_policy", "PrivacyPolicy")
    assert 'href="https://example.com/p"' in policy["content"]


@covers("POST /api/v1/admin/accounts/{id}/approve", "POST /api/v1/admin/accounts/{id}/reject")
def test_approve_and_reject(api: Api, rt: Runtime, people: People) -> None:
    # given approval mode, two waiting sign-ups and alice a moderator
    assert people.alice
    assert people.owner
    do_set_role(rt, "owner", "owner")
    do_set_role(rt, "alice", "moderator")
    do_update_settings(rt, people.owner, {"registrations_mode": "approval"})
    waiting = do_sign_up(rt, "waiting", PASSWORD, email="w@example.com", reason="hi", agreed=True)
    spammer = do_sign_up(rt, "spammer", PASSWORD, email="s@example.com", agreed=True)
    assert not waiting.approved
    admin = Tokens(api.client, people, register_app(api.client, scopes=ADMIN_SCOPES))
    moderator = admin.issue("alice", ADMIN_SCOPES)
    approve = "/api/v1/admin/accounts/{id}/approve"
    reject = "/api/v1/admin/accounts/{id}/reject"
    # a user with admin scopes, and a token without them, are refused
    user = admin.issue("bob", ADMIN_SCOPES)
    at = {"id": str(waiting.account_id)}
    api.call("POST", approve, "Error", status=403, token=user, at=at)
    api.call("POST", reject, "Error", status=403, token=user, at=at)
    api.call("POST", approve, "Error", status=403, who="alice", at=at)  # no admin scope
    api.call("POST", approve, "Error", status=401, who=None, at=at)
    api.call("POST", approve, "Error", status=404, token=moderator, at={"id": "123456789"})
    # the moderator approves one: Admin::Account, approved, with the reason it gave
    approved = api.call("POST", approve, "Admin::Account", token=moderator, at=at)
    assert (approved["id"], approved["approved"]) == (str(waiting.account_id), True)
    assert approved["invite_request"] == "hi"
    # an account that waits no more cannot be approved or rejected again (403)
    api.call("POST", approve, "Error", status=403, token=moderator, at=at)
    api.call("POST", reject, "Error", status=403, token=moderator, at=at)
    # and rejects the other: its entity as it was, and the account is gone
    at = {"id": str(spammer.account_id)}
    rejected = api.call("POST", reject, "Admin::Account", token=moderator, at=at)
    assert (rejected["username"], rejected["approved"]) == ("spammer", False)
    api.call("POST", reject, "Error", status=404, token=moderator, at=at)
