"""The OAuth consent page as part of the web app: someone already signed in
approves an app with one click, in the site's own look."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from roost.oauth.actions import do_create_application
from roost.runtime import Runtime
from tests.web.conftest import WebClient

REDIRECT = "https://app.example/callback"


def test_signed_in_person_authorizes_an_app_without_typing_the_password(
    web: WebClient, rt: Runtime
) -> None:
    # given
    app = do_create_application(rt, "Pocket <b>Roost</b>", [REDIRECT], scopes="read write")
    web.log_in("alice")
    query = f"response_type=code&client_id={app.row.client_id}&redirect_uri={REDIRECT}&scope=read"
    page = web.get(f"/oauth/authorize?{query}")
    # then the page is the site's, names the person, and escapes the app's name
    assert page.status_code == 200
    assert "You are logged in as <strong>@alice</strong>" in page.text
    assert "Pocket &lt;b&gt;Roost&lt;/b&gt;" in page.text
    assert 'name="password"' not in page.text
    assert "content-security-policy" in page.headers
    # when
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
    approved = web.client.post(
        "/oauth/authorize", data={**fields, "decision": "approve"}, follow_redirects=False
    )
    # then
    assert approved.status_code == 302
    location = urlsplit(approved.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    assert parse_qs(location.query)["code"][0]


def test_without_a_session_the_page_asks_for_the_password(web: WebClient, rt: Runtime) -> None:
    app = do_create_application(rt, "App", [REDIRECT], scopes="read")
    page = web.get(f"/oauth/authorize?response_type=code&client_id={app.row.client_id}")
    assert 'name="password"' in page.text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
    refused = web.client.post(
        "/oauth/authorize", data={**fields, "decision": "approve"}, follow_redirects=False
    )
    assert refused.status_code == 401
    assert "location" not in refused.headers
