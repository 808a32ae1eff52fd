"""The SMS transport seam: how a text leaves Roost.

``LogTransport`` (the default) writes each text to the log; the outbox table is its
page. ``TwilioTransport`` posts to Twilio's Messages resource with httpx. A send
either returns the carrier's message ID or raises ``SendFailed`` saying which of
three things happened, because the sender's "never twice" rule depends on it:
the carrier surely did not take the text (retry), refused it for good (give
up), or may have taken it (a timeout after the request went out: never retried).
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

import httpx

from roost.config import Settings
from roost.ids import new_id

log = logging.getLogger("roost.sms")


class SendFailed(Exception):
    def __init__(self, message: str, *, retry: bool, maybe_sent: bool = False) -> None:
        super().__init__(message)
        self.retry = retry
        self.maybe_sent = maybe_sent


class SmsTransport(Protocol):
    name: str

    def send(self, to: str, body: str) -> str:
        """Hands one text to the carrier; returns its message ID."""
        ...


class LogTransport:
    name = "log"

    def send(self, to: str, body: str) -> str:
        sid = f"log-{new_id()}"
        log.info("text %s to %s: %s", sid, to, body)
        return sid


class TwilioTransport:
    """``POST {base}/2010-04-01/Accounts/{sid}/Messages.json`` with basic auth and the
    form fields To, From, Body. One connection pool per process (httpx is thread-safe)."""

    name = "twilio"

    def __init__(
        self, base_url: str, account_sid: str, auth_token: str, sender: str, *, timeout: float = 10
    ) -> None:
        self.url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.auth = (account_sid, auth_token)
        self.sender = sender
        self.timeout = timeout
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(auth=self.auth, timeout=self.timeout)
            return self._client

    def send(self, to: str, body: str) -> str:
        try:
            response = self._http().post(
                self.url, data={"To": to, "From": self.sender, "Body": body}
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise SendFailed(f"could not reach the carrier: {exc}", retry=True) from exc
        except httpx.HTTPError as exc:  # the request may have arrived: never resend
            raise SendFailed(
                f"no answer from the carrier: {exc}", retry=False, maybe_sent=True
            ) from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise SendFailed(f"carrier answered {response.status_code}", retry=True)
        if response.status_code >= 400:
            raise SendFailed(
                f"carrier refused the text ({response.status_code}): {response.text[:200]}",
                retry=False,
            )
        try:
            sid = response.json()["sid"]
        except (ValueError, KeyError, TypeError) as exc:
            raise SendFailed(
                "carrier's answer had no message ID", retry=False, maybe_sent=True
            ) from exc
        return str(sid)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


def build_transport(settings: Settings) -> SmsTransport:
    if settings.sms_transport == "twilio":
        return TwilioTransport(
            settings.sms_twilio_base_url,
            settings.sms_twilio_account_sid,
            settings.sms_twilio_auth_token,
            settings.sms_from,
        )
    return LogTransport()
