"""End to end: polls, edits, scheduled posts, profiles and discovery through
Mastodon.py against the real `roost serve` process (the embedded default), as an
app would use them from its first screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from mastodon import Mastodon, MastodonAPIError

from tests.e2e.test_mastodon_client import server as roost_server  # noqa: F401 (a fixture)
from tests.e2e.test_mastodon_client import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def _clients(server: str, *names: str) -> list[Mastodon]:
    client_id, client_secret = Mastodon.create_app("e2e-richer", api_base_url=server)
    anon = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=server)
    clients = []
    for name in names:
        token = anon.create_account(
            name, "a long enough password", f"{name}@example.com", agreement=True
        )
        clients.append(Mastodon(access_token=token, api_base_url=server))
    return clients


def test_polls_edits_and_scheduled_posts_through_a_mastodon_client(
    roost_server: str,  # noqa: F811
) -> None:
    ria, sol = _clients(roost_server, "ria", "sol")
    sol.account_follow(ria.me()["id"])

    poll = ria.make_poll(["Tuesday", "Thursday"], expires_in=3600, multiple=True)
    status = ria.status_post("Which evening for the #meded chat?", poll=poll)
    assert [o["title"] for o in status["poll"]["options"]] == ["Tuesday", "Thursday"]
    voted = sol.poll_vote(status["poll"]["id"], [0, 1])
    assert voted["voted"]
    assert voted["own_votes"] == [0, 1]
    assert voted["votes_count"] == 2
    with pytest.raises(MastodonAPIError):  # once per person
        sol.poll_vote(status["poll"]["id"], [0])
    with pytest.raises(MastodonAPIError):  # the author cannot vote
        ria.poll_vote(status["poll"]["id"], [0])

    edited = ria.status_update(status["id"], "Which evening for the #hcsm chat, @sol?")
    assert edited["edited_at"] is not None
    assert [m["username"] for m in edited["mentions"]] == ["sol"]
    assert [t["name"] for t in edited["tags"]] == ["hcsm"]
    history = ria.status_history(status["id"])
    assert len(history) == 2
    assert "meded" in history[0]["content"]  # the original comes first
    assert "hcsm" in history[1]["content"]
    assert ria.status_source(status["id"])["text"] == "Which evening for the #hcsm chat, @sol?"
    assert sol.status(status["id"])["content"] == edited["content"]

    later = datetime.now(UTC) + timedelta(hours=2)
    scheduled = ria.status_post("Chat starts now! #hcsm", scheduled_at=later)
    assert scheduled["params"]["text"] == "Chat starts now! #hcsm"
    assert [s["id"] for s in ria.scheduled_statuses()] == [scheduled["id"]]
    moved = ria.scheduled_status_update(scheduled["id"], later + timedelta(hours=1))
    assert moved["scheduled_at"] != scheduled["scheduled_at"]
    with pytest.raises(MastodonAPIError):  # less than five minutes ahead
        ria.status_post("too soon", scheduled_at=datetime.now(UTC) + timedelta(minutes=1))
    ria.scheduled_status_delete(scheduled["id"])
    assert ria.scheduled_statuses() == []


def test_profiles_and_discovery_through_a_mastodon_client(roost_server: str) -> None:  # noqa: F811
    uma, vic, wes = _clients(roost_server, "uma", "vic", "wes")
    me = uma.account_update_credentials(
        display_name="Uma",
        note="Nurse, #hcsm regular",
        bot=False,
        discoverable=True,
        fields=[("Clinic", "https://clinic.example")],
        default_privacy="unlisted",
    )
    assert me["display_name"] == "Uma"
    assert me["discoverable"] is True
    assert me["fields"][0]["name"] == "Clinic"
    assert "href" in me["fields"][0]["value"]
    assert uma.me()["source"]["privacy"] == "unlisted"
    assert uma.status_post("default visibility applies")["visibility"] == "unlisted"

    vic.account_follow(wes.me()["id"])
    wes.account_follow(uma.me()["id"])
    post = wes.status_post("Hand hygiene audit results are in #infectioncontrol")
    found = uma.search_v2("hygiene", result_type="statuses")
    assert [s["id"] for s in found["statuses"]] == [post["id"]]
    assert uma.search_v2("from:wes audit")["statuses"][0]["id"] == post["id"]
    private = wes.status_post("Followers-only hygiene note", visibility="private")
    assert private["id"] in [s["id"] for s in vic.search_v2("hygiene")["statuses"]]
    assert private["id"] not in [s["id"] for s in uma.search_v2("hygiene")["statuses"]]

    tag = vic.tag_follow("infectioncontrol")
    assert tag["following"] is True
    later_post = uma.status_post("New gloves policy #infectioncontrol", visibility="public")
    assert wait_for(lambda: later_post["id"] in [s["id"] for s in vic.timeline_home()], timeout=5.0)

    suggested = [s.get("account", s)["username"] for s in vic.suggestions()]
    assert "uma" in suggested  # wes, whom vic follows, follows uma
    assert "uma" in [a["username"] for a in vic.directory(order="new")]
