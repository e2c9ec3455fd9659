"""Every list and report of the API, for every role: 403 where the role lacks the right,
otherwise only the rows of the user's own branch, agency or bank, never another's. The list
of GET operations comes from /openapi.json, so a new operation fails the coverage test until
it is checked here or named as not a list. On SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tashilat.bootstrap import Container
from tashilat.entrypoints.api.app import create_app
from tashilat.entrypoints.web import pages as web_pages
from tashilat.services import auth, employment, youth
from tashilat.services.auth import SYSTEM

from .employment_helpers import emp_world, national_id
from .helpers import VALID_IDS

PW = "correct horse 1"
ROLES = [
    "admin",
    "auditor",
    "officer",  # branch 0101
    "officer_b",  # branch 0301
    "supervisor",  # branch 0101, no bank
    "holder",  # the customer A's own login
    "agency1",  # agency A1
    "agency2",  # agency A2
    "bank1",  # bank B1
    "bank2",  # bank B2
    "payer1",  # a supervisor of bank B1 and branch 0101
    "editor",  # a policy editor: no customer, account or application
]
FORBIDDEN = None
# each record's holder, distinct so that a page showing a record can be told by its name
PEOPLE = {
    "A": "سارا احمدی",
    "B": "حسین محمدی",
    "s1": "نرگس طاهری",
    "s2": "مهدی صالحی",
    "i1": "فاطمه نوری",
    "i2": "جواد امینی",
}

# customers and accounts: A in branch 0101, B in branch 0301
YOUTH: dict[str, set[str] | None] = {
    "admin": {"A", "B"},
    "auditor": {"A", "B"},
    "officer": {"A"},
    "officer_b": {"B"},
    "supervisor": {"A"},
    "holder": {"A"},
    "agency1": FORBIDDEN,
    "agency2": FORBIDDEN,
    "bank1": FORBIDDEN,
    "bank2": FORBIDDEN,
    "payer1": {"A"},
    "editor": FORBIDDEN,
}
# applications: s1 (agency A1), s2 (A2), i1 (A1, introduced to bank B1), i2 (A2 -> B2)
APPS: dict[str, set[str] | None] = {
    "admin": {"s1", "s2", "i1", "i2"},
    "auditor": {"s1", "s2", "i1", "i2"},
    "officer": FORBIDDEN,
    "officer_b": FORBIDDEN,
    "supervisor": set(),  # employment rights, but no bank
    "holder": FORBIDDEN,
    "agency1": {"s1", "i1"},
    "agency2": {"s2", "i2"},
    "bank1": {"i1"},
    "bank2": {"i2"},
    "payer1": {"i1"},
    "editor": FORBIDDEN,
}
AMOUNT = {"s1": 1_000_000_001, "s2": 1_000_000_002, "i1": 1_000_000_003, "i2": 1_000_000_004}
AGENCY = {"s1": "A1", "s2": "A2", "i1": "A1", "i2": "A2"}
# allocations are the agencies' budgets: an agency sees its own, the banks and the fund all
ALLOCATIONS: dict[str, set[str] | None] = {
    **{who: (FORBIDDEN if APPS[who] is FORBIDDEN else {"A1", "A2"}) for who in ROLES},
    "agency1": {"A1"},
    "agency2": {"A2"},
}
USERS = {who: (True if who == "admin" else FORBIDDEN) for who in ROLES}
AUDIT = {who: (True if who in ("admin", "auditor") else FORBIDDEN) for who in ROLES}
LOANS = {who: (FORBIDDEN if YOUTH[who] is FORBIDDEN else True) for who in ROLES}
POLICY = {who: (True if who in ("admin", "auditor", "editor") else FORBIDDEN) for who in ROLES}


class Client:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.tokens: dict[str, str] = {}

    def get(self, who: str, url: str) -> Any:
        if who not in self.tokens:
            r = self.client.post("/api/v1/auth/login", json={"username": who, "password": PW})
            assert r.status_code == 200, r.text
            self.tokens[who] = r.json()["access_token"]
        return self.client.get(url, headers={"Authorization": f"Bearer {self.tokens[who]}"})


@dataclass
class Scene:
    a: Client
    customers: dict[int, str]
    accounts: dict[int, str]
    apps: dict[int, str]


@pytest.fixture
def scene(container: Container) -> Iterator[Scene]:
    ew = emp_world(container)
    c, w = container, ew.w
    customers: dict[int, str] = {}
    accounts: dict[int, str] = {}
    for name, nid, branch, who in [
        ("A", VALID_IDS[0], w.branch_a, w.officer),
        ("B", VALID_IDS[1], w.branch_b, w.officer_b),
    ]:
        x = youth.create_customer(
            c.uow(),
            who,
            national_id=nid,
            name=PEOPLE[name],
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
        customers[x.id], accounts[y.id] = name, name
    auth.create_user(c.uow(), SYSTEM, username="editor", password=PW, role="policy_editor")
    auth.create_user(
        c.uow(),
        SYSTEM,
        username="holder",
        password=PW,
        role="customer",
        customer_national_id=VALID_IDS[0],
    )
    apps: dict[int, str] = {}
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
            name=PEOPLE[name],
            province="تهران",
            agency_code=agency,
            amount=AMOUNT[name],
            jobs=2,
        )
        if bank:
            employment.introduce(c.uow(), actor, c.policy, app_id=app.id, bank_code=bank)
        apps[app.id] = name
    with TestClient(create_app(c), raise_server_exceptions=False) as client:
        yield Scene(Client(client), customers, accounts, apps)


def _refused_or_ok(r: Any, expected: object, url: str) -> bool:
    """403 problem when the role may not; otherwise 200. True when there are rows to check."""
    if expected is FORBIDDEN:
        assert r.status_code == 403, (url, r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        return False
    assert r.status_code == 200, (url, r.status_code, r.text)
    return True


def check_customers(s: Scene, who: str, url: str) -> None:
    r = s.a.get(who, url)
    if _refused_or_ok(r, YOUTH[who], url):
        assert {s.customers[x["id"]] for x in r.json()["items"]} == YOUTH[who]


def check_accounts(s: Scene, who: str, url: str) -> None:
    r = s.a.get(who, url)
    if _refused_or_ok(r, YOUTH[who], url):
        assert {s.accounts[x["id"]] for x in r.json()["items"]} == YOUTH[who]


def check_loans(s: Scene, who: str, url: str) -> None:
    r = s.a.get(who, url)
    if _refused_or_ok(r, LOANS[who], url):
        assert r.json()["items"] == []  # no loan was requested in this scene


def check_users(s: Scene, who: str, url: str) -> None:
    r = s.a.get(who, url)
    if _refused_or_ok(r, USERS[who], url):
        assert "holder" in {x["username"] for x in r.json()["items"]}


def check_audit(s: Scene, who: str, url: str) -> None:
    r = s.a.get(who, url)
    if _refused_or_ok(r, AUDIT[who], url):
        assert r.json()["items"]


def check_applications(s: Scene, who: str, url: str) -> None:
    r = s.a.get(who, url)
    if _refused_or_ok(r, APPS[who], url):
        seen = {s.apps[x["id"]] for x in r.json()["items"]}
        assert seen == APPS[who] and r.json()["total"] == len(seen)


def check_pipeline(s: Scene, who: str, url: str) -> None:
    r = s.a.get(who, url)
    if _refused_or_ok(r, APPS[who], url):
        items = r.json()["items"]
        expected = APPS[who] or set()
        assert sum(x["count"] for x in items) == len(expected)
        assert sum(x["amount_rial"] for x in items) == sum(AMOUNT[n] for n in expected)
    _refused_or_ok(s.a.get(who, url + "?format=csv"), APPS[who], url)


def check_categories(s: Scene, who: str, url: str) -> None:
    r = s.a.get(who, url)
    if _refused_or_ok(r, APPS[who], url):
        items = r.json()["items"]
        expected = APPS[who] or set()
        assert sum(x["count"] for x in items) == len(expected)
        assert {x["agency"] for x in items} <= {AGENCY[n] for n in expected}


def check_allocations(s: Scene, who: str, url: str) -> None:
    r = s.a.get(who, url)
    if _refused_or_ok(r, ALLOCATIONS[who], url):
        assert {x["agency"] for x in r.json()["items"]} == ALLOCATIONS[who]
    _refused_or_ok(s.a.get(who, url + "?format=csv"), ALLOCATIONS[who], url)


def check_speed(s: Scene, who: str, url: str) -> None:
    # nothing is disbursed in this scene: the report is empty for everyone who may read it
    r = s.a.get(who, url)
    if _refused_or_ok(r, APPS[who], url):
        assert r.json()["items"] == []


def check_proposals(s: Scene, who: str, url: str) -> None:
    # the bank's policy proposals: no scope, the permission alone decides
    r = s.a.get(who, url)
    if _refused_or_ok(r, POLICY[who], url):
        assert r.json()["items"] == []


LISTS: dict[str, Callable[[Scene, str, str], None]] = {
    "/api/v1/users": check_users,
    "/api/v1/customers": check_customers,
    "/api/v1/accounts": check_accounts,
    "/api/v1/loans": check_loans,
    "/api/v1/audit": check_audit,
    "/api/v1/employment/applications": check_applications,
    "/api/v1/employment/reports/pipeline": check_pipeline,
    "/api/v1/employment/reports/categories": check_categories,
    "/api/v1/employment/reports/allocations": check_allocations,
    "/api/v1/employment/reports/speed": check_speed,
    "/api/v1/policy/proposals": check_proposals,
}
# GET operations that are not lists of scoped records, and why
NOT_LISTS = {
    "/api/v1/me": "the caller's own profile",
    "/api/v1/business-date": "one date, the same for all",
    "/healthz": "liveness",
    # one record, or one record's own rows, reached by id: the record's scope is checked on it
    "/api/v1/customers/{customer_id}": "one record",
    "/api/v1/accounts/{account_id}": "one record",
    "/api/v1/accounts/{account_id}/statement": "one record's movements",
    "/api/v1/accounts/{account_id}/entitlement": "one record",
    "/api/v1/accounts/{account_id}/structures": "one record",
    "/api/v1/loans/{loan_id}": "one record",
    "/api/v1/loans/{loan_id}/schedule": "one record's instalments",
    "/api/v1/employment/applications/{app_id}": "one record",
    "/api/v1/employment/applications/{app_id}/guarantees": "one record's guarantees",
    "/api/v1/employment/applications/{app_id}/schedule": "one record's instalments",
    # public calculators and policy figures: no personal or scoped data
    "/api/v1/calculators/youth-fund/plan": "calculator",
    "/api/v1/youth-fund/target": "calculator",
    "/api/v1/youth-fund/strategies": "calculator",
    "/api/v1/calculators/loan-schedule": "calculator",
    "/api/v1/cities": "public list of cities",
    "/api/v1/policy/parameters": "public policy figures",
    "/api/v1/policy/parameters/{path}": "public policy figure",
    "/api/v1/policy/version": "public: which policy version is in force",
    "/api/v1/policy/parameters/{path}/history": "one figure's history (policy.read)",
    "/api/v1/policy/proposals/{proposal_id}": "one record (policy.read)",
    "/api/v1/policy/proposals/{proposal_id}/impact": "one proposal's totals, no personal data",
    "/api/v1/wages/profile": "calculator",
    "/api/v1/wages/article149": "calculator",
    "/api/v1/afford/burden": "calculator",
    "/api/v1/afford/max-loan": "calculator",
    "/api/v1/afford/months": "calculator",
    "/api/v1/afford/rent": "calculator",
    "/api/v1/afford/allowance": "calculator",
    "/api/v1/construction/contribution": "calculator",
    "/api/v1/construction/project": "calculator",
    "/api/v1/charts/burden": "calculator chart",
    "/api/v1/charts/rent": "calculator chart",
    "/api/v1/charts/allowance": "calculator chart",
    "/api/v1/charts/fund": "calculator chart",
    "/api/v1/employment/check": "the citizen's own eligibility check",
    "/api/v1/forecasts/{run_id}": "one forecast run by id (its owner's)",
    "/api/v1/forecasts/{run_id}/csv": "one forecast run by id, as CSV",
}


def test_every_get_operation_is_checked_or_named_as_not_a_list(container: Container) -> None:
    spec = create_app(container).openapi()
    gets = {path for path, ops in spec["paths"].items() if "get" in ops}
    assert not set(LISTS) & set(NOT_LISTS)
    assert gets - set(LISTS) - set(NOT_LISTS) == set(), "unchecked GET operations"
    assert (set(LISTS) | set(NOT_LISTS)) - gets == set(), "checks for operations that are gone"


@pytest.mark.parametrize("who", ROLES)
def test_every_list_and_report_for_every_role(scene: Scene, who: str) -> None:
    for url, check in LISTS.items():
        check(scene, who, url)


# The staff pages and CSV downloads, with the table above that says who sees which rows
# (a customer has their own pages, not the staff ones)
STAFF_YOUTH = {**YOUTH, "holder": None}
WEB: dict[str, dict[str, set[str] | None]] = {
    "/staff/customers": STAFF_YOUTH,
    "/staff/accounts": STAFF_YOUTH,
    "/staff/reports": STAFF_YOUTH,
    "/staff/reports/accounts.csv": STAFF_YOUTH,
    "/staff/loans": {w: (None if STAFF_YOUTH[w] is None else set()) for w in ROLES},
    "/staff/loans/queue": {w: (None if STAFF_YOUTH[w] is None else set()) for w in ROLES},
    "/staff/reports/loans.csv": {w: (None if STAFF_YOUTH[w] is None else set()) for w in ROLES},
    "/staff/audit": {w: (None if AUDIT[w] is None else set()) for w in ROLES},
    "/employment": APPS,
    "/employment/reports": {w: (None if APPS[w] is None else set()) for w in ROLES},
    "/employment/reports/pipeline.csv": {w: (None if APPS[w] is None else set()) for w in ROLES},
    "/employment/reports/categories.csv": {w: (None if APPS[w] is None else set()) for w in ROLES},
    "/employment/reports/speed.csv": {w: (None if APPS[w] is None else set()) for w in ROLES},
    "/employment/allocations": {w: (None if APPS[w] is None else set()) for w in ROLES},
    "/employment/allocations.csv": {w: (None if APPS[w] is None else set()) for w in ROLES},
    "/employment/limits.csv": {w: (None if APPS[w] is None else set()) for w in ROLES},
}
# staff GET pages that are not lists: one record by id, forms, the date
WEB_NOT_LISTS = {"/staff", "/staff/business-date", "/employment/check"}


def web_login(client: TestClient, who: str) -> None:
    page = client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]*)"', page.text)
    assert token
    r = client.post(
        "/login",
        data={"username": who, "password": PW, "login_csrf": token.group(1)},
        follow_redirects=False,
    )
    assert r.status_code in (302, 303), r.text


def test_every_staff_list_page_is_checked() -> None:
    pages: set[str] = set()
    for module in pkgutil.iter_modules(web_pages.__path__):
        router = getattr(
            importlib.import_module(f"{web_pages.__name__}.{module.name}"), "router", None
        )
        for route in getattr(router, "routes", ()):
            if "GET" in (getattr(route, "methods", None) or ()):
                pages.add(getattr(route, "path", ""))
    staff = {p for p in pages if p.startswith(("/staff", "/employment")) and "{" not in p}
    assert staff - set(WEB) - WEB_NOT_LISTS == set(), "unchecked staff pages"
    assert set(WEB) - staff == set(), "checks for pages that are gone"


@pytest.mark.parametrize("who", ROLES)
def test_every_staff_page_and_csv_for_every_role(scene: Scene, who: str) -> None:
    client = scene.a.client
    client.cookies.clear()
    web_login(client, who)
    for url, table in WEB.items():
        r = client.get(url, follow_redirects=False)
        expected = table[who]
        if expected is None:
            assert r.status_code == 403, (url, r.status_code)
            continue
        assert r.status_code == 200, (url, r.status_code)
        shown = {n for n, person in PEOPLE.items() if person in r.text}
        assert shown == expected, url
