"""``/openapi.json`` documents every answer: each operation's success response has a schema
with named properties (or a declared non-JSON media type), each documents its errors as
RFC 9457 problems, and real answers carry exactly the fields their schema names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tashilat.bootstrap import Container, build
from tashilat.entrypoints.api.app import create_app
from tashilat.entrypoints.api.models.base import Out
from tashilat.settings import Settings

from .helpers import world

V1 = "/api/v1"
PROBLEM = "application/problem+json"
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def stateless(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    """No migrations: the documents and the calculators need no database."""
    path: Path = tmp_path_factory.mktemp("openapi") / "x.sqlite3"
    c = build(Settings(database_url=f"sqlite:///{path}"))
    yield c
    c.dispose()


@pytest.fixture(scope="module")
def client(stateless: Container) -> Iterator[TestClient]:
    with TestClient(create_app(stateless), raise_server_exceptions=False) as tc:
        yield tc


@pytest.fixture(scope="module")
def spec(client: TestClient) -> dict[str, Any]:
    r = client.get("/openapi.json")
    assert r.status_code == 200
    body: dict[str, Any] = r.json()
    return body


def operations(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = spec["components"]["schemas"][name]
    return schema


def test_the_walk_sees_every_operation(spec: dict[str, Any]) -> None:
    labels = [label for label, _ in operations(spec)]
    assert len(labels) >= 73
    assert {"GET /healthz", "POST /api/v1/auth/login", "GET /api/v1/audit"} <= set(labels)
    with_problems = [
        label for label, op in operations(spec) if any(k.startswith("4") for k in op["responses"])
    ]
    assert set(labels) - set(with_problems) == {"GET /healthz"}


def test_every_success_response_has_a_schema_with_named_properties(
    spec: dict[str, Any],
) -> None:
    bare = []
    for label, op in operations(spec):
        ok = {k: v for k, v in op["responses"].items() if k.startswith("2")}
        assert ok, f"{label}: no 2xx response"
        for status, resp in ok.items():
            content = resp.get("content")
            if status == "204":
                assert not content, label
                continue
            assert content, f"{label} {status}: no content"
            for media, body in content.items():
                schema = resolve(spec, body.get("schema") or {})
                if media == "application/json":
                    if not schema.get("properties"):
                        bare.append(f"{label} {status}")
                else:
                    assert schema.get("type") == "string", f"{label} {status} {media}"
    assert bare == []


def test_every_operation_documents_its_errors_as_problems(spec: dict[str, Any]) -> None:
    for label, op in operations(spec):
        errors = {k: v for k, v in op["responses"].items() if k.startswith("4")}
        if op.get("parameters") or op.get("requestBody"):
            assert "422" in errors, label
        if op.get("security"):
            assert {"401", "403", "404", "409", "422"} <= set(errors), label
        for status, resp in errors.items():
            assert list(resp["content"]) == [PROBLEM], f"{label} {status}"
            assert resp["content"][PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}, (
                f"{label} {status}"
            )


def test_the_problem_schema_names_the_bilingual_fields(spec: dict[str, Any]) -> None:
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {
        "type",
        "title",
        "status",
        "detail",
        "code",
        "message_fa",
        "message_en",
    }
    assert {"instance", "field", "errors"} <= set(problem["properties"])


def test_the_default_validation_error_schema_is_not_documented(spec: dict[str, Any]) -> None:
    """Invalid requests answer a problem, not FastAPI's HTTPValidationError."""
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def _schema_of(spec: dict[str, Any], path: str, status: str = "200") -> dict[str, Any]:
    op = spec["paths"][path]["get"]
    return resolve(spec, op["responses"][status]["content"]["application/json"]["schema"])


def test_a_schedule_answer_has_exactly_the_documented_fields(
    client: TestClient, spec: dict[str, Any]
) -> None:
    r = client.get(
        V1 + "/calculators/loan-schedule",
        params={"principal": "۱۲۰٬۰۰۰٬۰۰۰", "rate": "4", "months": 12},
    )
    assert r.status_code == 200
    body = r.json()
    schema = _schema_of(spec, "/api/v1/calculators/loan-schedule")
    assert set(body) == set(schema["properties"]) == set(schema["required"])
    assert body["principal_rial"] == 120_000_000
    assert body["annual_rate_percent"] == "4"
    row = resolve(spec, schema["properties"]["instalments"]["items"])
    assert set(body["instalments"][0]) == set(row["properties"])


def test_a_rule_answer_has_exactly_the_documented_fields(
    client: TestClient, spec: dict[str, Any]
) -> None:
    r = client.get(
        V1 + "/wages/profile", params={"on": "1403/07/01", "married": "true", "children": 2}
    )
    assert r.status_code == 200
    body = r.json()
    schema = _schema_of(spec, "/api/v1/wages/profile")
    assert set(body) == set(schema["properties"]) == set(schema["required"])
    assert {"outcome", "as_of", "policy_hash", "reasons", "warnings"} <= set(body)
    assert schema["properties"]["as_of"]["type"] == "string"
    warning = resolve(spec, schema["properties"]["warnings"]["items"])
    assert set(warning["properties"]) == {
        "code",
        "message_fa",
        "message_en",
        "parameter",
        "status",
        "source",
    }


def test_a_conditional_field_is_written_only_when_the_handler_writes_it(
    client: TestClient,
) -> None:
    """The plan names its city only when asked by city, not as ``"city": null``."""
    by_tier = client.get(
        V1 + "/calculators/youth-fund/plan",
        params={"opened": "1403/01/01", "tier": 2, "follow_table": "true"},
    )
    assert by_tier.status_code == 200
    assert "city" not in by_tier.json()
    by_city = client.get(
        V1 + "/calculators/youth-fund/plan",
        params={"opened": "1403/01/01", "city": "تهران", "follow_table": "true"},
    )
    assert by_city.status_code == 200
    assert by_city.json()["city"] == "تهران (Tehran), تهران / Tehran"


def test_a_real_problem_has_the_documented_fields(client: TestClient, spec: dict[str, Any]) -> None:
    r = client.get(V1 + "/calculators/loan-schedule", params={"principal": "x", "rate": "4"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith(PROBLEM)
    problem = spec["components"]["schemas"]["Problem"]
    assert set(r.json()) <= set(problem["properties"])
    assert set(problem["required"]) <= set(r.json())


def test_a_model_keeps_fields_it_does_not_name() -> None:
    """A model documents an answer; it never drops part of it."""

    class Small(Out):
        a: int

    assert Small.model_validate({"a": 1, "b": "x"}).model_dump(mode="json") == {"a": 1, "b": "x"}


def test_the_audit_log_answers_newest_first_with_who_did_what(container: Container) -> None:
    w = world(container)
    with TestClient(create_app(container)) as tc:

        def token(username: str) -> dict[str, str]:
            r = tc.post(
                V1 + "/auth/login", json={"username": username, "password": "correct horse 1"}
            )
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        officer, auditor = token("officer"), token("auditor")
        body = {"national_id": "0499370899", "name": "سارا احمدی", "birth_date": "1378/02/10"}
        assert tc.post(V1 + "/customers", json=body, headers=officer).status_code == 201
        r = tc.get(V1 + "/audit", params={"limit": 1}, headers=auditor)
        assert tc.get(V1 + "/audit", headers=officer).status_code == 403
    assert r.status_code == 200
    page = r.json()
    assert (page["offset"], page["limit"]) == (0, 1)
    assert page["total"] >= 1
    [entry] = page["items"]
    assert set(entry) == {
        "id",
        "at",
        "user_id",
        "username",
        "action",
        "target",
        "request_id",
        "outcome",
        "detail",
    }
    assert entry["user_id"] == w.officer.user_id
    assert entry["username"] == "officer"
    assert entry["outcome"] == "ok"
    assert entry["at"][:2] == "20" and "T" in entry["at"]
