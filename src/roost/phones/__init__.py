"""Phones linked to accounts, and the texts Roost sends them (the SMS gateway's domain).

The front door that reads texts *from* phones is ``roost.sms``; this package owns
the numbers, their settings and the outbox, and the jobs that send."""
