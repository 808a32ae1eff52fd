"""Your data: the archive (``/settings/export``), the CSV downloads Mastodon offers
at ``/settings/exports/*.csv``, and the CSV import (``/settings/import``).

Web only, as on Mastodon (its client API has neither). An archive is served by
``download`` to its owner's session only: the file's name in storage is random and
never shown. The pages refresh themselves while a job is under way, so the
progress (posts written, batches imported) moves without JavaScript."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.archive.csvs import FILES, export_csv
from roost.archive.export import do_request_export
from roost.archive.imports import KINDS, MAX_BYTES, MAX_ROWS, do_start_import
from roost.archive.queries import access_archive, get_exports, get_imports
from roost.errors import NotFound, RateLimited, ValidationFailed
from roost.web.page import Web, page


def _export_page(web: Web, status: int = 200, problem: str = "") -> Response:
    exports = get_exports(web.rt, web.me)
    busy = any(e.state in ("pending", "running") for e in exports)
    return web.render(
        "export.html", status, exports=exports, busy=busy, problem=problem, files=FILES
    )


@page(login=True)
def export_page(web: Web) -> Response:
    return _export_page(web)


@page(login=True)
def request_export(web: Web) -> Response:
    try:
        do_request_export(web.rt, web.me)
    except RateLimited as exc:
        return _export_page(web, 429, exc.message)
    return web.redirect("/settings/export")


@page(login=True)
def download(web: Web) -> Response:
    data = access_archive(web.rt, web.me, web.path_id())
    return Response(
        data,
        media_type="application/zip",
        headers={
            "content-disposition": 'attachment; filename="roost-archive.zip"',
            "cache-control": "private, no-store",
        },
    )


@page(login=True)
def csv_file(web: Web) -> Response:
    kind = str(web.request.path_params["kind"])
    if kind not in FILES:
        raise NotFound("Record not found")
    return Response(
        export_csv(web.rt, web.me, kind),
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="{FILES[kind]}"',
            "cache-control": "private, no-store",
        },
    )


def _import_page(web: Web, status: int = 200, **context: object) -> Response:
    imports = get_imports(web.rt, web.me)
    return web.render(
        "import.html",
        status,
        imports=imports,
        busy=any(not i.finished for i in imports),
        kinds=KINDS,
        max_mb=MAX_BYTES // (1024 * 1024),
        max_rows=MAX_ROWS,
        **context,
    )


@page(login=True)
def import_page(web: Web) -> Response:
    return _import_page(web)


@page(login=True, files=1)
def start_import(web: Web) -> Response:
    try:
        do_start_import(
            web.rt,
            web.me,
            web.form.get("kind", ""),
            web.form.get("mode", "merge"),
            web.files.get("file", b""),
            label=FILES.get(web.form.get("kind", ""), ""),
        )
    except ValidationFailed as exc:
        return _import_page(web, 422, errors={exc.field or "file": exc.message}, values=web.form)
    return web.redirect("/settings/import")


routes = [
    Route("/settings/export", export_page, methods=["GET"]),
    Route("/settings/export", request_export, methods=["POST"]),
    Route("/settings/export/{id}/download", download, methods=["GET"]),
    Route("/settings/exports/{kind}.csv", csv_file, methods=["GET"]),
    Route("/settings/import", import_page, methods=["GET"]),
    Route("/settings/import", start_import, methods=["POST"]),
]
