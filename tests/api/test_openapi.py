"""``/openapi.json`` describes every API route, and real responses validate
against the schemas it publishes."""

from __future__ import annotations

import msgspec
import pytest
from jsonschema import Draft202012Validator
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from roost.api.http import Ctx, endpoint
from roost.api.openapi import build_document
from roost.api.routes import api_routes
from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.api.conftest import ClientApp, Tokens
from tests.api.contract import check, document
from tests.conftest import PASSWORD, People


def test_every_api_route_is_documented(client: TestClient) -> None:
    doc = document(client)
    assert doc["openapi"].startswith("3.1")
    expected = 0
    for route in api_routes():
        if not isinstance(route, Route) or not route.path.startswith("/api/"):
            continue
        for method in (route.methods or set()) - {"HEAD"}:
            expected += 1
            operation = doc["paths"][route.path][method.lower()]
            content = operation["responses"]["200"]["content"]
            if "text/event-stream" in content or "text/plain" in content:
                continue  # the streaming API: events, not a JSON body
            schema = content["application/json"].get("schema")
            assert schema, f"{method} {route.path} declares no response entity"
    assert expected > 20
    ids = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))


def test_component_schemas_are_valid_json_schema(client: TestClient) -> None:
    doc = document(client)
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)  # raises SchemaError, naming the part
    assert {"Account", "CredentialAccount", "Relationship", "Token", "Error"} <= set(
        doc["components"]["schemas"]
    )


def test_scopes_are_documented(client: TestClient) -> None:
    doc = document(client)
    follow = doc["paths"]["/api/v1/accounts/{id}/follow"]["post"]
    assert follow["security"] == [{"OAuth2": ["write:follows"]}]
    show = doc["paths"]["/api/v1/accounts/{id}"]["get"]
    assert {} in show["security"]
    assert show["parameters"][0]["name"] == "id"


def test_account_responses_validate(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime
) -> None:
    doc = document(client)
    do_follow(rt, people.alice, people.bob)
    do_create_post(rt, people.bob, "hello #openapi @alice")
    headers = tokens.auth("alice")
    bob = people.bob
    for path, concrete in (
        ("/api/v1/accounts/{id}", f"/api/v1/accounts/{bob}"),
        ("/api/v1/accounts/{id}/statuses", f"/api/v1/accounts/{bob}/statuses"),
        ("/api/v1/accounts/{id}/followers", f"/api/v1/accounts/{bob}/followers"),
        ("/api/v1/accounts/verify_credentials", "/api/v1/accounts/verify_credentials"),
        ("/api/v1/accounts/relationships", f"/api/v1/accounts/relationships?id[]={bob}"),
        ("/api/v1/instance", "/api/v1/instance"),
        ("/api/v2/instance", "/api/v2/instance"),
        ("/api/v1/accounts/{id}", "/api/v1/accounts/1"),
    ):
        response = client.get(concrete, headers=headers)
        check(doc, path, "get", response)
    follow = client.post(f"/api/v1/accounts/{bob}/follow", headers=headers)
    check(doc, "/api/v1/accounts/{id}/follow", "post", follow)


def test_oauth_responses_validate(
    client: TestClient, people: People, client_app: ClientApp
) -> None:
    doc = document(client)
    assert people.alice
    created = client.post(
        "/api/v1/apps", json={"client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}
    )
    check(doc, "/api/v1/apps", "post", created)
    for password in (PASSWORD, "wrong"):
        token = client.post(
            "/oauth/token",
            data={
                "grant_type": "password",
                "client_id": client_app.client_id,
                "client_secret": client_app.client_secret,
                "username": "alice",
                "password": password,
            },
        )
        check(doc, "/oauth/token", "post", token)


def test_a_wrong_response_fails_validation(client: TestClient, people: People) -> None:
    doc = document(client)
    response = client.get(f"/api/v1/accounts/{people.alice}")
    broken = response.json()
    del broken["username"]
    schema = doc["paths"]["/api/v1/accounts/{id}"]["get"]["responses"]["200"]["content"]
    validator = Draft202012Validator(
        {**schema["application/json"]["schema"], "components": doc["components"]}
    )
    assert not validator.is_valid(broken)
    assert validator.is_valid(response.json())


def test_declared_requests_are_published_and_enforced(client: TestClient, tokens: Tokens) -> None:
    doc = document(client)
    listing = doc["paths"]["/api/v1/notifications"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"types[]", "exclude_types[]", "account_id", "max_id", "limit"} <= names
    policy = doc["paths"]["/api/v2/notifications/policy"]["patch"]["requestBody"]["content"]
    assert set(policy) == {
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    }
    markers = doc["components"]["schemas"]["MarkersInput"]["properties"]
    assert set(markers) == {"home", "notifications"}
    # the same declaration validates: a wrong type is a 422 that names the parameter
    bad = client.get("/api/v1/notifications/unread_count?limit=lots", headers=tokens.auth("alice"))
    assert bad.status_code == 422
    assert "limit" in bad.json()["details"]
    wrong = client.patch(
        "/api/v2/notifications/policy",
        json={"for_new_accounts": "sometimes"},
        headers=tokens.auth("alice"),
    )
    assert wrong.status_code == 422
    assert "for_new_accounts" in wrong.json()["details"]


def test_two_request_structs_of_one_name_fail_loudly() -> None:
    """Schemas are filed by class name: a clash would document one endpoint with
    another's parameters, so building the document refuses it."""

    def handler_with(name: str) -> Route:
        kind = msgspec.defstruct(name, [("x", int)])

        @endpoint(scope="read", request=kind)
        def handler(ctx: Ctx) -> Response:
            raise NotImplementedError

        return Route(f"/api/v1/{name.lower()}{id(kind)}", handler)

    routes = [handler_with("NoInput"), handler_with("NoInput")]
    with pytest.raises(TypeError, match="NoInput"):
        build_document(routes, "http://localhost")
    build_document([routes[0]], "http://localhost")
