"""The staff workbench: server-rendered pages on the same services the API calls.

`install(app)` adds the pages, their static assets (served by casebridge itself, pinned in
static/vendor/ASSETS.json), the offline API docs, the security headers and the sign-in
redirect. Pages live under their own paths; the API stays under /v1.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from gateway.web import (
    admin_pages,
    case_files,
    case_page,
    inbox,
    ledger_page,
    notices,
    oidc,
    pages,
    public_filing,
    public_follow,
    register,
    signin,
    transfer_page,
)
from gateway.web.session import SignInRequired


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=pages.HERE / "static"), name="static")
    for module in (signin, oidc, inbox, notices, register, case_page, transfer_page,
                   admin_pages, ledger_page, public_follow, case_files, public_filing):
        app.include_router(module.router)

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        return pages.templates.TemplateResponse(request, "docs.html", {})

    async def to_signin(request: Request, exc: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.headers.get("hx-request"):       # htmx: the whole page goes
            return Response(status_code=401, headers={"HX-Redirect": "/signin?expired=1"})
        return RedirectResponse(f"/signin?next={target}", status_code=303)

    app.add_exception_handler(SignInRequired, to_signin)
    app.add_exception_handler(admin_pages.AdminOnly, admin_pages.forbidden)
