"""Profile settings beyond name, bio and pictures: the profile fields, the flags
(``bot``, ``discoverable``, ``indexable``, ``hide_collections``, ``locked`` stays in
``do_update_profile`` for its side effect) and the posting defaults that Mastodon
calls ``source[privacy|sensitive|language]``. Checked here, saved by
``do_update_profile`` in its transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roost.accounts.profile import (
    MAX_FIELD_NAME,
    MAX_FIELD_VALUE,
    MAX_FIELDS,
    render_field_value,
)
from roost.errors import ValidationFailed
from roost.runtime import Runtime

PRIVACIES = ("public", "unlisted", "private")  # Mastodon refuses "direct" as a default


@dataclass(frozen=True)
class ProfileSettings:
    """None: leave as it is. ``fields``: (name, value) pairs, replacing all of them."""

    fields: list[tuple[str, str]] | None = None
    indexable: bool | None = None
    hide_collections: bool | None = None
    privacy: str | None = None
    sensitive: bool | None = None
    language: str | None = None


def profile_settings_values(rt: Runtime, s: ProfileSettings) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if s.fields is not None:
        kept = [(n.strip(), v.strip()) for n, v in s.fields if n.strip() or v.strip()]
        if len(kept) > MAX_FIELDS:
            raise ValidationFailed(
                f"At most {MAX_FIELDS} profile fields", field="fields_attributes"
            )
        for name, value in kept:
            if len(name) > MAX_FIELD_NAME or len(value) > MAX_FIELD_VALUE:
                raise ValidationFailed(
                    f"Profile field names and values are at most {MAX_FIELD_VALUE} characters",
                    field="fields_attributes",
                )
            if "\x00" in name or "\x00" in value:
                raise ValidationFailed("Text contains a NUL character", field="fields_attributes")
        values["fields"] = [
            {"name": n, "value": v, "value_html": render_field_value(rt, v)} for n, v in kept
        ]
    for name, flag in (("indexable", s.indexable), ("hide_collections", s.hide_collections)):
        if flag is not None:
            values[name] = flag
    if s.privacy is not None:
        if s.privacy not in PRIVACIES:
            raise ValidationFailed(
                f"source[privacy] must be one of {', '.join(PRIVACIES)}", field="source[privacy]"
            )
        values["default_privacy"] = s.privacy
    if s.sensitive is not None:
        values["default_sensitive"] = s.sensitive
    if s.language is not None:
        language = s.language.strip()
        if len(language) > 10 or (language and not language.replace("-", "").isalpha()):
            raise ValidationFailed("Language is not valid", field="source[language]")
        values["default_language"] = language or None
    return values
