"""Contract: reports answer Mastodon's entities."""

from __future__ import annotations

from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.api.contract import Api, covers
from tests.conftest import People


@covers("POST /api/v1/reports")
def test_reports(api: Api, rt: Runtime, people: People) -> None:
    post = do_create_post(rt, people.bob, "buy cheap watches")
    report = api.call(
        "POST",
        "/api/v1/reports",
        "Report",
        json={
            "account_id": str(people.bob),
            "status_ids": [str(post)],
            "comment": "spam",
            "category": "spam",
            "rule_ids": ["1"],
            "forward": True,
        },
    )
    assert report["target_account"]["id"] == str(people.bob)
    assert (report["status_ids"], report["category"]) == ([str(post)], "spam")
    assert (report["action_taken"], report["forwarded"]) == (False, False)
    bare = api.call("POST", "/api/v1/reports", "Report", data={"account_id": str(people.bob)})
    assert (bare["status_ids"], bare["category"]) == ([], "other")
    api.call(
        "POST",
        "/api/v1/reports",
        "Error",
        status=422,
        json={"account_id": str(people.bob), "category": "rude"},
    )
    api.call(
        "POST",
        "/api/v1/reports",
        "Error",
        status=422,
        json={"account_id": str(people.bob), "comment": "x" * 1001},
    )
    api.call("POST", "/api/v1/reports", "Error", status=404, json={"account_id": "123456789"})
    api.call("POST", "/api/v1/reports", "Error", status=401, who=None, json={})
