"""Employment loans after disbursement: late charges accrued at business dates and repayments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tashilat.adapters.db.models import (
    EmploymentApplication,
)
from tashilat.domain.decision import PolicyReader
from tashilat.domain.errors import InvalidInput
from tashilat.domain.programs.employment import rules
from tashilat.services import calendar, ledger, loan_servicing
from tashilat.services.auth import Actor, require
from tashilat.services.employment._common import (
    _app,
    _audit,
    penalty_code,
    receivables,
)
from tashilat.services.errors import Conflict
from tashilat.services.uow import UnitOfWork


def accrue(
    uow: UnitOfWork, app: EmploymentApplication, to: date, policy: PolicyReader, user_id: int | None
) -> int:
    """Late charges on one employment loan up to ``to``, at its fee rate plus the points."""
    insts = uow.employment.instalments(app.id, unpaid=True, due_before=to)
    before = [i.penalty_accrued for i in insts]
    total = loan_servicing.accrue_instalments(
        uow,
        insts,
        to=to,
        rate=rules.terms(policy, app.disbursed_on or to).fee_percent,
        policy=policy,
        receivable=penalty_code(app.id),
        request_prefix="emp-penalty",
        user_id=user_id,
    )
    uow.employment.save_instalments(
        [i for i, b in zip(insts, before, strict=True) if i.penalty_accrued != b]
    )
    return total


def accrue_all(
    uow: UnitOfWork, to: date, *, user_id: int | None, policy: PolicyReader | None = None
) -> int:
    from tashilat.policy import default_policy

    policy = policy or default_policy()
    return sum(
        accrue(uow, app, to, policy, user_id)
        for app in uow.session.scalars(
            select(EmploymentApplication).where(
                EmploymentApplication.state.in_(("disbursed", "repaying"))
            )
        )
    )


@dataclass(frozen=True)
class EmploymentRepayment:
    application_id: int
    amount: int
    penalty: int
    fee: int
    principal: int
    state: str
    replayed: bool


def repay(
    uow: UnitOfWork,
    actor: Actor,
    policy: PolicyReader,
    *,
    app_id: int,
    amount: int,
    request_id: str,
) -> EmploymentRepayment:
    require(actor, "employment.repay")
    if amount <= 0:
        raise InvalidInput(
            "amount.not_positive",
            "مبلغ باید مثبت باشد.",
            "The amount must be positive.",
            field="amount",
        )
    with uow:
        app = _app(uow, actor, app_id, lock=True)
        if ledger.find_entry(uow, request_id) is not None:
            return EmploymentRepayment(app.id, amount, 0, 0, 0, app.state, True)
        if app.state not in ("disbursed", "repaying"):
            raise Conflict(
                "application.state",
                f"درخواست در وضعیت {app.state} است.",
                f"The application is {app.state}.",
            )
        on = calendar.current(uow)
        accrue(uow, app, on, policy, actor.user_id or None)
        insts = uow.employment.instalments(app.id, unpaid=True)
        pen, fee, princ = loan_servicing.take_payment(
            uow,
            insts,
            receivables(app.id),
            amount=amount,
            on=on,
            request_id=request_id,
            kind="employment.repay",
            income_account=ledger.FEE_INCOME,
            user_id=actor.user_id or None,
        )
        uow.employment.save_instalments(insts)
        left = any(i.paid_on is None for i in insts)
        app.state = "repaying" if left else "settled"
        if not left:
            app.closed_on = on
        _audit(uow, actor, "employment.repay", f"application:{app.id}", request_id, str(amount))
        uow.commit()
        return EmploymentRepayment(app.id, amount, pen, fee, princ, app.state, False)
