"""The HTTP clients the configured channels open are closed by the stop hooks they register."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest
from casebridge_platform.config import Settings
from casebridge_platform.runtime import StopHook
from notification.adapters.channels import Message
from notification.bootstrap import outside_channels
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


def peer() -> Starlette:
    """Answers a webhook with 204 and SendSms with OK, whatever is sent."""
    async def answer(request: Request) -> Response:
        if request.url.path == "/sms":
            return JSONResponse({"Code": "OK", "Message": "OK", "BizId": "biz-1"})
        return Response(status_code=204)

    return Starlette(routes=[Route("/{path:path}", answer, methods=["POST"])])


async def test_the_webhook_and_sms_clients_are_closed_by_the_stop_hooks(
        serve: Callable[[Starlette], Any]) -> None:
    async with serve(peer()) as base:
        settings = Settings(principal_key=secrets.token_urlsafe(32), sms_provider="aliyun",
                            sms_endpoint=f"{base}/sms", sms_access_key_id="id",
                            sms_sign_name="casebridge", sms_template_code="SMS_1")
        on_stop: list[StopHook] = []
        channels = outside_channels(settings, on_stop)
        webhook, sms = channels["webhook"](b"secret"), channels["sms"]  # type: ignore[operator]
        hook = Message("d-1", f"{base}/hook", "subject", "body")
        text = Message("d-2", "13800000000", "subject", "body", data={"case_number": "C-1"})
        assert await webhook.send(hook) == "204"
        assert await sms.send(text) == "biz-1"   # type: ignore[attr-defined]

        assert len(on_stop) == 2
        for close in on_stop:
            await close()

        with pytest.raises(RuntimeError, match="closed"):
            await webhook.send(hook)
        with pytest.raises(RuntimeError, match="closed"):
            await sms.send(text)   # type: ignore[attr-defined]
