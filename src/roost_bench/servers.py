"""The stack under test, started as real processes: ``roost serve`` (and, in scale
mode, ``roost worker`` processes), a private PostgreSQL database and a private
``redis-server``.

Why private services: the machine's PostgreSQL and Redis are shared with other
developers' test runs. The benchmark creates its own database (and drops it) and
its own Redis on a free port, so it never reads, flushes or measures anyone
else's keys, and Redis ``used_memory`` counts only our timelines.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

from roost.config import Settings
from roost_bench.memory import PeakWatcher

ADMIN_URL = os.environ.get("ROOST_BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ROOST = [str(Path(sys.executable).parent / "roost")]


def granian_command(workers: int, port: int) -> list[str]:
    """granian serving an ASGI factory (the target is appended): measured against
    uvicorn (``roost serve``) with ``roost-bench bench --server granian``."""
    return [
        str(Path(sys.executable).parent / "granian"),
        "--interface",
        "asgi",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        _wait_port(self.port, 10)

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


class PrivateDatabase:
    """``roost_bench_<mode>_<random>``: created for one run, dropped after it."""

    def __init__(self, mode: str) -> None:
        self.name = f"roost_bench_{mode}_{uuid.uuid4().hex[:8]}"
        self.url = ADMIN_URL.rsplit("/", 1)[0] + "/" + self.name

    def create(self) -> None:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@dataclass
class Backing:
    """Where one mode keeps its data; ``settings`` is what every process of the run reads."""

    mode: str
    data_dir: Path
    database: PrivateDatabase | None = None
    redis: PrivateRedis | None = None

    @classmethod
    def create(cls, mode: str) -> Backing:
        data_dir = Path(tempfile.mkdtemp(prefix=f"roost-bench-{mode}-"))
        if mode == "embedded":
            return cls(mode, data_dir)
        database, redis = PrivateDatabase(mode), PrivateRedis()
        database.create()
        redis.start()
        return cls(mode, data_dir, database, redis)

    def env(self) -> dict[str, str]:
        # The bench posts hundreds a second from few accounts: no rate limits.
        env = {"ROOST_DATA_DIR": str(self.data_dir), "ROOST_RATE_LIMITS": "false"}
        if self.database and self.redis:
            env |= {
                "ROOST_DATABASE_URL": self.database.url,
                "ROOST_REDIS_URL": self.redis.url,
                "ROOST_INPROCESS_WORKER": "false",
            }
        return env

    def settings(self, **overrides: object) -> Settings:
        values: dict[str, object] = {"data_dir": self.data_dir, "rate_limits": False}
        if self.database and self.redis:
            values |= {"database_url": self.database.url, "redis_url": self.redis.url}
        return Settings(**(values | overrides))  # type: ignore[arg-type]

    def destroy(self) -> None:
        if self.redis:
            self.redis.stop()
        if self.database:
            self.database.drop()
        shutil.rmtree(self.data_dir, ignore_errors=True)


@dataclass
class Stack:
    """The web and worker processes of one configuration; ``stop`` ends only them."""

    backing: Backing
    web_processes: int
    worker_processes: int
    fanout_max_followers: int
    server: str = "uvicorn"
    port: int = field(default_factory=free_port)
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    log: Path | None = None
    first_web_pids: list[int] = field(default_factory=list)
    web_memory: PeakWatcher | None = None
    replaced: int = 0
    worker_memory: PeakWatcher | None = None
    # A busy machine (load 20 on 2 cores) takes over a minute to import the app in two
    # processes at once when no bytecode is cached (PYTHONDONTWRITEBYTECODE, as make sets).
    ready_timeout: float = 180.0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = os.environ | self.backing.env()
        env |= {
            "ROOST_PORT": str(self.port),
            "ROOST_HOST": "127.0.0.1",
            "ROOST_FANOUT_MAX_FOLLOWERS": str(self.fanout_max_followers),
        }
        self.log = self.backing.data_dir / f"stack-{self.port}.log"
        out = self.log.open("ab")
        serve = [*ROOST, "serve", "--workers", str(self.web_processes)]
        if self.server == "granian":
            serve = [*granian_command(self.web_processes, self.port), "roost.app:asgi"]
        self.procs.append(subprocess.Popen(serve, env=env, stdout=out, stderr=out))
        for _ in range(self.worker_processes):
            self.procs.append(subprocess.Popen([*ROOST, "worker"], env=env, stdout=out, stderr=out))
        try:
            self._wait_ready(self.ready_timeout)
        except RuntimeError:
            self.stop()  # leave nothing running behind a failed start
            raise
        self.first_web_pids = self.web_pids
        self.web_memory = PeakWatcher(lambda: self.web_pids).__enter__()
        self.worker_memory = PeakWatcher(lambda: self.worker_pids).__enter__()

    def memory(self) -> dict[str, object]:
        """Peak RSS of every web and worker process this stack ran, replaced ones too."""
        return {
            "web_peak_rss_mb": self.web_memory.peaks() if self.web_memory else [],
            "worker_peak_rss_mb": self.worker_memory.peaks() if self.worker_memory else [],
            "web_processes_replaced": self.replaced,
            "server_log_tail": self.log_tail(),
        }

    def replaced_web_processes(self) -> int:
        """uvicorn's supervisor kills and replaces a web process that misses its health
        check (60 s, ``roost serve``) — a process starved of CPU. Worth knowing when RSS or
        latency looks odd."""
        return len(set(self.first_web_pids) - set(self.web_pids))

    def log_tail(self, lines: int = 15) -> list[str]:
        if self.log is None or not self.log.exists():
            return []
        return self.log.read_text(errors="replace").splitlines()[-lines:]

    def _wait_ready(self, timeout: float) -> None:
        try:
            wait_http(self.base_url + "/api/v1/instance", timeout, self.procs)
        except RuntimeError as exc:
            tail = "\n".join(self.log_tail(30))
            raise RuntimeError(f"{exc}; the end of {self.log}:\n{tail}") from exc

    @property
    def web_pids(self) -> list[int]:
        """The processes that serve requests: with several workers uvicorn's supervisor
        only forwards signals, so its children are the web processes."""
        serve = self.procs[0].pid
        children = child_pids(serve)
        # granian runs every web process as a child, even a single one.
        several = self.web_processes > 1 or self.server == "granian"
        return children if several and children else [serve]

    @property
    def worker_pids(self) -> list[int]:
        return [p.pid for p in self.procs[1:]]

    def stop(self) -> None:
        if self.procs:
            self.replaced = self.replaced_web_processes()
        for watcher in (self.web_memory, self.worker_memory):
            if watcher:
                watcher.__exit__(None, None, None)
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs.clear()


def child_pids(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces; the parent PID is the 2nd field after ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) != parent:
            continue
        cmdline = (entry / "cmdline").read_bytes()
        if b"resource_tracker" not in cmdline:  # multiprocessing's helper serves nothing
            children.append(int(entry.name))
    return sorted(children)


def wait_http(url: str, timeout: float, procs: list[subprocess.Popen[bytes]]) -> None:
    """Until ``url`` answers 200; fails early when one of ``procs`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError("a server process exited early")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def _wait_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")
