"""Scheduled posts: stored parameters published by a delayed job through the normal
post action."""
