"""The plan with its loan and the inverse planner through the HTTP API: literal answers,
the documented response models, bad input as bilingual problems, and the same answer as
the CLI's ``--json``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tashilat.bootstrap import Container, build
from tashilat.entrypoints.api.app import create_app
from tashilat.entrypoints.cli.main import app as cli_app
from tashilat.settings import Settings

V1 = "/api/v1"
PROBLEM = "application/problem+json"
PLAN = {"opened": "1403/01/15", "tier": 1, "follow_table": "true"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """No migrations: these endpoints are stateless and must not need the database."""
    path: Path = tmp_path_factory.mktemp("planner") / "x.sqlite3"
    c: Container = build(Settings(database_url=f"sqlite:///{path}"))
    with TestClient(create_app(c), raise_server_exceptions=False) as tc:
        yield tc
    c.dispose()


def get(client: TestClient, path: str, **params: Any) -> Any:
    r = client.get(V1 + path, params=params)
    assert r.status_code == 200, f"{path} → {r.status_code}: {r.text}"
    return r.json()


def problem(client: TestClient, path: str, **params: Any) -> Any:
    r = client.get(V1 + path, params=params)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["message_fa"] and body["message_en"]
    return body


def test_the_plan_gains_the_loan_and_the_burden(client: TestClient) -> None:
    body = get(client, "/calculators/youth-fund/plan", **PLAN, minimum_wage_children=2)
    loan = body["years"][2]["loan"]
    assert loan["first_instalment_rial"] == 143_956_153
    assert loan["total_repayable_rial"] == 34_549_476_679
    assert (loan["income_rial"], loan["burden_percent"]) == (160_691_616, "89.59")
    assert body["years"][1]["loan"] is None
    assert body["income_source"] == "minimum_wage"


def test_the_plan_takes_persian_digits_for_the_income(client: TestClient) -> None:
    body = get(
        client, "/calculators/youth-fund/plan", **PLAN, income="۵۰۰٬۰۰۰٬۰۰۰", method="stepwise"
    )
    loan = body["years"][2]["loan"]
    assert (loan["method"], loan["first_instalment_rial"]) == ("stepwise", 116_698_078)
    assert loan["burden_percent"] == "23.34"  # 116,698,078 / 500,000,000


def test_plan_loan_input_errors_are_problems(client: TestClient) -> None:
    assert problem(client, "/calculators/youth-fund/plan", **PLAN, kind="rent")["code"] == (
        "plan.loan_kind"
    )
    both = problem(
        client, "/calculators/youth-fund/plan", **PLAN, income="1000", minimum_wage_children=1
    )
    assert both["code"] == "plan.income_conflict"
    problem(client, "/calculators/youth-fund/plan", **PLAN, income="-5")
    problem(client, "/calculators/youth-fund/plan", **PLAN, minimum_wage_children=99)


def test_target_least_deposits_by_city(client: TestClient) -> None:
    body = get(
        client, "/youth-fund/target", opened="۱۴۰۳/۰۱/۱۵", city="تهران", cap="true", by_year=3
    )
    assert body["outcome"] == "found"
    assert (body["monthly_rial"], body["lump_sum_rial"]) == (20_908_109, 386_800_000)
    assert body["city"] == "تهران (Tehran), تهران / Tehran"


def test_target_first_year_and_never(client: TestClient) -> None:
    body = get(
        client,
        "/youth-fund/target",
        opened="1403/01/15",
        tier=1,
        amount="16000000000",
        monthly="15000000",
    )
    assert (body["year"], body["loan_from"]) == (6, "1409/01/15")
    never = get(
        client, "/youth-fund/target", opened="1403/01/15", tier=1, cap="true", monthly="10000000"
    )
    assert never["outcome"] == "unreachable" and never["year"] is None
    assert never["reasons"][0]["code"] == "target.never"
    assert "city" not in never


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"tier": 1, "cap": "true", "by_year": 2}, "target.year"),
        ({"tier": 1, "by_year": 3}, "target.amount_or_cap"),
        ({"tier": 1, "cap": "true"}, "target.mode"),
        ({"tier": 1, "cap": "true", "by_year": 3, "monthly": "20000000"}, "target.mode"),
        ({"tier": 1, "cap": "true", "lump_sum": "1000"}, "youth_fund.opening_deposit_too_low"),
        ({"cap": "true", "by_year": 3}, "plan.city_or_tier"),
        ({"tier": 1, "amount": "abc", "by_year": 3}, None),
        ({"tier": 1, "amount": "0", "by_year": 3}, None),
        ({"tier": 9, "cap": "true", "by_year": 3}, None),
    ],
)
def test_target_bad_input_is_a_problem(
    client: TestClient, params: dict[str, Any], code: str | None
) -> None:
    body = problem(client, "/youth-fund/target", opened="1403/01/15", **params)
    if code:
        assert body["code"] == code


def test_target_answer_has_exactly_the_documented_fields(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/api/v1/youth-fund/target"]["get"]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    body = get(client, "/youth-fund/target", opened="1403/01/15", tier=1, cap="true", by_year=3)
    assert set(body) == set(schema["properties"]) - {"city"}
    plan_ref = spec["paths"]["/api/v1/calculators/youth-fund/plan"]["get"]["responses"]["200"]
    plan_schema = spec["components"]["schemas"][
        plan_ref["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    ]
    year = spec["components"]["schemas"][
        plan_schema["properties"]["years"]["items"]["$ref"].rsplit("/", 1)[1]
    ]
    assert {"loan", "loans"} <= set(year["properties"])


def test_the_api_and_the_cli_give_the_same_answer(client: TestClient) -> None:
    api = get(
        client, "/youth-fund/target", opened="1403/01/15", tier=2, amount="9000000000", by_year=4
    )
    r = CliRunner().invoke(
        cli_app,
        [
            "youth-fund",
            "target",
            "--opened",
            "1403/01/15",
            "--tier",
            "2",
            "--amount",
            "9000000000",
            "--by-year",
            "4",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == api
