"""Schemathesis against the OpenAPI schema: whatever a client sends, never a 5xx."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tashilat.bootstrap import build
from tashilat.demo import DEMO_PASSWORD, seed
from tashilat.entrypoints.api.app import create_app
from tashilat.settings import Settings


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path: Path = tmp_path_factory.mktemp("schemathesis") / "demo.sqlite3"
    c = build(Settings(database_url=f"sqlite:///{path}"))
    seed(c)
    app = create_app(c)
    with TestClient(app) as client:
        token = client.post(
            "/api/v1/auth/login", json={"username": "admin", "password": DEMO_PASSWORD}
        ).json()["access_token"]
    yield app, token
    c.dispose()


def test_no_server_errors(demo_app) -> None:  # type: ignore[no-untyped-def]
    """Every operation, with generated valid and invalid inputs, as the demo admin."""
    app, token = demo_app
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def run(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        run()
        checked.append(operation.label)
    assert len(checked) >= 25, checked
