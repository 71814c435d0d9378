"""RFC 9457 problem details: every error the gateway answers is application/problem+json."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import grpc
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

MEDIA_TYPE = "application/problem+json"


class FieldError(BaseModel):
    field: str = Field(description="the field at fault, dotted (`complainant.phone`), or "
                       "`body`")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of the API is answered."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "type": "about:blank", "title": "Conflict", "status": 409,
        "detail": "accept is not allowed in status investigating",
        "current_status": "investigating", "allowed_actions": ["propose", "hold"]}]})

    type: str = Field(description="always about:blank: the status says what kind")
    title: str = Field(description="the status's phrase")
    status: int = Field(ge=400, le=599)
    detail: str = Field(description="what went wrong, in words for a person")
    errors: list[FieldError] | None = Field(None, description="each field at fault (400, 422)")
    current_status: str | None = Field(None, description="409 on a case: where it is now")
    allowed_actions: list[str] | None = Field(None, description="409 on a case: what may be "
                                              "done now")

GRPC_TO_HTTP = {
    grpc.StatusCode.INVALID_ARGUMENT: 422,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
}


def problem(status: int, detail: str, *, errors: list[dict[str, str]] | None = None,
            headers: dict[str, str] | None = None, **extensions: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": HTTPStatus(status).phrase,
                            "status": status, "detail": detail, **extensions}
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem(400, "the request body is not valid JSON",
                       errors=[{"field": "body", "message": str(errors[0].get("msg"))}])
    return problem(422, "the request has invalid or missing fields", errors=[
        {"field": _field(tuple(e.get("loc", ()))), "message": str(e.get("msg"))}
        for e in errors])


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return problem(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))


def explain(exc: grpc.aio.AioRpcError) -> tuple[int, str, list[dict[str, str]], dict[str, Any]]:
    """A service's refusal as HTTP sees it: status, words, field violations, and for an
    illegal transition where the case is and what may be done (the pages show the same)."""
    status = GRPC_TO_HTTP.get(exc.code(), 500)
    errors: list[dict[str, str]] = []
    extensions: dict[str, Any] = {}
    try:
        rich = rpc_status.from_call(exc)  # type: ignore[arg-type]  # aio: stubs take grpc.Call
    except ValueError:       # details that do not match the code (cut off on the way): none
        rich = None
    for detail in rich.details if rich else ():
        bad, unmet = error_details_pb2.BadRequest(), error_details_pb2.PreconditionFailure()
        if detail.Unpack(bad):
            errors += [{"field": v.field, "message": v.description} for v in bad.field_violations]
        elif detail.Unpack(unmet):
            for v in unmet.violations:  # an illegal transition: where the case is, what may be done
                extensions.update(current_status=v.subject,
                                  allowed_actions=v.description.split())
    if status >= 500:
        message = "a service is unavailable, try again" if status in (503, 504) else \
            "internal error"
        return status, message, [], {}
    return status, exc.details() or HTTPStatus(status).phrase, errors, extensions


async def on_grpc_error(request: Request, exc: Exception) -> JSONResponse:
    """A service's status becomes the matching HTTP problem, field violations included."""
    assert isinstance(exc, grpc.aio.AioRpcError)
    status, detail, errors, extensions = explain(exc)
    if status >= 500:
        return problem(status, detail, headers={"Retry-After": "1"} if status == 503 else None)
    return problem(status, detail, errors=errors, **extensions)
