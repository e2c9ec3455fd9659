"""Employment loans and the allocation/pipeline statistics in the month-end batch:
differential against ``services.employment.accrue`` and the service reports, determinism,
restart, posting once (SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tashilat.adapters.batch import layout
from tashilat.adapters.db.batch_models import MonthEndEmploymentLoan, MonthEndRun
from tashilat.adapters.db.models import EmploymentInstalment, JournalEntryRow
from tashilat.bootstrap import Container, build, init_database
from tashilat.jobs import month_end as job
from tashilat.jobs import writeback
from tashilat.services import employment, ledger
from tashilat.settings import Settings
from tests.batch.employment_data import Plan, make_loans
from tests.integration.conftest import START
from tests.integration.helpers import actor_of


def entries(c: Container) -> int:
    uow = c.uow()
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(JournalEntryRow)) or 0)


def instalments(c: Container) -> dict[int, tuple[int, object]]:
    uow = c.uow()
    with uow:
        return {
            i.id: (i.penalty_accrued, i.penalty_from)
            for i in uow.session.scalars(select(EmploymentInstalment))
        }


def cat(run: Path, kind: str) -> pa.Table:
    paths = sorted((run / "output").glob(f"{kind}-*.parquet"))
    return pa.concat_tables(pq.read_table(p) for p in paths)


def tree(run: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((run / "output").glob("*.parquet"))}


PLANS = [
    Plan(1_000_000_000, 0, (0, 60_000_000, 0, 0, 10_000_000)),
    Plan(1_500_000_000, 0, (200_000_000, 0, 0)),
    Plan(700_000_000, 1, ()),
    Plan(1_400_000_000, 1, (0, 0, 150_000_000, 1_000)),
    Plan(900_000_000, 2, (90_000_000,)),
    Plan(1_200_000_000, 2, (0, 5_000_000)),
]

plans = st.lists(
    st.builds(
        Plan,
        st.integers(300, 1_500).map(lambda m: m * 1_000_000),
        st.integers(0, 3),
        st.lists(
            st.sampled_from([0, 0, 1_000, 7_000_000, 40_000_000, 300_000_000]), max_size=6
        ).map(tuple),
    ).filter(lambda p: sum(p.repayments) <= p.amount),  # a borrower never repays more than lent
    min_size=1,
    max_size=5,
)


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plans=plans, months=st.integers(4, 7))
def test_employment_charges_equal_the_service(
    plans: list[Plan], months: int, policy: object
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        c = build(Settings(database_url=f"sqlite:///{tmp}/t.sqlite3"))
        init_database(c, business_date=START)
        try:
            _, as_of, _ = make_loans(c, plans, months=months)
            run = Path(tmp) / "run"
            me = job.month_end(
                as_of=as_of,
                run=run,
                policy=c.policy,
                container=c,
                partition_size=2,
                post_penalties=False,
            )
            pens = cat(run, "emp_penalties").to_pylist()
            loans = cat(run, "emp_loans").to_pylist()
            before = instalments(c)
            # the service on the same database
            uow = c.uow()
            with uow:
                total = employment.accrue_all(uow, as_of, user_id=None)
                uow.commit()
            after = instalments(c)
            assert total == sum(p["increment_rial"] for p in pens)
            assert me.result.totals["employment_penalty_increment_rial"] == total
            targets = {p["instalment_id"]: p for p in pens}
            for iid, (accrued, _) in after.items():
                if iid in targets:
                    assert accrued == targets[iid]["target_rial"]
                    assert before[iid][0] == targets[iid]["expected_accrued_rial"]
                    assert targets[iid]["request_id"] == f"emp-penalty:{iid}:{as_of.isoformat()}"
                else:
                    assert accrued == before[iid][0]
            assert sum(r["penalty_accrued_rial"] for r in loans) == sum(
                a for iid, (a, _) in after.items() if iid in _due_ids(c, as_of)
            )
            # and the batch's posting after the service posts nothing more
            n = entries(c)
            for part in range(me.result.employment_partitions):
                posted, _, _ = writeback._post_penalties(c, run, part, as_of, employment_loans=True)
                assert posted == 0
            assert entries(c) == n
        finally:
            c.dispose()


def _due_ids(c: Container, as_of: object) -> set[int]:
    uow = c.uow()
    with uow:
        return set(
            uow.session.scalars(
                select(EmploymentInstalment.id).where(EmploymentInstalment.due <= as_of)
            )
        )


def test_employment_month_end_round_trip(container: Container, tmp_path: Path) -> None:
    c = container
    _, as_of, apps = make_loans(c, PLANS, months=6)
    # determinism: two runs of the same database give the same bytes
    a, b = tmp_path / "a", tmp_path / "b"
    ra = job.month_end(
        as_of=as_of, run=a, policy=c.policy, container=c, partition_size=2, post_penalties=False
    )
    job.month_end(
        as_of=as_of, run=b, policy=c.policy, container=c, partition_size=2, post_penalties=False
    )
    assert ra.result.employment_partitions == 3 and ra.result.statistics
    assert tree(a) == tree(b) and len(tree(a)) == 5 + 2 * 3 + 3
    assert (a / "summary.json").read_bytes() == (b / "summary.json").read_bytes()
    assert ra.result.totals["employment_penalties"] > 0
    # restart: killed inside the employment partitions, torn output, then resumed
    k = tmp_path / "killed"
    shutil.copytree(a / "input", k / "input")
    shutil.copy(a / "manifest.json", k / "manifest.json")
    first = job.month_end(
        as_of=as_of, run=k, policy=c.policy, container=c, stop_after=2, post_penalties=False
    )
    assert first.written is None and first.result.employment_computed == 1
    torn = layout.output_path(k, "emp_penalties", 0)
    torn.write_bytes(torn.read_bytes()[:50])
    (k / "output" / ".emp_loans-00001.parquet.x.tmp").write_bytes(b"partial")
    again = job.month_end(as_of=as_of, run=k, policy=c.policy, container=c, post_penalties=False)
    assert again.result.skipped == 1 and again.result.employment_computed == 3
    assert tree(k) == tree(a)
    assert (k / "summary.json").read_bytes() == (a / "summary.json").read_bytes()

    # the statistics equal the service reports
    admin = actor_of(c, "admin")
    allocations = pq.read_table(layout.stat_output_path(a, "allocations")).to_pylist()
    assert allocations == employment.allocation_report(c.uow(), admin)
    pipeline = pq.read_table(layout.stat_output_path(a, "pipeline")).to_pylist()
    assert pipeline == employment.pipeline_report(c.uow(), admin)
    speed = pq.read_table(layout.stat_output_path(a, "speed")).to_pylist()
    assert speed == employment.speed_report(c.uow(), admin) and speed

    # posting: once through the batch, then neither the service nor a rerun posts more
    n = entries(c)
    posted = job.month_end(as_of=as_of, run=tmp_path / "post", policy=c.policy, container=c)
    w = posted.written
    assert (
        w is not None and w.employment_penalties_posted == ra.result.totals["employment_penalties"]
    )
    assert w.employment_penalty_posted_rial == ra.result.totals["employment_penalty_increment_rial"]
    assert entries(c) == n + w.employment_penalties_posted + w.penalties_posted
    uow = c.uow()
    with uow:
        assert employment.accrue_all(uow, as_of, user_id=None) == 0
        uow.commit()
    rerun = job.month_end(as_of=as_of, run=tmp_path / "post2", policy=c.policy, container=c)
    assert rerun.written is not None and rerun.written.employment_penalties_posted == 0
    assert rerun.result.totals["employment_penalties"] == 0
    assert entries(c) == n + w.employment_penalties_posted + w.penalties_posted
    uow = c.uow()
    with uow:
        s = uow.session
        assert ledger.ledger_total(uow) == 0
        rows = s.scalars(
            select(MonthEndEmploymentLoan).where(MonthEndEmploymentLoan.as_of == as_of)
        ).all()
        assert len(rows) == ra.result.totals["employment_loans"] == len(apps) - 1
        run_row = s.get(MonthEndRun, as_of)
        assert run_row is not None and run_row.employment_loans == len(rows)
        receivable = sum(
            ledger.raw_balance(uow, employment.penalty_code(r.application_id)) for r in rows
        )
        assert receivable == sum(r.penalty_unpaid_rial for r in rows)
