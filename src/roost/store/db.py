"""Database engines and transactions with after-commit hooks.

SQLite runs in WAL mode with foreign keys on; every write transaction starts with
``BEGIN IMMEDIATE`` so two writers queue on the busy timeout instead of failing
when a read lock upgrades. PostgreSQL gets a connection pool.

``Database.write()`` yields a ``Tx``: domain actions insert their jobs into the same
transaction (so an accepted post can never lose its fan-out) and register
``on_commit`` callbacks for things that must not happen if the transaction rolls
back: waking workers and publishing live events.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

import psycopg
import redis
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool

log = logging.getLogger("roost.db")
P = ParamSpec("P")
R = TypeVar("R")

# How long a request may wait for a PostgreSQL connection: to open one (the server is
# down or unreachable) or to get one from a pool that a stalled database has emptied.
# Past it the request fails (a 503, see ``is_unavailable``) instead of holding a web
# thread: while the database restarts, answers stay quick and the server stays free.
CONNECT_TIMEOUT_S = 3
POOL_TIMEOUT_S = 5


@dataclass
class Tx:
    conn: Connection
    _after_commit: list[Callable[[], None]] = field(default_factory=list)

    def on_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    timeout = {"connect_timeout": CONNECT_TIMEOUT_S}
    if pool_size == 0:
        return create_engine(url, poolclass=NullPool, connect_args=timeout)
    # No pre-ping: it costs a round trip on every checkout (22% of a scale-mode web
    # process under load, by py-spy). Recycling bounds a connection's age instead, and
    # a connection that died anyway fails one request, which the client retries (and
    # SQLAlchemy, seeing a disconnect, discards the pool's other connections with it).
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size * 2,
        pool_recycle=300,
        pool_timeout=POOL_TIMEOUT_S,
        connect_args=timeout,
    )


def is_unavailable(exc: BaseException) -> bool:
    """Whether a failure means "the database or Redis is not answering now" (down,
    restarting, unreachable, or SQLite's write lock held too long), which a retry may
    cure, rather than a bug. Front doors answer these with 503."""
    if isinstance(exc, sa_exc.TimeoutError | redis.ConnectionError | redis.TimeoutError):
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated or isinstance(exc.orig, psycopg.OperationalError):
            return True
        return "database is locked" in str(exc.orig)
    return isinstance(exc, psycopg.OperationalError)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so we can say BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Reads run without BEGIN: each statement sees the latest commit (WAL), and
        # skipping BEGIN/ROLLBACK round trips saves ~10% on a timeline read.
        if conn.info.get("write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")


@dataclass
class _Pin:
    """The connection the reads of one request share, checked out at the first."""

    conn: Connection | None = None


class Database:
    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.engine = make_engine(url, pool_size=pool_size)
        self.is_sqlite = url.startswith("sqlite")
        # Per Database (tests run several), per thread or task: contexts do not leak.
        self._pin: ContextVar[_Pin | None] = ContextVar(f"roost_db_pin_{id(self)}", default=None)

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """A read-write transaction; callbacks run after a successful commit."""
        with self.engine.connect() as conn:
            conn.info["write"] = True
            try:
                tx = Tx(conn)
                with conn.begin():
                    yield tx
            finally:
                conn.info["write"] = False
        for callback in tx._after_commit:
            callback()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading: the request's own inside ``pinned()``, else one
        from the pool for this block."""
        pin = self._pin.get()
        if pin is None:
            with self.engine.connect() as conn:
                yield conn
            return
        if pin.conn is None:
            pin.conn = self.engine.connect()
        try:
            yield pin.conn
        except BaseException:
            # A failed statement leaves a PostgreSQL transaction unusable (or the
            # connection is gone): hand it back, the request's next read takes another.
            conn, pin.conn = pin.conn, None
            conn.close()
            raise

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Every ``read()`` inside this block (on this thread) shares one pooled
        connection, checked out at the first read and returned at the end: a request
        asks for the token, its timeline, the posts and the filters, and each pool
        checkout and PostgreSQL BEGIN/ROLLBACK pair costs more than a short query.
        Reads see the latest commits as before (READ COMMITTED; SQLite reads run
        without BEGIN); writes still take a connection of their own."""
        if self._pin.get() is not None:  # already inside one: share it
            yield
            return
        pin = _Pin()
        reset = self._pin.set(pin)
        try:
            yield
        finally:
            self._pin.reset(reset)
            if pin.conn is not None:
                pin.conn.close()

    def dispose(self) -> None:
        self.engine.dispose()


class IdCollision(Exception):
    """An insert met a row that has its new ID but is not the same thing (another
    process made that ID in the same millisecond); the action retries."""


def is_id_collision(exc: IntegrityError) -> bool:
    """Whether the unique violation was on a primary key ``id``, not on the natural key
    (the same follow twice) that an action may treat as "already done"."""
    diag = getattr(exc.orig, "diag", None)
    if diag is not None:  # psycopg: 'Key (id)=(123) already exists.'
        return str(getattr(diag, "message_detail", "") or "").startswith("Key (id)=")
    return str(exc.orig).endswith(".id")  # sqlite3: 'UNIQUE constraint failed: follows.id'


ID_COLLISION_ATTEMPTS = 3


def retry_on_id_collision(action: Callable[P, R]) -> Callable[P, R]:
    """Runs an action again (it owns its transaction, which rolled back) when one of
    its inserts collided on ID: the next attempt draws fresh IDs."""

    @functools.wraps(action)
    def attempt(*args: P.args, **kwargs: P.kwargs) -> R:
        for remaining in range(ID_COLLISION_ATTEMPTS - 1, -1, -1):
            try:
                return action(*args, **kwargs)
            except IntegrityError as exc:
                if not remaining or not is_id_collision(exc):
                    raise
            except IdCollision:
                if not remaining:
                    raise
            log.warning("ID collision in %s; retrying", action.__qualname__)
        raise AssertionError("unreachable")

    return attempt
