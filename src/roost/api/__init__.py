"""The Mastodon client API: one module per resource, entities in ``entities.py``."""
