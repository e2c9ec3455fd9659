"""Logins under attack, through the HTTP API: throttling, the audit of every refusal,
revocation that takes effect at once on every worker, and answers that no cache keeps.
On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tashilat.adapters.db.models import AuditLog
from tashilat.bootstrap import Container
from tashilat.entrypoints.api.app import create_app
from tashilat.services.login_throttle import LoginThrottle

from .helpers import world

PW = "correct horse 1"
LOGIN = "/api/v1/auth/login"


def last_audit_id(c: Container) -> int:
    uow = c.reader()
    with uow:
        return uow.session.scalar(select(func.max(AuditLog.id))) or 0


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    """A client over a database with staff users and none of their logins in the audit."""
    world(container)
    container.audit_start = last_audit_id(container)  # type: ignore[attr-defined]
    with TestClient(create_app(container)) as tc:
        yield tc


def audit_rows(c: Container, *columns: Any) -> list[tuple[Any, ...]]:
    """The audit rows written since the ``client`` fixture was made."""
    uow = c.reader()
    with uow:
        rows = uow.session.execute(
            select(*columns)
            .where(AuditLog.id > c.audit_start)  # type: ignore[attr-defined]
            .order_by(AuditLog.id)
        ).all()
    return [tuple(r) for r in rows]


def audit_actions(c: Container) -> list[tuple[Any, ...]]:
    return audit_rows(c, AuditLog.action, AuditLog.username, AuditLog.outcome)


def test_wrong_passwords_are_throttled_per_username_then_even_the_right_one_waits(
    client: TestClient, container: Container
) -> None:
    for _ in range(5):
        r = client.post(LOGIN, json={"username": "officer", "password": "wrong password"})
        assert r.status_code == 401
    r = client.post(LOGIN, json={"username": "officer", "password": PW})
    assert r.status_code == 429
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "auth.throttled"
    assert 1 <= int(r.headers["Retry-After"]) <= 61
    assert "ثانیه" in r.json()["message_fa"]
    # another user is not held up by this one's failures
    assert client.post(LOGIN, json={"username": "auditor", "password": PW}).status_code == 200
    # every refusal is in the audit log
    assert audit_actions(container) == [
        *[("auth.login_failed", "officer", "refused")] * 5,
        ("auth.throttled", "officer", "refused"),
        ("auth.login", "auditor", "ok"),
    ]


def test_wrong_passwords_are_throttled_per_client_address(
    client: TestClient, container: Container
) -> None:
    client.app.state.login_throttle = LoginThrottle("100/minute", "3/minute")  # type: ignore[attr-defined]
    for name in ("nobody1", "nobody2", "officer"):
        r = client.post(LOGIN, json={"username": name, "password": "wrong password"})
        assert r.status_code == 401
    r = client.post(LOGIN, json={"username": "auditor", "password": PW})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    assert audit_actions(container)[-1] == ("auth.throttled", "auditor", "refused")


def test_failed_logins_logouts_and_401s_are_audited(
    client: TestClient, container: Container
) -> None:
    assert client.post(LOGIN, json={"username": "ghost", "password": "x"}).status_code == 401
    token = client.post(LOGIN, json={"username": "officer", "password": PW}).json()["access_token"]
    h = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/auth/logout", headers=h).status_code == 204
    assert client.get("/api/v1/me", headers=h).status_code == 401
    assert client.get("/api/v1/me").status_code == 401
    rows = audit_rows(
        container, AuditLog.action, AuditLog.username, AuditLog.target, AuditLog.detail
    )
    assert rows == [
        ("auth.login_failed", "ghost", "user:ghost", "testclient"),
        ("auth.login", "officer", "user:officer", "testclient"),
        ("auth.logout", "officer", "user:officer", ""),
        ("auth.rejected", "", "GET /api/v1/me", "auth.invalid_token testclient"),
        ("auth.rejected", "", "GET /api/v1/me", "auth.required testclient"),
    ]


def test_a_revoked_token_is_refused_at_once_by_every_worker(
    client: TestClient, container: Container
) -> None:
    """Two apps over one database stand for two server processes."""
    token = client.post(LOGIN, json={"username": "officer", "password": PW}).json()["access_token"]
    h = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(container)) as other:
        assert other.get("/api/v1/me", headers=h).status_code == 200
        assert client.post("/api/v1/auth/logout", headers=h).status_code == 204
        r = other.get("/api/v1/me", headers=h)
        assert r.status_code == 401
        assert r.json()["code"] == "auth.invalid_token"


def test_api_answers_are_not_stored_by_caches(client: TestClient) -> None:
    token = client.post(LOGIN, json={"username": "admin", "password": PW}).json()["access_token"]
    h = {"Authorization": f"Bearer {token}"}
    for url in (
        "/api/v1/me",
        "/api/v1/customers",
        "/api/v1/accounts",
        "/api/v1/loans",
        "/api/v1/audit",
        "/api/v1/users",
    ):
        r = client.get(url, headers=h)
        assert r.status_code == 200, url
        assert r.headers["cache-control"] == "no-store", url
    # refusals and login answers too (a token is personal)
    assert client.get("/api/v1/customers").headers["cache-control"] == "no-store"
    r = client.post(LOGIN, json={"username": "admin", "password": PW})
    assert r.headers["cache-control"] == "no-store"


def test_docs_are_served_from_the_package_under_the_csp(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    html = r.text
    assert (
        "http://" not in html
        and "https://" not in html
        and "//" not in html.replace("<!doctype html>", "").replace("</", "")
    )
    assert "<script>" not in html  # no inline script: the CSP allows only 'self'
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "SwaggerUIBundle" in client.get("/docs/start.js").text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        a = client.get(f"/docs/assets/{asset}")
        assert a.status_code == 200 and len(a.content) > 100_000
    assert client.get("/redoc").status_code == 404


def test_hostile_names_and_paths_are_refused_and_audited_not_500(
    client: TestClient, container: Container
) -> None:
    r = client.post(LOGIN, json={"username": "off\x00icer", "password": "x\x00y"})
    # a control character is refused before anything reads the request, and audited
    assert r.status_code == 422 and r.json()["field"] == "username", r.text
    assert client.get("/api/v1/customers/%00").status_code == 422
    assert audit_actions(container) == [("POST /api/v1/auth/login", "", "refused")]
