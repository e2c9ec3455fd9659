"""Limits under real concurrent clients on PostgreSQL: many HTTP clients hit a live server
(uvicorn, a thread pool of handlers, one database connection each) at once."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn
from sqlalchemy import text

from tashilat.bootstrap import Container
from tashilat.entrypoints.api.app import create_app

from .helpers import World, customer, world

pytestmark = pytest.mark.postgres
PW = "correct horse 1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(pg_container: Container) -> Iterator[tuple[str, World]]:
    w = world(pg_container)
    port = free_port()
    config = uvicorn.Config(
        create_app(pg_container), host="127.0.0.1", port=port, log_level="warning"
    )
    srv = uvicorn.Server(config)
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(base + "/healthz", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.05)
    try:
        yield base, w
    finally:
        srv.should_exit = True
        t.join(timeout=10)


def token(base: str, username: str) -> str:
    r = httpx.post(base + "/api/v1/auth/login", json={"username": username, "password": PW})
    return str(r.json()["access_token"])


def open_account(base: str, w: World, deposit: int) -> int:
    cid = customer(w, "0499370899")
    r = httpx.post(
        base + "/api/v1/accounts",
        json={"customer_id": cid, "city": "تهران", "opening_deposit": deposit},
        headers={"Authorization": f"Bearer {token(base, 'officer')}"},
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def fire(n: int, fn) -> list[httpx.Response]:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(n)

    def one(i: int) -> httpx.Response:
        with httpx.Client(timeout=60) as client:
            barrier.wait()
            return fn(client, i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def test_50_concurrent_withdrawals_never_pass_the_floor(server: tuple[str, World]) -> None:
    base, w = server
    acc = open_account(
        base, w, deposit=510_000_000
    )  # floor 10,000,000: room for exactly 25 of 20,000,000
    auth = {"Authorization": f"Bearer {token(base, 'officer')}"}
    responses = fire(
        50,
        lambda client, i: client.post(
            f"{base}/api/v1/accounts/{acc}/withdrawals",
            json={"amount": 20_000_000},
            headers={**auth, "Idempotency-Key": f"w{i}"},
        ),
    )
    codes = sorted(r.status_code for r in responses)
    assert codes.count(201) == 25 and codes.count(422) == 25, codes
    assert all(
        r.json()["code"] == "withdrawal.below_floor" for r in responses if r.status_code == 422
    )
    final = httpx.get(f"{base}/api/v1/accounts/{acc}", headers=auth).json()
    assert final["balance_rial"] == 10_000_000
    uow = w.c.uow()
    with uow:
        total = uow.session.execute(text("SELECT SUM(amount) FROM postings")).scalar_one()
        n = uow.session.execute(
            text("SELECT COUNT(*) FROM journal_entries WHERE kind = 'youth.withdraw'")
        ).scalar_one()
    assert total == 0 and n == 25


def test_100_concurrent_retries_of_one_deposit_post_exactly_once(server: tuple[str, World]) -> None:
    base, w = server
    acc = open_account(base, w, deposit=20_000_000)
    auth = {"Authorization": f"Bearer {token(base, 'officer')}", "Idempotency-Key": "pay-once"}
    responses = fire(
        100,
        lambda client, i: client.post(
            f"{base}/api/v1/accounts/{acc}/deposits", json={"amount": 7_000_000}, headers=auth
        ),
    )
    assert all(r.status_code == 201 for r in responses), {r.status_code for r in responses}
    assert sum(1 for r in responses if not r.json()["replayed"]) == 1
    assert {r.json()["balance_rial"] for r in responses} == {27_000_000}
    uow = w.c.uow()
    with uow:
        n = uow.session.execute(
            text("SELECT COUNT(*) FROM journal_entries WHERE kind = 'youth.deposit'")
        ).scalar_one()
        bal = uow.session.execute(
            text("SELECT balance FROM youth_accounts WHERE id = :i"), {"i": acc}
        ).scalar_one()
    assert n == 1 and bal == 27_000_000


def test_the_database_itself_refuses_an_unbalanced_entry(pg_container: Container) -> None:
    """Bypassing the unit of work, PostgreSQL's deferred trigger still rejects it at commit."""
    import psycopg

    from tashilat.adapters.db.engine import normalise_url

    url = normalise_url(pg_container.settings.database_url).replace(
        "postgresql+psycopg://", "postgresql://"
    )
    with psycopg.connect(url) as conn:
        acc_id = conn.execute(
            "SELECT id FROM ledger_accounts WHERE code = 'BANK:SETTLEMENT'"
        ).fetchone()[0]
        entry = conn.execute(
            "INSERT INTO journal_entries (request_id, kind, business_date, memo, created_at) "
            "VALUES ('raw', 'test', '2024-04-03', '', now()) RETURNING id"
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO postings (entry_id, ledger_account_id, amount) VALUES (%s, %s, 5)",
            (entry, acc_id),
        )
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.commit()
