"""The OpenAPI document: typed problem+json errors, per route only the statuses it answers, the
bearer scheme on staff routes, sensible operation ids, examples that are valid bodies."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from gateway.app import create_app
from gateway.problems import Problem, problem
from gateway.routes.cases import ACTIONS
from gateway.settings import GatewaySettings
from pydantic import BaseModel, TypeAdapter

from gateway import openapi, schemas
from tests.support import SEED

UNAUTHENTICATED = {"portal", "public", "transfers"}   # the complainant, the public, agencies


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("openapi")
    app = create_app(GatewaySettings(token_key_file=tmp / "token.key", seed_file=SEED,
                                     var_dir=tmp, principal_key="k" * 43))
    return app.openapi()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in document["paths"].items()
            for method, op in ops.items()]


def test_every_error_is_a_typed_problem(document: dict[str, Any]) -> None:
    for method, path, op in operations(document):
        errors = {s: r for s, r in op["responses"].items() if s[0] in "45"}
        assert errors, (method, path)
        for status, response in errors.items():
            assert response["content"] == {"application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"}}}, (method, path, status)
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert document["components"]["schemas"]["Problem"]["required"] == \
        ["type", "title", "status", "detail"]


def test_only_the_statuses_a_route_answers_are_documented(document: dict[str, Any]) -> None:
    by_id = {op["operationId"]: op for _, _, op in operations(document)}
    assert set(by_id) == set(openapi.SPECIFIC)             # no route forgotten, none stale
    codes = {i: {int(s) for s in op["responses"] if s[0] in "45"} for i, op in by_id.items()}
    assert codes["list_categories"] == {401, 403, 429, 503}   # no body, no id: no more
    assert codes["get_case"] == {401, 403, 404, 422, 429, 503}
    assert 409 in codes["act_on_case"] and 409 not in codes["get_case"]
    assert 401 not in codes["portal_view_case"] and 408 in codes["portal_add_material"]
    assert 400 in codes["file_public_complaint"] and 429 in codes["file_public_complaint"]


def test_staff_routes_take_the_bearer_scheme(document: dict[str, Any]) -> None:
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": document["components"]["securitySchemes"]["bearer"]["description"]}
    for method, path, op in operations(document):
        staff = not set(op["tags"]) & UNAUTHENTICATED or path in (
            "/v1/transfer-paths", "/v1/transfers")
        assert (op.get("security") == [{"bearer": []}]) is staff, (method, path)
        assert "authorization" not in {p["name"].lower() for p in op.get("parameters", [])}


def test_operation_ids_are_method_names(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in operations(document)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", i) and len(i) <= 32 for i in ids), ids


@pytest.mark.parametrize("model", [
    schemas.ComplaintCreate, schemas.CategoryRule, schemas.RoutingTable, schemas.ClassifyBody,
    schemas.ConflictBody, schemas.PortalMaterial, schemas.PortalSurvey, schemas.PortalWithdraw,
    schemas.PortalReopen, schemas.FederatedMessage])
def test_the_examples_are_valid_bodies(document: dict[str, Any], model: type[BaseModel]) -> None:
    (example,) = document["components"]["schemas"][model.__name__]["examples"]
    model.model_validate(example)


def test_the_action_examples_are_valid_actions(document: dict[str, Any]) -> None:
    body = document["paths"]["/v1/cases/{case_id}/actions"]["post"]["requestBody"]
    examples = body["content"]["application/json"]["examples"]
    assert set(examples) == set(ACTIONS)
    for example in examples.values():
        TypeAdapter(schemas.CaseAction).validate_python(example["value"])
    for path in ("/v1/deadline-policy", "/v1/webhooks/{endpoint_id}",
                 "/v1/me/notification-preferences", "/v1/public/{tenant_id}/complaints"):
        method = "patch" if path == "/v1/deadline-policy" else \
            "post" if "public" in path else "put"
        content = document["paths"][path][method]["requestBody"]["content"]["application/json"]
        ref = content["schema"].get("$ref", "")
        schema = document["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref \
            else content["schema"]
        assert schema["examples"], path


def test_an_answered_problem_matches_the_model() -> None:
    answer = problem(409, "accept is not allowed", errors=[{"field": "action", "message": "x"}],
                     current_status="investigating", allowed_actions=["propose"])
    assert answer.media_type == "application/problem+json"
    Problem.model_validate(json.loads(bytes(answer.body)))

