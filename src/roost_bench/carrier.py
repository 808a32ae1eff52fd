"""A fake Twilio on loopback, for the tests and the SMS benchmark: it takes
``POST /2010-04-01/Accounts/{sid}/Messages.json`` as Twilio does, records each
request (method, path, basic auth, form fields) and answers 201 with a message
SID, or 500 for the next ``fail_next`` requests, to exercise retries."""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs


@dataclass(frozen=True)
class CarrierRequest:
    method: str
    path: str
    authorization: str
    form: dict[str, str]


class FakeTwilio:
    def __init__(self) -> None:
        self.requests: list[CarrierRequest] = []
        self.arrivals: list[float] = []  # time.perf_counter() of each request
        self.fail_next = 0
        self.refuse = False  # answer 400 (an invalid number) to every send
        self.delay = 0.0  # seconds before answering (longer than a client's timeout)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
                status, answer = fake._answer(
                    CarrierRequest("POST", self.path, self.headers.get("Authorization", ""), form)
                )
                body = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a test of lost answers)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _answer(self, request: CarrierRequest) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests.append(request)
            self.arrivals.append(time.perf_counter())
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return 500, {"code": 20500, "message": "Internal Server Error"}
            if self.refuse:
                return 400, {"code": 21211, "message": "Invalid 'To' Phone Number"}
        return 201, {"sid": f"SM{uuid.uuid4().hex}", "status": "queued"}

    @property
    def accepted(self) -> int:
        return len(self.requests)

    def start(self) -> FakeTwilio:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
