"""Pure ASGI guards in front of every route: request rates per caller and per address (shared
by every replica through gateway.limits), a request body that stops arriving (slowloris), and
JSON nested deeper than any body of the API (which would exhaust the parser's recursion).
Each refusal is a problem+json; nothing behind it runs."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from itertools import accumulate

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.limits import Exceeded, Limit, limits_of
from gateway.middleware import is_upload
from gateway.problems import problem

log = logging.getLogger(__name__)
MINUTE = 60
STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
BRACKETS = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
NOT_BRACKETS = bytes(b for b in range(256) if b not in BRACKETS)


def json_depth(raw: bytes) -> int:
    """How deep a JSON text nests (strings skipped; not a validator: json.loads is)."""
    skeleton = STRINGS.sub(b"", raw).translate(None, NOT_BRACKETS)
    return max(accumulate(BRACKETS[b] for b in skeleton), default=0)


def client_address(scope: Scope, behind_proxy: bool) -> str:
    """The peer's address; behind a trusted proxy, the last hop it appended."""
    if behind_proxy:
        forwarded = dict(scope["headers"]).get(b"x-forwarded-for", b"").decode("latin-1")
        hops = [h.strip() for h in forwarded.split(",")]
        if hops and hops[-1]:
            return hops[-1]
    client = scope.get("client")
    return client[0] if client else "unknown"


class RateLimit:
    """API requests (/v1/) per bearer token and per client address, in sliding one-minute
    windows every replica shares; over either, 429 with Retry-After. The token is hashed
    (by gateway.limits) and not decoded: an unverified claim must not spend someone else's
    budget. If the shared counters are unreachable the request goes through (logged): a
    limiter must not take the API down with it."""

    def __init__(self, app: ASGIApp, per_caller: int, per_address: int,
                 behind_proxy: bool = False) -> None:
        self.app, self.behind_proxy = app, behind_proxy
        self.caller = Limit("api-caller", per_caller, MINUTE) if per_caller else None
        self.address = Limit("api-address", per_address, MINUTE) if per_address else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v1/"):
            try:
                await self._count(scope)
            except Exceeded as exc:
                response = problem(429, f"too many requests ({exc.limit.limit} a minute per "
                                   f"{exc.limit.name.removeprefix('api-')}); retry later",
                                   headers={"Retry-After": str(exc.retry_after)})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _count(self, scope: Scope) -> None:
        limits = limits_of(scope["app"])
        token = dict(scope["headers"]).get(b"authorization")
        try:
            if self.address:
                await limits.hit(self.address, client_address(scope, self.behind_proxy))
            if self.caller and token:
                await limits.hit(self.caller, hashlib.sha256(token).hexdigest())
        except Exceeded:
            raise
        except Exception:                 # NATS unreachable: serve rather than refuse
            log.warning("rate limits unavailable; request let through", exc_info=True)


class SlowBody(Exception):
    pass


class BodyGuard:
    """A body that pauses longer than `idle_s` between its parts is cut off with 408; an API
    JSON body (/v1/, at most the body cap) is read whole first and refused with 400 when it
    nests deeper than `max_depth`."""

    def __init__(self, app: ASGIApp, idle_s: float, max_depth: int) -> None:
        self.app, self.idle_s, self.max_depth = app, idle_s, max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        started = False

        async def timed() -> Message:
            try:
                async with asyncio.timeout(self.idle_s):
                    return await receive()
            except TimeoutError:
                raise SlowBody from None

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            if scope["path"].startswith("/v1/") and not is_upload(scope):
                body = await self._whole(timed)
                if json_depth(body) > self.max_depth:
                    await problem(400, f"the JSON body nests deeper than {self.max_depth} "
                                  "levels")(scope, receive, send)
                    return
                await self.app(scope, self._replay(body, receive), sending)
            else:
                await self.app(scope, timed, sending)
        except SlowBody:
            if not started:
                await problem(408, f"the request body stopped arriving for {self.idle_s:g} s")(
                    scope, receive, send)

    @staticmethod
    async def _whole(receive: Receive) -> bytes:
        parts: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise SlowBody
            parts.append(message.get("body", b""))
            if not message.get("more_body", False):
                return b"".join(parts)

    @staticmethod
    def _replay(body: bytes, receive: Receive) -> Receive:
        sent = False

        async def again() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()                  # after the body: the disconnect, if any
        return again
