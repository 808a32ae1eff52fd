"""Hashtag chats: a community meets at a set hour under one tag; the host's questions
are posted on time and the answers are grouped under them."""
