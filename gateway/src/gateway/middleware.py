"""Pure ASGI middleware: a server span and metrics per request, and a cap on request bodies."""

from __future__ import annotations

import re
import time

from casebridge_platform import metrics, telemetry
from opentelemetry import trace
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.problems import problem


class Tracing:
    """Continue the caller's trace (traceparent) or start one, around each request; count and
    time it by route template (never by raw path: ids would explode the labels)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        status: dict[str, int] = {}

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        started = time.perf_counter()
        with telemetry.tracer().start_as_current_span(
            f"{scope['method']} {scope['path']}", context=telemetry.extract(headers),
            kind=trace.SpanKind.SERVER,
            attributes={"http.request.method": scope["method"], "url.path": scope["path"]},
        ) as span:
            try:
                await self.app(scope, receive, send_status)
            finally:
                route = route_template(scope)
                span.update_name(f"{scope['method']} {route}")
                span.set_attribute("http.route", route)
                span.set_attribute("http.response.status_code", status.get("code", 500))
                metrics.HTTP_LATENCY.labels(route, scope["method"]).observe(
                    time.perf_counter() - started)
                metrics.HTTP_REQUESTS.labels(route, scope["method"],
                                             str(status.get("code", 500))).inc()


def route_template(scope: Scope) -> str:
    """/v1/cases/{case_id} for /v1/cases/0c1…; static files and unknown paths grouped."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path + ("/{path}" if path.startswith("/static") else "")
    return "unmatched"


# where multipart file uploads are taken (with their own, larger cap on the body)
UPLOADS = re.compile(r"^/(v1/cases/[^/]+|v1/portal/[^/]+/cases/[^/]+|cases/[^/]+)/files$"
                     r"|^/t/[^/]+/follow/material$")


def is_upload(scope: Scope) -> bool:
    return scope["method"] == "POST" and UPLOADS.match(scope["path"]) is not None


class TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse bodies over max_bytes with 413, whether announced by Content-Length or streamed;
    file uploads have their own cap (upload_bytes; each tenant caps each file below it)."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes or max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_bytes if is_upload(scope) else self.max_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(scope, receive, send, limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except TooLarge:
            await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = problem(413, f"the request body is larger than {limit} bytes")
        await response(scope, receive, send)


class JsonOnly:
    """Refuse an API request body that is not JSON with 415, before anything parses it (the
    pages under other paths post forms)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PUT", "PATCH") \
                and scope["path"].startswith("/v1/"):
            media = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip()
            if media == b"multipart/form-data" and is_upload(scope):
                media = b""                                 # a file upload (routes/files.py)
            if media and media != b"application/json" and not media.endswith(b"+json"):
                response = problem(415, "the request body must be application/json")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'; object-src 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"), (b"x-content-type-options", b"nosniff")]


class SecurityHeaders:
    """On every response: no inline script, no framing, no referrer leaving the site, no
    sniffing (pages and API alike; the API answers JSON, which the same rules do not hurt)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((k, v) for k, v in SECURITY_HEADERS if k not in present)]
            await send(message)

        await self.app(scope, receive, with_headers)
