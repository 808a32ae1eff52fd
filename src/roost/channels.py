"""Names of the pub/sub channels live updates travel on.

Fan-out publishes ``update:<post id>`` and ``delete:<post id>`` messages here, and
notifications and conversations ``notification:<id>`` and ``conversation:<id>``; the
web app's live pages and the streaming API listen. One module names them so
publishers and listeners cannot drift apart.
"""

from __future__ import annotations


def home_channel(account_id: int) -> str:
    """One account's home timeline (the streaming API's "user" stream)."""
    return f"timeline:home:{account_id}"


def public_channel() -> str:
    return "timeline:public"


def tag_channel(tag: str) -> str:
    return f"timeline:hashtag:{tag.lower()}"


def notifications_channel(account_id: int) -> str:
    """One account's notifications: ``notification:<id>`` messages."""
    return f"timeline:notifications:{account_id}"


def direct_channel(account_id: int) -> str:
    """One account's direct conversations: ``conversation:<id>`` messages."""
    return f"timeline:direct:{account_id}"


def list_channel(list_id: int) -> str:
    """One list's timeline (the streaming API's "list" stream)."""
    return f"timeline:list:{list_id}"
