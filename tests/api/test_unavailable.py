"""A database or Redis that does not answer gives a quick 503 in Mastodon's error
shape, with ``Retry-After``, never a 500 or a hung request."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from roost.app import create_app
from roost.config import Settings
from roost.runtime import Runtime
from tests.api.conftest import BASE_URL, Tokens, bearer

# Nothing listens on port 1: connecting is refused at once, as while a server restarts.
DOWN_POSTGRES = "postgresql://postgres@127.0.0.1:1/roost"
DOWN_REDIS = "redis://127.0.0.1:1/0"


def test_api_answers_503_json_while_the_database_is_down(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, database_url=DOWN_POSTGRES, inprocess_worker=False, rate_limits=False
    )
    with TestClient(create_app(settings), base_url=BASE_URL) as client:
        home = client.get("/api/v1/timelines/home", headers=bearer("some-token"))
        post = client.post("/api/v1/statuses", headers=bearer("some-token"), json={"status": "hi"})
    for response in (home, post):
        assert response.status_code == 503, response.text
        assert response.json() == {"error": "Service Unavailable"}
        assert response.headers["Retry-After"] == "5"


def test_posting_and_reading_home_work_while_redis_is_down(
    rt: Runtime, tokens: Tokens, settings: Settings
) -> None:
    # given an instance whose Redis (timelines, live events, job doorbell) is down
    token = tokens.alice
    down = settings.model_copy(update={"redis_url": DOWN_REDIS, "inprocess_worker": False})
    with TestClient(create_app(down), base_url=BASE_URL) as client:
        # when alice posts and reads her home timeline
        posted = client.post("/api/v1/statuses", headers=bearer(token), json={"status": "hi"})
        home = client.get("/api/v1/timelines/home", headers=bearer(token))
    # then the post is stored (its jobs wait in the database) and home is read there
    assert posted.status_code == 200, posted.text
    assert home.status_code == 200, home.text
    assert [s["id"] for s in home.json()] == [posted.json()["id"]]
