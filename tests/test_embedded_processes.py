"""The embedded default with several web processes on one SQLite file: a post made
through one process reaches a live stream held by another (``roost.store.socket_bus``).

Two ``roost serve`` processes on two ports share one data folder, as the processes
``roost serve --workers N`` starts behind one port do (which of those a request
reaches is the kernel's choice; two ports let the test choose)."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.scale.conftest import wait_until_up
from tests.scale.test_processes import Person, post, sign_up, unique
from tests.store.redis_server import free_port

pytestmark = pytest.mark.slow

ROOST = str(Path(sys.executable).parent / "roost")


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    data = tmp_path_factory.mktemp("embedded")
    env = {
        **os.environ,
        "ROOST_DATA_DIR": str(data),
        "ROOST_DATABASE_URL": "",
        "ROOST_REDIS_URL": "",
        "ROOST_RATE_LIMITS": "false",  # every account signs up from 127.0.0.1
    }
    subprocess.run([ROOST, "migrate"], env=env, check=True, capture_output=True)
    procs, bases = [], []
    try:
        # Only A runs jobs: the fan-out, and so the publish, surely happen in A.
        for name, worker in (("a", "true"), ("b", "false")):
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            log = (data / f"{name}.log").open("ab")
            procs.append(
                subprocess.Popen(
                    [ROOST, "serve", "--workers", "1"],
                    env=env
                    | {
                        "ROOST_PORT": str(port),
                        "ROOST_BASE_URL": base,
                        "ROOST_INPROCESS_WORKER": worker,
                    },
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            bases.append(base)
        for base in bases:  # two processes importing the app at once on a loaded machine
            wait_until_up(base, timeout=180)
        yield bases[0], bases[1]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=15)


class UserStream:
    """``GET /api/v1/streaming/user`` read in a thread, as a Mastodon client reads it."""

    def __init__(self, base: str, person: Person) -> None:
        self.client = httpx.Client(base_url=base, timeout=httpx.Timeout(10, read=60))
        self.connected = threading.Event()
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        self.thread = threading.Thread(target=self._read, args=(person,), daemon=True)
        self.thread.start()
        assert self.connected.wait(10), "the stream did not start"

    def _read(self, person: Person) -> None:
        event = ""
        try:
            with self.client.stream(
                "GET", "/api/v1/streaming/user", headers=person.headers()
            ) as response:
                for line in response.iter_lines():
                    if line.startswith(":)"):
                        self.connected.set()
                    elif line.startswith("event: "):
                        event = line.removeprefix("event: ")
                    elif line.startswith("data: "):
                        self.events.put((event, line.removeprefix("data: ")))
        except httpx.HTTPError:  # closed by the test
            pass

    def close(self) -> None:
        self.client.close()
        self.thread.join(timeout=5)


def test_a_post_made_through_one_process_reaches_a_stream_held_by_another(
    two_processes: tuple[str, str],
) -> None:
    a, b = two_processes
    # given ann follows ben, and ann's stream is open on process B
    ann, ben = sign_up(a, unique("ann")), sign_up(a, unique("ben"))
    response = httpx.post(f"{a}/api/v1/accounts/{ben.id}/follow", headers=ann.headers())
    assert response.json()["following"] is True
    stream = UserStream(b, ann)
    try:
        # when ben posts through process A
        post_id = post(a, ben, "hello from the other process")
        # then ann's stream on B hears it (its fan-out ran in A's worker)
        event, data = stream.events.get(timeout=10)
    finally:
        stream.close()
    assert event == "update"
    assert json.loads(data)["id"] == post_id
