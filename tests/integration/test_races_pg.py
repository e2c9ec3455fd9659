"""Races and the loss of database connections, with real concurrent HTTP clients against a
live server on PostgreSQL: every one answers with a 2xx or a 4xx/503 problem, never a 500."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import psycopg
import pytest
import uvicorn
from sqlalchemy import func, select

from tashilat.adapters.db.engine import normalise_url
from tashilat.adapters.db.models import Customer, SamatLoan, YouthAccount
from tashilat.bootstrap import Container
from tashilat.entrypoints.api.app import create_app
from tashilat.services import employment

from .employment_helpers import emp_world, national_id
from .helpers import VALID_IDS, World, customer, world
from .test_concurrency_pg import fire, free_port

pytestmark = pytest.mark.postgres
PW = "correct horse 1"


@contextmanager
def serving(c: Container) -> Iterator[str]:
    port = free_port()
    srv = uvicorn.Server(
        uvicorn.Config(create_app(c), host="127.0.0.1", port=port, log_level="warning")
    )
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(base + "/healthz", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.05)
    try:
        yield base
    finally:
        srv.should_exit = True
        t.join(timeout=10)


def bearer(base: str, username: str) -> dict[str, str]:
    r = httpx.post(base + "/api/v1/auth/login", json={"username": username, "password": PW})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def codes(responses: list[httpx.Response]) -> list[int]:
    return sorted(r.status_code for r in responses)


@pytest.fixture
def live(pg_container: Container) -> Iterator[tuple[str, World]]:
    w = world(pg_container)
    with serving(pg_container) as base:
        yield base, w


def test_10_concurrent_account_openings_all_get_a_number(live: tuple[str, World]) -> None:
    base, w = live
    ids = [national_id(7000 + i) for i in range(10)]
    customers = [customer(w, nid) for nid in ids]
    auth = bearer(base, "officer")
    responses = fire(
        10,
        lambda client, i: client.post(
            f"{base}/api/v1/accounts",
            json={"customer_id": customers[i], "city": "تهران", "opening_deposit": 20_000_000},
            headers=auth,
        ),
    )
    assert codes(responses) == [201] * 10, [r.text for r in responses if r.status_code != 201]
    numbers = {r.json()["number"] for r in responses}
    assert len(numbers) == 10
    uow = w.c.uow()
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(YouthAccount)) == 10


def test_8_concurrent_creations_of_one_customer_one_201_seven_409(
    live: tuple[str, World],
) -> None:
    base, w = live
    auth = bearer(base, "officer")
    responses = fire(
        8,
        lambda client, i: client.post(
            f"{base}/api/v1/customers",
            json={"national_id": VALID_IDS[0], "name": "سارا احمدی", "birth_date": "1378/02/10"},
            headers=auth,
        ),
    )
    assert codes(responses) == [201] + [409] * 7, [r.text for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"customer.exists"}
    uow = w.c.uow()
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(Customer)) == 1


def test_8_concurrent_disbursements_in_one_month_get_distinct_samat_codes(
    pg_container: Container,
) -> None:
    c = pg_container
    ew = emp_world(c)
    ids = []
    for i in range(8):
        app, _ = employment.submit(
            c.uow(),
            ew.agency,
            c.policy,
            national_id=national_id(3000 + i),
            name="متقاضی",
            province="تهران",
            agency_code="A1",
            amount=1_000_000_000,
            jobs=2,
        )
        employment.introduce(c.uow(), ew.agency, c.policy, app_id=app.id, bank_code="B1")
        employment.add_guarantee(
            c.uow(), ew.bank, app_id=app.id, kind="guarantor", national_id=national_id(5000 + i)
        )
        employment.approve(c.uow(), ew.bank, c.policy, app_id=app.id)
        ids.append(app.id)
    with serving(c) as base:
        auth = bearer(base, "payer1")
        responses = fire(
            8,
            lambda client, i: client.post(
                f"{base}/api/v1/employment/applications/{ids[i]}/disburse", headers=auth
            ),
        )
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    assert len({r.json()["samat_code"] for r in responses}) == 8
    uow = c.uow()
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(SamatLoan)) == 8


def terminate_backends(c: Container) -> int:
    url = normalise_url(c.settings.database_url).replace("postgresql+psycopg://", "postgresql://")
    db = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (db,),
        ).fetchall()
    return len(rows)


def test_terminated_backends_give_503_with_retry_after_and_the_server_recovers(
    live: tuple[str, World],
) -> None:
    base, w = live
    auth = bearer(base, "officer")
    acc = httpx.post(
        f"{base}/api/v1/accounts",
        json={
            "customer_id": customer(w, VALID_IDS[1]),
            "city": "تهران",
            "opening_deposit": 20_000_000,
        },
        headers=auth,
    ).json()["id"]
    stop = threading.Event()
    killed = 0

    def killer() -> None:
        nonlocal killed
        while not stop.is_set():
            killed += terminate_backends(w.c)
            time.sleep(0.02)

    def load(client: httpx.Client, i: int) -> list[httpx.Response]:
        out = []
        for j in range(12):
            if j % 2:
                out.append(
                    client.post(
                        f"{base}/api/v1/accounts/{acc}/deposits",
                        json={"amount": 1_000_000},
                        headers={**auth, "Idempotency-Key": f"d{i}-{j}"},
                    )
                )
            else:
                out.append(client.get(f"{base}/api/v1/accounts/{acc}", headers=auth))
        return out

    k = threading.Thread(target=killer)
    k.start()
    try:
        answers = [r for rs in fire(8, load) for r in rs]  # type: ignore[attr-defined]
    finally:
        stop.set()
        k.join()
    assert killed > 0
    statuses = {r.status_code for r in answers}
    assert statuses <= {200, 201, 503}, [r.text for r in answers if r.status_code >= 500]
    assert all(r.headers.get("retry-after") == "1" for r in answers if r.status_code == 503)
    # after the terminations stop, the same server answers again without a restart
    r = httpx.get(f"{base}/api/v1/accounts/{acc}", headers=auth)
    assert r.status_code == 200, r.text
