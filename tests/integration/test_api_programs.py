"""The wage and housing calculators through the HTTP API only: wages, affordability,
article 149, construction workers' insurance and the charts — the four worked examples,
Persian digits, the batch, bad input as bilingual problem details, and the same answers as
the CLI's ``--json``."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
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
FAMILY_1403: dict[str, Any] = {"on": "1403/07/01", "married": "true", "children": 2}
FAMILY_CLI = ["--on", "1403/07/01", "--married", "--children", "2"]
PNG = b"\x89PNG\r\n\x1a\n"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def programs_container(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    """No migrations: these endpoints are stateless and must not need the database."""
    path: Path = tmp_path_factory.mktemp("programs") / "x.sqlite3"
    c = build(Settings(database_url=f"sqlite:///{path}"))
    yield c
    c.dispose()


@pytest.fixture(scope="module")
def client(programs_container: Container) -> Iterator[TestClient]:
    # raise_server_exceptions=False: a 5xx must show up as a status, not as a test error
    with TestClient(create_app(programs_container), raise_server_exceptions=False) as tc:
        yield tc


def get(client: TestClient, path: str, **params: Any) -> Any:
    r = client.get(V1 + path, params=params)
    assert r.status_code == 200, f"{path} → {r.status_code}: {r.text}"
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def problem(r: Any, status: int = 422) -> dict[str, Any]:
    """A bilingual RFC 9457 problem, never a server error."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = r.json()
    assert body["status"] == status
    assert body["message_fa"] and body["message_en"]
    assert body["message_fa"] != body["message_en"]
    return body


def cli_json(*args: str) -> Any:
    result = CliRunner().invoke(cli_app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def envelope_ok(data: dict[str, Any], c: Container) -> None:
    assert data["policy_hash"] == c.policy.hash and len(data["policy_hash"]) == 64
    assert isinstance(data["reasons"], list) and data["reasons"]
    assert isinstance(data["warnings"], list)
    for r in data["reasons"]:
        assert r["message_fa"] and r["message_en"]
    for w in data["warnings"]:
        assert w["status"] in ("assumed", "illustrative", "corrected", "seed")
        assert w["parameter"] and w["message_fa"] and w["message_en"]


# -- the four worked examples of the wage and housing rules -------------------------------------


class TestAcceptance:
    def test_1_gross_income_of_the_1403_family(
        self, client: TestClient, programs_container: Container
    ) -> None:
        data = get(client, "/wages/profile", **FAMILY_1403)
        assert data["gross_rial"] == 113_994_208
        assert data["wage_year"] == 1403
        assert data["outcome"] == "computed" and data["as_of"] == "1403/07/01"
        assert {line["component"] for line in data["lines"]} == {
            "base_wage",
            "grocery",
            "housing",
            "marriage",
            "children",
        }
        assert data["net_rial"] == data["gross_rial"] - data["insurance_rial"]
        envelope_ok(data, programs_container)

    def test_2_a_200_million_instalment_is_about_175_percent_naming_the_figures(
        self, client: TestClient, programs_container: Container
    ) -> None:
        data = get(client, "/afford/burden", **FAMILY_1403, instalment="200000000")
        assert data["first_burden_percent"] == "175.45"
        assert Decimal(data["first_burden_percent"]) == pytest.approx(Decimal(175), abs=1)
        assert data["income_rial"] == 113_994_208
        assert data["loan"]["first_instalment_rial"] == 200_000_000
        assert data["outcome"] == "over_limit"
        burden = next(r for r in data["reasons"] if r["code"] == "afford.burden")
        assert not burden["passed"]
        for figure in ("113,994,208", "200,000,000", "175.45%", "30%", "34,198,262"):
            assert figure in burden["message_en"], figure
        assert "۱۷۵" in burden["message_fa"] or "175.45" in burden["message_fa"]
        # the income's components are named among the reasons: 2 × the child allowance
        assert any("2 × 7,166,184" in r["message_en"] for r in data["reasons"])
        # the 30% limit is an assumed figure, and the answer says so
        assert "wages.affordability.housing_cost_limit_percent" in {
            w["parameter"] for w in data["warnings"]
        }
        envelope_ok(data, programs_container)

    def test_3_960_million_toman_at_18_percent_is_repaid_in_86_months(
        self, client: TestClient
    ) -> None:
        data = get(
            client, "/afford/months", principal="9600000000", rate="18", instalment="200000000"
        )
        assert data["months"] == 86
        assert (data["full_years"], data["extra_months"]) == (7, 2)
        assert data["outcome"] == "repaid"
        assert "86 months" in data["reasons"][0]["message_en"]

    @pytest.mark.parametrize(
        ("day", "version", "share"),
        [("1402/07/01", "1402", 250_000_000), ("1400/06/01", "1393", 150_000_000)],
    )
    def test_4_owner_share_by_the_law_on_the_permit_date(
        self, client: TestClient, day: str, version: str, share: int
    ) -> None:
        data = get(client, "/construction/contribution", date=day, permit_fees="1000000000")
        assert data["owner_share_rial"] == share
        assert data["version"] == version
        assert data["outcome"] == "computed"
        assert f"{share:,}" in data["reasons"][0]["message_en"]
        # the worker's share needs the monthly minimum wage of the year: known or said so
        worker = data["worker"]
        assert worker.get("outcome") == "computed" or worker["error"]["message_fa"]


# -- Persian digits -------------------------------------------------------------------------


class TestPersianDigits:
    def test_burden_with_persian_date_and_amount(self, client: TestClient) -> None:
        latin = get(client, "/afford/burden", **FAMILY_1403, instalment="200000000")
        persian = get(
            client,
            "/afford/burden",
            on="۱۴۰۳/۰۷/۰۱",
            married="true",
            children=2,
            instalment="۲۰۰٬۰۰۰٬۰۰۰",
        )
        assert persian == latin

    def test_a_persian_year_and_percentages(self, client: TestClient) -> None:
        data = get(client, "/wages/profile", on="۱۴۰۴", years_of_service=1)
        assert data["gross_rial"] == 137_729_680
        assert data["as_of"] == "1404/01/01"
        months = get(
            client,
            "/afford/months",
            principal="۹٬۶۰۰٬۰۰۰٬۰۰۰",
            rate="۱۸",
            instalment="۲۰۰,۰۰۰,۰۰۰",
        )
        assert months["months"] == 86

    def test_a_permit_in_persian(self, client: TestClient) -> None:
        data = get(
            client, "/construction/contribution", date="۱۴۰۰/۰۶/۰۱", permit_fees="۱٬۰۰۰٬۰۰۰٬۰۰۰"
        )
        assert data["owner_share_rial"] == 150_000_000

    def test_a_falling_trend_with_a_persian_minus(self, client: TestClient) -> None:
        data = get(
            client,
            "/construction/project",
            start_year=1404,
            years=3,
            insured=100,
            per_capita_cost="۱۰٬۰۰۰٬۰۰۰",
            permit_revenue="600000000",
            permit_trend="−۱۰",
            worker_contributions="300000000",
        )
        assert [y["deficit_rial"] for y in data["years"]] == [100_000_000, 160_000_000, 214_000_000]


# -- the rest of each capability ---------------------------------------------------------------


class TestWages:
    def test_article_149(self, client: TestClient, programs_container: Container) -> None:
        data = get(client, "/wages/article149", workers=120, on="1403/07/01")
        assert data["large"] is True
        assert data["article_fa"].startswith("کارفرمایان مکلفند")
        assert data["article_en"]
        build_ = [o for o in data["obligations"] if o["code"].endswith("organisational_housing")]
        assert build_[0]["applies"] is True
        envelope_ok(data, programs_container)
        small = get(client, "/wages/article149", workers=12, cooperative="true", on="1403/07/01")
        assert small["large"] is False

    def test_a_wage_above_the_minimum_and_a_spouses_income(self, client: TestClient) -> None:
        data = get(
            client, "/wages/profile", on="1403/07/01", wage="200000000", other_income="50000000"
        )
        assert data["other_income_rial"] == 50_000_000
        assert data["household_gross_rial"] == data["gross_rial"] + 50_000_000


class TestAfford:
    def test_the_loan_over_its_life(self, client: TestClient) -> None:
        data = get(
            client,
            "/afford/burden",
            **FAMILY_1403,
            principal="9600000000",
            rate="18",
            instalment="200000000",
            wage_rise="20",
        )
        assert data["loan"]["months"] == 86 and len(data["months"]) == 86
        assert data["years"][1]["income_rial"] == 136_793_050
        # income is assumed to rise: the answer warns
        assert "afford.wage_rise_assumed" in {w["code"] for w in data["warnings"]}

    def test_a_market_loan_at_the_cap_from_policy(self, client: TestClient) -> None:
        data = get(
            client,
            "/afford/burden",
            **FAMILY_1403,
            loan="market",
            principal="5000000000",
            months=240,
        )
        assert data["loan"]["annual_rate_percent"] == "23"
        assert data["loan"]["months"] == 240

    def test_a_youth_fund_loan_stepwise(self, client: TestClient) -> None:
        data = get(
            client,
            "/afford/burden",
            **FAMILY_1403,
            loan="youth-fund",
            opened="1403/01/15",
            principal="16000000000",
            months=240,
            method="stepwise",
            wage_rise="25",
        )
        assert data["loan"]["method"] == "stepwise"
        assert data["loan"]["annual_rate_percent"] == "9"
        assert "youth_fund.loan.rate_percent" in {w["parameter"] for w in data["warnings"]}
        burdens = [Decimal(y["max_burden_percent"]) for y in data["years"]]
        assert len(burdens) == 20 and burdens == sorted(burdens, reverse=True)

    def test_max_loan(self, client: TestClient) -> None:
        data = get(client, "/afford/max-loan", **FAMILY_1403, rate="23", months=240)
        assert data["instalment_limit_rial"] == 34_198_262
        assert 0 < data["max_instalment_rial"] <= data["instalment_limit_rial"]
        assert data["outcome"] == "affordable"

    def test_rent_and_allowance(self, client: TestClient) -> None:
        family = {"on": "1403/10/12", "married": "true", "children": 2}
        rent = get(client, "/afford/rent", **family)
        assert rent["burden_percent"] == "140.36"
        assert rent["rent_source"] == "wages.affordability.tehran_average_rent"
        allowance = get(client, "/afford/allowance", **family)
        assert allowance["needed_allowance_rial"] == 428_339_126
        assert allowance["outcome"] == "raise_needed"


class TestConstruction:
    def test_a_refused_permit_in_the_unmodelled_window(self, client: TestClient) -> None:
        for day in ("1386/01/01", "1393/09/15"):
            data = get(client, "/construction/contribution", date=day, permit_fees="1000000000")
            assert data["outcome"] == "not_modelled", day
            assert data["owner_share_rial"] is None
            reason = data["reasons"][0]
            assert reason["code"] == "construction.not_modelled" and reason["passed"] is False
            assert "no figure is guessed" in reason["message_en"]
        # during the 1402 suspension of the 1401 text the 1393 text (15%) applied
        for day in ("1401/12/01", "1402/06/21"):
            data = get(client, "/construction/contribution", date=day, permit_fees="1000000000")
            assert data["outcome"] == "computed_with_fallback", day
            assert data["owner_share_rial"] == 150_000_000
        # the day the 1402 text takes effect is computed again
        data = get(client, "/construction/contribution", date="1402/06/22", permit_fees="4")
        assert data["outcome"] == "computed" and data["owner_share_rial"] == 1

    def test_the_workers_share_when_known(self, client: TestClient) -> None:
        data = get(client, "/construction/contribution", date="1403/05/01", permit_fees="4000")
        assert data["owner_share_rial"] == 1000
        assert data["worker"]["monthly_rial"] == 5_016_329
        given = get(
            client,
            "/construction/contribution",
            date="1403/05/01",
            permit_fees="4000",
            worker_base="100000000",
        )
        assert given["worker"]["monthly_rial"] == 7_000_000

    def test_the_1379_per_square_metre_formula(self, client: TestClient) -> None:
        data = get(
            client, "/construction/contribution", date="1385/01/01", area="80", daily_wage="50000"
        )
        assert data["method"] == "per_square_metre"
        assert data["owner_share_rial"] == 80 * 3 * 500  # 80 m² × 3% × 50,000

    def test_a_batch(self, client: TestClient, programs_container: Container) -> None:
        permits = [
            {
                "reference": "A",
                "date": "1402/07/01",
                "permit_fees": 1_000_000_000,
                "density_fees": "200,000,000",
            },
            {"reference": "B", "date": "۱۴۰۰/۰۶/۰۱", "permit_fees": "۱٬۰۰۰٬۰۰۰٬۰۰۰"},
            {"reference": "C", "date": "1390/12/01", "permit_fees": 1_000_000_000},
            {"date": "1385/01/01", "area_m2": "80", "daily_wage": 50_000},
        ]
        r = client.post(V1 + "/construction/contributions", json=permits)
        assert r.status_code == 200, r.text
        data = r.json()
        assert data["total_owner_share_rial"] == 300_000_000 + 150_000_000 + 120_000
        assert [row["outcome"] for row in data["rows"]] == [
            "computed",
            "computed",
            "not_modelled",
            "computed",
        ]
        assert data["rows"][3]["reference"] == "permit 4"
        assert data["outcome"] == "partial"
        assert (data["permits"], data["computed"], data["refused"]) == (4, 3, 1)
        assert {v["version"] for v in data["by_version"]} == {"1379", "1393", "1402"}
        envelope_ok(data, programs_container)

    def test_a_batch_with_a_bad_permit_names_it(self, client: TestClient) -> None:
        r = client.post(
            V1 + "/construction/contributions",
            json=[{"date": "1402/07/01", "permit_fees": 1}, {"date": "1402/13/01"}],
        )
        body = problem(r)
        assert body["code"] == "date.malformed"
        assert body["message_en"].startswith("Permit 2:")
        assert body["message_fa"].startswith("پروانه 2:")
        assert body["permit"] == 2

    def test_a_batch_must_be_a_bounded_non_empty_list_of_known_fields(
        self, client: TestClient
    ) -> None:
        url = V1 + "/construction/contributions"
        assert problem(client.post(url, json=[]))["code"] == "construction.empty_batch"
        too_many = [{"date": "1402/07/01"}] * 10_001
        assert problem(client.post(url, json=too_many))["code"] == "request.invalid"
        unknown = [{"date": "1402/07/01", "fee": 1}]
        assert problem(client.post(url, json=unknown))["code"] == "request.invalid"
        negative = [{"date": "1402/07/01", "permit_fees": -1}]
        assert problem(client.post(url, json=negative))["code"] == "amount.negative"
        huge = [{"date": "1402/07/01", "permit_fees": 10**20}]
        assert problem(client.post(url, json=huge))["code"] == "amount.too_large"
        fractional = [{"date": "1402/07/01", "permit_fees": 1.5}]
        assert problem(client.post(url, json=fractional))["code"] == "request.invalid"

    def test_the_fund_projection(self, client: TestClient, programs_container: Container) -> None:
        data = get(
            client,
            "/construction/project",
            start_year=1404,
            years=3,
            insured=100,
            per_capita_cost="10000000",
            permit_revenue="600000000",
            permit_trend="-10",
            worker_contributions="300000000",
        )
        assert [y["deficit_rial"] for y in data["years"]] == [100_000_000, 160_000_000, 214_000_000]
        assert data["outcome"] == "deficit"
        assert data["total_deficit_rial"] == 474_000_000
        # the per-capita cost is not published: the answer says it is the caller's input
        assert "input.per_capita_cost" in {w["parameter"] for w in data["warnings"]}
        envelope_ok(data, programs_container)


# -- charts ------------------------------------------------------------------------------------

CHARTS: list[tuple[str, dict[str, Any], str]] = [
    ("/charts/burden", {**FAMILY_1403, "instalment": "200000000", "months": 24}, "burden"),
    ("/charts/rent", {"on": "1403/10/12", "married": "true", "children": 2}, "rent"),
    ("/charts/allowance", {"on": "1403/10/12", "married": "true", "children": 2}, "needed"),
    (
        "/charts/fund",
        {"start_year": 1404, "years": 5, "per_capita_cost": "10000000", "permit_revenue": "1"},
        "obligations",
    ),
]


class TestCharts:
    @pytest.mark.parametrize(("path", "params", "series"), CHARTS)
    def test_svg(
        self,
        client: TestClient,
        programs_container: Container,
        path: str,
        params: dict[str, Any],
        series: str,
    ) -> None:
        r = client.get(V1 + path, params={**params, "format": "svg"})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "image/svg+xml"
        assert r.content.lstrip().startswith(b"<?xml")
        root = ET.fromstring(r.content)
        assert root.tag.endswith("svg")
        assert f"series-{series}" in {el.get("id") for el in root.iter()}
        assert r.headers["x-policy-hash"] == programs_container.policy.hash
        assert r.headers["x-decision-outcome"]

    @pytest.mark.parametrize(("path", "params", "series"), CHARTS)
    def test_png(self, client: TestClient, path: str, params: dict[str, Any], series: str) -> None:
        r = client.get(V1 + path, params={**params, "format": "png"})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "image/png"
        assert r.content[:8] == PNG
        assert series.encode() in r.content  # named in the PNG's Description text chunk

    def test_svg_is_the_default_and_the_warnings_are_in_the_headers(
        self, client: TestClient
    ) -> None:
        r = client.get(V1 + "/charts/burden", params={**FAMILY_1403, "instalment": "200000000"})
        assert r.headers["content-type"] == "image/svg+xml"
        assert "assumed:wages.affordability.housing_cost_limit_percent" in r.headers["x-warnings"]
        assert r.headers["x-decision-outcome"] == "over_limit"

    def test_a_label_with_dollar_signs_is_drawn_literally(self, client: TestClient) -> None:
        r = client.get(
            V1 + "/charts/burden",
            params={**FAMILY_1403, "instalment": "1", "months": 13, "label": r"$\frac$"},
        )
        assert r.status_code == 200, r.text

    def test_a_bad_format_is_refused_before_any_work(self, client: TestClient) -> None:
        body = problem(client.get(V1 + "/charts/burden", params={**FAMILY_1403, "format": "gif"}))
        # no instalment was given either: the format is checked first
        assert body["code"] == "chart.format" and body["field"] == "format"

    def test_a_chart_takes_the_same_inputs_and_their_errors(self, client: TestClient) -> None:
        body = problem(client.get(V1 + "/charts/rent", params={"on": "1403/10/11"}))
        assert "tehran_average_rent" in body["message_en"]


# -- bad input: 422 problem details in Persian and English, never a 5xx ----------------------

BIG = str(10**20)

BAD: list[tuple[str, dict[str, Any], str]] = [
    ("/wages/profile", {"on": "1403/13/01"}, "date.malformed"),
    ("/wages/profile", {"on": "1403/02/31x"}, "date.malformed"),
    ("/wages/profile", {"on": "9999"}, "date.malformed"),
    ("/wages/profile", {"on": "1402/12/29"}, "policy.not_in_force"),
    ("/wages/profile", {"on": "1403/07/01", "children": -2}, "request.invalid"),
    ("/wages/profile", {"on": "1403/07/01", "children": 10**30}, "request.invalid"),
    ("/wages/profile", {"on": "1403/07/01", "wage": "-5"}, "amount.negative"),
    ("/wages/profile", {"on": "1403/07/01", "wage": BIG}, "amount.too_large"),
    ("/wages/profile", {"on": "1403/07/01", "wage": "9" * 41}, "request.invalid"),
    ("/wages/article149", {"workers": 0}, "request.invalid"),
    ("/wages/article149", {"workers": 10**12}, "request.invalid"),
    ("/afford/burden", {**FAMILY_1403, "instalment": "-200000000"}, "amount.negative"),
    ("/afford/burden", {**FAMILY_1403, "instalment": "2.5"}, "amount.malformed"),
    ("/afford/burden", {**FAMILY_1403, "instalment": BIG}, "amount.too_large"),
    ("/afford/burden", FAMILY_1403, "afford.loan_missing"),
    ("/afford/burden", {**FAMILY_1403, "instalment": "1", "basis": "x"}, "afford.basis"),
    (
        "/afford/burden",
        {**FAMILY_1403, "instalment": "1", "rate": "5"},
        "afford.rate_without_principal",
    ),
    ("/afford/burden", {**FAMILY_1403, "instalment": "1", "months": 1201}, "request.invalid"),
    ("/afford/burden", {**FAMILY_1403, "instalment": "1", "wage_rise": "5000"}, "afford.wage_rise"),
    ("/afford/burden", {**FAMILY_1403, "instalment": "1", "limit": "0"}, "afford.limit"),
    (
        "/afford/burden",
        {**FAMILY_1403, "principal": "1000000", "rate": "18", "months": 601},
        "months.invalid",
    ),
    (
        "/afford/burden",
        {**FAMILY_1403, "principal": "1000000", "rate": "1e9", "months": 12},
        "percent.malformed",
    ),
    (
        "/afford/burden",
        {**FAMILY_1403, "principal": "1000000", "rate": "99999999", "months": 12},
        "percent.too_large",
    ),
    (
        "/afford/burden",
        {**FAMILY_1403, "principal": "1000000", "rate": "18", "months": 12, "method": "x"},
        "loan.method",
    ),
    (
        "/afford/burden",
        {
            **FAMILY_1403,
            "principal": "1000000",
            "rate": "18",
            "months": 12,
            "method": "stepwise",
            "step": "5000",
        },
        "percent.too_large",
    ),
    (
        "/afford/burden",
        {**FAMILY_1403, "principal": "1000000", "rate": "18", "loan": "market", "months": 12},
        "afford.rate_conflict",
    ),
    (
        "/afford/burden",
        {**FAMILY_1403, "principal": "1000000", "loan": "mortgage", "months": 12},
        "afford.loan_unknown",
    ),
    (
        "/afford/burden",
        {**FAMILY_1403, "instalment": "1", "months": 1200, "wage_rise": "-99.9"},
        "afford.income_vanishes",
    ),
    ("/afford/max-loan", {**FAMILY_1403, "months": 240}, "afford.rate_missing"),
    (
        "/afford/max-loan",
        {**FAMILY_1403, "months": 240, "rate": "5", "method": "stepwise"},
        "afford.method",
    ),
    (
        "/afford/months",
        {"principal": "9600000000", "rate": "23", "instalment": "100000000"},
        "finance.instalment_too_small",
    ),
    # would take 10**16 months: refused before any month is computed
    (
        "/afford/months",
        {"principal": str(10**16), "rate": "0", "instalment": "1"},
        "afford.term_too_long",
    ),
    (
        "/afford/months",
        {"principal": str(10**16), "rate": "0.000001", "instalment": str(10**12)},
        "afford.term_too_long",
    ),
    ("/afford/months", {"principal": "0", "rate": "18", "instalment": "1"}, "amount.not_positive"),
    ("/afford/rent", {"on": "1403/10/11"}, "policy.not_in_force"),
    ("/afford/rent", {"on": "1403/10/12", "rent": "-1"}, "amount.negative"),
    ("/afford/allowance", {"on": "1403/10/12", "target": "2000"}, "afford.limit"),
    ("/construction/contribution", {"date": "1402/7/1x", "permit_fees": "1"}, "date.malformed"),
    ("/construction/contribution", {"date": "1402/07/01", "permit_fees": "-1"}, "amount.negative"),
    ("/construction/contribution", {"date": "1402/07/01", "density_fees": BIG}, "amount.too_large"),
    ("/construction/contribution", {"permit_fees": "1"}, "request.invalid"),
    ("/construction/contribution", {"date": "1385/01/01"}, "construction.area_needed"),
    ("/construction/contribution", {"date": "1385/01/01", "area": "-3"}, "construction.area"),
    ("/construction/contribution", {"date": "1385/01/01", "area": "9" * 30}, "construction.area"),
    ("/construction/contribution", {"date": "1300/01/01"}, "policy.not_in_force"),
    (
        "/construction/project",
        {"start_year": 1404, "per_capita_cost": "1", "permit_revenue": "-1"},
        "amount.negative",
    ),
    (
        "/construction/project",
        {"start_year": 1404, "per_capita_cost": BIG, "permit_revenue": "1"},
        "amount.too_large",
    ),
    (
        "/construction/project",
        {"start_year": 1404, "per_capita_cost": "1", "permit_revenue": "1", "years": 51},
        "request.invalid",
    ),
    (
        "/construction/project",
        {"start_year": 99999, "per_capita_cost": "1", "permit_revenue": "1"},
        "request.invalid",
    ),
    (
        "/construction/project",
        {"start_year": 1404, "per_capita_cost": "1", "permit_revenue": "1", "cost_trend": "-100"},
        "fund.cost_trend_percent",
    ),
]


@pytest.mark.parametrize(("path", "params", "code"), BAD)
def test_bad_input_is_a_bilingual_422(
    client: TestClient, path: str, params: dict[str, Any], code: str
) -> None:
    body = problem(client.get(V1 + path, params=params))
    assert body["code"] == code, body
    assert body["type"].endswith(code)
    assert body["instance"] == V1 + path


def test_the_largest_numbers_accepted_are_answered(client: TestClient) -> None:
    """At every bound at once the answer comes back, quickly, as a 200."""
    top = str(10**16)
    data = get(
        client,
        "/afford/burden",
        on="1403/07/01",
        married="true",
        children=20,
        years_of_service=60,
        wage=top,
        other_income=top,
        principal=top,
        rate="1000",
        months=600,
        grace=120,
        method="stepwise",
        step="100",
        wage_rise="1000",
    )
    assert data["loan"]["months"] == 720
    fund = get(
        client,
        "/construction/project",
        start_year=1500,
        years=50,
        insured=100_000_000,
        per_capita_cost=top,
        permit_revenue=top,
        cost_trend="1000",
    )
    assert len(fund["years"]) == 50


def test_no_login_is_needed_and_the_endpoints_are_documented(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    expected = {
        "/api/v1/wages/profile": ("get", "wages"),
        "/api/v1/wages/article149": ("get", "wages"),
        "/api/v1/afford/burden": ("get", "affordability"),
        "/api/v1/afford/max-loan": ("get", "affordability"),
        "/api/v1/afford/months": ("get", "affordability"),
        "/api/v1/afford/rent": ("get", "affordability"),
        "/api/v1/afford/allowance": ("get", "affordability"),
        "/api/v1/construction/contribution": ("get", "construction"),
        "/api/v1/construction/contributions": ("post", "construction"),
        "/api/v1/construction/project": ("get", "construction"),
        "/api/v1/charts/burden": ("get", "affordability"),
        "/api/v1/charts/rent": ("get", "affordability"),
        "/api/v1/charts/allowance": ("get", "affordability"),
        "/api/v1/charts/fund": ("get", "construction"),
    }
    for path, (method, tag) in expected.items():
        op = paths[path][method]
        assert tag in op["tags"], path
        assert "security" not in op, path
    assert set(paths["/api/v1/charts/fund"]["get"]["responses"]["200"]["content"]) == {
        "image/svg+xml",
        "image/png",
    }


# -- the CLI's --json and the API agree ----------------------------------------------------------


class TestSameAsTheCli:
    def test_burden_of_one_instalment(self, client: TestClient) -> None:
        api = get(client, "/afford/burden", **FAMILY_1403, instalment="200000000")
        assert api == cli_json("afford", "burden", *FAMILY_CLI, "--instalment", "200000000")

    def test_burden_of_a_loan_over_its_life(self, client: TestClient) -> None:
        api = get(
            client,
            "/afford/burden",
            **FAMILY_1403,
            loan="youth-fund",
            opened="1403/01/15",
            principal="16000000000",
            months=240,
            method="stepwise",
            wage_rise="25",
            basis="net",
        )
        cli = cli_json(
            "afford",
            "burden",
            *FAMILY_CLI,
            "--loan",
            "youth-fund",
            "--opened",
            "1403/01/15",
            "--principal",
            "16000000000",
            "--months",
            "240",
            "--method",
            "stepwise",
            "--wage-rise",
            "25",
            "--basis",
            "net",
        )
        assert api == cli

    @pytest.mark.parametrize("day", ["1402/07/01", "1400/06/01", "1401/12/01", "1403/05/01"])
    def test_contribution(self, client: TestClient, day: str) -> None:
        api = get(
            client,
            "/construction/contribution",
            date=day,
            permit_fees="1000000000",
            density_fees="200000000",
        )
        cli = cli_json(
            "construction",
            "contribution",
            "--date",
            day,
            "--permit-fees",
            "1000000000",
            "--density-fees",
            "200000000",
        )
        assert api == cli
        assert "worker" in api

    def test_batch(self, client: TestClient, tmp_path: Path) -> None:
        f = tmp_path / "permits.csv"
        f.write_text(
            "reference,date,permit_fees,density_fees\n"
            "A,1402/07/01,1000000000,200000000\n"
            "B,1400/06/01,1000000000,\n"
            "C,1401/12/01,1000000000,\n",
            encoding="utf-8",
        )
        permits = [
            {"reference": "A", "date": "1402/07/01", "permit_fees": 1_000_000_000,
             "density_fees": 200_000_000},
            {"reference": "B", "date": "1400/06/01", "permit_fees": 1_000_000_000},
            {"reference": "C", "date": "1401/12/01", "permit_fees": 1_000_000_000},
        ]  # fmt: skip
        r = client.post(V1 + "/construction/contributions", json=permits)
        assert r.status_code == 200, r.text
        assert r.json() == cli_json("construction", "contribution", "--batch", str(f))

    def test_the_other_commands(self, client: TestClient) -> None:
        pairs: list[tuple[str, dict[str, Any], list[str]]] = [
            ("/wages/profile", FAMILY_1403, ["wages", "profile", *FAMILY_CLI]),
            (
                "/wages/article149",
                {"workers": 120, "on": "1403/07/01"},
                ["wages", "article149", "--workers", "120", "--on", "1403/07/01"],
            ),
            (
                "/afford/max-loan",
                {**FAMILY_1403, "rate": "23", "months": 240},
                ["afford", "max-loan", *FAMILY_CLI, "--rate", "23", "--months", "240"],
            ),
            (
                "/afford/months",
                {"principal": "9600000000", "rate": "18", "instalment": "200000000", "on": "1403"},
                ["afford", "months", "--principal", "9600000000", "--rate", "18",
                 "--instalment", "200000000", "--on", "1403"],
            ),
            (
                "/afford/rent",
                {"on": "1403/10/12", "married": "true", "children": 2},
                ["afford", "rent", "--on", "1403/10/12", "--married", "--children", "2"],
            ),
            (
                "/afford/allowance",
                {"on": "1403/10/12", "rent": "300000000", "target": "35"},
                ["afford", "allowance", "--on", "1403/10/12", "--rent", "300000000",
                 "--target", "35"],
            ),
            (
                "/construction/project",
                {"start_year": 1404, "years": 3, "per_capita_cost": "10000000",
                 "permit_revenue": "600000000", "permit_trend": "-10"},
                ["construction", "project", "--start-year", "1404", "--years", "3",
                 "--per-capita-cost", "10000000", "--permit-revenue", "600000000",
                 "--permit-trend", "-10"],
            ),
        ]  # fmt: skip
        for path, params, args in pairs:
            assert get(client, path, **params) == cli_json(*args), path
