"""``/api/v1/forecasts``: a forecast as a background run, for analysts, on SQLite and
PostgreSQL — started (202), polled to its end, equal to the job run directly, audited,
refused to other roles and to bad input."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tashilat.adapters.batch import generate, generate_load
from tashilat.adapters.db.models import AuditLog
from tashilat.bootstrap import Container
from tashilat.domain.jalali import parse_jalali
from tashilat.entrypoints.api.app import create_app
from tashilat.jobs import forecast as job
from tashilat.services import auth
from tashilat.services.auth import SYSTEM

from .helpers import world

PW = "correct horse 1"
AS_OF = parse_jalali("1404/01/01")


class Api:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.tokens: dict[str, str] = {}

    def call(self, who: str, method: str, url: str, **kw: Any) -> Any:
        if who not in self.tokens:
            r = self.client.post("/api/v1/auth/login", json={"username": who, "password": PW})
            assert r.status_code == 200, r.text
            self.tokens[who] = r.json()["access_token"]
        return self.client.request(
            method, url, headers={"Authorization": f"Bearer {self.tokens[who]}"}, **kw
        )

    def wait(self, who: str, url: str) -> dict[str, Any]:
        for _ in range(600):
            body: dict[str, Any] = self.call(who, "GET", url).json()
            if body["status"] in ("done", "failed"):
                return body
            time.sleep(0.1)
        raise AssertionError("the forecast did not finish")


@pytest.fixture
def api(container: Container) -> Iterator[Api]:
    world(container)
    for name in ("analyst", "analyst2"):
        auth.create_user(container.uow(), SYSTEM, username=name, password=PW, role="analyst")
    spec = generate.Spec(accounts=150, as_of=AS_OF, seed=3, partition_size=64, first_id=1001)
    generate_load.load_database(spec, container.policy, container.settings.database_url)
    with TestClient(create_app(container)) as client:
        yield Api(client)


def test_an_analyst_runs_a_forecast_in_the_background(
    api: Api, container: Container, tmp_path: Path
) -> None:
    body = {"as_of": "۱۴۰۴/۰۱/۰۱", "years": 3, "scale_caps": [125]}
    r = api.call("analyst", "POST", "/api/v1/forecasts", json=body)
    assert r.status_code == 202, r.text
    started = r.json()
    assert started["status"] in ("queued", "running", "done") and started["years"] == 3
    url = r.headers["location"]
    assert url == f"/api/v1/forecasts/{started['id']}"
    done = api.wait("analyst", url)
    assert done["status"] == "done", done["error"]
    assert done["progress"]["done"] == done["progress"]["total"] == 1  # one partition
    result = done["result"]
    # the same answer as the job run directly on the same database (cut in other partitions)
    manifest = job.prepare_run(
        as_of=AS_OF,
        run=tmp_path / "run",
        policy=container.policy,
        container=container,
        partition_size=64,
        province_of=job.province_of_city,
    )
    direct = job.as_json(
        job.run_forecast(
            as_of=AS_OF,
            years=3,
            run=tmp_path / "run",
            manifest=manifest,
            scenarios=[
                job.Scenario("baseline", container.policy, "وضع موجود"),
                job.caps_variant(125),
            ],
        )
    )
    assert result["years"] == direct["years"]
    assert result["accounts"] == 150
    assert result["variants"][0]["name"] == "caps 125%"
    assert result["variants"][0]["difference"] == direct["variants"][0]["difference"]
    assert list(result["years"][0]["by_province"]) == ["تهران"]
    csv_text = api.call("analyst", "GET", f"{url}/csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0] == ",".join(job.CSV_COLUMNS)
    assert csv_text.splitlines()[1].startswith("baseline,1404,total,,")
    # another analyst cannot read it; an administrator can
    assert api.call("analyst2", "GET", url).status_code == 404
    assert api.call("admin", "GET", url).json()["status"] == "done"
    uow = container.uow()
    with uow:
        rows = uow.session.scalars(select(AuditLog).where(AuditLog.action == "forecast.start"))
        (row,) = list(rows)
    assert row.username == "analyst" and row.target == f"forecast:{started['id']}"


def test_other_roles_and_bad_input_are_refused(api: Api) -> None:
    ok = {"as_of": "1404/01/01", "years": 2}
    for who in ("officer", "auditor", "supervisor"):
        r = api.call(who, "POST", "/api/v1/forecasts", json=ok)
        assert r.status_code == 403, (who, r.text)
    assert api.call("auditor", "GET", "/api/v1/forecasts/nope").status_code == 403
    assert api.call("analyst", "GET", "/api/v1/forecasts/nope").status_code == 404
    bad_variant = {
        **ok,
        "variants": [{"name": "x", "parameters": {"youth_fund.nothing": {"values": [{}]}}}],
    }
    r = api.call("analyst", "POST", "/api/v1/forecasts", json=bad_variant)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "forecast.variant_invalid"
    assert r.headers["content-type"].startswith("application/problem+json")
    for body in (
        {"as_of": "1404/13/01", "years": 2},
        {"as_of": "1404/01/01", "years": 0},
        {"as_of": "1404/01/01", "scale_caps": [0]},
        {"as_of": "1404/01/01", "scale_caps": [125] * 6},
    ):
        r = api.call("analyst", "POST", "/api/v1/forecasts", json=body)
        assert 400 <= r.status_code < 500, (body, r.text)
        assert r.json()["message_fa"] if "message_fa" in r.json() else r.json()["detail"]
