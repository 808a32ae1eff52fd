"""The Instance entity (v1 and v2), with limits taken from Settings and the
user and status counts read from the database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import msgspec

from roost.accounts.queries import local_stats
from roost.instance.pages import render_page
from roost.instance.queries import (
    CLOSED_MESSAGE,
    InstanceSettings,
    Rule,
    get_instance_settings,
    list_rules,
)
from roost.media.actions import MAX_ATTACHMENTS, MAX_DESCRIPTION
from roost.media.images import MAX_PIXELS, MAX_UPLOAD_BYTES
from roost.posts import polls
from roost.runtime import Runtime
from roost.store.schema import utcnow

ACTIVE_MONTH = timedelta(days=30)


class InstanceStats(msgspec.Struct):
    user_count: int
    status_count: int
    domain_count: int


class InstanceUrls(msgspec.Struct):
    streaming_api: str


class InstanceRule(msgspec.Struct):
    id: str
    text: str
    hint: str


def rule_entity(rule: Rule) -> InstanceRule:
    return InstanceRule(id=str(rule.id), text=rule.text, hint=rule.hint)


class ExtendedDescription(msgspec.Struct):
    updated_at: str | None
    content: str


class PrivacyPolicy(msgspec.Struct):
    updated_at: str
    content: str


class TermsOfService(msgspec.Struct):
    """Mastodon 4.4's: Roost keeps one version, in effect from when it was saved."""

    effective_date: str
    effective: bool
    content: str
    succeeded_by: str | None


class InstanceV1(msgspec.Struct):
    uri: str
    title: str
    short_description: str
    description: str
    email: str
    version: str
    urls: InstanceUrls
    stats: InstanceStats
    thumbnail: str | None
    languages: list[str]
    registrations: bool
    approval_required: bool
    invites_enabled: bool
    configuration: dict[str, Any]
    contact_account: Any
    rules: list[InstanceRule]


class InstanceUsers(msgspec.Struct):
    active_month: int


class InstanceUsage(msgspec.Struct):
    users: InstanceUsers


class InstanceRegistrations(msgspec.Struct):
    enabled: bool
    approval_required: bool
    message: str | None


class InstanceContact(msgspec.Struct):
    email: str
    account: Any


class InstanceIcon(msgspec.Struct):
    """Mastodon 4.3: the server's icon, one entry per size ("WIDTHxHEIGHT")."""

    src: str
    size: str


class InstanceV2(msgspec.Struct):
    domain: str
    title: str
    version: str
    source_url: str
    description: str
    usage: InstanceUsage
    thumbnail: dict[str, str]
    icon: list[InstanceIcon]
    languages: list[str]
    configuration: dict[str, Any]
    registrations: InstanceRegistrations
    api_versions: dict[str, int]
    contact: InstanceContact
    rules: list[InstanceRule]


def _configuration(rt: Runtime) -> dict[str, Any]:
    return {
        "urls": {"streaming": rt.settings.effective_base_url.replace("http", "ws", 1)},
        "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
        "statuses": {
            "max_characters": rt.settings.max_post_chars,
            "max_media_attachments": MAX_ATTACHMENTS,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {
            "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "image/webp"],
            "image_size_limit": MAX_UPLOAD_BYTES,
            "image_matrix_limit": MAX_PIXELS,  # what media.images enforces, uploads and avatars
            "description_limit": MAX_DESCRIPTION,
            "video_size_limit": 0,
            "video_frame_rate_limit": 0,
            "video_matrix_limit": 0,
        },
        "polls": {  # what roost.posts.polls enforces
            "max_options": polls.MAX_OPTIONS,
            "max_characters_per_option": polls.MAX_OPTION_CHARS,
            "min_expiration": polls.MIN_EXPIRATION,
            "max_expiration": polls.MAX_EXPIRATION,
        },
        "translation": {"enabled": False},
    }


def _invites_enabled(chosen: InstanceSettings) -> bool:
    """Mastodon's meaning: whether people without a staff role may invite."""
    return chosen.mode != "closed" and chosen.users_may_invite


def instance_v1(rt: Runtime, version: str) -> InstanceV1:
    s = rt.settings
    stats = local_stats(rt, utcnow() - ACTIVE_MONTH)
    chosen = get_instance_settings(rt)
    return InstanceV1(
        uri=s.domain,
        title=s.instance_title,
        short_description=chosen.short_description,
        description=chosen.short_description,
        email=s.admin_email,
        version=version,
        urls=InstanceUrls(streaming_api=s.effective_base_url.replace("http", "ws", 1)),
        stats=InstanceStats(
            user_count=stats.user_count, status_count=stats.status_count, domain_count=1
        ),
        thumbnail=None,
        languages=["en"],
        registrations=chosen.mode in ("open", "approval"),
        approval_required=chosen.mode == "approval",
        invites_enabled=_invites_enabled(chosen),
        configuration=_configuration(rt),
        contact_account=None,
        rules=[rule_entity(r) for r in list_rules(rt)],
    )


def instance_v2(rt: Runtime, version: str) -> InstanceV2:
    s = rt.settings
    stats = local_stats(rt, utcnow() - ACTIVE_MONTH)
    chosen = get_instance_settings(rt)
    message = chosen.text(CLOSED_MESSAGE)
    return InstanceV2(
        domain=s.domain,
        title=s.instance_title,
        version=version,
        source_url="https://github.com/roost-social/roost",
        description=chosen.short_description,
        usage=InstanceUsage(users=InstanceUsers(active_month=stats.active_since_count)),
        thumbnail={"url": f"{s.effective_base_url}/static/roost.png"},
        icon=[InstanceIcon(src=f"{s.effective_base_url}/static/roost.png", size="256x256")],
        languages=["en"],
        configuration=_configuration(rt),
        registrations=InstanceRegistrations(
            enabled=chosen.mode in ("open", "approval"),
            approval_required=chosen.mode == "approval",
            message=render_page(message) if message and chosen.mode != "open" else None,
        ),
        api_versions={"mastodon": 2},
        contact=InstanceContact(email=s.admin_email, account=None),
        rules=[rule_entity(r) for r in list_rules(rt)],
    )
