"""Mastodon's entities as JSON Schema, written from docs.joinmastodon.org/entities/
(Mastodon 4.3, plus 4.5's quotes), independently of Roost's own Structs: the
contract tests validate live answers against these, so a field Roost drops,
renames, retypes or makes nullable shows up here even though ``/openapi.json``
(generated from Roost's Structs) would follow along.

Each entity lists the fields the docs give as always present (``required``) with
their types; optional fields are typed where Roost sends them. ``Status``'s viewer
flags and ``pinned`` are optional, as in Mastodon (absent for anonymous viewers).
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

STR = {"type": "string"}
STR_OR_NULL = {"type": ["string", "null"]}
INT = {"type": "integer", "minimum": 0}
BOOL = {"type": "boolean"}
ID = {"type": "string", "pattern": "^[0-9]+$"}
ID_OR_NULL = {"type": ["string", "null"], "pattern": "^[0-9]+$"}
URL = {"type": "string", "pattern": "^(https?|wss?)://"}
URL_OR_NULL = {"type": ["string", "null"], "pattern": "^https?://"}
DATETIME = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$"}
DATETIME_OR_NULL = {**DATETIME, "type": ["string", "null"]}
DATE_OR_NULL = {"type": ["string", "null"], "pattern": r"^\d{4}-\d\d-\d\d$"}
VISIBILITY = {"enum": ["public", "unlisted", "private", "direct"]}
STRINGS = {"type": "array", "items": STR}
FILTER_CONTEXTS = ("home", "notifications", "public", "thread", "account")


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def many(name: str) -> dict[str, Any]:
    return {"type": "array", "items": ref(name)}


def entity(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "required": sorted(required),
        "properties": {**required, **(optional or {})},
    }


ACCOUNT = {
    "id": ID,
    "username": STR,
    "acct": STR,
    "url": URL,
    "uri": URL,
    "display_name": STR,
    "note": STR,
    "avatar": URL,
    "avatar_static": URL,
    "header": URL,
    "header_static": URL,
    "locked": BOOL,
    "fields": many("Field"),
    "emojis": many("CustomEmoji"),
    "bot": BOOL,
    "group": BOOL,
    "discoverable": {"type": ["boolean", "null"]},
    "created_at": DATETIME,
    "last_status_at": DATE_OR_NULL,
    "statuses_count": INT,
    "followers_count": INT,
    "following_count": INT,
}
ACCOUNT_OPTIONAL = {
    "noindex": {"type": ["boolean", "null"]},
    "indexable": BOOL,
    "hide_collections": {"type": ["boolean", "null"]},
    "roles": many("AccountRole"),
    "moved": {"oneOf": [ref("Account"), {"type": "null"}]},
    "suspended": BOOL,
    "limited": BOOL,
}

STATUS = {
    "id": ID,
    "uri": URL,
    "created_at": DATETIME,
    "account": ref("Account"),
    "content": STR,
    "visibility": VISIBILITY,
    "sensitive": BOOL,
    "spoiler_text": STR,
    "media_attachments": many("MediaAttachment"),
    "mentions": many("Mention"),
    "tags": many("StatusTag"),
    "emojis": many("CustomEmoji"),
    "reblogs_count": INT,
    "favourites_count": INT,
    "replies_count": INT,
    "url": URL_OR_NULL,
    "in_reply_to_id": ID_OR_NULL,
    "in_reply_to_account_id": ID_OR_NULL,
    "reblog": {"oneOf": [ref("Status"), {"type": "null"}]},
    "poll": {"oneOf": [ref("Poll"), {"type": "null"}]},
    "card": {"type": ["object", "null"]},
    "language": STR_OR_NULL,
    "edited_at": DATETIME_OR_NULL,
}
STATUS_OPTIONAL = {
    "application": {"oneOf": [entity({"name": STR}, {"website": URL_OR_NULL}), {"type": "null"}]},
    "text": STR_OR_NULL,
    "favourited": BOOL,
    "reblogged": BOOL,
    "muted": BOOL,
    "bookmarked": BOOL,
    "pinned": BOOL,
    "filtered": many("FilterResult"),
    "quote": {"oneOf": [ref("Quote"), {"type": "null"}]},
    "quote_approval": entity({"automatic": STRINGS, "manual": STRINGS, "current_user": STR}),
    # Roost's own: shown to a circle post's author (not in Mastodon's Status).
    "roost": entity({}, {"circle": entity({"id": ID, "name": STR_OR_NULL})}),
}

APPLICATION = {"id": ID, "name": STR, "scopes": STRINGS, "redirect_uris": STRINGS}
APPLICATION_OPTIONAL = {"website": URL_OR_NULL, "redirect_uri": STR, "vapid_key": STR}

INSTANCE_CONFIGURATION_V1 = entity(
    {
        "statuses": entity(
            {
                "max_characters": INT,
                "max_media_attachments": INT,
                "characters_reserved_per_url": INT,
            }
        ),
        "media_attachments": entity(
            {
                "supported_mime_types": STRINGS,
                "image_size_limit": INT,
                "image_matrix_limit": INT,
                "video_size_limit": INT,
                "video_frame_rate_limit": INT,
                "video_matrix_limit": INT,
            }
        ),
        "polls": entity(
            {
                "max_options": INT,
                "max_characters_per_option": INT,
                "min_expiration": INT,
                "max_expiration": INT,
            }
        ),
        "accounts": entity({"max_featured_tags": INT}),
    }
)

DEFS: dict[str, Any] = {
    "Field": entity({"name": STR, "value": STR, "verified_at": DATETIME_OR_NULL}),
    "CustomEmoji": entity(
        {"shortcode": STR, "url": URL, "static_url": URL, "visible_in_picker": BOOL},
        {"category": STR_OR_NULL},
    ),
    "AccountRole": entity({"id": STR, "name": STR, "color": STR}),
    "Account": entity(ACCOUNT, ACCOUNT_OPTIONAL),
    "CredentialAccount": entity(
        {
            **ACCOUNT,
            "source": entity(
                {
                    "note": STR,
                    "fields": many("Field"),
                    "privacy": VISIBILITY,
                    "sensitive": BOOL,
                    "language": STR_OR_NULL,
                    "follow_requests_count": INT,
                }
            ),
        },
        {
            **ACCOUNT_OPTIONAL,
            "role": entity(
                {"id": STR, "name": STR, "color": STR, "permissions": STR, "highlighted": BOOL}
            ),
        },
    ),
    "Mention": entity({"id": ID, "username": STR, "url": URL, "acct": STR}),
    "MediaAttachment": entity(
        {
            "id": ID,
            "type": {"enum": ["unknown", "image", "gifv", "video", "audio"]},
            "url": URL_OR_NULL,
            "preview_url": URL_OR_NULL,
            "remote_url": URL_OR_NULL,
            "meta": {
                "type": "object",
                "properties": {
                    "original": ref("MediaSize"),
                    "small": ref("MediaSize"),
                    "focus": entity(
                        {
                            "x": {"type": "number", "minimum": -1, "maximum": 1},
                            "y": {"type": "number", "minimum": -1, "maximum": 1},
                        }
                    ),
                },
            },
            "description": STR_OR_NULL,
            "blurhash": STR_OR_NULL,
        }
    ),
    "MediaSize": entity({"width": INT, "height": INT, "size": STR, "aspect": {"type": "number"}}),
    "StatusTag": entity({"name": STR, "url": URL}),
    "Quote": entity(
        {"state": STR},
        {"quoted_status": {"oneOf": [ref("Status"), {"type": "null"}]}, "quoted_status_id": ID},
    ),
    "Status": entity(STATUS, STATUS_OPTIONAL),
    # Polls, scheduled posts and edits (Mastodon's Poll, ScheduledStatus, StatusEdit,
    # StatusSource): per-option votes_count is null while hide_totals hides it.
    "Poll": entity(
        {
            "id": ID,
            "expires_at": DATETIME_OR_NULL,
            "expired": BOOL,
            "multiple": BOOL,
            "votes_count": INT,
            "voters_count": {"type": ["integer", "null"], "minimum": 0},
            "options": {
                "type": "array",
                "items": entity(
                    {"title": STR, "votes_count": {"type": ["integer", "null"], "minimum": 0}}
                ),
            },
            "emojis": many("CustomEmoji"),
        },
        {"voted": BOOL, "own_votes": {"type": "array", "items": {"type": "integer"}}},
    ),
    "ScheduledStatus": entity(
        {
            "id": ID,
            "scheduled_at": DATETIME,
            "params": entity(
                {
                    "text": STR,
                    "poll": {
                        "oneOf": [
                            entity(
                                {
                                    "options": STRINGS,
                                    "expires_in": STR,
                                    "multiple": BOOL,
                                    "hide_totals": BOOL,
                                }
                            ),
                            {"type": "null"},
                        ]
                    },
                    "media_ids": {"oneOf": [STRINGS, {"type": "null"}]},
                    "sensitive": {"type": ["boolean", "null"]},
                    "spoiler_text": STR_OR_NULL,
                    "visibility": {"oneOf": [VISIBILITY, {"type": "null"}]},
                    "in_reply_to_id": ID_OR_NULL,
                    "language": STR_OR_NULL,
                    "application_id": {"type": ["string", "integer", "null"]},
                    "scheduled_at": {"type": "null"},
                    "idempotency": STR_OR_NULL,
                    "with_rate_limit": BOOL,
                }
            ),
            "media_attachments": {"type": "array"},
        }
    ),
    "StatusEdit": entity(
        {
            "content": STR,
            "spoiler_text": STR,
            "sensitive": BOOL,
            "created_at": DATETIME,
            "account": ref("Account"),
            "poll": {
                "oneOf": [
                    entity({"options": {"type": "array", "items": entity({"title": STR})}}),
                    {"type": "null"},
                ]
            },
            "media_attachments": {"type": "array"},
            "emojis": many("CustomEmoji"),
        }
    ),
    "StatusSource": entity({"id": ID, "text": STR, "spoiler_text": STR}),
    "DeletedStatus": entity({**STATUS, "text": STR}, STATUS_OPTIONAL),
    "Context": entity({"ancestors": many("Status"), "descendants": many("Status")}),
    "Relationship": entity(
        {
            "id": ID,
            "following": BOOL,
            "showing_reblogs": BOOL,
            "notifying": BOOL,
            "languages": {"type": ["array", "null"], "items": STR},
            "followed_by": BOOL,
            "blocking": BOOL,
            "blocked_by": BOOL,
            "muting": BOOL,
            "muting_notifications": BOOL,
            "requested": BOOL,
            "requested_by": BOOL,
            "domain_blocking": BOOL,
            "endorsed": BOOL,
            "note": STR,
        }
    ),
    "FamiliarFollowers": entity({"id": ID, "accounts": many("Account")}),
    "Tag": entity(
        {
            "name": STR,
            "url": URL,
            "history": {
                "type": "array",
                "items": entity({"day": STR, "uses": STR, "accounts": STR}),
            },
        },
        {"following": BOOL},
    ),
    "Application": entity(APPLICATION, APPLICATION_OPTIONAL),
    "CredentialApplication": entity(
        {**APPLICATION, "client_id": STR, "client_secret": STR},
        {**APPLICATION_OPTIONAL, "client_secret_expires_at": INT},
    ),
    "Token": entity({"access_token": STR, "token_type": STR, "scope": STR, "created_at": INT}),
    "Error": entity(
        {"error": STR},
        {
            "error_description": STR,
            "details": {
                "type": "object",
                "additionalProperties": {
                    "type": "array",
                    "items": entity({"error": {"pattern": "^ERR_[A-Z_]+$"}, "description": STR}),
                },
            },
        },
    ),
    "Preferences": entity(
        {
            "posting:default:visibility": VISIBILITY,
            "posting:default:sensitive": BOOL,
            "posting:default:language": STR_OR_NULL,
            "reading:expand:media": {"enum": ["default", "show_all", "hide_all"]},
            "reading:expand:spoilers": BOOL,
        }
    ),
    "V1Instance": entity(
        {
            "uri": STR,
            "title": STR,
            "short_description": STR,
            "description": STR,
            "email": STR,
            "version": STR,
            "urls": entity({"streaming_api": URL}),
            "stats": entity({"user_count": INT, "status_count": INT, "domain_count": INT}),
            "thumbnail": URL_OR_NULL,
            "languages": STRINGS,
            "registrations": BOOL,
            "approval_required": BOOL,
            "invites_enabled": BOOL,
            "configuration": INSTANCE_CONFIGURATION_V1,
            "contact_account": {"oneOf": [ref("Account"), {"type": "null"}]},
            "rules": many("Rule"),
        }
    ),
    "Instance": entity(
        {
            "domain": STR,
            "title": STR,
            "version": STR,
            "source_url": URL,
            "description": STR,
            "usage": entity({"users": entity({"active_month": INT})}),
            "thumbnail": entity({"url": URL}),
            "icon": {"type": "array", "items": entity({"src": URL, "size": STR})},
            "languages": STRINGS,
            "configuration": entity(
                {
                    "urls": entity({"streaming": URL}),
                    "accounts": entity({"max_featured_tags": INT, "max_pinned_statuses": INT}),
                    "statuses": INSTANCE_CONFIGURATION_V1["properties"]["statuses"],
                    "media_attachments": INSTANCE_CONFIGURATION_V1["properties"][
                        "media_attachments"
                    ],
                    "polls": INSTANCE_CONFIGURATION_V1["properties"]["polls"],
                    "translation": entity({"enabled": BOOL}),
                }
            ),
            "registrations": entity(
                {"enabled": BOOL, "approval_required": BOOL, "message": STR_OR_NULL}
            ),
            "api_versions": entity({"mastodon": INT}),
            "contact": entity(
                {"email": STR, "account": {"oneOf": [ref("Account"), {"type": "null"}]}}
            ),
            "rules": many("Rule"),
        }
    ),
    "Rule": entity({"id": ID, "text": STR}, {"hint": STR}),
    # RFC 8414, as Mastodon 4.3 publishes it.
    "OAuthServerMetadata": entity(
        {
            "issuer": URL,
            "authorization_endpoint": URL,
            "token_endpoint": URL,
            "revocation_endpoint": URL,
            "scopes_supported": STRINGS,
            "response_types_supported": STRINGS,
            "grant_types_supported": STRINGS,
            "token_endpoint_auth_methods_supported": STRINGS,
        },
        {"app_registration_endpoint": URL, "code_challenge_methods_supported": STRINGS},
    ),
    "OAuthError": entity({"error": STR}, {"error_description": STR}),
    "Notification": entity(
        {
            "id": ID,
            "type": {
                "enum": [
                    "mention",
                    "status",
                    "reblog",
                    "follow",
                    "follow_request",
                    "favourite",
                    "poll",
                    "update",
                    "quote",
                    "admin.sign_up",
                    "admin.report",
                ]
            },
            "group_key": STR,
            "created_at": DATETIME,
            "account": ref("Account"),
        },
        {"status": ref("Status")},
    ),
    "NotificationGroup": entity(
        {
            "group_key": STR,
            "notifications_count": INT,
            "type": STR,
            "most_recent_notification_id": ID,
            "sample_account_ids": {"type": "array", "items": ID},
        },
        {
            "page_min_id": ID,
            "page_max_id": ID,
            "latest_page_notification_at": DATETIME,
            "status_id": ID,
        },
    ),
    "GroupedNotificationsResults": entity(
        {
            "accounts": many("Account"),
            "statuses": many("Status"),
            "notification_groups": many("NotificationGroup"),
        },
        {"partial_accounts": {"type": "array"}},
    ),
    "UnreadCount": entity({"count": INT}),
    "Merged": entity({"merged": BOOL}),
    "NotificationPolicy": entity(
        {
            **{
                name: {"enum": ["accept", "filter", "drop"]}
                for name in (
                    "for_not_following",
                    "for_not_followers",
                    "for_new_accounts",
                    "for_private_mentions",
                    "for_limited_accounts",
                )
            },
            "summary": entity({"pending_requests_count": INT, "pending_notifications_count": INT}),
        }
    ),
    "NotificationRequest": entity(
        {
            "id": ID,
            "created_at": DATETIME,
            "updated_at": DATETIME,
            "account": ref("Account"),
            "notifications_count": {"type": "string", "pattern": "^[0-9]+$"},
        },
        {"last_status": ref("Status")},
    ),
    "Conversation": entity(
        {
            "id": ID,
            "unread": BOOL,
            "accounts": many("Account"),
            "last_status": {"oneOf": [ref("Status"), {"type": "null"}]},
        }
    ),
    "Marker": entity({"last_read_id": ID, "version": INT, "updated_at": DATETIME}),
    "Markers": {
        "type": "object",
        "propertyNames": {"enum": ["home", "notifications"]},
        "additionalProperties": ref("Marker"),
    },
    "Empty": {"type": "object", "maxProperties": 0},
    "ExtendedDescription": entity({"updated_at": DATETIME_OR_NULL, "content": STR}),
    "PrivacyPolicy": entity({"updated_at": DATETIME, "content": STR}),
    "TermsOfService": entity(
        {
            "effective_date": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\d$"},
            "effective": BOOL,
            "content": STR,
            "succeeded_by": DATE_OR_NULL,
        }
    ),
    "Admin::Account": entity(
        {
            "id": ID,
            "username": STR,
            "domain": STR_OR_NULL,
            "created_at": DATETIME,
            "email": STR,
            "ip": STR_OR_NULL,
            "ips": {"type": "array"},
            "locale": STR_OR_NULL,
            "invite_request": STR_OR_NULL,
            "role": ref("Role"),
            "confirmed": BOOL,
            "approved": BOOL,
            "disabled": BOOL,
            "silenced": BOOL,
            "suspended": BOOL,
            "account": ref("Account"),
        }
    ),
    "Role": entity({"id": STR, "name": STR, "color": STR, "permissions": STR, "highlighted": BOOL}),
    "Admin::Report": entity(
        {
            "id": ID,
            "action_taken": BOOL,
            "action_taken_at": DATETIME_OR_NULL,
            "category": {"enum": ["spam", "legal", "violation", "other"]},
            "comment": STR,
            "forwarded": BOOL,
            "created_at": DATETIME,
            "updated_at": DATETIME,
            "account": ref("Admin::Account"),
            "target_account": ref("Admin::Account"),
            "assigned_account": {"oneOf": [ref("Admin::Account"), {"type": "null"}]},
            "action_taken_by_account": {"oneOf": [ref("Admin::Account"), {"type": "null"}]},
            "statuses": many("Status"),
            "rules": {"type": "array"},
        }
    ),
    "Report": entity(
        {
            "id": ID,
            "action_taken": BOOL,
            "action_taken_at": DATETIME_OR_NULL,
            "category": {"enum": ["spam", "legal", "violation", "other"]},
            "comment": STR,
            "forwarded": BOOL,
            "created_at": DATETIME,
            "status_ids": {"type": ["array", "null"], "items": ID},
            "rule_ids": {"type": ["array", "null"], "items": STR},
            "target_account": ref("Account"),
        }
    ),
    # https://docs.joinmastodon.org/entities/Search/
    "Search": entity(
        {"accounts": many("Account"), "statuses": many("Status"), "hashtags": many("Tag")}
    ),
    # https://docs.joinmastodon.org/entities/FeaturedTag/ (Mastodon sends the count as
    # a string, and the last post's date without a time)
    "FeaturedTag": entity(
        {
            "id": ID,
            "name": STR,
            "url": URL,
            "statuses_count": {"type": ["string", "integer"], "pattern": "^[0-9]+$"},
            "last_status_at": DATE_OR_NULL,
        }
    ),
    # https://docs.joinmastodon.org/entities/List/ (``exclusive`` since 4.2)
    "List": entity(
        {
            "id": ID,
            "title": STR,
            "replies_policy": {"enum": ["followed", "list", "none"]},
            "exclusive": BOOL,
        }
    ),
    # Roost's own entity (``/api/roost/v1/circles``): Mastodon has no circles.
    "Circle": entity({"id": ID, "name": STR, "members_count": {"type": "integer"}}),
    # Roost's own (``/api/roost/v1/phone``): one's linked phone and its texts.
    "Phone": entity(
        {
            "number": {"type": "string", "pattern": r"^\+[1-9][0-9]{6,14}$"},
            "verified": BOOL,
            "receiving": BOOL,
            "stopped": BOOL,
        }
    ),
    "PhoneSettings": entity(
        {
            "texts_on": BOOL,
            "posts": BOOL,
            "mentions": BOOL,
            "direct_messages": BOOL,
            "quiet_hours_start": {"type": ["string", "null"], "pattern": r"^\d\d:\d\d$"},
            "quiet_hours_end": {"type": ["string", "null"], "pattern": r"^\d\d:\d\d$"},
            "quiet_hours": {"enum": ["hold", "drop"]},
            "time_zone": STR,
            "daily_cap": INT,
        }
    ),
    # Roost's own: hashtag chats (``/api/roost/v1/chats``).
    "Chat": entity(
        {
            "id": ID,
            "tag": STR,
            "title": STR,
            "host": ref("Account"),
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "url": URL,
            "transcript_url": URL,
            "questions": {
                "type": "array",
                "items": entity(
                    {"number": INT, "text": STR, "at": DATETIME, "status_id": ID_OR_NULL}
                ),
            },
        }
    ),
    "ChatTranscript": entity(
        {
            "chat": ref("Chat"),
            "questions": {
                "type": "array",
                "items": entity(
                    {
                        "number": INT,
                        "text": STR,
                        "status": {"oneOf": [ref("Status"), {"type": "null"}]},
                        "answers": many("Status"),
                    }
                ),
            },
            "conversation": many("Status"),
        }
    ),
    # Trends::Link: a PreviewCard with the Tag's history.
    "TrendsLink": entity(
        {
            "url": URL,
            "title": STR,
            "description": STR,
            "type": {"enum": ["link", "photo", "video", "rich"]},
            "author_name": STR,
            "author_url": STR,
            "provider_name": STR,
            "provider_url": STR,
            "html": STR,
            "width": INT,
            "height": INT,
            "image": URL_OR_NULL,
            "embed_url": STR,
            "blurhash": STR_OR_NULL,
            "history": {
                "type": "array",
                "items": entity({"day": STR, "uses": STR, "accounts": STR}),
            },
        }
    ),
    "Suggestion": entity(
        {
            "source": {"enum": ["staff", "past_interactions", "global"]},
            "sources": {
                "type": "array",
                "items": {
                    "enum": [
                        "featured",
                        "most_followed",
                        "most_interactions",
                        "similar_to_recently_followed",
                        "friends_of_friends",
                    ]
                },
            },
            "account": ref("Account"),
        }
    ),
    # Roost's own (``/api/roost/v1/authorized_apps``): an app holding one's live tokens.
    "AuthorizedApp": entity(
        {
            "id": ID,
            "name": STR,
            "website": STR_OR_NULL,
            "scopes": STRINGS,
            "created_at": DATETIME,
            "last_authorized_at": DATETIME,
        }
    ),
    # Mastodon 4's filters; inside a FilterResult the Filter leaves its rules out.
    "FilterKeyword": entity({"id": ID, "keyword": STR, "whole_word": BOOL}),
    "FilterStatus": entity({"id": ID, "status_id": ID}),
    "Filter": entity(
        {
            "id": ID,
            "title": STR,
            "context": {"type": "array", "items": {"enum": list(FILTER_CONTEXTS)}},
            "expires_at": DATETIME_OR_NULL,
            "filter_action": {"enum": ["warn", "hide", "blur"]},
        },
        {"keywords": many("FilterKeyword"), "statuses": many("FilterStatus")},
    ),
    "FilterResult": entity(
        {
            "filter": ref("Filter"),
            "keyword_matches": {"oneOf": [STRINGS, {"type": "null"}]},
            "status_matches": {"oneOf": [{"type": "array", "items": ID}, {"type": "null"}]},
        }
    ),
    "V1Filter": entity(
        {
            "id": ID,
            "phrase": STR,
            "context": {"type": "array", "items": {"enum": list(FILTER_CONTEXTS)}},
            "expires_at": DATETIME_OR_NULL,
            "irreversible": BOOL,
            "whole_word": BOOL,
        }
    ),
}


def validator(name: str) -> Draft202012Validator:
    """``name`` is an entity, or ``[Entity]`` for a list of them."""
    target = many(name[1:-1]) if name.startswith("[") else ref(name)
    return Draft202012Validator({"$defs": DEFS, **target})


def problems(name: str, body: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator(name).iter_errors(body)
    ]
