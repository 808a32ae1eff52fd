"""Who to follow: friends of friends, then popular local accounts."""
