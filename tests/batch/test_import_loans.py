"""``tashilat import loans``: disbursed housing loans brought in on imported accounts, whole
or not at all, every bad row reported with its line and reason, balanced entries, a rerun
changing nothing, the loans then serviced as any other (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from sqlalchemy import text
from typer.testing import CliRunner

from tashilat.bootstrap import Container
from tashilat.data import load_city_index
from tashilat.entrypoints.cli.main import app
from tashilat.jobs import onboarding, onboarding_loans
from tests.integration.conftest import START
from tests.integration.helpers import world

# opened with enough saved that the 1397 cohort's entitlement is near its cap five years on:
# 910,000,000 rial in Tehran (tier 1), 760,000,000 in Isfahan (tier 2) by mid-1402
ACCOUNTS = """number,national_id,name,birth_date,opened_on,city,branch,opening_deposit
IMP-0001,0499370899,سارا احمدی,1370/02/10,1397/02/10,تهران,0101,500000000
IMP-0002,0790419904,علی رضایی,1369/11/01,1397/03/01,اصفهان,0301,500000000
IMP-0003,0084575948,مریم کریمی,1371/06/15,1397/02/10,شیراز,0101,500000000
IMP-0004,0067749828,رضا محمدی,1380/01/01,1401/01/05,تهران,0101,12000000
"""
LOANS = """number,reference,disbursed_on,principal,months,method,appraisal,repaid
IMP-0001,LN-1,1402/06/01,900000000,120,simple,5000000000,3
IMP-0002,LN-2,1402/08/01,"700,000,000",60,stepwise,2000000000,0
"""
BROKEN = """number,reference,disbursed_on,principal,months,method,appraisal,repaid
IMP-0001,LN-1,1402/06/01,900000000,120,simple,5000000000,3
IMP-0002,LN-2,1402/12/30,700000000,60,stepwise,2000000000,0
IMP-0003,LN-3,1402/06/01,990000000,120,simple,5000000000,0
IMP-0009,LN-4,1402/06/01,100000000,120,simple,5000000000,0
IMP-0003,LN-1,1402/06/01,100000000,120,simple,5000000000,0
IMP-0001,LN-5,1402/07/01,100000000,120,simple,5000000000,0
IMP-0004,LN-6,1402/06/01,10000000,120,simple,5000000000,0
IMP-0003,LN-7,1402/06/01,100000000,12"""


def write(tmp: Path, name: str, body: str) -> Path:
    path = tmp / name
    path.write_text(body, encoding="utf-8")
    return path


def run(c: Container, kind: str, path: Path) -> onboarding.Imported:
    if kind == "loans":
        return onboarding_loans.import_book(path, c)
    return onboarding.import_book(kind, path, c, load_city_index())


def rejects(path: Path) -> list[tuple[int, str]]:
    with path.with_name(path.name + ".rejects.csv").open(encoding="utf-8") as f:
        return [(int(r["line"]), r["code"]) for r in csv.DictReader(f)]


def book(c: Container) -> dict[str, Any]:
    with c.engine.connect() as conn:
        q = lambda sql: [tuple(r) for r in conn.execute(text(sql))]  # noqa: E731
        return {
            "loans": q(
                "SELECT a.number, l.principal, l.months, l.method, l.status, l.disbursed_on, "
                "l.settled_on, l.decision_note FROM loans l JOIN youth_accounts a "
                "ON a.id = l.account_id ORDER BY a.number"
            ),
            "instalments": q(
                "SELECT a.number, COUNT(*), SUM(i.principal), SUM(i.paid_principal), "
                "SUM(i.paid_profit), COUNT(i.paid_on), MIN(i.due) FROM loan_instalments i "
                "JOIN loans l ON l.id = i.loan_id JOIN youth_accounts a ON a.id = l.account_id "
                "GROUP BY a.number ORDER BY a.number"
            ),
            "used": q("SELECT number FROM youth_accounts WHERE privilege_used ORDER BY number"),
            "ledger": q(
                "SELECT la.code, la.type, SUM(p.amount) FROM postings p JOIN ledger_accounts la "
                "ON la.id = p.ledger_account_id WHERE la.code LIKE 'LOAN:%' OR la.code LIKE "
                "'INCOME:%' OR la.code = 'BANK:SETTLEMENT' GROUP BY la.code, la.type "
                "ORDER BY la.code"
            ),
            "entries": q(
                "SELECT request_id, kind, business_date FROM journal_entries "
                "WHERE request_id LIKE 'import:loan:%' ORDER BY request_id"
            ),
            "receivables": q(
                "SELECT code, name, type FROM ledger_accounts WHERE code LIKE 'LOAN:%' "
                "ORDER BY code"
            ),
            "unbalanced": q(
                "SELECT entry_id FROM postings GROUP BY entry_id HAVING SUM(amount) <> 0"
            ),
        }


def with_accounts(c: Container, tmp: Path) -> None:
    world(c)
    assert run(c, "accounts", write(tmp, "accounts.csv", ACCOUNTS)).loaded == 4


def test_loans_load_once_with_their_schedule_and_entries(
    container: Container, tmp_path: Path
) -> None:
    c = container
    with_accounts(c, tmp_path)
    loans = write(tmp_path, "loans.csv", LOANS)
    first = run(c, "loans", loans)
    assert (first.ok, first.rows, first.loaded, first.already_loaded) == (True, 2, 2, 0)
    b = book(c)
    day = lambda v: str(v)[:10]  # noqa: E731
    assert [(*r[:5], day(r[5]), r[6], r[7]) for r in b["loans"]] == [
        (
            "IMP-0001",
            900_000_000,
            120,
            "simple",
            "disbursed",
            "2023-08-23",
            None,
            "import:loan:LN-1",
        ),
        (
            "IMP-0002",
            700_000_000,
            60,
            "stepwise",
            "disbursed",
            "2023-10-23",
            None,
            "import:loan:LN-2",
        ),
    ]
    assert [(*r[:6], day(r[6])) for r in b["instalments"]] == [
        ("IMP-0001", 120, 900_000_000, 14_057_365, 20_145_095, 3, "2023-09-23"),
        ("IMP-0002", 60, 700_000_000, 0, 0, 0, "2023-11-22"),
    ]
    assert b["used"] == [("IMP-0001",), ("IMP-0002",)]
    assert b["ledger"] == [
        # the four opening deposits in, the two loans out, 3 instalments of 11,400,820 back
        ("BANK:SETTLEMENT", "asset", 1_512_000_000 - 1_600_000_000 + 34_202_460),
        ("INCOME:PROFIT", "income", -20_145_095),
        ("LOAN:1:PRINCIPAL", "asset", 885_942_635),  # 900,000,000 less 14,057,365 repaid
        ("LOAN:2:PRINCIPAL", "asset", 700_000_000),
    ]
    assert b["receivables"] == [
        ("LOAN:1:PENALTY", "Loan 1 late charges receivable", "asset"),
        ("LOAN:1:PRINCIPAL", "Loan 1 principal receivable", "asset"),
        ("LOAN:2:PENALTY", "Loan 2 late charges receivable", "asset"),
        ("LOAN:2:PRINCIPAL", "Loan 2 principal receivable", "asset"),
    ]
    assert b["unbalanced"] == []
    assert [(e[0], e[1], day(e[2])) for e in b["entries"]] == [
        ("import:loan:LN-1", "loan.disburse", "2023-08-23"),
        ("import:loan:LN-1:repaid:principal", "loan.repay", "2023-11-22"),
        ("import:loan:LN-1:repaid:profit", "loan.repay", "2023-11-22"),
        ("import:loan:LN-2", "loan.disburse", "2023-10-23"),
    ]
    # a rerun, as CSV or as Parquet, changes nothing
    again = run(c, "loans", loans)
    assert (again.ok, again.loaded, again.already_loaded) == (True, 0, 2)
    assert book(c) == b
    pq.write_table(
        pa.Table.from_pylist(list(csv.DictReader(LOANS.splitlines()))), tmp_path / "l.parquet"
    )
    as_parquet = run(c, "loans", tmp_path / "l.parquet")
    assert (as_parquet.ok, as_parquet.loaded, as_parquet.already_loaded) == (True, 0, 2)
    assert book(c) == b


def test_broken_loan_files_load_nothing(container: Container, tmp_path: Path) -> None:
    c = container
    with_accounts(c, tmp_path)
    empty = book(c)
    broken = write(tmp_path, "loans.csv", BROKEN)
    result = run(c, "loans", broken)
    assert not result.ok and (result.rows, result.rejected, result.loaded) == (8, 7, 0)
    assert rejects(broken) == [
        (3, "date.malformed"),
        (4, "loan.within_entitlement"),  # above the 910,000,000 the account is entitled to
        (5, "import.unknown_account"),
        (6, "import.duplicate"),  # the reference of line 2
        (7, "import.duplicate"),  # a second loan on line 2's account
        (8, "youth_fund.min_wait"),  # opened in 1401: not five years yet
        (9, "import.truncated"),
    ]
    assert book(c) == empty
    # once the file is right it loads and its stale reject file goes
    fixed = write(tmp_path, "loans.csv", LOANS)
    assert run(c, "loans", fixed).loaded == 2
    assert not (tmp_path / "loans.csv.rejects.csv").exists()
    loaded = book(c)
    # a second loan on an account, or a reference already used on another account, later
    later = write(
        tmp_path,
        "later.csv",
        "number,reference,disbursed_on,principal,months,method,appraisal,repaid\n"
        "IMP-0001,LN-9,1402/10/01,100000000,120,simple,5000000000,0\n"
        "IMP-0003,LN-2,1402/10/01,100000000,120,simple,5000000000,0\n",
    )
    result = run(c, "loans", later)
    assert not result.ok and result.loaded == 0
    assert rejects(later) == [(2, "privilege.used"), (3, "import.reference_taken")]
    assert book(c) == loaded


def test_an_imported_loan_is_repaid_through_the_service(
    container: Container, tmp_path: Path
) -> None:
    """The imported schedule's state is the services' own: a repayment goes to instalment
    4 (the first unpaid) and the loan's receivable falls by its principal."""
    from tashilat.services import loans as service
    from tests.integration.helpers import actor_of

    c = container
    with_accounts(c, tmp_path)
    assert run(c, "loans", write(tmp_path, "loans.csv", LOANS)).ok
    with c.engine.connect() as conn:
        loan_id = conn.execute(
            text("SELECT id FROM loans WHERE decision_note = 'import:loan:LN-1'")
        ).scalar_one()
    officer = actor_of(c, "officer")
    paid = service.repay(
        c.uow(), officer, c.policy, loan_id=loan_id, amount=1_000_000, request_id="pay-1"
    )
    assert not paid.replayed and paid.principal + paid.profit + paid.penalty == 1_000_000
    _, insts = service.get_loan(c.uow(), officer, loan_id)
    touched = [i.number for i in insts if i.paid_on is None and (i.paid_principal or i.paid_profit)]
    assert touched == [4]


def test_cli_import_loans(container: Container, tmp_path: Path) -> None:
    c = container
    with_accounts(c, tmp_path)
    url = c.settings.database_url
    runner = CliRunner()
    broken = write(tmp_path, "broken.csv", BROKEN)
    r = runner.invoke(app, ["import", "loans", str(broken), "--database-url", url, "--json"])
    assert r.exit_code == 2, r.output
    problem = json.loads(r.stdout)
    assert problem["code"] == "import.rejected"
    assert problem["message_en"].startswith("7 of 8 rows were refused and nothing was loaded")
    good = write(tmp_path, "loans.csv", LOANS)
    for loaded, already in ((2, 0), (0, 2)):
        r = runner.invoke(app, ["import", "loans", str(good), "--database-url", url, "--json"])
        assert r.exit_code == 0, r.output
        assert {k: v for k, v in json.loads(r.stdout).items() if k != "seconds"} == {
            "kind": "loans",
            "file": str(good),
            "rows": 2,
            "loaded": loaded,
            "already_loaded": already,
        }
    r = runner.invoke(app, ["import", "loans", str(tmp_path / "none.csv"), "--database-url", url])
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_a_loan_taken_after_the_check_makes_the_file_a_conflict(
    container: Container, tmp_path: Path
) -> None:
    """The privilege is claimed by the database, not by the check: a store whose reads are
    stale (as if a loan were paid out between the check and the load) loads nothing."""
    from dataclasses import replace

    from tashilat.adapters.batch.onboard_loans import LoanStore

    c = container
    with_accounts(c, tmp_path)
    assert run(c, "loans", write(tmp_path, "loans.csv", LOANS)).ok
    before = book(c)

    class Stale(LoanStore):
        def accounts(self, numbers: set[str]) -> dict[str, Any]:
            held = super().accounts(numbers)
            return {n: replace(a, privilege_used=False, loans=()) for n, a in held.items()}

    second = write(
        tmp_path,
        "second.csv",
        "number,reference,disbursed_on,principal,months,method,appraisal,repaid\n"
        "IMP-0003,LN-3,1402/10/01,100000000,120,simple,5000000000,0\n"
        "IMP-0001,LN-9,1402/10/01,100000000,120,simple,5000000000,0\n",
    )
    result = onboarding_loans.import_loans(
        second, store=Stale(c.engine), policy=c.policy, business_date=START
    )
    assert not result.ok and result.loaded == 0
    assert rejects(second) == [(3, "privilege.used")]
    assert book(c) == before


def test_the_month_end_reads_the_imported_loans(container: Container, tmp_path: Path) -> None:
    """The month-end at the business date finds the imported loans overdue where their
    schedules say: LN-1's instalments 4 to 7 (1402/10/01 to 1403/01/01, 11,400,820 each)
    and LN-2's first five (the stepwise first year's 13,757,335 each)."""
    from tashilat.jobs import month_end as job

    c = container
    with_accounts(c, tmp_path)
    assert run(c, "loans", write(tmp_path, "loans.csv", LOANS)).ok
    done = job.month_end(as_of=START, run=tmp_path / "run", policy=c.policy, container=c)
    totals = done.result.totals
    assert (totals["loans"], totals["overdue_instalments"]) == (2, 9)
    assert totals["overdue_rial"] == 4 * 11_400_820 + 5 * 13_757_335
