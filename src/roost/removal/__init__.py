"""Removing an account's data: its owner's deletion and a suspension's end.

Above ``archive`` (an account's archives go too) and ``timelines`` (it takes
deleted posts out of stored home and list timelines while it still knows who held
them), and below ``moderation``, which calls ``purge_account`` when a suspension's
30 days are over."""
