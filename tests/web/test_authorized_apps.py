"""The "Authorised apps" settings page, and API tokens ending with the web's
"change password" and "log out everywhere"."""

from __future__ import annotations

from roost.oauth.actions import do_create_application, do_password_grant
from roost.oauth.queries import get_token
from roost.runtime import Runtime
from tests.conftest import PASSWORD, People
from tests.web.conftest import WebClient


def _token(rt: Runtime, name: str, app_name: str = "Phone app") -> str:
    app = do_create_application(rt, app_name, ["https://app.example/cb"], scopes="read").row
    return do_password_grant(rt, app, name, PASSWORD, "read", address=None).access_token


def test_apps_page_lists_and_revokes(web: WebClient, rt: Runtime, people: People) -> None:
    assert people.alice
    assert people.bob
    token = _token(rt, "alice")
    bobs = _token(rt, "bob", "Bob's app")
    web.log_in("alice")
    assert 'href="/settings/apps"' in web.get("/settings").text
    page = web.get("/settings/apps").text
    assert "Phone app" in page
    assert "Bob&#39;s app" not in page
    assert "Bob's app" not in page
    info = get_token(rt, token)
    assert info is not None
    assert info.application_id is not None
    # without the CSRF token nothing happens
    refused = web.client.post(f"/settings/apps/{info.application_id}/revoke")
    assert refused.status_code == 403
    assert get_token(rt, token) is not None
    response = web.submit(f"/settings/apps/{info.application_id}/revoke", page="/settings/apps")
    assert response.status_code == 303
    assert get_token(rt, token) is None
    assert get_token(rt, bobs) is not None
    assert "No apps can use your account." in web.get("/settings/apps").text


def test_password_change_and_log_out_everywhere_revoke_tokens(
    web: WebClient, rt: Runtime, people: People
) -> None:
    web.log_in("alice")
    token = _token(rt, "alice")
    web.submit(
        "/settings/password",
        {
            "current_password": PASSWORD,
            "new_password": "a new password",
            "confirm_password": "a new password",
        },
        page="/settings",
    )
    assert get_token(rt, token) is None
    app = do_create_application(rt, "Again", ["https://app.example/cb"], scopes="read").row
    again = do_password_grant(rt, app, "alice", "a new password", "read", address=None)
    web.submit("/settings/logout-everywhere", page="/settings")
    assert get_token(rt, again.access_token) is None
