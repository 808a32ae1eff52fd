"""Posts (statuses) and what people do to them: reply, repost, quote, like, bookmark."""
