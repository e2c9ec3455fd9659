"""``tashilat import accounts|movements``: a book brought in whole or not at all, every bad
row reported with its line and reason, balanced journal entries, a rerun changing nothing
(SQLite and PostgreSQL, the integration fixtures)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tashilat.bootstrap import Container
from tashilat.data import load_city_index
from tashilat.domain.errors import InvalidInput
from tashilat.entrypoints.cli.main import app
from tashilat.jobs import onboarding
from tests.integration.helpers import world

ACCOUNTS = """number,national_id,name,birth_date,opened_on,city,branch,opening_deposit
IMP-0001,0499370899,سارا احمدی,1380/02/10,1402/05/10,تهران,0101,5000000
IMP-0002,0790419904,علی رضایی,1379/11/01,1402/08/01,اصفهان,0301,"4,000,000"
IMP-0003,0084575948,مریم کریمی,۱۳۸۱/۰۶/۱۵,1403/01/05,شیراز,0101,۱۲۰۰۰۰۰۰
"""
MOVEMENTS = """number,reference,on,amount
IMP-0001,TX-1,1402/06/01,2000000
IMP-0001,TX-2,1402/07/01,-1500000
IMP-0002,TX-3,1402/09/01,1000000
"""
BROKEN_ACCOUNTS = """number,national_id,name,birth_date,opened_on,city,branch,opening_deposit
IMP-0001,0499370899,سارا احمدی,1380/02/10,1402/05/10,تهران,0101,5000000
IMP-0002,0790419905,علی رضایی,1379/11/01,1402/08/01,اصفهان,0301,4000000
IMP-0003,0084575948,مریم کریمی,1381/06/15,1402/07/31,شیراز,0101,5000000
IMP-0001,0499370899,سارا احمدی,1380/02/10,1402/05/10,تهران,0101,5000000
IMP-0004,0067749828,رضا محمدی,1380/01/01,1402/05/10,تهران,0101,3000000
IMP-0005,00845"""
BROKEN_MOVEMENTS = """number,reference,on,amount
IMP-0001,TX-1,1402/06/01,2000000
IMP-0001,TX-2,1402/07/01,-3500000
IMP-0002,TX-3,1402/09/01,1000000
IMP-0002,TX-3,1402/09/01,1000000
IMP-0002,TX-4,1402/12/30,1000000
"""


def write(tmp: Path, name: str, body: str) -> Path:
    path = tmp / name
    path.write_text(body, encoding="utf-8")
    return path


def run(c: Container, kind: str, path: Path) -> onboarding.Imported:
    return onboarding.import_book(kind, path, c, load_city_index())


def book(c: Container) -> dict[str, Any]:
    with c.engine.connect() as conn:
        q = lambda sql: [tuple(r) for r in conn.execute(text(sql))]  # noqa: E731
        return {
            "accounts": q(
                "SELECT a.number, c.national_id, a.opened_on, a.cohort, a.tier, a.balance, "
                "a.min_balance FROM youth_accounts a JOIN customers c ON c.id = a.customer_id "
                "ORDER BY a.number"
            ),
            "ledger": q(
                "SELECT la.code, SUM(p.amount) FROM postings p JOIN ledger_accounts la "
                "ON la.id = p.ledger_account_id GROUP BY la.code ORDER BY la.code"
            ),
            "entries": q(
                "SELECT request_id, kind, business_date FROM journal_entries "
                "WHERE request_id LIKE 'import:%' ORDER BY request_id"
            ),
            "unbalanced": q(
                "SELECT entry_id FROM postings GROUP BY entry_id HAVING SUM(amount) <> 0"
            ),
        }


def rejects(path: Path) -> list[tuple[int, str]]:
    with path.with_name(path.name + ".rejects.csv").open(encoding="utf-8") as f:
        return [(int(r["line"]), r["code"]) for r in csv.DictReader(f)]


def test_import_loads_a_book_once(container: Container, tmp_path: Path) -> None:
    c = container
    world(c)
    accounts = write(tmp_path, "accounts.csv", ACCOUNTS)
    movements = write(tmp_path, "movements.csv", MOVEMENTS)
    first = run(c, "accounts", accounts)
    assert (first.ok, first.rows, first.loaded, first.already_loaded) == (True, 3, 3, 0)
    moved = run(c, "movements", movements)
    assert (moved.ok, moved.rows, moved.loaded, moved.already_loaded) == (True, 3, 3, 0)
    b = book(c)
    assert [(a[0], a[3], a[4], a[5], a[6]) for a in b["accounts"]] == [
        ("IMP-0001", 1402, 1, 5_500_000, 4_000_000),
        ("IMP-0002", 1402, 2, 5_000_000, 4_000_000),
        ("IMP-0003", 1403, 2, 12_000_000, 10_000_000),
    ]
    ledger = dict(b["ledger"])
    assert ledger["YF:IMP-0001"] == -5_500_000 and ledger["YF:IMP-0003"] == -12_000_000
    assert ledger["BANK:SETTLEMENT"] == 22_500_000
    assert sum(ledger.values()) == 0 and b["unbalanced"] == []
    assert [e[:2] for e in b["entries"]] == [
        ("import:IMP-0001:TX-1", "youth.deposit"),
        ("import:IMP-0001:TX-2", "youth.withdraw"),
        ("import:IMP-0002:TX-3", "youth.deposit"),
        ("import:open:IMP-0001", "youth.open"),
        ("import:open:IMP-0002", "youth.open"),
        ("import:open:IMP-0003", "youth.open"),
    ]
    # a rerun of the same files changes nothing
    again = run(c, "accounts", accounts), run(c, "movements", movements)
    assert [(r.ok, r.loaded, r.already_loaded) for r in again] == [(True, 0, 3), (True, 0, 3)]
    assert book(c) == b
    # the same book as Parquet: every row already there
    pq.write_table(
        pa.Table.from_pylist(list(csv.DictReader(ACCOUNTS.splitlines()))),
        tmp_path / "accounts.parquet",
    )
    as_parquet = run(c, "accounts", tmp_path / "accounts.parquet")
    assert (as_parquet.ok, as_parquet.loaded, as_parquet.already_loaded) == (True, 0, 3)
    assert book(c) == b


def test_broken_files_load_nothing(container: Container, tmp_path: Path) -> None:
    c = container
    world(c)
    empty = book(c)
    broken = write(tmp_path, "accounts.csv", BROKEN_ACCOUNTS)
    result = run(c, "accounts", broken)
    assert not result.ok and result.rows == 6 and result.loaded == 0
    assert rejects(broken) == [
        (3, "national_id.invalid"),
        (4, "date.malformed"),
        (5, "import.duplicate"),
        (6, "youth_fund.opening_deposit_too_low"),
        (7, "import.truncated"),
    ]
    assert book(c) == empty
    # the good rows alone load; then the broken movements load nothing
    fixed = write(tmp_path, "fixed.csv", "\n".join(ACCOUNTS.splitlines()[:3]) + "\n")
    assert run(c, "accounts", fixed).loaded == 2
    loaded = book(c)
    bad_moves = write(tmp_path, "movements.csv", BROKEN_MOVEMENTS)
    result = run(c, "movements", bad_moves)
    assert not result.ok and result.loaded == 0
    assert rejects(bad_moves) == [
        (3, "youth_fund.withdrawal_below_floor"),
        (5, "import.duplicate"),
        (6, "date.malformed"),
    ]
    assert book(c) == loaded
    # a truncated Parquet file is refused whole
    pq.write_table(
        pa.Table.from_pylist(list(csv.DictReader(MOVEMENTS.splitlines()))),
        tmp_path / "m.parquet",
    )
    data = (tmp_path / "m.parquet").read_bytes()
    (tmp_path / "m.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(InvalidInput) as exc:
        run(c, "movements", tmp_path / "m.parquet")
    assert exc.value.code == "import.unreadable"
    assert book(c) == loaded
    # once the file is right, its stale reject file goes
    good = write(tmp_path, "movements.csv", MOVEMENTS.replace("IMP-0002,TX-3", "IMP-0001,TX-3"))
    assert run(c, "movements", good).loaded == 3
    assert not (tmp_path / "movements.csv.rejects.csv").exists()


def test_cli_import(container: Container, tmp_path: Path) -> None:
    c = container
    world(c)
    url = c.settings.database_url
    runner = CliRunner()
    broken = write(tmp_path, "accounts.csv", BROKEN_ACCOUNTS)
    r = runner.invoke(app, ["import", "accounts", str(broken), "--database-url", url, "--json"])
    assert r.exit_code == 2, r.output
    problem = json.loads(r.stdout)
    assert problem["code"] == "import.rejected"
    assert problem["message_en"].startswith("5 of 6 rows were refused and nothing was loaded")
    assert rejects(broken)[0] == (3, "national_id.invalid")
    good = write(tmp_path, "good.csv", ACCOUNTS)
    r = runner.invoke(app, ["import", "accounts", str(good), "--database-url", url, "--json"])
    assert r.exit_code == 0, r.output
    assert {k: v for k, v in json.loads(r.stdout).items() if k != "seconds"} == {
        "kind": "accounts",
        "file": str(good),
        "rows": 3,
        "loaded": 3,
        "already_loaded": 0,
    }


def test_generated_book_loads_through_the_import_path(container: Container) -> None:
    """``batch generate --database-url`` loads through the same store: valid national IDs,
    entries under the import's request ids, balances equal to the ledger."""
    from tashilat.adapters.batch import generate, generate_load
    from tashilat.domain.ids import national_id_is_valid
    from tashilat.domain.jalali import parse_jalali

    c = container
    spec = generate.Spec(accounts=40, as_of=parse_jalali("1404/01/01"), seed=5, partition_size=16)
    counts = generate_load.load_database(spec, c.policy, c.settings.database_url)
    assert counts["accounts"] == 40 and counts["events"] > 40
    b = book(c)
    assert len(b["accounts"]) == 40 and b["unbalanced"] == []
    assert all(national_id_is_valid(a[1]) for a in b["accounts"])
    ledger = dict(b["ledger"])
    assert all(ledger[f"YF:{a[0]}"] == -a[5] for a in b["accounts"])
    kinds = {e[1] for e in b["entries"]}
    assert kinds == {"youth.open", "youth.deposit", "youth.withdraw"}
    assert len(b["entries"]) == counts["events"]
    assert b["entries"][0][0].startswith("import:GEN-00000001:g5-0-")


def test_an_imported_book_is_what_the_services_and_the_month_end_read(
    container: Container, tmp_path: Path
) -> None:
    """The imported accounts, as the account service reads them from the ledger, and the
    month-end over them agree: structures and balances per account."""
    from tashilat.adapters.batch.onboard import rejects_path
    from tashilat.domain.jalali import parse_jalali
    from tashilat.jobs import month_end as job
    from tashilat.services import youth
    from tests.integration.helpers import actor_of

    c = container
    world(c)
    assert run(c, "accounts", write(tmp_path, "a.csv", ACCOUNTS)).ok
    assert run(c, "movements", write(tmp_path, "m.csv", MOVEMENTS)).ok
    assert not rejects_path(tmp_path / "a.csv").exists()
    as_of = parse_jalali("1403/01/15")
    done = job.month_end(as_of=as_of, run=tmp_path / "run", policy=c.policy, container=c)
    assert done.result.totals["accounts"] == 3 and done.result.totals["events"] == 6
    admin = actor_of(c, "admin")
    with c.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT a.id, a.number, m.balance_rial, m.completed_months, m.structure_rial "
                "FROM month_end_accounts m JOIN youth_accounts a ON a.id = m.account_id "
                "ORDER BY a.number"
            )
        ).all()
    assert [(r[1], r[2], r[3]) for r in rows] == [
        ("IMP-0001", 5_500_000, 8),
        ("IMP-0002", 5_000_000, 5),
        ("IMP-0003", 12_000_000, 0),
    ]
    for acc_id, _, _, months, structure in rows:
        st = youth.account_structures(c.uow(), admin, c.policy, acc_id, as_of=as_of)
        assert (len(st.months), st.months[-1][2] if st.months else None) == (months, structure)
