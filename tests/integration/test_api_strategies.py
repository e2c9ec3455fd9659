"""``/api/v1/youth-fund/strategies`` through HTTP: three strategies in Persian digits, the
typed response model, and bad input as bilingual problems (never a 5xx)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tashilat.bootstrap import build
from tashilat.entrypoints.api.app import create_app
from tashilat.settings import Settings

URL = "/api/v1/youth-fund/strategies"
PROBLEM = "application/problem+json"
THREE: dict[str, Any] = {
    "opened": "۱۴۰۳/۰۱/۱۵",
    "city": "تهران",
    "s1": "table",
    "s2": "monthly",
    "s2_monthly": "۲۰٬۰۰۰٬۰۰۰",
    "s3": "lump_sum",
    "s3_lump_sum": "2,000,000,000",
    "s3_monthly": "10000000",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path: Path = tmp_path_factory.mktemp("strategies") / "x.sqlite3"
    c = build(Settings(database_url=f"sqlite:///{path}"))
    with TestClient(create_app(c), raise_server_exceptions=False) as tc:
        yield tc
    c.dispose()


def test_three_strategies_side_by_side(client: TestClient) -> None:
    r = client.get(URL, params={**THREE, "income": "480,000,000"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["cohort"], body["tier"], body["city"]) == (
        1403,
        1,
        "تهران (Tehran), تهران / Tehran",
    )
    got = [
        (
            s["strategy"]["kind"],
            s["eligible_year"],
            s["loan_from"],
            s["entitlement_rial"],
            s["loan"]["first_instalment_rial"],
            s["deposited_rial"],
        )
        for s in body["results"]
    ]
    assert got == [
        ("table", 3, "1406/01/15", 16_000_000_000, 143_956_153, 777_600_000),
        ("monthly", 3, "1406/01/15", 15_305_000_000, 137_703_058, 720_000_000),
        ("lump_sum", 3, "1406/01/15", 16_000_000_000, 143_956_153, 2_360_000_000),
    ]
    assert body["results"][0]["strategy"]["share_percent"] == 100
    assert body["results"][0]["loan"]["burden_percent"] == "29.99"
    assert len(body["results"][0]["years"]) == 10
    assert body["outcome"] == "compared"
    assert {"youth_fund.loan.rate_percent", "youth_fund.deposit_table"} <= {
        w["parameter"] for w in body["warnings"]
    }


def test_the_answer_has_exactly_the_documented_fields(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    op = spec["paths"][URL]["get"]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    body = client.get(URL, params=THREE).json()
    assert set(body) == set(schema["properties"])
    assert "422" in op["responses"]
    by_tier = client.get(URL, params={"opened": "1403/01/15", "tier": 2, "s1": "table"}).json()
    assert "city" not in by_tier


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"opened": "1403/01/15", "tier": 1}, "strategies.count", "strategies"),
        ({"opened": "1403/01/15", "tier": 1, "s1": "monthly"}, "strategies.monthly", "s1_monthly"),
        ({"opened": "1403/01/15", "tier": 1, "s2_monthly": "5"}, "strategies.kind", "s2"),
        (
            {"opened": "1403/01/15", "tier": 1, "s1": "monthly", "s1_monthly": "abc"},
            "amount.malformed",
            "s1_monthly",
        ),
        ({"opened": "1403/01/15", "s1": "table"}, "plan.city_or_tier", "city"),
        (
            {"opened": "1403/01/15", "tier": 1, "s1": "table", "income": "1", "children": 1},
            "plan.income_conflict",
            "income",
        ),
    ],
)
def test_bad_input_is_a_bilingual_problem(
    client: TestClient, params: dict[str, Any], code: str, field: str
) -> None:
    r = client.get(URL, params=params)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    p = r.json()
    assert (p["code"], p.get("field")) == (code, field)
    assert p["message_fa"] and p["message_en"]
