"""Outbound email: the outbox, the transports and the job that sends through SMTP."""
