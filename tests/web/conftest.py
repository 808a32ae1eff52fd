"""Web fixtures.

``web`` is a form-filling client over ``create_app(rt=rt)`` (both backends; jobs
run when a test calls ``settle()``). ``web.log_in("alice")`` registers the
persona through ``people`` and logs in through the real form; ``web.submit``
fetches a page, takes the CSRF token from it and posts a form as a browser
would.

``live_server`` is a real uvicorn server in a thread over SQLite in a temporary
folder, with the in-process worker, for the Playwright tests; ``browser`` is
Debian's Chromium driven by Playwright.
"""

from __future__ import annotations

import re
import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette asks for the httpx2 package; httpx (installed) works the same for tests.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from roost.accounts.actions import do_register
from roost.app import create_app
from roost.config import Settings
from roost.runtime import Runtime, build_runtime
from roost.store.migrate import migrate
from tests.conftest import PASSWORD, People

BASE_URL = "http://roost.test"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# The machine is shared: give the browser some slack before calling a test failed.
expect.set_options(timeout=10_000)

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class WebClient:
    def __init__(self, client: TestClient, people: People) -> None:
        self.client = client
        self.people = people

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def csrf(self, page: str = "/") -> str:
        match = CSRF_RE.search(self.client.get(page).text)
        assert match, f"no form on {page}"
        return match.group(1)

    def submit(
        self,
        action: str,
        data: dict[str, str] | None = None,
        *,
        page: str = "/",
        files: dict[str, Any] | None = None,
        follow: bool = False,
    ) -> Any:
        form = {"csrf_token": self.csrf(page), **(data or {})}
        return self.client.post(action, data=form, files=files, follow_redirects=follow)

    def log_in(self, name: str) -> int:
        account_id: int = getattr(self.people, name)
        response = self.submit("/login", {"login": name, "password": PASSWORD}, page="/login")
        assert response.status_code == 303, response.text
        return account_id

    def log_out(self) -> None:
        self.submit("/logout")


def make_client(rt: Runtime, base_url: str = BASE_URL) -> TestClient:
    return TestClient(create_app(rt=rt), base_url=base_url)


@pytest.fixture
def web(rt: Runtime, people: People) -> WebClient:
    return WebClient(make_client(rt), people)


@pytest.fixture
def other_web(rt: Runtime, people: People) -> WebClient:
    """A second browser (its own cookies) on the same server."""
    return WebClient(make_client(rt), people)


# --- A real server and a real browser ---------------------------------------


@dataclass
class LiveServer:
    url: str
    rt: Runtime

    def register(self, name: str) -> int:
        return do_register(self.rt, name, PASSWORD)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("live")
    settings = Settings(
        data_dir=data_dir, host="127.0.0.1", port=port, base_url=f"http://127.0.0.1:{port}"
    )
    migrate(settings.effective_database_url)
    rt = build_runtime(settings)
    config = uvicorn.Config(
        create_app(rt=rt),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="none",
        lifespan="on",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield LiveServer(settings.effective_base_url, rt)
    finally:
        server.should_exit = True
        thread.join(10)
        rt.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


OpenPage = Callable[..., Page]


@pytest.fixture
def open_page(browser: Browser) -> Iterator[OpenPage]:
    """Opens a page in a fresh browser context (its own cookies: another person);
    every context is closed after the test, so no live stream outlives it."""
    contexts: list[BrowserContext] = []

    def new_page(width: int = 1280, height: int = 900, *, javascript: bool = True) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": height}, java_script_enabled=javascript
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def screenshot(page: Page, name: str, *, dark: bool = False) -> None:
    """Saves the page at desktop and phone widths as a test artifact (and, if asked,
    in dark mode too)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size or {"width": 1280, "height": 900}
    schemes: list[Literal["light", "dark"]] = ["light", "dark"] if dark else ["light"]
    for scheme in schemes:
        page.emulate_media(color_scheme=scheme)
        suffix = "-dark" if scheme == "dark" else ""
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
            page.screenshot(path=str(ARTIFACTS / f"{name}-{width}{suffix}.png"), full_page=True)
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(original)
