"""Circles: named sets of people an author addresses a post to."""
