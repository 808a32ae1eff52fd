"""Contract: Mastodon's resend-confirmation endpoint, and the token request of an
account whose address awaits confirmation."""

from __future__ import annotations

import warnings

from starlette.exceptions import StarletteDeprecationWarning

from roost.app import create_app
from roost.mail.queries import messages_to
from roost.runtime import Runtime
from tests.api.conftest import BASE_URL, Tokens, register_app
from tests.api.contract import Api, covers
from tests.conftest import PASSWORD
from tests.smtp import SmtpServer

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

SIGN_UP = {
    "username": "newbie",
    "email": "newbie@example.com",
    "password": "long enough password",
    "agreement": True,
}


@covers("POST /api/v1/emails/confirmations")
def test_resend_confirmation(api: Api, tokens: Tokens, rt: Runtime) -> None:
    assert tokens.alice  # alice@example.com is taken
    app_token = tokens.app_token()
    signed_up = api.call("POST", "/api/v1/accounts", "Token", token=app_token, json=SIGN_UP)
    token = signed_up["access_token"]
    assert len(messages_to(rt, "newbie@example.com")) == 1  # the sign-up's link
    api.call("POST", "/api/v1/emails/confirmations", "Empty", token=token)
    api.call(
        "POST",
        "/api/v1/emails/confirmations",
        "Empty",
        token=token,
        json={"email": "corrected@example.com"},
    )
    assert len(messages_to(rt, "newbie@example.com")) == 2
    [corrected] = messages_to(rt, "corrected@example.com")
    assert corrected.kind == "confirmation"
    # someone else's address, an app token, a confirmed account: refused
    api.call(
        "POST",
        "/api/v1/emails/confirmations",
        "Error",
        status=422,
        token=token,
        json={"email": "alice@example.com"},
    )
    api.call("POST", "/api/v1/emails/confirmations", "Error", status=422, token=app_token)
    api.call("POST", "/api/v1/emails/confirmations", "Error", status=403, who="alice")
    api.call("POST", "/api/v1/emails/confirmations", "Error", status=401, who=None)


def test_the_token_request_of_an_unconfirmed_account_says_why(
    smtp_rt: Runtime, smtp_server: SmtpServer
) -> None:
    with TestClient(create_app(smtp_rt.settings, rt=smtp_rt), base_url=BASE_URL) as client:
        app = register_app(client)
        app_token = client.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "scope": "read write",
            },
        ).json()["access_token"]
        signup = {**SIGN_UP, "password": PASSWORD}
        joined = client.post(
            "/api/v1/accounts", json=signup, headers={"Authorization": f"Bearer {app_token}"}
        )
        assert joined.status_code == 200, joined.text
        grant = {
            "grant_type": "password",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "username": "newbie@example.com",
            "password": PASSWORD,
            "scope": "read",
        }
        refused = client.post("/oauth/token", data=grant)
        assert refused.status_code == 400
        assert refused.json()["error"] == "invalid_grant"
        assert "confirmed e-mail address" in refused.json()["error_description"]
        wrong = client.post("/oauth/token", data={**grant, "password": "not the password"})
        assert "confirmed" not in wrong.json()["error_description"]
