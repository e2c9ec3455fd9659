"""Hostile and careless input through the HTTP API: every answer is a 4xx problem that names
the field (or a 503 the client may retry), never a 500; and what the server logs holds no
personal data. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from tashilat.adapters.db.models import AuditLog
from tashilat.adapters.db.uow import SqlAlchemyUnitOfWork as UnitOfWork
from tashilat.bootstrap import Container
from tashilat.entrypoints.api.app import create_app
from tashilat.entrypoints.api.logs import NoQueryString
from tashilat.services import auth, employment, youth
from tashilat.services.auth import SYSTEM

from .employment_helpers import EmpWorld, emp_world, national_id
from .helpers import VALID_IDS, World, world

PW = "correct horse 1"
NID = VALID_IDS[0]


class Client:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.tokens: dict[str, str] = {}

    def headers(self, who: str) -> dict[str, str]:
        if who not in self.tokens:
            r = self.client.post("/api/v1/auth/login", json={"username": who, "password": PW})
            assert r.status_code == 200, r.text
            self.tokens[who] = r.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def post(self, who: str, url: str, **kw: Any) -> Any:
        return self.client.post(url, headers={**self.headers(who), **kw.pop("headers", {})}, **kw)

    def get(self, who: str, url: str, **kw: Any) -> Any:
        return self.client.get(url, headers=self.headers(who), **kw)


@pytest.fixture
def api(container: Container) -> Iterator[tuple[Client, World]]:
    w = world(container)
    with TestClient(create_app(container), raise_server_exceptions=False) as client:
        yield Client(client), w


def problem(r: Any, status: int, code: str | None = None, field: str | None = None) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert body["message_fa"] and body["message_en"]
    if code is not None:
        assert body["code"] == code, body
    if field is not None:
        assert body.get("field") == field or field in body["message_en"], body


def new_customer(a: Client, nid: str = NID, **over: Any) -> Any:
    body = {"national_id": nid, "name": "سارا احمدی", "birth_date": "1378/02/10", **over}
    return a.post("officer", "/api/v1/customers", json=body)


def new_account(a: Client, deposit: int = 20_000_000) -> int:
    r = new_customer(a)
    assert r.status_code == 201, r.text
    r = a.post(
        "officer",
        "/api/v1/accounts",
        json={"customer_id": r.json()["id"], "city": "تهران", "opening_deposit": deposit},
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_control_characters_anywhere_are_422_naming_the_field(
    api: tuple[Client, World],
) -> None:
    a, _ = api
    problem(new_customer(a, name="سارا\x00احمدی"), 422, "request.control_character", "name")
    problem(
        a.post(
            "admin",
            "/api/v1/employment/agencies",
            json={"code": "X1", "name_fa": "\x00", "name_en": "x"},
        ),
        422,
        "request.control_character",
        "name_fa",
    )
    problem(a.get("officer", "/api/v1/customers?limit=5&q=a%00b"), 422, None, "q")
    problem(
        a.client.post("/login", data={"username": "admin\x00", "password": PW}),
        422,
        "request.control_character",
        "username",
    )
    # nothing was stored
    r = a.get("officer", "/api/v1/customers")
    assert r.json()["total"] == 0


def test_amounts_only_in_the_forms_people_write(api: tuple[Client, World]) -> None:
    a, _ = api
    acc = new_account(a)
    url = f"/api/v1/accounts/{acc}/deposits"
    problem(a.post("officer", url, json={"amount": "9" * 5000}), 422, "amount.too_large", "amount")
    problem(a.post("officer", url, json={"amount": True}), 422, "request.invalid", "amount")
    problem(a.post("officer", url, json={"amount": 1.0}), 422, "request.invalid", "amount")
    problem(a.post("officer", url, json={"amount": "1_000_000"}), 422, "amount.malformed")
    problem(a.post("officer", url, json={"amount": "１２３４５"}), 422, "amount.malformed")
    ok = a.post("officer", url, json={"amount": "۱٬۰۰۰٬۰۰۰"})
    assert ok.status_code == 201 and ok.json()["balance_rial"] == 21_000_000


def test_a_balance_never_passes_its_ceiling(api: tuple[Client, World]) -> None:
    a, _ = api
    acc = new_account(a)
    url = f"/api/v1/accounts/{acc}/deposits"
    for _ in range(9):  # 20,000,000 + 9 x 10^16 rial: still under 10^17
        assert a.post("officer", url, json={"amount": 10**16}).status_code == 201
    problem(a.post("officer", url, json={"amount": 10**16}), 422, "balance.too_large", "amount")
    r = a.get("officer", f"/api/v1/accounts/{acc}")
    assert r.json()["balance_rial"] == 90_000_000_020_000_000


def test_a_body_over_the_limit_is_413(api: tuple[Client, World]) -> None:
    a, _ = api
    body = b'{"national_id": "' + b"1" * 1_000_001 + b'"}'
    r = a.post(
        "officer", "/api/v1/customers", content=body, headers={"content-type": "application/json"}
    )
    problem(r, 413, "request.too_large")


@pytest.mark.parametrize(
    ("birth", "code"),
    [
        ("1500/01/01", "birth_date.future"),
        ("1403/01/16", "birth_date.future"),
        ("1280/01/01", "date.malformed"),  # before the calendar range the system knows
    ],
)
def test_impossible_birth_dates_are_refused(
    api: tuple[Client, World], birth: str, code: str
) -> None:
    a, _ = api
    problem(new_customer(a, birth_date=birth), 422, code, "birth_date")


def test_an_unexpected_error_is_a_500_problem_that_closes_the_connection_and_is_audited(
    api: tuple[Client, World], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    a, w = api

    def boom(*args: Any, **kw: Any) -> Any:
        raise RuntimeError(f"customer {kw.get('national_id')} {kw.get('name')}")

    monkeypatch.setattr(youth, "create_customer", boom)
    with caplog.at_level(logging.DEBUG):
        r = new_customer(a)
    problem(r, 500, "server.error")
    assert r.headers["connection"] == "close"
    assert NID not in caplog.text and "سارا" not in caplog.text
    assert "RuntimeError" in caplog.text
    uow = w.c.uow()
    with uow:
        row = uow.session.scalars(select(AuditLog).where(AuditLog.outcome == "error")).one()
    assert (row.action, row.detail) == ("POST /api/v1/customers", "RuntimeError")


def test_a_lost_database_connection_is_503_with_retry_after(
    api: tuple[Client, World], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _ = api
    a.headers("officer")

    def gone(*args: Any, **kw: Any) -> Any:
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr(youth, "list_customers", gone)
    r = a.get("officer", "/api/v1/customers")
    problem(r, 503, "service.unavailable")
    assert r.headers["retry-after"] == "1"


def test_a_database_error_that_is_no_one_s_fault_is_a_500_that_closes_the_connection(
    api: tuple[Client, World], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    a, _ = api
    a.headers("officer")

    def broken(*args: Any, **kw: Any) -> Any:
        raise ProgrammingError("SELECT", {}, Exception(f"no such column, row ({NID})"))

    monkeypatch.setattr(youth, "list_customers", broken)
    with caplog.at_level(logging.DEBUG):
        r = a.get("officer", "/api/v1/customers")
    problem(r, 500, "server.error")
    assert r.headers["connection"] == "close"
    assert "ProgrammingError" not in r.text and NID not in r.text
    assert NID not in caplog.text and "database error Exception" in caplog.text


def test_a_failed_audit_write_is_retried_then_logged_never_lost(
    api: tuple[Client, World], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    a, w = api
    assert new_customer(a).status_code == 201
    real = UnitOfWork.audit
    failures = {"left": 2}

    def flaky(self: UnitOfWork, **kw: Any) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise OperationalError("INSERT", {}, Exception("database unreachable"))
        real(self, **kw)

    monkeypatch.setattr(UnitOfWork, "audit", flaky)
    problem(new_customer(a), 409, "customer.exists")
    uow = w.c.uow()
    with uow:
        rows = uow.session.scalars(select(AuditLog).where(AuditLog.outcome == "refused")).all()
    assert [r.detail for r in rows] == ["customer.exists"]

    failures["left"] = 100
    with caplog.at_level(logging.ERROR, logger="tashilat.audit"):
        problem(new_customer(a), 409, "customer.exists")
    logged = [r for r in caplog.records if r.name == "tashilat.audit"]
    assert len(logged) == 1 and logged[0].levelno == logging.ERROR
    assert "customer.exists" in logged[0].getMessage()
    assert "POST /api/v1/customers" in logged[0].getMessage()


def test_database_errors_never_show_the_statement_parameters(container: Container) -> None:
    with pytest.raises(IntegrityError) as e, container.engine.begin() as conn:
        conn.execute(text("INSERT INTO customers (national_id) VALUES (:n)"), {"n": NID})
    # (PostgreSQL's own message may still quote the row: such messages are never logged,
    # see the test of the 500 answer above)
    assert "parameters hidden" in str(e.value) and f"'{NID}'" not in str(e.value)


def test_the_access_log_never_shows_a_query_string() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/employment/check?national_id=0499370899", "1.1", 200),
        None,
    )
    assert NoQueryString().filter(record)
    assert "0499370899" not in record.getMessage()
    assert "/employment/check" in record.getMessage()


# -- employment set-up: duplicates, the SAMAT registry --------------------------------------


@pytest.fixture
def emp(container: Container) -> Iterator[tuple[Client, EmpWorld]]:
    ew = emp_world(container)
    with TestClient(create_app(container), raise_server_exceptions=False) as client:
        yield Client(client), ew


def test_duplicates_and_bad_samat_imports_are_4xx(emp: tuple[Client, EmpWorld]) -> None:
    a, _ = emp
    base = "/api/v1/employment"
    cat = {"agency_code": "A1", "year": 1403, "code": "C1", "name_fa": "صنایع دستی"}
    problem(a.post("admin", f"{base}/categories", json=cat), 409, "category.exists", "code")
    limit = {"bank_code": "B1", "year": 1403, "month": 9, "amount": 10_000_000_000}
    assert a.post("admin", f"{base}/limits", json=limit).status_code == 201
    problem(a.post("admin", f"{base}/limits", json=limit), 409, "limit.exists", "month")

    loan = {
        "national_id": national_id(4242),
        "bank_code": "B1",
        "agency_code": "A1",
        "amount": 500_000_000,
        "disbursed_on": "1401/05/01",
    }
    problem(
        a.post("admin", f"{base}/samat/imports", json={**loan, "bank_code": "NOPE"}),
        422,
        "samat.unknown_bank",
        "bank_code",
    )
    problem(
        a.post("admin", f"{base}/samat/imports", json={**loan, "agency_code": "NOPE"}),
        422,
        "samat.unknown_agency",
        "agency_code",
    )
    first = a.post("admin", f"{base}/samat/imports", json=loan)
    assert first.status_code == 201, first.text
    assert a.post("admin", f"{base}/samat/imports", json=loan).status_code == 201
    problem(a.post("admin", f"{base}/samat/imports", json=loan), 409, "samat.slots_full")
    problem(
        a.post(
            "admin",
            f"{base}/samat/imports",
            json={
                **loan,
                "national_id": national_id(4343),
                "tracking_code": first.json()["tracking_code"],
            },
        ),
        409,
        "samat.exists",
        "tracking_code",
    )


# -- scopes: every list and report, every role ------------------------------------------------

# applications: s1 (agency A1, not introduced), s2 (A2, not introduced), i1 (A1 -> bank B1),
# i2 (A2 -> bank B2). Who sees which:
VISIBLE = {
    "admin": {"s1", "s2", "i1", "i2"},
    "auditor": {"s1", "s2", "i1", "i2"},
    "agency1": {"s1", "i1"},
    "agency2": {"s2", "i2"},
    "bank1": {"i1"},
    "bank2": {"i2"},
    "payer1": {"i1"},  # a supervisor of bank B1
    "supervisor": set(),  # a supervisor with no bank
}


@pytest.fixture
def scoped(emp: tuple[Client, EmpWorld]) -> tuple[Client, dict[int, str]]:
    a, ew = emp
    c = ew.w.c
    names: dict[int, str] = {}
    for name, actor, agency, bank, n in [
        ("s1", ew.agency, "A1", None, 1),
        ("s2", ew.agency2, "A2", None, 2),
        ("i1", ew.agency, "A1", "B1", 3),
        ("i2", ew.agency2, "A2", "B2", 4),
    ]:
        app, _ = employment.submit(
            c.uow(),
            actor,
            c.policy,
            national_id=national_id(6000 + n),
            name="متقاضی",
            province="تهران",
            agency_code=agency,
            amount=1_000_000_000 + n,
            jobs=2,
        )
        if bank:
            employment.introduce(c.uow(), actor, c.policy, app_id=app.id, bank_code=bank)
        names[app.id] = name
    return a, names


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_every_role_lists_only_its_own_applications(
    scoped: tuple[Client, dict[int, str]], who: str
) -> None:
    a, names = scoped
    r = a.get(who, "/api/v1/employment/applications")
    assert r.status_code == 200, r.text
    seen = {names[x["id"]] for x in r.json()["items"]}
    assert seen == VISIBLE[who] and r.json()["total"] == len(VISIBLE[who])
    pipeline = a.get(who, "/api/v1/employment/reports/pipeline").json()["items"]
    assert sum(x["count"] for x in pipeline) == len(VISIBLE[who])
    amount = {"s1": 1_000_000_001, "s2": 1_000_000_002, "i1": 1_000_000_003, "i2": 1_000_000_004}
    assert sum(x["amount_rial"] for x in pipeline) == sum(amount[n] for n in VISIBLE[who])
    categories = a.get(who, "/api/v1/employment/reports/categories").json()["items"]
    assert sum(x["count"] for x in categories) == len(VISIBLE[who])
    csv = a.get(who, "/api/v1/employment/reports/pipeline?format=csv")
    assert csv.status_code == 200


def test_staff_without_employment_rights_are_refused(scoped: tuple[Client, dict[int, str]]) -> None:
    a, _ = scoped
    problem(a.get("officer", "/api/v1/employment/applications"), 403)


# -- CSV downloads ------------------------------------------------------------------------------

EVIL = '=HYPERLINK("http://evil.example","x")'


def test_a_formula_typed_as_a_name_is_inert_in_the_accounts_csv(
    api: tuple[Client, World],
) -> None:
    a, _ = api
    r = new_customer(a, name=EVIL)
    assert r.status_code == 201, r.text
    r = a.post(
        "officer",
        "/api/v1/accounts",
        json={"customer_id": r.json()["id"], "city": "تهران", "opening_deposit": 20_000_000},
    )
    assert r.status_code == 201, r.text
    page = a.client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]*)"', page.text)
    assert token
    a.client.post(
        "/login",
        data={"username": "supervisor", "password": PW, "login_csrf": token.group(1)},
        follow_redirects=False,
    )
    got = a.client.get("/staff/reports/accounts.csv")
    assert got.status_code == 200, got.text
    rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert [x["holder_name"] for x in rows] == ["'" + EVIL]


# which branch's customers and accounts each role lists (customer A in branch 0101, B in 0301)
YOUTH_VISIBLE: dict[str, set[str] | None] = {
    "admin": {"A", "B"},
    "auditor": {"A", "B"},
    "officer": {"A"},
    "officer_b": {"B"},
    "supervisor": {"A"},
    "holder": {"A"},  # the customer A's own login
    "agency1": None,  # no right to these lists: 403
    "bank1": None,
    "payer1": {"A"},  # a supervisor of bank B1 and of branch 0101
}


@pytest.fixture
def branches(emp: tuple[Client, EmpWorld]) -> tuple[Client, dict[int, str], dict[int, str]]:
    a, ew = emp
    c, w = ew.w.c, ew.w
    cust: dict[int, str] = {}
    acc: dict[int, str] = {}
    for name, nid, branch, who in [
        ("A", VALID_IDS[0], w.branch_a, w.officer),
        ("B", VALID_IDS[1], w.branch_b, w.officer_b),
    ]:
        x = youth.create_customer(
            c.uow(),
            who,
            national_id=nid,
            name="مشتری",
            birth_date=date(1996, 7, 1),
            branch_id=branch,
        )
        y = youth.open_account(
            c.uow(),
            who,
            c.policy,
            customer_id=x.id,
            city="تهران",
            opening_deposit=20_000_000,
            request_id=f"open-{name}",
        )
        cust[x.id], acc[y.id] = name, name
    auth.create_user(
        c.uow(),
        SYSTEM,
        username="holder",
        password=PW,
        role="customer",
        customer_national_id=VALID_IDS[0],
    )
    return a, cust, acc


@pytest.mark.parametrize("who", sorted(YOUTH_VISIBLE))
def test_every_role_lists_only_its_own_customers_and_accounts(
    branches: tuple[Client, dict[int, str], dict[int, str]], who: str
) -> None:
    a, cust, acc = branches
    expected = YOUTH_VISIBLE[who]
    for url, names in [("/api/v1/customers", cust), ("/api/v1/accounts", acc)]:
        r = a.get(who, url)
        if expected is None:
            problem(r, 403)
            continue
        assert r.status_code == 200, r.text
        assert {names[x["id"]] for x in r.json()["items"]} == expected, url
    loans = a.get(who, "/api/v1/loans")
    assert loans.status_code == (403 if expected is None else 200), loans.text
