"""Settings, read from ``ROOST_*`` environment variables once at startup.

Nothing reads the environment at import time: ``load_settings()`` is called by the
CLI or the ASGI factory, and tests build ``Settings(...)`` directly.
"""

from __future__ import annotations

from email.utils import formataddr
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

RegistrationMode = Literal["open", "approval", "closed", "invite"]
REGISTRATION_MODES: tuple[RegistrationMode, ...] = ("open", "approval", "closed", "invite")


def registration_mode(value: object) -> RegistrationMode:
    """A mode from what the setting held: one of the four, or a boolean (the setting
    was a yes/no before the modes existed, and ``true``/``false`` still mean open/closed)."""
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return "open"
    if text in ("false", "0", "no", "off"):
        return "closed"
    for mode in REGISTRATION_MODES:
        if text == mode:
            return mode
    raise ValueError("must be open, approval, closed or invite (or true/false)")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROOST_", extra="ignore", frozen=True)

    host: str = Field("127.0.0.1", description="Interface `roost serve` binds to.")
    port: int = Field(8000, description="Port `roost serve` listens on.")
    data_dir: Path = Field(Path("var"), description="SQLite file and uploaded media live here.")
    database_url: str = Field(
        "",
        description="Empty: SQLite in the data folder; postgresql://… selects PostgreSQL.",
    )
    redis_url: str = Field(
        "", description="redis://… selects scale mode: timelines, pub/sub and locks in Redis."
    )
    redis_prefix: str = Field(
        "roost:",
        description="Prefix of every Redis key and channel: instances or tests can share a Redis.",
    )
    job_lease_seconds: float = Field(
        30.0,
        description="How long a worker holds a claimed job; a dead worker's jobs return after it.",
    )
    base_url: str = Field("", description="Public URL used in links; default http://host:port.")
    registrations: RegistrationMode = Field(
        "open",
        description="Who may sign up until an admin chooses on /admin/settings: `open`,"
        " `approval` (a moderator approves each sign-up), `closed` or `invite` (with an invite"
        " link only); `true`/`false` mean open/closed.",
    )
    rate_limits: bool = Field(
        True,
        description="Enforce the sign-up, app, posting, follow and search limits"
        " (log-in limits always apply). Benchmarks turn it off.",
    )
    max_post_chars: int = Field(280, description="Longest post, counted as Mastodon counts it.")
    timeline_cap: int = Field(800, description="Entries kept per home timeline.")
    fanout_max_followers: int = Field(
        10_000,
        description="Above this many followers a post is merged at read time, not fanned out.",
    )
    active_days: int = Field(14, description="Followers idle longer than this get no fan-out.")
    web_threads: int = Field(
        4,
        description="Threads running request handlers in each web process. Few is faster:"
        " database drivers release the GIL on every row, and many threads queue for it.",
    )
    workers: int = Field(
        0, description="Web processes `roost serve` starts (0: one per core of the machine)."
    )
    piece_cache_mb: float = Field(
        16.0,
        description="Memory each process gives to rendered posts and accounts (0: none);"
        " scale mode also keeps them in Redis.",
    )
    piece_cache_ttl: float = Field(
        600.0, description="Seconds a rendered post or account is kept (in memory and Redis)."
    )
    streaming_max_subscriptions: int = Field(
        16, description="Streams one streaming WebSocket may subscribe to at once."
    )
    streaming_max_per_account: int = Field(
        20, description="Open streaming connections per account, in each web process."
    )
    streaming_max_per_address: int = Field(
        50, description="Open streaming connections per client address, in each web process."
    )
    inprocess_worker: bool = Field(
        True, description="Run jobs in a thread of the web process (the embedded default)."
    )
    secret_key: str = Field(
        "", description="Signs web sessions; generated into the data folder if empty."
    )
    instance_title: str = Field(
        "Roost", description="Shown in the instance entity and the web app."
    )
    admin_email: str = Field(
        "admin@localhost", description="Contact address in the instance entity."
    )
    sms_transport: Literal["log", "twilio"] = Field(
        "log",
        description="Where texts go: `log` (the log and the outbox page, no carrier) or"
        " `twilio` (Twilio's REST API).",
    )
    sms_twilio_base_url: str = Field(
        "https://api.twilio.com", description="Twilio's API (a fake one in tests)."
    )
    sms_twilio_account_sid: str = Field("", description="Twilio account SID (ACxxx...).")
    sms_twilio_auth_token: str = Field(
        "", description="Twilio auth token: authenticates sends and signs inbound webhooks."
    )
    sms_from: str = Field("", description="The number or short code texts come from.")
    sms_rate: float = Field(
        10.0,
        description="Texts sent per second, at most, by all workers together (carriers"
        " throttle short codes); 0 means no limit.",
    )
    smtp_url: str = Field(
        "",
        description="Empty: outbound mail is written to the log and the admin outbox page;"
        " smtp://user:pass@host:port (STARTTLS when the server offers it) or smtps://…"
        " (TLS from the start) sends it through that server, as a job with retries.",
    )
    smtp_from: str = Field(
        "",
        description="The From of outbound mail; empty: the instance title at"
        " notifications@ the base URL's host.",
    )
    s3_bucket: str = Field(
        "", description="Set: uploaded media go to this S3-compatible bucket, not a folder."
    )
    s3_endpoint: str = Field(
        "", description="The S3-compatible store's URL (empty: AWS S3 of `s3_region`)."
    )
    s3_region: str = Field("us-east-1", description="The bucket's region.")
    s3_access_key_id: str = Field("", description="Key ID for the S3-compatible store.")
    s3_secret_access_key: str = Field("", description="Secret key for the S3-compatible store.")
    s3_public_url: str = Field(
        "",
        description="Where browsers fetch the bucket's files (a CDN, say);"
        " empty: the endpoint followed by the bucket.",
    )

    @field_validator("registrations", mode="before")
    @classmethod
    def _registration_mode(cls, value: object) -> RegistrationMode:
        return registration_mode(value)

    @field_validator("smtp_url")
    @classmethod
    def _smtp_scheme(cls, value: str) -> str:
        if value and not value.startswith(("smtp://", "smtps://")):
            raise ValueError("ROOST_SMTP_URL must start with smtp:// or smtps://")
        return value

    @property
    def mail_from(self) -> str:
        if self.smtp_from:
            return self.smtp_from
        host = self.domain.split(":", 1)[0]
        return formataddr((self.instance_title, f"notifications@{host}"))

    @property
    def effective_base_url(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            elif url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgres://")
            return url
        return f"sqlite:///{(self.data_dir / 'roost.sqlite3').resolve()}"

    @property
    def is_postgres(self) -> bool:
        return self.effective_database_url.startswith("postgresql")

    @property
    def domain(self) -> str:
        return self.effective_base_url.split("://", 1)[-1].split("/", 1)[0]


def load_settings() -> Settings:
    return Settings()
