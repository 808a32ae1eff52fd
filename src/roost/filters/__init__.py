"""Keyword filters: words, phrases and single posts a person does not want to see,
or wants to see only behind a warning (Mastodon's v2 filters)."""
