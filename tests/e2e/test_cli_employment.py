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
    own = run(
        db, "guarantee", app_id, "--kind", "guarantor", "--national-id", nid, "--as", "bank.officer"
    )
    assert own.returncode == 2 and "Traceback" not in own.stderr
    assert "ضامن وام خودش" in own.stderr and "cannot guarantee their own loan" in own.stderr
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
    twice = run(
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
    assert twice.returncode == 2 and "counts once" in twice.stderr
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


ISSUE_CASE = (
    "check",
    "--amount",
    "3000000000",
    "--on",
    "1403/09/01",
    "--approved-category",
    "--grade",
    "D",
    "--promissory-note",
    "--guarantors",
    "1",
)


def test_the_check_gives_one_verdict_and_claims_nothing_unchecked(tmp_path: Path, db: str) -> None:
    nowhere = f"sqlite:///{tmp_path / 'none.sqlite3'}"
    data = ok(nowhere, *ISSUE_CASE)
    assert data["verdict"]["outcome"] == "eligible_with_guarantees"
    assert data["verdict"]["to_bring"] == [["credit_score"], ["guarantor"]]
    assert data["verdict"]["one_loan_rule"] == "not_checked"
    r = run(nowhere, *ISSUE_CASE)
    assert r.returncode == 0
    assert "Eligible once the guarantees are brought" in r.stdout
    assert "no employment loan before" not in r.stdout
    assert "was not checked" in r.stdout and "بررسی نشد" in r.stdout
    # every warning in both languages
    assert "رقم فرضی برای employment.grace_months" in r.stdout
    assert "Assumed figure used for employment.grace_months" in r.stdout
    # a national ID with no database to look in: still not checked, and no file is made
    data = ok(nowhere, *ISSUE_CASE, "--national-id", "0790419904")
    assert data["verdict"]["one_loan_rule"] == "not_checked"
    assert not (tmp_path / "none.sqlite3").exists()
    # with the configured database: the demo's SAMAT loan for this person is found
    data = ok(
        db,
        "check",
        "--amount",
        "1000000000",
        "--on",
        "1403/09/01",
        "--grade",
        "B",
        "--national-id",
        "0790419904",
    )
    assert data["verdict"]["outcome"] == "not_eligible"
    assert data["verdict"]["one_loan_rule"] == "checked"
    assert [r["code"] for r in data["verdict"]["because"]] == ["employment.one_loan_per_person"]
    data = ok(
        db,
        "check",
        "--amount",
        "1000000000",
        "--on",
        "1403/09/01",
        "--grade",
        "B",
        "--national-id",
        "0555551245",
    )
    assert data["verdict"]["outcome"] == "eligible"
    assert data["verdict"]["one_loan_rule"] == "checked"
    r = run(db, "check", "--amount", "1000000000", "--on", "1403/09/01", "--national-id", "12")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_bad_input_is_bilingual(db: str) -> None:
    r = run(db, "check", "--amount", "-3", "--on", "1403/09/01")
    assert r.returncode == 2 and "خطا" in r.stderr and "Traceback" not in r.stderr
    r = run(db, "show", "1", "--as", "nobody")
    assert r.returncode == 2 and "nobody" in r.stderr
