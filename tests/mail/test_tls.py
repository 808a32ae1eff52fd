"""TLS to the SMTP server: STARTTLS when ``smtp://`` meets a server that offers it,
TLS from the first byte with ``smtps://``, and the certificate is verified. The
server's certificate is made here with openssl and trusted through SSL_CERT_FILE."""

from __future__ import annotations

import dataclasses
import ssl
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from roost.mail.actions import do_send_mail
from roost.mail.models import mail_messages
from roost.runtime import Runtime
from roost.worker import drain
from tests.smtp import SmtpServer


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "smtps"])
def test_mail_goes_over_tls(
    rt: Runtime,
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    implicit: bool,
) -> None:
    server = SmtpServer(
        tls_context=_server_context(certificate),
        implicit_tls=implicit,
        credentials=("mailer", "secret"),
    ).start()
    try:
        url = server.url("smtps" if implicit else "smtp", userinfo="mailer:secret")
        runtime = dataclasses.replace(rt, settings=rt.settings.model_copy(update={"smtp_url": url}))
        # untrusted certificate: refused, and retried (the operator can fix it)
        message_id = do_send_mail(runtime, "tls@example.com", "Hi", "Over TLS\n")
        drain(runtime)
        assert server.inbox == []
        # trusted: delivered, after logging in over the encrypted connection
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
        with runtime.db.write() as tx:
            tx.conn.exec_driver_sql("UPDATE jobs SET run_at = created_at")
        drain(runtime)
        [got] = server.to("tls@example.com")
        assert "Over TLS" in got.text
        assert server.logins == ["mailer"]
        with runtime.db.read() as conn:
            status = conn.scalar(
                select(mail_messages.c.status).where(mail_messages.c.id == message_id)
            )
        assert status == "sent"
    finally:
        server.stop()
