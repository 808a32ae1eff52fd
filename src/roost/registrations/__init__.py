"""Joining a community: sign-up in each registration mode, approval of waiting
sign-ups, and invite links."""
