"""The admins' texts (about, terms, privacy) as HTML: Markdown, with any HTML in it
escaped rather than passed on, and the result sanitised by nh3 as posts are, so a
page can hold headings, lists, emphasis and http(s) links and nothing else.

Plain text is Markdown too: its paragraphs come out as paragraphs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import nh3
from markdown_it import MarkdownIt

from roost.instance.queries import PRIVACY_POLICY, get_instance_settings
from roost.runtime import Runtime

_TAGS = {
    "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em",
    "a", "blockquote", "code", "pre", "hr",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href"}}
# "js-default" escapes raw HTML (shown as text) and refuses javascript: links; nh3
# then drops images (a page would load any address its author typed) and keeps only
# the tags above.
_markdown = MarkdownIt("js-default", {"linkify": False, "typographer": False})


def render_page(text: str) -> str:
    if not text.strip():
        return ""
    return nh3.clean(
        _markdown.render(text),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        link_rel="nofollow noopener noreferrer",
        url_schemes={"http", "https", "mailto"},
    )


# Shown until an admin writes a privacy policy: what Roost itself keeps.
DEFAULT_PRIVACY_POLICY = """\
This server runs Roost. It keeps what you give it: your username, your email address if
you give one, a hash of your password, your profile, your posts, pictures and messages,
and whom you follow, block and mute. It keeps no log of your IP address beyond the short
counters that limit sign-ups and log-in attempts.

Your public posts can be read by anyone; posts for followers, mentions and messages only
by the people they are for, and by this server's moderators when someone reports them.

Nothing is sold or shared with anyone else. Ask this server's admins to remove your data.
"""
DEFAULT_PRIVACY_POLICY_DATE = datetime(2026, 11, 25, tzinfo=UTC)


@dataclass(frozen=True)
class PageText:
    html: str
    updated_at: datetime | None  # None: never written


def get_page(rt: Runtime, key: str) -> PageText:
    """An admin's page as HTML; the privacy policy falls back to Roost's own."""
    settings = get_instance_settings(rt)
    text = settings.text(key)
    if not text and key == PRIVACY_POLICY:
        return PageText(render_page(DEFAULT_PRIVACY_POLICY), DEFAULT_PRIVACY_POLICY_DATE)
    return PageText(render_page(text), settings.updated_at(key) if text else None)
