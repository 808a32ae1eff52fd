"""The Runtime: the infrastructure one process works with, built once from Settings.

Every action and query takes it as its first argument, so a test can build one
per backend and nothing is global. Which implementation sits behind each seam
(SQL or Redis timelines, socket or Redis pub/sub) is decided here and only
here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import jinja2
import redis

from roost.config import Settings
from roost.store.db import Database
from roost.store.jobs import Doorbell, JobQueue
from roost.store.media import FolderMediaStorage, MediaStorage, S3MediaStorage
from roost.store.memo import Memo
from roost.store.pubsub import PubSub
from roost.store.ratelimit import RateLimiter
from roost.store.redis_pubsub import RedisDoorbell, RedisPubSub
from roost.store.redis_timelines import RedisTimelineStore
from roost.store.sms import LogTransport, SmsTransport, build_transport
from roost.store.socket_bus import BusDoorbell, SocketBus
from roost.store.timelines import SqlTimelineStore, TimelineStore


@dataclass
class Runtime:
    settings: Settings
    db: Database
    timelines: TimelineStore
    jobs: JobQueue
    pubsub: PubSub
    media: MediaStorage
    limiter: RateLimiter
    memo: Memo = field(default_factory=Memo)
    sms: SmsTransport = field(default_factory=LogTransport)
    # The scale-mode Redis client (timelines), None in the embedded default.
    redis: redis.Redis | None = None
    # Accounts this process marked active in the last hour (``do_touch_active``).
    recently_active: dict[int, float] = field(default_factory=dict)
    # The web app's Jinja environment, built on first use (``roost.web.page``).
    web_env: jinja2.Environment | None = None

    def close(self) -> None:
        self.pubsub.close()
        self.jobs.doorbell.close()
        self.limiter.close()
        if self.redis is not None:
            self.redis.close()
            self.redis = None
        self.db.dispose()


def build_runtime(settings: Settings, *, pool_size: int = 10) -> Runtime:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.effective_database_url, pool_size=pool_size)
    timelines: TimelineStore
    pubsub: PubSub
    doorbell: Doorbell
    client: redis.Redis | None = None
    if settings.redis_url:
        # A Redis that stops answering must fail a request, not hang it.
        client = redis.Redis.from_url(
            settings.redis_url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5
        )
        prefix = settings.redis_prefix
        timelines = RedisTimelineStore(client, prefix=prefix, cap=settings.timeline_cap)
        pubsub = RedisPubSub(settings.redis_url, prefix=prefix)
        doorbell = RedisDoorbell(settings.redis_url, prefix=prefix, bus=pubsub)
    else:
        timelines = SqlTimelineStore(db, cap=settings.timeline_cap)
        # The embedded default's processes (one web process per core, a `roost
        # worker`, a CLI command) share the SQLite file and hear each other here.
        bus = SocketBus(settings.data_dir / "bus")
        pubsub, doorbell = bus, BusDoorbell(bus)
    return Runtime(
        settings=settings,
        db=db,
        timelines=timelines,
        jobs=JobQueue(db, lease_seconds=settings.job_lease_seconds, doorbell=doorbell),
        pubsub=pubsub,
        media=build_media_storage(settings),
        limiter=RateLimiter(
            settings.redis_url or f"sqlite:{settings.data_dir / 'limits.sqlite3'}",
            prefix=settings.redis_prefix,
            enabled=settings.rate_limits,
        ),
        redis=client,
        sms=build_transport(settings),
    )


def build_media_storage(settings: Settings) -> MediaStorage:
    """The S3-compatible bucket when one is configured, else the data folder."""
    if settings.s3_bucket:
        return S3MediaStorage(
            endpoint=settings.s3_endpoint,
            bucket=settings.s3_bucket,
            access_key=settings.s3_access_key_id,
            secret_key=settings.s3_secret_access_key,
            region=settings.s3_region,
            public_url=settings.s3_public_url,
        )
    return FolderMediaStorage(settings.data_dir / "media", settings.effective_base_url)
