"""``tashilat fund forecast`` end to end: a generated run directory (local and Dask), a
database on both backends, variants, JSON/CSV, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import insert, select
from typer.testing import CliRunner

from tashilat.adapters.batch import generate, generate_load
from tashilat.adapters.db.models import Loan, LoanInstalment
from tashilat.bootstrap import Container
from tashilat.domain.jalali import jalali_year, parse_jalali
from tashilat.entrypoints.cli.main import app
from tashilat.jobs import forecast as job
from tests.batch.conftest import AS_OF, small_spec

runner = CliRunner()
VARIANT = Path(__file__).parents[2] / "docs" / "forecast" / "variant-take-up-80.yaml"
FIGURES = job.FIGURES


def forecast(*args: str) -> tuple[int, str]:
    r = runner.invoke(app, ["fund", "forecast", "--as-of", "1404/01/01", *args])
    return r.exit_code, r.stdout


def test_json_shape_variants_and_dask(generated: Path) -> None:
    code, text = forecast(
        "--years", "4", "--run", str(generated), "--variant", str(VARIANT), "--json"
    )
    assert code == 0, text
    doc = json.loads(text)
    assert doc["as_of"] == "1404/01/01" and doc["accounts"] == 1500
    assert [y["year"] for y in doc["years"]] == [1404, 1405, 1406, 1407]
    for y in doc["years"]:
        assert set(FIGURES) <= set(y)
        assert sorted(y["by_tier"]) == ["1", "2", "3"]
        assert list(y["by_province"]) == ["unknown"]  # generated data has no cities
        for k in FIGURES:
            assert sum(t[k] for t in y["by_tier"].values()) == y[k]
            assert y["by_province"]["unknown"][k] == y[k]
        assert y["net_rial"] == (
            y["disbursements_rial"] + y["profit_rial"] - y["deposits_rial"] - y["repayments_rial"]
        )
    assert sum(y["eligible_accounts"] for y in doc["years"]) > 0
    assert doc["assumptions"]["forecast.take_up.newly_eligible_percent"]["status"] == "assumed"
    (v,) = doc["variants"]
    assert v["name"] == "take-up 80%"
    assert v["assumptions"]["forecast.take_up.newly_eligible_percent"]["value"] == "80"
    for base, var, diff in zip(doc["years"], v["years"], v["difference"], strict=True):
        for k in FIGURES:
            assert diff[k] == var[k] - base[k]
        # only the take-up changed: the same savers deposit the same amounts
        assert diff["deposits_rial"] == 0 and diff["reaching_min_wait"] == 0
    assert v["difference"][0]["loans"] > 0
    # the Dask engine gives the same document
    code, dask_text = forecast(
        "--years", "4", "--run", str(generated), "--variant", str(VARIANT), "--json",
        "--engine", "dask", "--workers", "2",
    )  # fmt: skip
    assert code == 0, dask_text
    assert json.loads(dask_text) == doc


def test_csv_and_table(generated: Path) -> None:
    code, text = forecast("--years", "2", "--run", str(generated), "--csv")
    assert code == 0, text
    lines = text.splitlines()
    assert lines[0].split(",") == list(job.CSV_COLUMNS)
    assert lines[1].startswith("baseline,1404,total,,")
    assert len(lines) == 1 + 2 * (1 + 3 + 1)
    code, text = forecast("--years", "2", "--run", str(generated))
    assert code == 0 and "1405" in text and "baseline" in text


def test_bad_input_is_refused_in_both_languages(generated: Path, tmp_path: Path) -> None:
    code, text = forecast("--years", "0", "--run", str(generated), "--json")
    assert code == 2 and json.loads(text)["code"] == "forecast.years"
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\nparameters:\n  youth_fund.nothing:\n"
        "    values:\n      - since: 1403/01/01\n        value: 1\n"
    )
    code, text = forecast("--run", str(generated), "--variant", str(bad), "--json")
    problem = json.loads(text)
    assert code == 2 and problem["code"] == "forecast.variant_invalid"
    assert "youth_fund.nothing" in problem["message_en"] and problem["message_fa"]
    code, text = forecast("--run", str(generated), "--json", "--years", "۳", "--csv")
    assert code == 2
    r = runner.invoke(
        app, ["fund", "forecast", "--as-of", "1404/02/01", "--run", str(generated), "--json"]
    )
    assert r.exit_code == 2 and json.loads(r.stdout)["code"] == "forecast.run_as_of"
    r = runner.invoke(
        app, ["fund", "forecast", "--as-of", "1404/13/01", "--run", str(generated), "--json"]
    )
    assert r.exit_code == 2 and json.loads(r.stdout)["message_fa"]


def test_database_equals_its_generated_run(container: Container, tmp_path: Path) -> None:
    """The same generated population loaded into a database and written as a run directory
    gives the same forecast, but for the instalments still owed on earlier loans, which only
    the database has; the database's accounts carry their province."""
    spec = small_spec(accounts=300, partition_size=128)
    generate_load.load_database(spec, container.policy, container.settings.database_url)
    generate.write_partitions(spec, container.policy, tmp_path / "gen")
    # instalments still to come on two of the generated loans (the generator writes only
    # those due by the as-of date): 1404/02/01 and 1405/02/01 owed in full, one partly paid
    with container.engine.begin() as conn:
        loans = conn.execute(
            select(Loan.id).where(Loan.status == "disbursed").order_by(Loan.id).limit(2)
        ).all()
        assert len(loans) == 2
        for n, (loan_id,) in enumerate(loans):
            for k, when in enumerate(("1404/02/01", "1405/02/01", "1408/02/01")):
                conn.execute(
                    insert(LoanInstalment).values(
                        loan_id=loan_id,
                        number=900 + k,
                        due=parse_jalali(when),
                        amount=7_000_000 + n,
                        principal=5_000_000,
                        profit=2_000_000 + n,
                        paid_principal=1_000_000 if k == 1 else 0,
                        paid_profit=0,
                    )
                )
    manifest = job.prepare_run(
        as_of=AS_OF,
        run=tmp_path / "db",
        policy=container.policy,
        container=container,
        partition_size=128,
        province_of=job.province_of_city,
    )
    scenarios = [job.Scenario("baseline", container.policy)]
    from_db = job.as_json(
        job.run_forecast(
            as_of=AS_OF, years=3, run=tmp_path / "db", manifest=manifest, scenarios=scenarios
        )
    )
    gen_manifest = job.prepare_run(
        as_of=AS_OF, run=tmp_path / "gen", policy=container.policy, container=None
    )
    from_run = job.as_json(
        job.run_forecast(
            as_of=AS_OF, years=3, run=tmp_path / "gen", manifest=gen_manifest, scenarios=scenarios
        )
    )
    assert from_db["accounts"] == from_run["accounts"] == 300
    # the database also knows what is still owed on the loans paid out before the as-of date
    owed = {1404: 0, 1405: 0, 1406: 0}
    with container.engine.connect() as conn:
        for due, left in conn.execute(
            select(
                LoanInstalment.due,
                LoanInstalment.amount - LoanInstalment.paid_principal - LoanInstalment.paid_profit,
            )
            .join(Loan, Loan.id == LoanInstalment.loan_id)
            .where(Loan.status == "disbursed", LoanInstalment.due >= AS_OF)
        ):
            if jalali_year(due) in owed:
                owed[jalali_year(due)] += max(int(left), 0)
    assert owed == {1404: 14_000_001, 1405: 12_000_001, 1406: 0}
    for a, b in zip(from_db["years"], from_run["years"], strict=True):
        assert a["repayments_rial"] == b["repayments_rial"] + owed[a["year"]]
        same = [k for k in FIGURES if k not in ("repayments_rial", "net_rial")]
        assert {k: a[k] for k in same} == {k: b[k] for k in same}
        assert list(a["by_province"]) == ["تهران"]
    # the command exports the database afresh and gives the same answer
    code, text = forecast(
        "--years", "3", "--database-url", container.settings.database_url, "--json"
    )
    assert code == 0, text
    assert json.loads(text)["years"] == from_db["years"]
