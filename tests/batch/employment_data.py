"""Employment loans made through the services (as tests/integration/employment_helpers.py
does), with partial repayments, for the month-end batch's employment partitions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tashilat.bootstrap import Container
from tashilat.domain.jalali import add_months
from tashilat.services import calendar, day_end, employment
from tests.integration.employment_helpers import EmpWorld, emp_world, national_id


@dataclass(frozen=True)
class Plan:
    """One loan: its amount, the month (after the start) it is paid out, and what is
    repaid in each later month (0: nothing that month)."""

    amount: int
    month: int
    repayments: tuple[int, ...]


def make_loans(c: Container, plans: list[Plan], *, months: int) -> tuple[EmpWorld, date, list[int]]:
    """Every plan through submit → introduce → guarantees → approve → disburse, the
    business date moved month by month with the repayments, and finally a few days into the
    last month (so instalments are late). Returns the world, the final business date and
    the application ids (every other one left just submitted, for the pipeline)."""
    ew = emp_world(c)
    start = calendar.get(c.uow())
    apps: dict[int, int] = {}
    n = 0
    for month in range(months + 1):
        if month:
            day_end.advance(c.uow(), ew.w.supervisor, add_months(start, month))
        for k, plan in enumerate(plans):
            if plan.month == month:
                n += 1
                agency = ("A1", ew.agency) if k % 2 == 0 else ("A2", ew.agency2)
                app, _ = employment.submit(
                    c.uow(),
                    agency[1],
                    c.policy,
                    national_id=national_id(5_000 + n),
                    name="x",
                    province="تهران",
                    agency_code=agency[0],
                    amount=plan.amount,
                    jobs=1,
                )
                apps[k] = app.id
                if k % 5 == 4:
                    continue  # left in the pipeline
                employment.introduce(c.uow(), agency[1], c.policy, app_id=app.id, bank_code="B1")
                for g in range(2):
                    employment.add_guarantee(
                        c.uow(),
                        ew.bank,
                        app_id=app.id,
                        kind="guarantor",
                        national_id=national_id(900_000 + 10 * n + g),
                    )
                employment.add_guarantee(c.uow(), ew.bank, app_id=app.id, kind="promissory_note")
                employment.approve(c.uow(), ew.bank, c.policy, app_id=app.id)
                employment.disburse(c.uow(), ew.payer, c.policy, app_id=app.id)
            elif plan.month < month and k % 5 != 4:
                i = month - plan.month - 1
                amount = plan.repayments[i] if i < len(plan.repayments) else 0
                if amount:
                    employment.repay(
                        c.uow(),
                        ew.bank,
                        c.policy,
                        app_id=apps[k],
                        amount=amount,
                        request_id=f"repay-{k}-{month}",
                    )
    end = add_months(start, months) + timedelta(days=19)
    return ew, end, [apps[k] for k in sorted(apps)]
