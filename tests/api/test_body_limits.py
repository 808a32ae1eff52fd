"""Work before authentication (issue 9, finding 7): a request body is read only after
the token (or the web session) has been checked, only up to a small cap unless the
endpoint takes files, and a file over the upload limit is refused while it streams
in, not after it has been stored whole.

Each test drives the ASGI app directly with a ``receive`` that counts the bytes the
server pulls, so "never read" is measured, not inferred from the status code.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message

from roost.bodies import SMALL_BODY_BYTES
from roost.media.images import MAX_UPLOAD_BYTES
from tests.api.conftest import Tokens

CHUNK = 16 * 1024
SIXTEEN_MB = 16 * 1024 * 1024


@dataclass
class Answer:
    status: int
    body: bytes
    pulled: int  # body bytes the server asked for


def _send(
    app: ASGIApp,
    method: str,
    path: str,
    body: bytes,
    headers: dict[str, str],
    *,
    declare_length: bool = True,
) -> Answer:
    """One request straight into the app; the body arrives in ``CHUNK`` pieces."""
    pieces = [body[i : i + CHUNK] for i in range(0, len(body), CHUNK)] or [b""]
    raw_headers = [(b"host", b"roost.test")]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    if declare_length:
        raw_headers.append((b"content-length", str(len(body)).encode()))
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": raw_headers,
        "client": ("127.0.0.1", 40000),
        "server": ("roost.test", 80),
    }
    pulled = 0
    status = 0
    sent: list[bytes] = []

    async def receive() -> Message:
        nonlocal pulled
        if not pieces:
            return {"type": "http.disconnect"}
        piece = pieces.pop(0)
        pulled += len(piece)
        return {"type": "http.request", "body": piece, "more_body": bool(pieces)}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            sent.append(message.get("body", b""))

    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    return Answer(status, b"".join(sent), pulled)


def _multipart(name: str, filename: str | None, data: bytes) -> tuple[bytes, str]:
    boundary = "roostboundary"
    disposition = f'form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
    body = (
        f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    body += data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_an_anonymous_16_mb_body_is_refused_without_being_read(client: Any) -> None:
    # given a 16 MB JSON body (under the 17 MB outer limit) and no token
    body = b'{"status": "' + b"x" * SIXTEEN_MB + b'"}'
    json = {"content-type": "application/json"}
    for declare_length in (True, False):
        # when it is posted to an endpoint that needs a signed-in account
        answer = _send(
            client.app, "POST", "/api/v1/statuses", body, json, declare_length=declare_length
        )
        # then it is refused before a byte of the body is read
        assert answer.status == 401, answer.body
        assert answer.pulled == 0


def test_a_bad_token_is_refused_before_the_body_is_read(client: Any) -> None:
    body = b"status=" + b"x" * SIXTEEN_MB
    headers = {"content-type": "application/x-www-form-urlencoded", "authorization": "Bearer nope"}
    answer = _send(client.app, "POST", "/api/v1/statuses", body, headers)
    assert answer.status == 401
    assert answer.pulled == 0


def test_a_json_body_over_64_kb_is_refused_unread_when_declared(
    client: Any, tokens: Tokens
) -> None:
    body = b'{"status": "' + b"x" * (SMALL_BODY_BYTES + 1) + b'"}'
    headers = {"content-type": "application/json", **tokens.auth("alice")}
    answer = _send(client.app, "POST", "/api/v1/statuses", body, headers)
    assert answer.status == 413
    assert b'"error"' in answer.body
    assert answer.pulled == 0


def test_a_chunked_body_is_read_no_further_than_the_cap(client: Any, tokens: Tokens) -> None:
    form = b"status=" + b"x" * SIXTEEN_MB
    for content_type, body in (
        ("application/x-www-form-urlencoded", form),
        ("application/json", b'{"status": "' + b"x" * SIXTEEN_MB + b'"}'),
    ):
        headers = {"content-type": content_type, **tokens.auth("alice")}
        answer = _send(client.app, "POST", "/api/v1/statuses", body, headers, declare_length=False)
        assert answer.status == 413, answer.body
        assert answer.pulled <= SMALL_BODY_BYTES + CHUNK


def test_a_file_sent_to_an_endpoint_that_takes_none_is_refused(client: Any, tokens: Tokens) -> None:
    body, content_type = _multipart("status", "big.bin", b"x" * SIXTEEN_MB)
    headers = {"content-type": content_type, **tokens.auth("alice")}
    answer = _send(client.app, "POST", "/api/v1/statuses", body, headers, declare_length=False)
    assert answer.status in (400, 413), answer.body
    assert answer.pulled <= SMALL_BODY_BYTES + CHUNK


def test_an_upload_over_the_limit_is_stopped_as_it_streams_in(client: Any, tokens: Tokens) -> None:
    # given an avatar larger than the upload limit, sent without a Content-Length
    body, content_type = _multipart("avatar", "a.png", b"x" * (MAX_UPLOAD_BYTES + 4 * CHUNK))
    headers = {"content-type": content_type, **tokens.auth("alice")}
    # when it is uploaded
    answer = _send(
        client.app,
        "PATCH",
        "/api/v1/accounts/update_credentials",
        body,
        headers,
        declare_length=False,
    )
    # then it is refused once the limit is passed, before the rest is received
    assert answer.status == 413, answer.body
    assert answer.pulled <= MAX_UPLOAD_BYTES + 2 * CHUNK
    assert answer.pulled < len(body)


def test_an_upload_within_the_limit_still_reaches_the_endpoint(client: Any, tokens: Tokens) -> None:
    body, content_type = _multipart("avatar", "a.png", b"not an image")
    headers = {"content-type": content_type, **tokens.auth("alice")}
    answer = _send(client.app, "PATCH", "/api/v1/accounts/update_credentials", body, headers)
    assert answer.status == 422, answer.body  # read whole, then refused as no image
    assert answer.pulled == len(body)


def test_a_signed_out_web_form_is_refused_without_being_read(client: Any) -> None:
    body, content_type = _multipart("avatar", "a.png", b"x" * SIXTEEN_MB)
    answer = _send(client.app, "POST", "/settings/profile", body, {"content-type": content_type})
    assert answer.status == 403
    assert answer.pulled == 0


def test_a_web_form_over_64_kb_is_refused(client: Any) -> None:
    body = b"login=alice&password=" + b"x" * SIXTEEN_MB
    headers = {"content-type": "application/x-www-form-urlencoded"}
    declared = _send(client.app, "POST", "/login", body, headers)
    assert declared.status == 413
    assert declared.pulled == 0
    streamed = _send(client.app, "POST", "/login", body, headers, declare_length=False)
    assert streamed.status == 413
    assert streamed.pulled <= SMALL_BODY_BYTES + CHUNK


def test_a_web_body_over_the_outer_limit_is_refused_unread(client: Any) -> None:
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "content-length": str(64 * 1024 * 1024),
    }
    answer = _send(client.app, "POST", "/login", b"", headers, declare_length=False)
    assert answer.status == 413
    assert answer.pulled == 0


def test_an_unsigned_sms_webhook_is_refused_without_being_read(client: Any) -> None:
    body = b"From=%2B15550001&Body=" + b"x" * SIXTEEN_MB
    headers = {"content-type": "application/x-www-form-urlencoded"}
    answer = _send(client.app, "POST", "/sms/twilio", body, headers)
    assert answer.status == 403
    assert answer.pulled == 0
