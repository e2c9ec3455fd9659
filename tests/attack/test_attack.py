"""The attack suite: real concurrent clients against ``tashilat serve --workers 2`` on
PostgreSQL, as an attacker or a bad network would treat it. Every phase counts the answers;
the suite fails on any 5xx, on any acknowledged deposit missing afterwards and on any
broken ledger or limit invariant.

The phases run in file order over one server and one database: races, bad input (hand
written and schemathesis), database backends terminated under load, and kill -9 of the whole
server under load followed by a restart and the invariant check. Bounded: a few thousand
requests, about two minutes on two cores.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import psycopg
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from .harness import (
    STATS,
    Client,
    Server,
    check_invariants,
    conninfo,
    login,
    missing_acknowledged,
    national_id,
)

pytestmark = [pytest.mark.attack, pytest.mark.postgres]

FLOOR = 10_000_000  # the youth-fund account's minimum balance after a withdrawal
_ids = itertools.count(100_000_001)


def fire(n: int, fn: Callable[[Client, int], Any], base: str, token: str) -> list[Any]:
    """``n`` clients released at once by a barrier, each with its own connection."""
    barrier = threading.Barrier(n)

    def one(i: int) -> Any:
        with Client(base, token) as client:
            barrier.wait()
            return fn(client, i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def status(r: httpx.Response | None) -> int:
    return 0 if r is None else r.status_code


def new_customer(client: Client) -> int:
    r = client.post(
        "/api/v1/customers",
        json={"national_id": national_id(next(_ids)), "name": "آزمون", "birth_date": "1378/02/10"},
    )
    assert r is not None and r.status_code == 201, r and r.text
    return int(r.json()["id"])


def new_account(client: Client, deposit: int) -> int:
    cid = new_customer(client)
    r = client.post(
        "/api/v1/accounts",
        json={"customer_id": cid, "city": "تهران", "opening_deposit": deposit},
    )
    assert r is not None and r.status_code == 201, r and r.text
    return int(r.json()["id"])


def deposit(client: Client, account: int, key: str, amount: int = 1_000_000) -> int:
    """One deposit; an acknowledged one (201) is remembered as its journal request id."""
    r = client.post(
        f"/api/v1/accounts/{account}/deposits",
        json={"amount": amount},
        headers={"Idempotency-Key": key},
    )
    if r is not None and r.status_code == 201:
        with STATS.lock:
            STATS.acked.add(f"deposit:{account}:{key}")
    return status(r)


@pytest.fixture(scope="module")
def officer(server: Server) -> str:
    return login(server.base, "officer")


@pytest.fixture(scope="module")
def admin(server: Server) -> str:
    return login(server.base, "admin")


# -- races -------------------------------------------------------------------------------------


def test_races(server: Server, officer: str) -> None:
    before = STATS.server_errors
    base = server.base
    wrong: list[str] = []  # outcomes other than expected; checked after every race ran

    def expect(ok: bool, what: str) -> None:
        if not ok:
            wrong.append(what)

    # 8 concurrent creations of one customer: one is made, the rest are refused
    nid = national_id(next(_ids))
    created = fire(
        8,
        lambda c, i: c.post(
            "/api/v1/customers",
            json={"national_id": nid, "name": "همزمان", "birth_date": "1379/01/01"},
        ),
        base,
        officer,
    )
    codes = [status(r) for r in created]
    expect(codes.count(201) == 1, f"one customer made of 8 concurrent: {codes}")
    # 10 concurrent account openings for 10 customers: each one opens
    with Client(base, officer) as c:
        customers = [new_customer(c) for _ in range(10)]
    opened = fire(
        10,
        lambda c, i: c.post(
            "/api/v1/accounts",
            json={"customer_id": customers[i], "city": "تهران", "opening_deposit": 20_000_000},
            headers={"Idempotency-Key": f"race-open-{i}"},
        ),
        base,
        officer,
    )
    codes = [status(r) for r in opened]
    expect(codes.count(201) == 10, f"10 concurrent openings: {codes}")
    # 20 concurrent withdrawals with room for exactly 5: never below the floor
    with Client(base, officer) as c:
        acc = new_account(c, FLOOR + 5 * 20_000_000)
    taken = fire(
        20,
        lambda c, i: c.post(
            f"/api/v1/accounts/{acc}/withdrawals",
            json={"amount": 20_000_000},
            headers={"Idempotency-Key": f"race-w-{i}"},
        ),
        base,
        officer,
    )
    codes = [status(r) for r in taken]
    expect(codes.count(201) == 5, f"5 of 20 concurrent withdrawals: {codes}")
    with Client(base, officer) as c:
        r = c.get(f"/api/v1/accounts/{acc}")
        expect(r is not None and r.json()["balance_rial"] == FLOOR, "balance at the floor")
    # 20 concurrent retries of one deposit: posted once
    with Client(base, officer) as c:
        acc2 = new_account(c, 20_000_000)
    same = fire(20, lambda c, i: deposit(c, acc2, "race-same-key", 7_000_000), base, officer)
    expect(same.count(201) == 20, f"20 retries of one deposit: {same}")
    with Client(base, officer) as c:
        r = c.get(f"/api/v1/accounts/{acc2}")
        expect(r is not None and r.json()["balance_rial"] == 27_000_000, "posted once")
    # 20 concurrent distinct deposits into one account: all posted
    many = fire(20, lambda c, i: deposit(c, acc2, f"race-many-{i}"), base, officer)
    expect(many.count(201) == 20, f"20 concurrent deposits: {many}")
    assert STATS.server_errors == before, STATS.samples
    assert wrong == []


def test_employment_races(server: Server) -> None:
    """Concurrent disbursements against a bank's monthly limit that fits 5 of 8, and 8
    concurrent applications of one person."""
    before = STATS.server_errors
    base = server.base
    tokens = {u: login(base, u) for u in ("admin", "agency1", "bank1", "payer1")}
    with Client(base, tokens["admin"]) as c:
        r = c.post(
            "/api/v1/employment/limits",
            json={"bank_code": "B1", "year": 1403, "month": 9, "amount": 5_000_000_000},
        )
        assert r is not None and r.status_code == 201, r and r.text
    ids = []
    with Client(base, tokens["agency1"]) as agency, Client(base, tokens["bank1"]) as bank:
        for _ in range(8):
            r = agency.post(
                "/api/v1/employment/applications",
                json={
                    "national_id": national_id(next(_ids)),
                    "name": "متقاضی",
                    "province": "تهران",
                    "agency_code": "A1",
                    "amount": 1_000_000_000,
                    "jobs": 1,
                    "mandated": False,  # mandated loans under 3 billion pass the limit
                },
            )
            assert r is not None and r.status_code == 201, r and r.text
            app_id = r.json()["id"]
            agency.post(
                f"/api/v1/employment/applications/{app_id}/introduce", json={"bank_code": "B1"}
            )
            # up to 1.5 billion the circular of 13 Aban 1403 asks only for credit scoring
            bank.post(
                f"/api/v1/employment/applications/{app_id}/guarantees",
                json={"kind": "credit_score", "grade": "B"},
            )
            r = bank.post(f"/api/v1/employment/applications/{app_id}/approve")
            assert r is not None and r.status_code == 200, r and r.text
            ids.append(app_id)

    def pay(c: Client, i: int) -> str:
        r = c.post(f"/api/v1/employment/applications/{ids[i]}/disburse")
        return (
            str(r.json().get("state")) if r is not None and r.status_code == 200 else str(status(r))
        )

    paid = fire(8, pay, base, tokens["payer1"])
    assert paid.count("disbursed") == 5, paid  # the other three wait for next month
    nid = national_id(next(_ids))
    one_person = fire(
        8,
        lambda c, i: status(
            c.post(
                "/api/v1/employment/applications",
                json={
                    "national_id": nid,
                    "name": "همزمان",
                    "province": "تهران",
                    "agency_code": "A1",
                    "amount": 1_000_000_000,
                    "jobs": 1,
                },
            )
        ),
        base,
        tokens["agency1"],
    )
    assert one_person.count(201) >= 1, one_person
    assert STATS.server_errors == before, STATS.samples


# -- bad input -----------------------------------------------------------------------------------

BAD_AMOUNTS: list[Any] = [
    True,
    False,
    None,
    "",
    "\x00",
    "1\x002",
    "9" * 5000,
    10**16,
    10**30,
    -(10**30),
    2**63,
    -1,
    0,
    1.5,
    "1e9",
    "1_000_000",
    "１２３４５",
    "۱۲۳٬۴۵۶",
    "NaN",
    [],
    {},
    {"$gt": 0},
]
BAD_TEXT: list[Any] = [
    "\x00",
    "name\x00with nul",
    '=HYPERLINK("http://evil.example","x")',
    "<script>alert(1)</script>",
    "'; DROP TABLE customers; --",
    "ي" * 200,
    "x" * 10_000,
    "\U0010ffff",
    123,
    None,
    [],
]
BAD_DATES: list[Any] = [
    "1500/01/01",
    "1403/13/40",
    "\x00",
    "۱۴۰۳/۰۱/۳۱",
    "0/0/0",
    "9" * 19,
    14030101,
]


def test_bad_input_over_every_operation(server: Server, officer: str, admin: str) -> None:
    before = STATS.server_errors
    base = server.base
    with Client(base, officer) as c:
        acc = new_account(c, 50_000_000)
        cid = new_customer(c)
        for amount in BAD_AMOUNTS:
            c.post(f"/api/v1/accounts/{acc}/deposits", json={"amount": amount})
            c.post(f"/api/v1/accounts/{acc}/withdrawals", json={"amount": amount})
            c.post(
                "/api/v1/accounts",
                json={"customer_id": cid, "city": "تهران", "opening_deposit": amount},
            )
            c.post(
                "/api/v1/loans",
                json={"account_id": acc, "amount": amount, "months": 60, "appraisal": amount},
            )
        for text in BAD_TEXT:
            c.post(
                "/api/v1/customers",
                json={
                    "national_id": national_id(next(_ids)),
                    "name": text,
                    "birth_date": "1378/02/10",
                },
            )
            c.post(
                "/api/v1/customers",
                json={"national_id": text, "name": "x", "birth_date": "1378/02/10"},
            )
            c.post(
                "/api/v1/accounts",
                json={"customer_id": cid, "city": text, "opening_deposit": 20_000_000},
            )
            c.get("/api/v1/cities", params={"q": text if isinstance(text, str) else str(text)})
            c.post("/api/v1/auth/login", json={"username": text, "password": text})
        for day in BAD_DATES:
            c.post(
                "/api/v1/customers",
                json={"national_id": national_id(next(_ids)), "name": "تاریخ", "birth_date": day},
            )
        for raw in (b"{", b"\x00", b'{"amount": 1' + b"0" * 5000 + b"}", b"[]", b"null"):
            c.post(
                f"/api/v1/accounts/{acc}/deposits",
                content=raw,
                headers={"Content-Type": "application/json"},
            )
        # a 10 MB body
        c.post(
            "/api/v1/customers",
            content=b'{"name": "' + b"a" * 10_000_000 + b'"}',
            headers={"Content-Type": "application/json"},
        )
        for path in (
            "/api/v1/customers?offset=%00",
            "/api/v1/customers?limit=99999999999999999999",
            "/api/v1/accounts/99999999999999999999",
            "/api/v1/accounts/0",
            "/api/v1/customers/%00",
            "/api/v1/accounts?customer_id=-1",
        ):
            c.get(path)
    # every operation in the schema, with generated valid and invalid inputs, as the admin
    schema = schemathesis.openapi.from_url(base + "/openapi.json")
    headers = {"Authorization": f"Bearer {admin}"}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/v1/auth/logout":
            continue  # would revoke the admin's token for the rest of the phase

        @given(case=operation.as_strategy())
        @settings(
            max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def run(case: Any) -> None:
            try:
                r = case.call(base_url=base, headers=headers, timeout=60)
            except Exception:  # a transport failure is not an answer
                with STATS.lock:
                    STATS.dropped += 1
                return
            STATS.saw(case.method, case.formatted_path, r.status_code, r.text)

        run()
        operations += 1
    assert operations >= 25
    assert STATS.server_errors == before, STATS.samples


# -- the database goes away under load -----------------------------------------------------------


def _load(base: str, token: str, accounts: list[int], stop: threading.Event, tag: str) -> None:
    with Client(base, token) as c:
        for n in itertools.count():
            if stop.is_set():
                return
            acc = accounts[n % len(accounts)]
            deposit(c, acc, f"{tag}-{threading.get_ident()}-{n}")
            c.get(f"/api/v1/accounts/{acc}")


def _terminate_backends(database_url: str) -> int:
    """Terminate every server connection to the attacked database; how many went."""
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(conninfo(database_url), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return len(rows)


def test_backend_termination_during_load(server: Server, officer: str) -> None:
    before = STATS.server_errors
    with Client(server.base, officer) as c:
        accounts = [new_account(c, 20_000_000) for _ in range(4)]
    stop = threading.Event()
    threads = [
        threading.Thread(target=_load, args=(server.base, officer, accounts, stop, f"pgt{i}"))
        for i in range(6)
    ]
    for t in threads:
        t.start()
    terminated = 0
    try:
        for _ in range(8):
            time.sleep(0.5)
            terminated += _terminate_backends(server.database_url)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)
    assert terminated > 0
    # it recovers without a restart
    with Client(server.base, officer) as c:
        assert deposit(c, accounts[0], "after-termination") == 201
    assert STATS.server_errors == before, STATS.samples


# -- kill -9 of the whole server under load; then the invariants ---------------------------------


def test_kill_9_mid_load_then_every_invariant_holds(server: Server, officer: str) -> None:
    with Client(server.base, officer) as c:
        accounts = [new_account(c, 20_000_000) for _ in range(4)]
    stop = threading.Event()
    threads = [
        threading.Thread(target=_load, args=(server.base, officer, accounts, stop, f"k9{i}"))
        for i in range(6)
    ]
    for t in threads:
        t.start()
    time.sleep(3)
    server.kill9()
    time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    server.start()
    # the server is back and the officer's token still works
    with Client(server.base, officer) as c:
        assert deposit(c, accounts[0], "after-restart") == 201
    lost = missing_acknowledged(server.database_url, STATS.acked)
    broken = check_invariants(server.database_url)
    STATS.lost = len(lost)
    STATS.invariant_violations = len(broken)
    STATS.violations = broken + [f"acknowledged but missing: {x}" for x in lost[:10]]
    assert len(STATS.acked) > 50, "the load acknowledged too few deposits to mean anything"
    assert lost == [] and broken == [], STATS.violations
    assert STATS.server_errors == 0, STATS.samples
