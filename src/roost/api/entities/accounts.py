"""The Account and Relationship entities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from roost.accounts.profile import note_html, profile_fields
from roost.accounts.roles import RoleSpec, role_spec
from roost.graph.queries import Relationship as RelationshipView
from roost.runtime import Runtime


class Field(msgspec.Struct):
    name: str
    value: str
    verified_at: str | None = None


class AccountRole(msgspec.Struct):
    """A highlighted role as the Account entity shows it (Mastodon 4.1+)."""

    id: str
    name: str
    color: str


class Account(msgspec.Struct):
    id: str
    username: str
    acct: str
    display_name: str
    locked: bool
    bot: bool
    discoverable: bool
    group: bool
    created_at: str
    note: str
    url: str
    uri: str
    avatar: str
    avatar_static: str
    header: str
    header_static: str
    followers_count: int
    following_count: int
    statuses_count: int
    last_status_at: str | None
    emojis: list[Any]
    fields: list[Field]
    noindex: bool = False
    indexable: bool = True
    hide_collections: bool = False
    roles: list[AccountRole] = msgspec.field(default_factory=list)


class Source(msgspec.Struct):
    note: str
    fields: list[Field]
    privacy: str
    sensitive: bool
    language: str
    follow_requests_count: int
    discoverable: bool = True
    indexable: bool = True
    hide_collections: bool = False


class Role(msgspec.Struct):
    """Mastodon's Role entity: the signed-in person's own role (the base role,
    "everyone", for a user)."""

    id: str = "-99"
    name: str = ""
    color: str = ""
    permissions: str = "0"
    highlighted: bool = False


class CredentialAccount(Account):
    source: Source | None = None
    role: Role | None = None


class FamiliarFollowers(msgspec.Struct):
    """Of the account ``id``'s followers, those the viewer follows."""

    id: str
    accounts: list[Account]


class Relationship(msgspec.Struct):
    id: str
    following: bool
    showing_reblogs: bool
    notifying: bool
    languages: list[str] | None
    followed_by: bool
    blocking: bool
    blocked_by: bool
    muting: bool
    muting_notifications: bool
    requested: bool
    requested_by: bool
    domain_blocking: bool
    endorsed: bool
    note: str


def iso(value: datetime) -> str:
    """Mastodon's timestamp form: UTC with milliseconds and a Z."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _media_url(rt: Runtime, path: str | None, fallback: str) -> str:
    if path:
        return rt.media.url(path)
    return f"{rt.settings.effective_base_url}/static/{fallback}"


def account_entity(rt: Runtime, row: Any) -> Account:
    base = rt.settings.effective_base_url
    avatar = _media_url(rt, row.avatar, "avatar.png")
    header = _media_url(rt, row.header, "header.png")
    profile = f"{base}/@{row.username}"
    return Account(
        id=str(row.id),
        username=row.username,
        acct=row.username,
        display_name=row.display_name,
        locked=row.locked,
        bot=row.bot,
        discoverable=row.discoverable,
        group=False,
        created_at=iso(row.created_at),
        note=note_html(rt, row),
        url=profile,
        uri=f"{base}/users/{row.username}",
        avatar=avatar,
        avatar_static=avatar,
        header=header,
        header_static=header,
        followers_count=row.followers_count,
        following_count=row.following_count,
        statuses_count=row.statuses_count,
        last_status_at=row.last_status_at.date().isoformat() if row.last_status_at else None,
        emojis=[],
        fields=[Field(f["name"], f["value_html"]) for f in profile_fields(row)],
        indexable=row.indexable,
        hide_collections=row.hide_collections,
        roles=_shown_roles(role_spec(row.role)),
    )


def _shown_roles(spec: RoleSpec) -> list[AccountRole]:
    """Only highlighted roles are shown on profiles, as Mastodon does."""
    if not spec.highlighted:
        return []
    return [AccountRole(id=spec.id, name=spec.name, color=spec.color)]


def role_entity(spec: RoleSpec) -> Role:
    return Role(
        id=spec.id,
        name=spec.name,
        color=spec.color,
        permissions=str(spec.permissions),
        highlighted=spec.highlighted,
    )


def credential_account_entity(
    rt: Runtime, row: Any, *, follow_requests_count: int = 0
) -> CredentialAccount:
    plain = account_entity(rt, row)
    return CredentialAccount(
        **msgspec.structs.asdict(plain),
        source=Source(
            note=row.note,
            fields=[Field(f["name"], f["value"]) for f in profile_fields(row)],
            privacy=row.default_privacy,
            sensitive=row.default_sensitive,
            language=row.default_language or "",
            follow_requests_count=follow_requests_count,
            discoverable=row.discoverable,
            indexable=row.indexable,
            hide_collections=row.hide_collections,
        ),
        role=role_entity(role_spec(row.role)),
    )


def relationship_entity(rel: RelationshipView) -> Relationship:
    return Relationship(
        id=str(rel.id),
        following=rel.following,
        showing_reblogs=rel.following,
        notifying=rel.notifying,
        languages=None,
        followed_by=rel.followed_by,
        blocking=rel.blocking,
        blocked_by=rel.blocked_by,
        muting=rel.muting,
        muting_notifications=rel.muting_notifications,
        requested=rel.requested,
        requested_by=rel.requested_by,
        domain_blocking=False,
        endorsed=False,
        note="",
    )
