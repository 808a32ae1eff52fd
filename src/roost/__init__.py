"""Roost: a self-hostable microblogging social network with a Mastodon-compatible API."""

__version__ = "0.1.0"
