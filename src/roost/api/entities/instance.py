"""The Instance entity (v1 and v2), with limits taken from Settings."""

from __future__ import annotations

from typing import Any

from roost.runtime import Runtime


def _configuration(rt: Runtime) -> dict[str, Any]:
    return {
        "urls": {"streaming": rt.settings.effective_base_url.replace("http", "ws", 1)},
        "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
        "statuses": {
            "max_characters": rt.settings.max_post_chars,
            "max_media_attachments": 4,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {
            "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "image/webp"],
            "image_size_limit": 8 * 1024 * 1024,
            "image_matrix_limit": 16_777_216,
            "video_size_limit": 0,
            "video_frame_rate_limit": 0,
            "video_matrix_limit": 0,
        },
        "polls": {
            "max_options": 4,
            "max_characters_per_option": 50,
            "min_expiration": 300,
            "max_expiration": 2_629_746,
        },
        "translation": {"enabled": False},
    }


def instance_v1(rt: Runtime, version: str) -> dict[str, Any]:
    s = rt.settings
    return {
        "uri": s.domain,
        "title": s.instance_title,
        "short_description": "A Roost community",
        "description": "A self-hosted Roost community",
        "email": s.admin_email,
        "version": version,
        "urls": {"streaming_api": s.effective_base_url.replace("http", "ws", 1)},
        "stats": {"user_count": 0, "status_count": 0, "domain_count": 1},
        "thumbnail": None,
        "languages": ["en"],
        "registrations": s.registrations,
        "approval_required": False,
        "invites_enabled": False,
        "configuration": _configuration(rt),
        "contact_account": None,
        "rules": [],
    }


def instance_v2(rt: Runtime, version: str) -> dict[str, Any]:
    s = rt.settings
    return {
        "domain": s.domain,
        "title": s.instance_title,
        "version": version,
        "source_url": "https://github.com/roost-social/roost",
        "description": "A self-hosted Roost community",
        "usage": {"users": {"active_month": 0}},
        "thumbnail": {"url": f"{s.effective_base_url}/static/roost.png"},
        "languages": ["en"],
        "configuration": _configuration(rt),
        "registrations": {"enabled": s.registrations, "approval_required": False, "message": None},
        "api_versions": {"mastodon": 2},
        "contact": {"email": s.admin_email, "account": None},
        "rules": [],
    }
