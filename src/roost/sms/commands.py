"""Reading a text as a command: the words Twitter's SMS service taught people.

Pure parsing, no database: ``parse`` turns any text into a ``Command``; the gateway
runs it. Words are matched case-insensitively with any spacing (any Unicode
white space), and a text that is not a command is a post. A one-word command must
be the whole text ("Stop by at six" is a post, "stop" is STOP), and a command
naming a person takes exactly one name ("on my way" is a post, "ON alice" is not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NAME_RE = re.compile(r"^@?([A-Za-z0-9_]{1,30})(?:@[^\s@]+)?$")

STOP_WORDS = frozenset({"stop", "stopall", "quit", "end", "cancel", "unsubscribe"})
START_WORDS = frozenset({"start", "unstop"})
ALONE = {"help": "help", "?": "help", "on": "on", "off": "off"}
# Commands naming one person, and nothing else.
ONE_NAME = {
    "follow": "follow",
    "f": "follow",
    "unfollow": "unfollow",
    "leave": "unfollow",
    "l": "unfollow",
    "on": "on",
    "off": "off",
    "get": "get",
    "g": "get",
    "whois": "whois",
    "w": "whois",
    "fav": "like",
    "like": "like",
    "rt": "repost",
}
DIRECT = frozenset({"d", "dm"})

HELP = (
    "Roost by text: just text to post. @user text: answer their latest post. "
    "D user text: direct message. FOLLOW/UNFOLLOW user. ON/OFF (user): texts on/off. "
    "GET user, WHOIS user, LIKE user, RT user. STOP ends all texts, START resumes."
)


@dataclass(frozen=True)
class Command:
    """``verb``: post, reply, dm, follow, unfollow, on, off, get, whois, like,
    repost, stop, start, help, or empty (an empty text)."""

    verb: str
    user: str | None = None
    text: str = ""


def parse(body: str) -> Command:
    text = body.strip()
    words = text.split()
    if not words:
        return Command("empty")
    first = words[0].casefold()
    if len(words) == 1:
        if first in STOP_WORDS:
            return Command("stop")
        if first in START_WORDS:
            return Command("start")
        if first in ALONE:
            return Command(ALONE[first])
    if len(words) == 2 and first in ONE_NAME:
        name = NAME_RE.match(words[1])
        if name:
            return Command(ONE_NAME[first], name.group(1))
    if first in DIRECT and len(words) >= 2:
        name = NAME_RE.match(words[1])
        if name:
            return Command("dm", name.group(1), _rest(text, 2))
    if words[0].startswith("@") and len(words) >= 2:
        name = NAME_RE.match(words[0])
        if name:
            return Command("reply", name.group(1), _rest(text, 1))
    return Command("post", text=text)


def _rest(text: str, skip: int) -> str:
    """The text after its first ``skip`` words, its own spacing and lines kept."""
    return text.split(None, skip)[skip].strip() if len(text.split(None, skip)) > skip else ""
