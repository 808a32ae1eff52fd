"""Mastodon's documented entities as msgspec Structs, and builders from domain views.

Structs make the JSON fast to encode and double as the schema source for
``/openapi.json``."""
