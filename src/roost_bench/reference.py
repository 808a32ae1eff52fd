"""The reference app: what one Python process can serve on this machine, in the same run.

A bare Starlette app that answers every GET with one fixed home page: the 20
statuses a real seeded account's ``GET /api/v1/timelines/home`` returned in this
run, decoded once at start and encoded with msgspec on every request (as a real
handler encodes its answer). No database, no token, no hydration: the rate it
reaches under the same wrk settings is the ceiling Roost's figures are shown
against, so a busy, shared machine still gives comparable shares.

Run by the benchmark as ``python -m roost_bench.reference PAGE PORT`` (uvicorn, as
``roost serve``), or under granian when the run measures granian: one process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import msgspec
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from roost_bench.servers import granian_command, wait_http

PAGE_SIZE = 20


def capture_page(base_url: str, tokens: list[str], folder: Path) -> tuple[Path, int]:
    """The first full home page (20 statuses) among the given accounts', as served by
    Roost; returns its file and size in bytes."""
    best: bytes = b"[]"
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for token in tokens:
            answer = client.get(
                "/api/v1/timelines/home",
                params={"limit": PAGE_SIZE},
                headers={"Authorization": f"Bearer {token}"},
            )
            answer.raise_for_status()
            statuses = msgspec.json.decode(answer.content)
            if len(statuses) > len(msgspec.json.decode(best)):
                best = answer.content
            if len(statuses) >= PAGE_SIZE:
                break
    path = folder / "reference-page.json"
    path.write_bytes(best)
    return path, len(best)


def build_app(page: Any) -> Starlette:
    encode = msgspec.json.Encoder().encode

    async def home(request: Request) -> Response:
        return Response(encode(page), media_type="application/json")

    return Starlette(routes=[Route("/{path:path}", home)])


class ReferenceServer:
    """The reference app as a child process on ``port``; ``stop`` ends only it."""

    def __init__(self, page: Path, port: int, log: Path, server: str = "uvicorn") -> None:
        self.page, self.port, self.log, self.server = page, port, log, server
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        command = [sys.executable, "-m", "roost_bench.reference", str(self.page), str(self.port)]
        if self.server == "granian":  # the same server as Roost's under test, one process
            command = [*granian_command(1, self.port), "roost_bench.reference:asgi"]
        env = os.environ | {"ROOST_REFERENCE_PAGE": str(self.page)}
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(command, env=env, stdout=out, stderr=out)
        try:
            wait_http(self.base_url + "/", timeout, [self.proc])
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


def asgi() -> Starlette:
    """Factory for granian (``--factory``): the page's file comes in the environment."""
    return build_app(msgspec.json.decode(Path(os.environ["ROOST_REFERENCE_PAGE"]).read_bytes()))


def main() -> None:
    page_file, port = Path(sys.argv[1]), int(sys.argv[2])
    app = build_app(msgspec.json.decode(page_file.read_bytes()))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
