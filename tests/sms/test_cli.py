"""``roost sms text`` and ``roost sms outbox``: an exchange from the command line."""

from __future__ import annotations

from collections.abc import Callable

from typer.testing import CliRunner

from roost.cli import app
from roost.config import Settings
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.conftest import People
from tests.phones.conftest import Link
from tests.test_cli import _env

Settle = Callable[[], int]


def test_texts_in_and_out_from_the_command_line(
    rt: Runtime, settings: Settings, people: People, link: Link, settle: Settle
) -> None:
    link(people.bob, "+14155550001")
    people.alice  # noqa: B018
    env = _env(settings)
    answer = CliRunner().invoke(app, ["sms", "text", "+14155550001", "F alice"], env=env)
    assert answer.exit_code == 0, answer.output
    assert answer.output == "You follow @alice and get their posts by text. OFF alice stops them.\n"
    do_create_post(rt, people.alice, "Surgery running 20 min late, sorry!")
    settle()
    shown = CliRunner().invoke(app, ["sms", "outbox"], env=env)
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0].endswith("+14155550001 post sent: alice: Surgery running 20 min late, sorry!")
    assert "code sent: Your Roost code is" in lines[1]
