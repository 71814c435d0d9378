"""The OpenAPI document: every error a typed problem+json, and each route with the statuses it
really answers (the generic ones follow from what the route takes; the rest are listed here,
by operation id, where a reader looks for them)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from gateway.problems import MEDIA_TYPE, Problem

BEARER = "bearer"
PHRASES = {
    400: "Malformed JSON, JSON nested too deep, or a proof of work that does not check out",
    401: "Missing or invalid credentials (a bearer token; for federation, the signature)",
    403: "Unknown tenant, or a role that may not do this",
    404: "Not found (also another tenant's, or a wrong access code)",
    408: "The request body stopped arriving",
    409: "Not allowed in the case's current status, a reused Idempotency-Key, or a conflict",
    413: "Body too large",
    415: "Not JSON (or, for files, a type this institution does not take)",
    422: "Invalid fields, each named in `errors`",
    429: "Too many requests: wait `Retry-After` seconds",
    503: "A service is unavailable: retry after `Retry-After` seconds",
}

# What a route answers beyond what follows from its inputs (see `_generic`): by operation id.
SPECIFIC: dict[str, tuple[int, ...]] = {
    "submit_complaint": (409,),
    "list_cases": (),
    "get_case": (404,),
    "act_on_case": (404, 409),
    "list_candidates": (404,),
    "explain_deadlines": (404,),
    "list_categories": (),
    "put_category": (),
    "delete_category": (404,),
    "get_routing_table": (),
    "put_routing_table": (),
    "classify": (),
    "declare_conflict": (404,),
    "get_deadline_policy": (),
    "change_deadline_policy": (),
    "list_calendar_years": (),
    "load_calendar_year": (),
    "rebuild_deadlines": (404,),
    "extend_deadline": (404, 409),
    "get_deadline_ledger": (),
    "upload_case_files": (404, 409),
    "download_case_file": (404,),
    "portal_upload_files": (404, 409, 429),
    "portal_download_file": (404, 429),
    "list_notifications": (),
    "stream_notifications": (),
    "list_deliveries": (),
    "retry_delivery": (404, 409),
    "list_webhooks": (),
    "put_webhook": (),
    "delete_webhook": (404,),
    "list_templates": (),
    "put_template": (404,),
    "delete_template": (404,),
    "get_notification_preferences": (),
    "put_notification_preferences": (),
    "get_oversight": (),
    "portal_view_case": (404, 429),
    "portal_add_material": (404, 409, 429),
    "portal_answer_survey": (404, 409, 429),
    "portal_withdraw": (404, 409, 429),
    "portal_ask_reopening": (404, 409, 429),
    "public_challenge": (404,),
    "file_public_complaint": (400, 404, 413, 429),
    "list_transfer_paths": (),
    "list_transfers": (),
    "receive_federated_message": (401, 404, 409),
}


def operation_id(route: APIRoute) -> str:
    """The route's own name: every route names itself (`operation_id=` or its function)."""
    return route.operation_id or route.name


def _generic(operation: dict[str, Any]) -> set[int]:
    """The statuses that follow from what the route takes: any request (429: the rate
    limits; 503: a service down), a token (401, 403), a body (400 malformed or too deep, 408
    too slow, 413, 415, 422), parameters (422)."""
    codes = {429, 503}
    if operation.get("security"):
        codes |= {401, 403}
    body = operation.get("requestBody", {}).get("content", {})
    if "application/json" in body:
        codes |= {400, 408, 413, 415, 422}
    elif body:                                             # multipart: files
        codes |= {408, 413, 415, 422}
    if operation.get("parameters") or body:
        codes.add(422)
    return codes


def _document(operation: dict[str, Any]) -> None:
    codes = _generic(operation) | set(SPECIFIC[operation["operationId"]])
    responses = operation["responses"]
    for status in [s for s in responses if s.startswith(("4", "5"))]:
        del responses[status]                      # FastAPI's untyped 422: ours replaces it
    for status in sorted(codes):
        responses[str(status)] = {"description": PHRASES[status], "content": {
            MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def install(app: FastAPI) -> None:
    """Replace the app's document with the one described above (built once, when asked)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, routes=app.routes,
                             description=app.description, tags=app.openapi_tags)
        components = schema.setdefault("components", {})
        found = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        components.setdefault("schemas", {}).update(found.pop("$defs", {}), Problem=found)
        components["schemas"].pop("HTTPValidationError", None)
        components["schemas"].pop("ValidationError", None)
        for path in schema["paths"].values():
            for operation in path.values():
                _document(operation)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
