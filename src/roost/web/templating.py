"""The Jinja environment: autoescaping on, and the few filters the templates share.

Post HTML comes from ``roost.text.render_html`` (escaped, then sanitised by nh3)
and is the only markup marked safe.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from roost.accounts.profile import note_html
from roost.runtime import Runtime


def build_environment(rt: Runtime) -> Environment:
    env = Environment(
        loader=PackageLoader("roost.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ago"] = ago
    env.filters["exact_time"] = exact_time
    env.filters["iso"] = lambda value: value.astimezone(UTC).isoformat()
    env.filters["bio"] = lambda account: bio_html(rt, account)
    env.filters["safe_html"] = render_post_html  # HTML stored sanitised (nh3) when saved
    env.filters["plural"] = plural
    env.globals["avatar_url"] = lambda account: image_url(rt, account.avatar, "avatar")
    env.globals["header_url"] = lambda account: image_url(rt, account.header, "header")
    env.globals["media_url"] = rt.media.url
    env.globals["instance_title"] = rt.settings.instance_title
    env.globals["max_post_chars"] = rt.settings.max_post_chars
    # Sign-up asks for an address to confirm when real mail goes out.
    env.globals["mail_confirmation"] = bool(rt.settings.smtp_url)
    return env


def image_url(rt: Runtime, path: str | None, kind: str) -> str:
    return rt.media.url(path) if path else f"/static/{kind}.png"


def ago(value: datetime, now: datetime | None = None) -> str:
    """Twitter-style short age: 42s, 5m, 3h, 2d, then the date."""
    now = now or datetime.now(UTC)
    seconds = int((now - value).total_seconds())
    if seconds < 60:
        return f"{max(seconds, 0)}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    if seconds < 7 * 86400:
        return f"{seconds // 86400}d"
    if value.year == now.year:
        return f"{value:%b} {value.day}"
    return f"{value:%b} {value.day}, {value.year}"


def exact_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def bio_html(rt: Runtime, account: Any) -> Markup:
    """The bio as rendered (escaped, linked, sanitised) when it was saved."""
    return Markup(note_html(rt, account))  # noqa: S704


def render_post_html(content: str) -> Markup:
    """Stored post HTML was escaped and sanitised when the post was written."""
    return Markup(content)  # noqa: S704


def context_defaults() -> dict[str, Any]:
    return {"errors": {}, "values": {}}
