"""Generated bad (and good) input at every operation ``/openapi.json`` lists.

Schemathesis (4.x) reads the served document, generates requests for each
operation (valid ones, and ones that break the schema) and sends them to the
real ASGI app in-process, signed in as alice with every scope. Each answer must:
not be a 5xx; have a documented status and content type; match the documented
response schema; and, when it is an error, be Mastodon's ``{"error": "..."}``.

Path IDs are sometimes replaced with real ones (a post, an account, a list...),
so a handler is exercised past its 404. Whatever endpoints are added later are
checked too: the operations come from the document, not from a list here.

The run is deterministic (Hypothesis' derandomised seed) and small by default;
``ROOST_SCHEMATHESIS_EXAMPLES=200 make bench-schema`` runs it at length.
"""

from __future__ import annotations

import json
import os
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import FlakyStrategyDefinition, Unsatisfiable
from schemathesis import Case, CheckContext, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from roost.api.errors import speaks_json
from tests.api.conftest import Tokens
from tests.conftest import People

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

EXAMPLES = int(os.environ.get("ROOST_SCHEMATHESIS_EXAMPLES", "5"))
# Streams never end by themselves: they have their own tests (tests/api/test_streaming.py).
SKIPPED_PREFIXES = ("/api/v1/streaming",)


@schemathesis.check
def mastodon_error_shape(
    ctx: CheckContext, response: schemathesis.Response, case: Case[Any]
) -> None:
    """An error is a 4xx whose body is a JSON object with a non-empty ``error`` string
    (``/oauth/authorize`` is a page for a person: its errors are pages)."""
    if response.status_code < 400 or not speaks_json(case.operation.path):
        return
    assert response.status_code < 500, f"server error {response.status_code}"
    body = json.loads(response.content)
    assert isinstance(body, dict), f"error body is not an object: {body!r}"
    assert isinstance(body.get("error"), str), f"no error string: {body!r}"
    assert body["error"], "empty error message"


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    mastodon_error_shape,
]


@dataclass
class World:
    """Real objects for path parameters, keyed by the path segment before them."""

    ids: dict[str, str] = field(default_factory=dict)

    def real(self, path: str, name: str) -> str | None:
        segments = path.strip("/").split("/")
        marker = "{" + name + "}"
        if marker not in segments:
            return None
        before = segments[segments.index(marker) - 1]
        return self.ids.get(name if name != "id" else before)


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _build_world(client: TestClient, tokens: Tokens, people: People) -> World:
    """A few of each kind of object, made through the API, as cheaply as possible."""
    alice, bob, carol = tokens.auth("alice"), tokens.auth("bob"), tokens.auth("carol")
    world = World()
    post = _ok(client.post("/api/v1/statuses", json={"status": "hello #roost"}, headers=alice))
    _ok(client.post("/api/v1/statuses", json={"status": "hi @alice"}, headers=bob))
    world.ids["statuses"] = post["id"]
    world.ids["accounts"] = str(people.bob)
    world.ids["hashtag"] = "roost"
    listed = _ok(client.post("/api/v1/lists", json={"title": "friends"}, headers=alice))
    world.ids["lists"] = listed["id"]
    circle = client.post("/api/roost/v1/circles", json={"name": "close"}, headers=alice)
    if circle.status_code == 200:
        world.ids["circles"] = circle.json()["id"]
    made = client.post(
        "/api/v2/filters",
        json={"title": "spoilers", "context": ["home"], "keywords_attributes": [{"keyword": "x"}]},
        headers=alice,
    )
    if made.status_code == 200:
        world.ids["filters"] = made.json()["id"]
        if made.json().get("keywords"):
            world.ids["keywords"] = made.json()["keywords"][0]["id"]
    # carol asks to follow a locked alice: a follow request; bob follows: a notification.
    client.patch("/api/v1/accounts/update_credentials", json={"locked": True}, headers=alice)
    client.post(f"/api/v1/accounts/{people.alice}/follow", headers=carol)
    world.ids["follow_requests"] = str(people.carol)
    client.post(f"/api/v1/accounts/{people.alice}/follow", headers=bob)
    notes = client.get("/api/v1/notifications", headers=alice).json()
    if notes:
        world.ids["notifications"] = notes[0]["id"]
    return world


def test_every_operation_survives_generated_input(
    client: TestClient, tokens: Tokens, people: People
) -> None:
    # given the app with some data and a token with every scope
    world = _build_world(client, tokens, people)
    auth = tokens.auth("alice")
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    failures: list[str] = []
    examples = 0
    statuses: Counter[int] = Counter()
    gave_up = 0

    # when every operation gets generated requests
    for operation in operations:
        if operation.path.startswith(SKIPPED_PREFIXES):
            continue
        # Bad input needs somewhere to go: a path ID alone takes any string.
        takes_input = len(operation.query) > 0 or bool(operation.body)
        modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if takes_input else [])
        for mode in modes:

            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode), use_real=st.booleans())
            def run(case: Case[Any], use_real: bool) -> None:
                nonlocal examples
                examples += 1
                if use_real:
                    for name in case.path_parameters or {}:
                        real = world.real(case.operation.path, name)
                        if real is not None:
                            case.path_parameters[name] = real
                response = case.call(headers=auth)
                statuses[response.status_code] += 1
                case.validate_response(response, checks=CHECKS)

            try:
                run()
            except (Unsatisfiable, FlakyStrategyDefinition):
                # Nothing invalid can be made for this one, or the generator itself
                # stumbled (schemathesis' negative strategies): not the app's doing.
                gave_up += 1
                continue
            except (Exception, BaseExceptionGroup) as exc:  # one failure must not hide others'
                failures.append(f"{operation.label} [{mode.value}]: {exc}"[:3000])

    # then no answer broke a rule
    summary = f"{len(operations)} operations, {examples} examples, {len(failures)} failing"
    summary += f" ({gave_up} runs gave up generating); statuses {dict(sorted(statuses.items()))}"
    print(f"schemathesis: {summary}")  # noqa: T201 (the figures, shown with -s)
    assert not failures, "\n\n".join(failures)


@pytest.fixture(autouse=True)
def _quiet_schemathesis() -> None:
    """Schemathesis' own warnings (e.g. about a schema it cannot fully use) are reports
    here, not errors: the checks above decide."""
    warnings.filterwarnings("ignore", module="schemathesis.*")
