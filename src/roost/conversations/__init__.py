"""Direct conversations: a direct post and its direct replies, in each participant's inbox."""
