"""Parsing texts into commands: every command, odd spacing and case, Unicode."""

from __future__ import annotations

import pytest

from roost.sms.commands import Command, parse


@pytest.mark.parametrize(
    ("body", "command"),
    [
        ("Running late, start without me", Command("post", text="Running late, start without me")),
        ("  ça roule 🚲  ", Command("post", text="ça roule 🚲")),
        ("@bob sounds good", Command("reply", "bob", "sounds good")),
        ("@Bob   sounds\u3000good ", Command("reply", "Bob", "sounds\u3000good")),
        ("D alice see you at 6", Command("dm", "alice", "see you at 6")),
        ("dm  @alice  see you", Command("dm", "alice", "see you")),
        ("d alice", Command("dm", "alice", "")),
        ("FOLLOW alice", Command("follow", "alice")),
        ("f @alice", Command("follow", "alice")),
        ("Unfollow alice", Command("unfollow", "alice")),
        ("LEAVE alice", Command("unfollow", "alice")),
        ("ON", Command("on")),
        ("off", Command("off")),
        ("on alice", Command("on", "alice")),
        ("OFF\talice", Command("off", "alice")),
        ("GET alice", Command("get", "alice")),
        ("g alice", Command("get", "alice")),
        ("WHOIS alice", Command("whois", "alice")),
        ("w alice", Command("whois", "alice")),
        ("FAV alice", Command("like", "alice")),
        ("like alice", Command("like", "alice")),
        ("RT alice", Command("repost", "alice")),
        ("STOP", Command("stop")),
        (" stop ", Command("stop")),
        ("Quit", Command("stop")),
        ("END", Command("stop")),
        ("cancel", Command("stop")),
        ("UNSUBSCRIBE", Command("stop")),
        ("start", Command("start")),
        ("HELP", Command("help")),
        ("?", Command("help")),
        ("", Command("empty")),
        ("   ", Command("empty")),
    ],
)
def test_commands(body: str, command: Command) -> None:
    assert parse(body) == command


@pytest.mark.parametrize(
    "body",
    [
        "Stop by at six",  # a one-word command must be the whole text
        "on my way home",  # a named command takes exactly one name
        "follow the signs to gate B",
        "get milk please",
        "help me",
        "rt is cool",
    ],
)
def test_longer_texts_are_posts(body: str) -> None:
    assert parse(body) == Command("post", text=body)


def test_a_name_must_look_like_a_username() -> None:
    assert parse("follow al!ce") == Command("post", text="follow al!ce")
    assert parse("D ☕ hi") == Command("post", text="D ☕ hi")
    assert parse("@ hello") == Command("post", text="@ hello")


def test_a_direct_message_keeps_its_lines() -> None:
    assert parse("D alice line one\nline two") == Command("dm", "alice", "line one\nline two")
