"""A real SMTP server on loopback (aiosmtpd), for the mail tests.

``SmtpServer.start()`` listens on a free port in a thread of its own; received
messages are parsed into ``EmailMessage``s in ``inbox``. ``refuse`` holds answers
the server gives instead of taking the next messages (``"451 4.7.1 Try later"``),
one per message; ``stop()`` and ``start()`` again on the same port make a server
that is down for a while. ``credentials``, when set, are the only AUTH accepted.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        content: str = part.get_content()
        return content

    @property
    def html(self) -> str | None:
        part = self.message.get_body(preferencelist=("html",))
        return None if part is None else str(part.get_content())

    def link(self, path: str) -> str:
        """The first link in the text to ``path``, as the person would click it."""
        match = re.search(rf"https?://\S+{re.escape(path)}\?token=[\w\-%]+", self.text)
        assert match, f"no {path} link in:\n{self.text}"
        return match.group(0)

    def token(self, path: str) -> str:
        return self.link(path).split("token=", 1)[1]


@dataclass
class SmtpServer:
    port: int = 0
    inbox: list[Received] = field(default_factory=list)
    refuse: list[str] = field(default_factory=list)
    credentials: tuple[str, str] | None = None
    logins: list[str] = field(default_factory=list)
    tls_context: Any = None
    implicit_tls: bool = False
    _controller: Controller | None = None

    def url(self, scheme: str = "smtp", userinfo: str = "", host: str = "127.0.0.1") -> str:
        return f"{scheme}://{userinfo + '@' if userinfo else ''}{host}:{self.port}"

    def start(self) -> SmtpServer:
        if not self.port:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                self.port = sock.getsockname()[1]
        options: dict[str, Any] = {}
        if self.credentials is not None:
            # With STARTTLS offered, AUTH is refused until the connection is encrypted
            # (with implicit TLS it always is, but aiosmtpd does not notice).
            options |= {
                "authenticator": self._authenticate,
                "auth_require_tls": self.tls_context is not None and not self.implicit_tls,
            }
        if self.tls_context is not None:
            if self.implicit_tls:
                options["ssl_context"] = self.tls_context
            else:
                options["tls_context"] = self.tls_context
        self._controller = Controller(
            self, hostname="127.0.0.1", port=self.port, server_hostname="localhost", **options
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        login = (data.login.decode(), data.password.decode())
        self.logins.append(login[0])
        return AuthResult(success=login == self.credentials, handled=False)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.refuse:
            return self.refuse.pop(0)
        message = message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        self.inbox.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 2.0.0 OK"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.inbox if address in r.rcpt_tos]
