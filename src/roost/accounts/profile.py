"""A profile's rendered parts: the bio and the profile fields' values, as HTML.

They are rendered once, when saved (``do_update_profile``), and stored beside the
text; the API and the web app read the stored HTML (``note_html``). Rendering is
post rendering (``roost.text.render_html``: escaped, linked, then sanitised by
nh3), with @mentions linked only to accounts that exist. A bio saved before this
was stored (``note_html`` NULL) is rendered on its first read and saved then.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from roost.accounts.models import accounts
from roost.accounts.queries import find_existing_usernames
from roost.runtime import Runtime
from roost.text import Linker, extract_mentions, render_html

MAX_FIELDS = 4
MAX_FIELD_NAME = 255
MAX_FIELD_VALUE = 255


def render_profile_text(rt: Runtime, text: str) -> str:
    if not text:
        return ""
    known = find_existing_usernames(rt, extract_mentions(text, rt.settings.domain))
    base = rt.settings.effective_base_url
    return render_html(text, Linker(base, lambda u: f"{base}/@{u}" if u.lower() in known else None))


def render_field_value(rt: Runtime, value: str) -> str:
    """A field's value as Mastodon shows it: links, no paragraph around it."""
    rendered = render_profile_text(rt, value.replace("\n", " "))
    return rendered.removeprefix("<p>").removesuffix("</p>")


def note_html(rt: Runtime, row: Any) -> str:
    """The bio's HTML: stored when saved. A row saved before it was stored is rendered
    now and saved, so that happens once (only if the bio is still the one rendered)."""
    stored = getattr(row, "note_html", None)
    if stored is not None:
        return str(stored)
    if not row.note:  # nothing to render: no write on a read
        return ""
    rendered = render_profile_text(rt, row.note)
    if "note_html" in getattr(row, "_fields", ()):
        with rt.db.write() as tx:
            tx.conn.execute(
                update(accounts)
                .where(
                    accounts.c.id == row.id,
                    accounts.c.note == row.note,
                    accounts.c.note_html.is_(None),
                )
                .values(note_html=rendered)
            )
    return rendered


def profile_fields(row: Any) -> list[dict[str, str]]:
    """``[{name, value, value_html}]`` as stored (an empty list when none)."""
    return [dict(f) for f in (getattr(row, "fields", None) or [])]


def collections_hidden(row: Any, viewer_id: int | None) -> bool:
    """``hide_collections``: whom the account follows and who follows it are shown to
    the account only (Mastodon answers others an empty list; the counts stay)."""
    return bool(getattr(row, "hide_collections", False)) and row.id != viewer_id
