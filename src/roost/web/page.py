"""What every web handler shares: one ``Web`` object per request and the ``page``
wrapper that reads the form, checks the CSRF token, runs the handler in a thread
(domain code is synchronous) and turns domain errors into pages, never a 500."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from jinja2 import Environment
from markupsafe import escape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from roost.accounts.queries import AccountRow, get_account
from roost.bodies import SMALL_BODY_BYTES, BodyRefused, field_with_nul, read_body
from roost.errors import Forbidden, NotFound, RateLimited, RoostError
from roost.filters.matcher import EMPTY
from roost.ids import parse_id
from roost.media.images import MAX_UPLOAD_BYTES
from roost.paging import Page
from roost.runtime import Runtime
from roost.web.auth import WebSession, check_csrf, session_of
from roost.web.templating import build_environment
from roost.web.unread import Unread

FRAGMENT_HEADER = "x-roost-fragment"
_NUL_PROBLEM = "The address or the form holds a character no text can contain (NUL)."
PAGE_SIZE = 20


def environment(rt: Runtime) -> Environment:
    if rt.web_env is None:
        rt.web_env = build_environment(rt)
    return rt.web_env


@dataclass
class Web:
    request: Request
    rt: Runtime
    session: WebSession
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    _viewer: AccountRow | None = None

    @property
    def viewer_id(self) -> int | None:
        return self.session.account_id

    @property
    def me(self) -> int:
        """The signed-in account; only in handlers wrapped with ``login=True``."""
        assert self.session.account_id is not None
        return self.session.account_id

    @property
    def viewer(self) -> AccountRow | None:
        if self._viewer is None and self.session.account_id is not None:
            try:
                self._viewer = get_account(self.rt, self.session.account_id)
            except NotFound:  # deleted since the session was checked
                self.session.log_out()
        return self._viewer

    @property
    def wants_fragment(self) -> bool:
        """The small script sends this header when it will swap the answer into the page."""
        return self.request.headers.get(FRAGMENT_HEADER) == "1"

    def query_int(self, name: str) -> int | None:
        return parse_id(self.request.query_params.get(name))

    def path_id(self) -> int:
        post_id = parse_id(str(self.request.path_params["id"]))
        if post_id is None:
            raise NotFound("Record not found")
        return post_id

    def page(self) -> Page:
        return Page(max_id=self.query_int("max_id"), limit=PAGE_SIZE)

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.render_text(template, **context), status_code=status)

    def render_text(self, template: str, **context: Any) -> str:
        return environment(self.rt).get_template(template).render(self.context(**context))

    def context(self, **context: Any) -> dict[str, Any]:
        viewer = self.viewer
        base: dict[str, Any] = {
            "viewer": viewer,
            # Lazy: read only by the navigation, so fragments never pay for it.
            "unread": Unread(self.rt, viewer.id) if viewer is not None else None,
            "csrf_token": self.session.csrf_token,
            "path": self.request.url.path,
            "here": self.here,
            "errors": {},
            "values": {},
            "matcher": EMPTY,  # the viewer's filters, where a page of posts applies them
        }
        base.update(context)
        return base

    @property
    def here(self) -> str:
        query = self.request.url.query
        return self.request.url.path + (f"?{query}" if query else "")

    def next_url(self, default: str = "/") -> str:
        return local_url(self.form.get("next") or self.request.query_params.get("next"), default)

    def redirect(self, url: str) -> RedirectResponse:
        return RedirectResponse(url, status_code=303)


def local_url(candidate: str | None, default: str = "/") -> str:
    """Only paths on this site: an open redirect would let a link log people into a phish."""
    if not candidate or not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return default
    if any(c in candidate for c in "\r\n"):
        return default
    return candidate


Handler = Callable[[Web], Response]


def page(
    *, login: bool = False, files: int = 0
) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """``login``: only for a signed-in person (checked before a form is read);
    ``files``: how many files the page's form uploads (a form without files is
    read up to 64 KB, see ``roost.bodies``)."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            rt: Runtime = request.app.state.rt
            web = Web(request=request, rt=rt, session=session_of(request.scope))
            if login and web.viewer_id is None and request.method == "POST":
                # Before the body: nobody signed out makes the server read a form.
                return await run_in_threadpool(_problem_page, web, 403, "Log in first.")
            if request.method == "POST":
                problem = await _read_form(web, files)
                if problem is not None:
                    return await run_in_threadpool(_problem_page, web, *problem)
                if not check_csrf(request.scope, web.form.get("csrf_token")):
                    return await run_in_threadpool(
                        _problem_page,
                        web,
                        403,
                        "This form has expired. Go back, reload the page and try again.",
                    )
            if field_with_nul(request.path_params, request.query_params, web.form) is not None:
                return await run_in_threadpool(_problem_page, web, 400, _NUL_PROBLEM)
            if login and web.viewer_id is None:
                if request.method == "GET":
                    return web.redirect(f"/login?next={quote(web.here, safe='/')}")
                return await run_in_threadpool(_problem_page, web, 403, "Log in first.")
            return await run_in_threadpool(_run, handler, web)

        return endpoint

    return wrap


def _run(handler: Handler, web: Web) -> Response:
    try:
        with web.rt.db.pinned():  # the page's reads share one pooled connection
            return handler(web)
    except NotFound:
        return _problem_page(web, 404, "This page does not exist, or is not visible to you.")
    except Forbidden as exc:
        return _problem_page(web, 403, exc.message)
    except RateLimited as exc:
        return _problem_page(web, 429, exc.message)
    except RoostError as exc:  # ValidationFailed a handler did not show next to a field
        return _problem_page(web, 422, exc.message)


def _problem_page(web: Web, status: int, message: str) -> Response:
    if web.wants_fragment:
        return HTMLResponse(f'<p class="problem">{escape(message)}</p>', status_code=status)
    return web.render("problem.html", status=status, message=message, status_code=status)


async def _read_form(web: Web, files: int) -> tuple[int, str] | None:
    """The form into ``web.form`` and ``web.files``, or the status and message of
    why it could not be read."""
    limit = files * MAX_UPLOAD_BYTES + SMALL_BODY_BYTES if files else SMALL_BODY_BYTES
    try:
        body = await read_body(web.request, limit=limit, files=files, file_limit=MAX_UPLOAD_BYTES)
    except BodyRefused as exc:
        if exc.status == 413:
            return 413, f"{exc.message}: send less and try again."
        return 400, "The form could not be read. Reload the page and try again."
    for key, value in body.values.items():
        web.form[key] = value[-1] if isinstance(value, list) else value
    for key, upload in body.files.items():
        data = await upload.read(MAX_UPLOAD_BYTES + 1)
        await upload.close()
        if upload.filename or data:
            web.files[key] = data
    return None
