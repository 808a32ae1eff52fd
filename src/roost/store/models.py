"""Imports every table so that ``metadata`` is complete (for Alembic and tests).

The store cannot import the domain, so this one module, which only Alembic's
env.py and the test fixtures import, lists the domain model modules by name.
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from roost.store.schema import metadata

MODEL_MODULES = (
    "roost.accounts.models",
    "roost.audit.models",
    "roost.graph.models",
    "roost.circles.models",
    "roost.posts.models",
    "roost.oauth.models",
    "roost.notifications.models",
    "roost.conversations.models",
    "roost.markers.models",
    "roost.lists.models",
    "roost.filters.models",
    "roost.phones.models",
    "roost.trends.models",
    "roost.suggestions.models",
    "roost.chats.models",
    "roost.media.models",
    "roost.tags.models",
    "roost.scheduled.models",
    "roost.moderation.models",
    "roost.instance.models",
    "roost.registrations.models",
    "roost.mail.models",
    "roost.archive.models",
    "roost.store.jobs",
    "roost.store.timelines",
)


def load_all_models() -> MetaData:
    for name in MODEL_MODULES:
        importlib.import_module(name)
    return metadata
