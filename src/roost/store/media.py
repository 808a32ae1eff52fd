"""Where uploaded files live: a folder under the data directory, served at /media/.

A Protocol so that an object store can replace the folder without touching the
domain; the embedded default and scale mode both use a folder (in scale mode, a
shared volume).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol


class MediaStorage(Protocol):
    def save(self, name: str, data: bytes) -> None: ...

    def url(self, name: str) -> str: ...

    def delete(self, name: str) -> None: ...


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

    def url(self, name: str) -> str:
        return f"{self.base_url}/media/{name}"

    def delete(self, name: str) -> None:
        (self.root / name).unlink(missing_ok=True)
