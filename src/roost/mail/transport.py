"""How a message leaves Roost: the SMTP transport, chosen by ``ROOST_SMTP_URL``.

The standard library's ``smtplib`` speaks everything needed here (STARTTLS, implicit
TLS, AUTH, pipelined envelopes): a third-party client would add a dependency for no
capability we use, and the job queue already gives retries and backoff. A send either
returns or raises ``MailFailed`` saying whether trying again can help: a connection
that failed, a 4xx answer (RFC 5321's "transient": 421 busy, 451 greylisting) or a
rejected login (the operator can fix the settings) are retried; a 5xx about the
message or its recipient is final.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from roost.config import Settings

TIMEOUT_SECONDS = 30


class MailFailed(Exception):
    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int
    implicit_tls: bool
    username: str = ""
    password: str = ""
    timeout: float = TIMEOUT_SECONDS

    @classmethod
    def from_url(cls, url: str) -> SmtpTransport:
        """``smtp://user:pass@host:port`` (587, STARTTLS when offered) or ``smtps://…``
        (465, TLS from the first byte). User and password are percent-decoded."""
        parts = urlsplit(url)
        implicit = parts.scheme == "smtps"
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or (465 if implicit else 587),
            implicit_tls=implicit,
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
        )

    def send(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        try:
            client: smtplib.SMTP
            if self.implicit_tls:
                client = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=context
                )
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                client.ehlo()
                if not self.implicit_tls and client.has_extn("starttls"):
                    client.starttls(context=context)
                    client.ehlo()
                if self.username:
                    client.login(self.username, self.password)
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise MailFailed(
                f"recipient refused: {exc.recipients}", retry=any(c < 500 for c in codes)
            ) from exc
        except smtplib.SMTPAuthenticationError as exc:
            raise MailFailed(f"login refused: {exc.smtp_code}", retry=True) from exc
        except smtplib.SMTPResponseException as exc:
            raise MailFailed(
                f"server answered {exc.smtp_code} {_text(exc.smtp_error)}",
                retry=exc.smtp_code < 500,
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:  # refused, reset, timed out, TLS
            raise MailFailed(f"could not reach {self.host}:{self.port}: {exc}", retry=True) from exc


def _text(error: bytes | str) -> str:
    return error.decode("utf-8", "replace") if isinstance(error, bytes) else error


def build_transport(settings: Settings) -> SmtpTransport | None:
    """None: log mode, where the outbox row is the delivery."""
    return SmtpTransport.from_url(settings.smtp_url) if settings.smtp_url else None
