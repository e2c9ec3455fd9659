"""The employment-loan workflow through the real ``tashilat`` command on a demo database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tashilat.bootstrap import build
from tashilat.demo import seed
from tashilat.settings import Settings


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("cli-emp") / "demo.sqlite3"
    url = f"sqlite:///{path}"
    c = build(Settings(database_url=url))
    seed(c)
    c.dispose()
    return url


def run(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TASHILAT_DATABASE_URL": db}
    return subprocess.run(
        [sys.executable, "-m", "tashilat", "employment", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def ok(db: str, *args: str) -> dict:  # type: ignore[type-arg]
    r = run(db, *args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def test_submission_to_disbursement_and_one_loan_per_person(db: str) -> None:
    nid = "0555551237"  # a valid national ID that the demo has not used
    app = ok(
        db,
        "submit",
        "--national-id",
        nid,
        "--name",
        "آزمون",
        "--province",
        "تهران",
        "--agency",
        "IKRC",
        "--amount",
        "۲٬۵۰۰٬۰۰۰٬۰۰۰",
        "--jobs",
        "3",
        "--category",
        "HANDICRAFT",
        "--as",
        "agency.relief",
    )
    assert [b["bundle"] for b in app["guarantee_bundles"]] == [
        ["credit_score", "promissory_note", "guarantor"],
        ["guarantor", "guarantor"],
    ]
    app_id = str(app["id"])
    assert (
        ok(db, "introduce", app_id, "--bank", "MASKAN", "--as", "agency.relief")["state"]
        == "introduced"
    )
    ok(
        db,
        "guarantee",
        app_id,
        "--kind",
        "guarantor",
        "--national-id",
        "0790419904",
        "--as",
        "bank.officer",
    )
    g = ok(
        db,
        "guarantee",
        app_id,
        "--kind",
        "guarantor",
        "--national-id",
        "0084575948",
        "--as",
        "bank.officer",
    )
    assert g["outcome"] == "met"
    assert ok(db, "approve", app_id, "--as", "bank.officer")["state"] == "approved"
    r = run(db, "disburse", app_id, "--as", "bank.officer")
    assert r.returncode != 0 and "Traceback" not in r.stderr  # a bank officer does not pay
    paid = ok(db, "disburse", app_id, "--as", "bank.payer")
    assert paid["state"] == "disbursed" and paid["samat_code"].startswith("SAMAT-")
    again = run(
        db,
        "submit",
        "--national-id",
        nid,
        "--name",
        "آزمون",
        "--province",
        "تهران",
        "--agency",
        "SWO",
        "--amount",
        "1000000000",
        "--jobs",
        "1",
        "--as",
        "agency.welfare",
    )
    assert again.returncode == 2
    # the demo's business date is in 1406, under the 1404 repeat rule: too soon, and it names
    # the first loan's SAMAT code and date
    assert paid["samat_code"] in again.stderr and paid["disbursed_on"] in again.stderr


def test_the_check_and_reports(db: str) -> None:
    data = ok(db, "check", "--amount", "1500000001", "--on", "1403/09/01")
    assert (
        data["eligibility"]["outcome"] == "refused"
        and data["eligibility"]["cap_rial"] == 1_500_000_000
    )
    r = run(db, "report", "pipeline", "--as", "admin", "--csv")
    assert r.returncode == 0 and r.stdout.splitlines()[0] == "state,count,amount_rial"


def test_bad_input_is_bilingual(db: str) -> None:
    r = run(db, "check", "--amount", "-3", "--on", "1403/09/01")
    assert r.returncode == 2 and "خطا" in r.stderr and "Traceback" not in r.stderr
    r = run(db, "show", "1", "--as", "nobody")
    assert r.returncode == 2 and "nobody" in r.stderr
