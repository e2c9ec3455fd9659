"""The staff page that moves the business date: a supervisor moves it forward (the move and
its audit record commit together), a move back is explained on the form, an officer cannot
move it."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from tashilat.adapters.db.models import AuditLog
from tashilat.bootstrap import Container
from tashilat.domain.jalali import format_jalali
from tashilat.services import calendar


def csrf(client: TestClient) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', client.get("/staff").text)
    assert m, "no CSRF token on the desk"
    return m.group(1)


def _advance_audits(c: Container) -> list[str]:
    uow = c.uow()
    with uow:
        return list(
            uow.session.scalars(
                select(AuditLog.detail).where(AuditLog.action == "business_date.advance")
            )
        )


def test_a_supervisor_moves_the_date_forward(
    client: TestClient, container: Container, helpers: Any
) -> None:
    helpers.login(client, "supervisor")
    before = format_jalali(calendar.get(container.uow()))
    audits = len(_advance_audits(container))
    r = client.post(
        "/staff/business-date",
        data={"csrf": csrf(client), "date": "۱۴۲۰/۰۱/۰۱"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/staff/business-date?ok=date"
    assert format_jalali(calendar.get(container.uow())) == "1420/01/01"
    details = _advance_audits(container)
    assert len(details) == audits + 1
    assert details[-1].startswith(f"{before} -> 1420/01/01; penalties ")


def test_a_move_back_is_explained_and_changes_nothing(
    client: TestClient, container: Container, helpers: Any
) -> None:
    helpers.login(client, "supervisor")
    before = calendar.get(container.uow())
    r = client.post("/staff/business-date", data={"csrf": csrf(client), "date": "1390/01/01"})
    assert r.status_code == 422
    assert "تاریخ کاری به عقب برنمی‌گردد" in r.text
    assert calendar.get(container.uow()) == before


def test_an_officer_cannot_move_the_date(
    client: TestClient, container: Container, helpers: Any
) -> None:
    helpers.login(client, "officer")
    before = calendar.get(container.uow())
    r = client.post("/staff/business-date", data={"csrf": csrf(client), "date": "1420/01/01"})
    assert r.status_code in (403, 422)
    assert calendar.get(container.uow()) == before
