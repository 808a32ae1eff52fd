"""Notifications: being told that someone mentioned, followed, liked, reposted or quoted you."""
