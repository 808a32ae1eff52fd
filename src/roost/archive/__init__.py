"""Your data: the archive export (a zip as Mastodon's archive has it) and CSV imports."""
