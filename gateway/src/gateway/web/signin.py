"""Signing in and out, and the language switch.

Locally (`auth_mode=local`, the demo of `make run`) a person picks one of the seed's staff;
with `auth_mode=oidc` the sign-in page sends them to the institution's identity provider
(see oidc.py). Either way the result is the same session cookie.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from casebridge_platform.auth import Principal
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from gateway.web import session as sessions
from gateway.web.pages import render

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path of this site: never an open redirect to another."""
    if not target:
        return "/inbox"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/inbox"
    return target


def demo_staff(request: Request) -> list[dict[str, Any]]:
    tenants = request.app.state.directory.tenants.values()
    return [{"id": t["id"], "name": t.get("name", t["id"]), "staff": [
        {"id": p["id"], "name": p.get("name", ""), "roles": p.get("roles", []),
         "department": p.get("department")} for p in t.get("staff", [])]} for t in tenants]


def start(request: Request, principal: Principal, name: str, target: str | None) -> Response:
    """Open a session for whoever the identity check found, and go where they were going."""
    settings = request.app.state.settings
    response = RedirectResponse(safe_next(target), status_code=303)
    sessions.write(request, response, sessions.new(
        principal, name=name, lang=settings.default_language, ttl_s=settings.session_ttl_s))
    return response


@router.get("/")
async def home(request: Request) -> Response:
    return RedirectResponse("/inbox" if sessions.read(request) else "/signin", status_code=303)


@router.get("/signin")
async def signin_page(request: Request, next: str | None = None,
                      expired: bool = False) -> Response:
    local = request.app.state.settings.auth_mode == "local"
    return render(request, sessions.read(request), "signin.html", next=safe_next(next),
                  expired=expired, demo=demo_staff(request) if local else [], oidc=not local)


@router.post("/signin")
async def signin_local(request: Request, tenant: Annotated[str, Form(max_length=64)],
                       user: Annotated[str, Form(max_length=64)],
                       target: Annotated[str, Form(alias="next", max_length=500)] = ""
                       ) -> Response:
    """The demo's sign-in: only with auth_mode=local, only as a person of the seed."""
    if request.app.state.settings.auth_mode != "local":
        return render(request, None, "error.html", status_code=404,
                      message="local sign-in is off: use the identity provider")
    people = {(t["id"], p["id"]): p for t in demo_staff(request) for p in t["staff"]}
    found = people.get((tenant, user))
    if found is None:
        return render(request, None, "error.html", status_code=403,
                      message=f"{user} is not a person of {tenant} in this deployment")
    principal = Principal(tenant_id=tenant, user_id=found["id"], roles=tuple(found["roles"]),
                          department=found["department"])
    return start(request, principal, found["name"] or found["id"], target)


@router.post("/signout")
async def signout(request: Request, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    current = sessions.read(request)
    if current is not None:
        sessions.check_csrf(request, current, csrf)
    response = RedirectResponse("/signin", status_code=303)
    sessions.clear(response)
    return response


@router.post("/language")
async def language(request: Request, lang: Annotated[str, Form(max_length=8)],
                   csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    current = sessions.required(request)
    sessions.check_csrf(request, current, csrf)
    response = RedirectResponse(_back(request), status_code=303)
    sessions.write(request, response, sessions.with_language(current, lang))
    return response


def _back(request: Request) -> str:
    referer = request.headers.get("referer", "")
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc != request.url.netloc:
        return "/inbox"
    return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))
