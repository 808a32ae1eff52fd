"""The audit log: who did what to whom, for every moderation and role change."""
