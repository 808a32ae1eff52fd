"""Where uploaded files live, behind one small Protocol.

The embedded default keeps them in a folder under the data directory, served at
/media/ by the app itself (in scale mode without a bucket, a volume every web and
worker process shares: the processing job reads the upload a web process saved).
Scale mode may use an S3-compatible object store (``ROOST_S3_BUCKET``), which
serves them from its own public URL: the processes then share no disk. Names are
chosen by the domain (random, unguessable: a private post's picture is only as
private as its URL is unknown, as in Mastodon).
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from typing import Any, Protocol


class MediaStorage(Protocol):
    def save(self, name: str, data: bytes) -> None: ...

    def read(self, name: str) -> bytes | None:
        """The file's bytes, or None if there is none by that name."""
        ...

    def url(self, name: str) -> str: ...

    def delete(self, name: str) -> None:
        """Removes the file; removing a missing file is not an error (jobs retry)."""
        ...


class FolderMediaStorage:
    def __init__(self, root: Path, base_url: str) -> None:
        self.root = root
        self.base_url = base_url.rstrip("/")
        self.root.mkdir(parents=True, exist_ok=True)

    def save(self, name: str, data: bytes) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)

    def read(self, name: str) -> bytes | None:
        try:
            return (self.root / name).read_bytes()
        except FileNotFoundError:
            return None

    def url(self, name: str) -> str:
        return f"{self.base_url}/media/{name}"

    def delete(self, name: str) -> None:
        (self.root / name).unlink(missing_ok=True)


class S3MediaStorage:
    """An S3-compatible bucket (AWS, SeaweedFS, MinIO, Garage...) through boto3.

    Each call is one HTTP request to the store; ``url`` costs nothing (the public
    base URL is configured, e.g. a CDN or the store's own endpoint plus bucket).
    boto3's client is thread-safe, so one per process serves every thread. boto3 is
    imported here, not at the top: it adds 25 MB to every process, and the embedded
    default (a media folder) never needs it."""

    def __init__(
        self,
        *,
        endpoint: str,
        bucket: str,
        access_key: str,
        secret_key: str,
        region: str,
        public_url: str,
    ) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.public_url = public_url.rstrip("/") or f"{endpoint.rstrip('/')}/{bucket}"
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint or None,
            aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None,
            region_name=region,
            config=Config(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=30,
            ),
        )

    def save(self, name: str, data: bytes) -> None:
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        self.client.put_object(Bucket=self.bucket, Key=name, Body=data, ContentType=content_type)

    def read(self, name: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=name)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        body: bytes = answer["Body"].read()
        return body

    def url(self, name: str) -> str:
        return f"{self.public_url}/{name}"

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=name)
