"""``roost backup`` and ``roost restore``: a consistent copy of a running instance.

A backup is a folder: the database (``roost.sqlite3`` or ``roost.pgdump``), the
uploaded media of the data folder (``media/``; a bucket of S3 media storage is the
operator's to back up) and ``backup.json`` saying what it holds.

Why these tools: SQLite's online backup API (``sqlite3.Connection.backup``, in the
standard library) copies the file page by page under a read transaction, so the copy
is one consistent moment while the server goes on writing (WAL readers do not block
writers); copying the file with ``cp`` could catch half a transaction. PostgreSQL's
own ``pg_dump`` takes a snapshot in one repeatable-read transaction, equally
consistent and without stopping anyone; its custom format (``-Fc``) is what
``pg_restore`` reads. The database is copied before the media, so every file a
backed-up post names is in the copy (a file uploaded meanwhile is merely extra).

Timelines stored in Redis (scale mode) are a cache: they are not backed up, and a
restore deletes the instance's Redis keys so that every timeline is rebuilt from the
restored database when read.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import redis

from roost.config import Settings

SQLITE_FILE = "roost.sqlite3"
PG_FILE = "roost.pgdump"
MANIFEST = "backup.json"


class BackupError(Exception):
    """The backup or restore could not be done; the message says what to do."""


def libpq_url(settings: Settings) -> str:
    """The database URL as ``pg_dump`` and ``pg_restore`` read it (no driver suffix)."""
    url = settings.effective_database_url
    return "postgresql://" + url.split("://", 1)[1]


def sqlite_path(settings: Settings) -> Path:
    return Path(settings.effective_database_url.removeprefix("sqlite:///"))


def do_backup(settings: Settings, folder: Path) -> Path:
    """Writes a backup of the instance into ``folder`` (created; must be empty)."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: choose a new folder for each backup")
    if settings.is_postgres:
        _run_pg("pg_dump", "-Fc", "--no-owner", "-f", str(folder / PG_FILE), libpq_url(settings))
        database = PG_FILE
    else:
        source = sqlite3.connect(sqlite_path(settings))
        target = sqlite3.connect(folder / SQLITE_FILE)
        try:
            with target:
                source.backup(target)  # all pages in one step: one consistent moment
        finally:
            target.close()
            source.close()
        database = SQLITE_FILE
    media = settings.data_dir / "media"
    if media.is_dir():
        shutil.copytree(media, folder / "media")
    manifest = {
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "database": database,
        "media": media.is_dir(),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def do_restore(settings: Settings, folder: Path) -> None:
    """Replaces the instance's database and media with the backup in ``folder``. Stop
    the server and workers first: a restore is not meant to run under traffic."""
    manifest = json.loads((folder / MANIFEST).read_text())
    if manifest["database"] == PG_FILE:
        if not settings.is_postgres:
            raise BackupError("this is a PostgreSQL backup: set ROOST_DATABASE_URL first")
        _run_pg(
            "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
            "-d", libpq_url(settings), str(folder / PG_FILE),
        )  # fmt: skip
    else:
        if settings.is_postgres:
            raise BackupError("this is a SQLite backup: unset ROOST_DATABASE_URL first")
        target_path = sqlite_path(settings)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(folder / SQLITE_FILE)
        target = sqlite3.connect(target_path)
        try:
            with target:
                source.backup(target)  # writes through SQLite, so its WAL stays coherent
        finally:
            target.close()
            source.close()
    media = settings.data_dir / "media"
    if manifest.get("media"):
        shutil.rmtree(media, ignore_errors=True)
        shutil.copytree(folder / "media", media)
    if settings.redis_url:
        _forget_redis(settings)


def _forget_redis(settings: Settings) -> None:
    """Timelines, limits and locks of the old state: rebuilt or restarted from the
    restored database when next needed (only this instance's prefix is touched)."""
    client = redis.Redis.from_url(settings.redis_url)
    try:
        batch: list[bytes] = []
        for key in client.scan_iter(match=f"{settings.redis_prefix}*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                client.unlink(*batch)
                batch.clear()
        if batch:
            client.unlink(*batch)
    finally:
        client.close()


def _run_pg(*command: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed: install the PostgreSQL client tools of the"
            f" server's major version (Debian: apt install postgresql-client), or run"
            f" `{command[0]}` yourself: pg_dump -Fc --no-owner -f roost.pgdump <url>"
        )
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")
