"""Youth-fund housing loans: request → approval by a second person → disbursement →
schedule → repayments → late-payment charges accrued at business dates → settlement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from tashilat.adapters.db.models import Loan, LoanInstalment, YouthAccount
from tashilat.domain.decision import Decision, PolicyReader
from tashilat.domain.errors import InvalidInput
from tashilat.domain.programs.youth_fund.rules import entitlement
from tashilat.domain.programs.youth_fund.servicing import LoanOffer, loan_offer
from tashilat.domain.servicing import owed as owed  # the amount due, for pages and the API
from tashilat.services import calendar, ledger, loan_servicing
from tashilat.services.auth import Actor, require, require_branch, require_owner
from tashilat.services.errors import Conflict, Forbidden, not_found, refused_from
from tashilat.services.uow import UnitOfWork
from tashilat.services.youth import events_of


def principal_code(loan_id: int) -> str:
    return f"LOAN:{loan_id}:PRINCIPAL"


def penalty_code(loan_id: int) -> str:
    return f"LOAN:{loan_id}:PENALTY"


def receivables(loan_id: int) -> loan_servicing.Receivables:
    return loan_servicing.Receivables(
        principal_code(loan_id),
        penalty_code(loan_id),
        f"Loan {loan_id} principal receivable",
        f"Loan {loan_id} late charges receivable",
    )


def _loan(uow: UnitOfWork, actor: Actor, loan_id: int, *, lock: bool = False) -> Loan:
    q = select(Loan).where(Loan.id == loan_id)
    if lock:
        q = q.with_for_update()
    loan = uow.session.scalar(q)
    if loan is None:
        raise not_found("loan", "وام", loan_id)
    require_owner(actor, loan.customer_id)
    require_branch(actor, loan.branch_id)
    return loan


def _audit(
    uow: UnitOfWork, actor: Actor, action: str, loan_id: int, request_id: str, detail: str = ""
) -> None:
    uow.audit(
        user_id=actor.user_id or None,
        username=actor.username,
        action=action,
        target=f"loan:{loan_id}",
        request_id=request_id,
        outcome="ok",
        detail=detail,
    )


def request_loan(
    uow: UnitOfWork,
    actor: Actor,
    policy: PolicyReader,
    *,
    account_id: int,
    amount: int,
    months: int,
    method: str,
    appraisal: int,
    request_id: str = "",
) -> tuple[Loan, Decision[LoanOffer]]:
    """The maker's step: the offer rule on the account's entitlement at the business date."""
    require(actor, "loans.request")
    with uow:
        s = uow.session
        acc = s.scalar(select(YouthAccount).where(YouthAccount.id == account_id).with_for_update())
        if acc is None:
            raise not_found("account", "حساب", account_id)
        require_branch(actor, acc.branch_id)
        if acc.status != "open":
            raise Conflict("account.closed", "حساب بسته است.", "The account is closed.")
        if acc.privilege_used:
            raise Conflict(
                "privilege.used",
                "امتیاز این حساب استفاده شده است.",
                "This account's privilege is used.",
            )
        pending = s.scalar(
            select(func.count())
            .select_from(Loan)
            .where(
                Loan.account_id == acc.id, Loan.status.in_(("requested", "approved", "disbursed"))
            )
        )
        if pending:
            raise Conflict(
                "loan.pending",
                "برای این حساب وام جاری یا در جریان هست.",
                "This account already has a loan in progress.",
            )
        on = calendar.current(uow)
        ent = entitlement(
            policy, opened_on=acc.opened_on, tier=acc.tier, events=events_of(uow, acc), as_of=on
        )
        offer = loan_offer(
            policy,
            opened_on=acc.opened_on,
            entitlement_rial=ent.value.entitlement_rial,
            appraisal_rial=appraisal,
            requested_rial=amount,
            months=months,
            method=method,
            on=on,
        )
        if offer.outcome != "offered":
            raise refused_from(offer, "loan.refused")
        loan = Loan(
            account_id=acc.id,
            customer_id=acc.privilege_holder_id,
            branch_id=acc.branch_id,
            principal=amount,
            rate_percent=offer.value.rate_percent,
            months=months,
            method=method,
            appraisal=appraisal,
            status="requested",
            requested_by=actor.user_id,
            requested_on=on,
            policy_hash=policy.hash,
        )
        s.add(loan)
        s.flush()
        _audit(uow, actor, "loans.request", loan.id, request_id, str(amount))
        uow.commit()
        return loan, offer


def decide(
    uow: UnitOfWork,
    actor: Actor,
    *,
    loan_id: int,
    approve: bool,
    note: str = "",
    request_id: str = "",
) -> Loan:
    """The checker's step: a second staff member approves or rejects. The maker cannot."""
    require(actor, "loans.approve")
    with uow:
        loan = _loan(uow, actor, loan_id, lock=True)
        if loan.status != "requested":
            raise Conflict(
                "loan.state", f"وام در وضعیت {loan.status} است.", f"The loan is {loan.status}."
            )
        if loan.requested_by == actor.user_id:
            raise Forbidden(
                "loan.four_eyes",
                "درخواست‌دهنده نمی‌تواند وام خود را تأیید کند.",
                "The maker of a request cannot approve it (four eyes).",
            )
        loan.status = "approved" if approve else "rejected"
        loan.approved_by = actor.user_id
        loan.approved_on = calendar.current(uow)
        loan.decision_note = note
        _audit(
            uow, actor, "loans.approve" if approve else "loans.reject", loan.id, request_id, note
        )
        uow.commit()
        return loan


def disburse(
    uow: UnitOfWork, actor: Actor, policy: PolicyReader, *, loan_id: int, request_id: str
) -> Loan:
    """Pay the loan out: the schedule from the business date, the ledger entry, the
    privilege consumed."""
    from tashilat.domain.finance import Method, build_schedule

    require(actor, "loans.disburse")
    with uow:
        s = uow.session
        loan = _loan(uow, actor, loan_id, lock=True)
        if loan.status != "approved":
            raise Conflict(
                "loan.state",
                f"وام در وضعیت {loan.status} است (باید تأییدشده باشد).",
                f"The loan is {loan.status}; it must be approved first.",
            )
        on = calendar.current(uow)
        acc = s.get(YouthAccount, loan.account_id)
        assert acc is not None
        rounding = int(policy.resolve("finance.rounding_unit", on).value)
        step = None
        if loan.method == "stepwise":
            step = Decimal(str(policy.resolve("finance.stepwise_step_percent", on).value))
        schedule = build_schedule(
            Method(loan.method),
            loan.principal,
            Decimal(loan.rate_percent),
            loan.months,
            step_percent=step,
            start=on,
            rounding_unit=rounding,
        )
        uow.loans.add_instalments(loan.id, loan_servicing.instalment_fields(schedule))
        loan_servicing.post_disbursement(
            uow,
            receivables(loan.id),
            request_id=request_id,
            kind="loan.disburse",
            on=on,
            amount=loan.principal,
            user_id=actor.user_id or None,
        )
        loan.status = "disbursed"
        loan.disbursed_on = on
        acc.privilege_used = True
        _audit(uow, actor, "loans.disburse", loan.id, request_id, str(loan.principal))
        uow.commit()
        return loan


def accrue_loan(
    uow: UnitOfWork, loan: Loan, to: date, policy: PolicyReader, user_id: int | None
) -> int:
    insts = uow.loans.instalments(loan.id, unpaid=True, due_before=to)
    before = [i.penalty_accrued for i in insts]
    total = loan_servicing.accrue_instalments(
        uow,
        insts,
        to=to,
        rate=Decimal(loan.rate_percent),
        policy=policy,
        receivable=penalty_code(loan.id),
        request_prefix="penalty",
        user_id=user_id,
    )
    uow.loans.save_instalments(
        [i for i, b in zip(insts, before, strict=True) if i.penalty_accrued != b]
    )
    return total


def accrue_all(
    uow: UnitOfWork, to: date, *, user_id: int | None, policy: PolicyReader | None = None
) -> int:
    """Late charges on every disbursed loan up to ``to`` (run when the business date moves)."""
    from tashilat.policy import default_policy

    policy = policy or default_policy()
    total = 0
    for loan in uow.session.scalars(
        select(Loan).where(Loan.status == "disbursed").order_by(Loan.id)
    ):
        total += accrue_loan(uow, loan, to, policy, user_id)
    return total


@dataclass(frozen=True)
class Repayment:
    loan_id: int
    request_id: str
    amount: int
    penalty: int
    profit: int
    principal: int
    unapplied: int
    loan_status: str
    replayed: bool


def repay(
    uow: UnitOfWork,
    actor: Actor,
    policy: PolicyReader,
    *,
    loan_id: int,
    amount: int,
    request_id: str,
) -> Repayment:
    """Apply a payment to the oldest dues first: late charges, then profit, then principal.
    Overpayment beyond everything owed is refused; a retry posts nothing."""
    require(actor, "loans.repay")
    if amount <= 0:
        raise InvalidInput(
            "amount.not_positive",
            "مبلغ باید مثبت باشد.",
            "The amount must be positive.",
            field="amount",
        )
    with uow:
        loan = _loan(uow, actor, loan_id, lock=True)
        prior = ledger.find_entry(uow, request_id)
        if prior is not None:
            return Repayment(loan.id, request_id, amount, 0, 0, 0, 0, loan.status, True)
        if loan.status != "disbursed":
            raise Conflict(
                "loan.state", f"وام در وضعیت {loan.status} است.", f"The loan is {loan.status}."
            )
        on = calendar.current(uow)
        accrue_loan(uow, loan, on, policy, actor.user_id or None)
        insts = uow.loans.instalments(loan.id, unpaid=True)
        pen, prof, princ = loan_servicing.take_payment(
            uow,
            insts,
            receivables(loan.id),
            amount=amount,
            on=on,
            request_id=request_id,
            kind="loan.repay",
            income_account=ledger.PROFIT_INCOME,
            user_id=actor.user_id or None,
        )
        uow.loans.save_instalments(insts)
        open_left = any(i.paid_on is None for i in insts)
        if not open_left:
            loan.status = "settled"
            loan.settled_on = on
        _audit(uow, actor, "loans.repay", loan.id, request_id, str(amount))
        uow.commit()
        return Repayment(loan.id, request_id, amount, pen, prof, princ, 0, loan.status, False)


def get_loan(uow: UnitOfWork, actor: Actor, loan_id: int) -> tuple[Loan, list[LoanInstalment]]:
    require(actor, "loans.read")
    with uow:
        loan = _loan(uow, actor, loan_id)
        insts = list(
            uow.session.scalars(
                select(LoanInstalment)
                .where(LoanInstalment.loan_id == loan.id)
                .order_by(LoanInstalment.number)
            )
        )
        return loan, insts


def list_loans(
    uow: UnitOfWork, actor: Actor, *, offset: int, limit: int, status: str | None = None
) -> tuple[list[Loan], int]:
    require(actor, "loans.read")
    with uow:
        q = select(Loan)
        if actor.role == "customer":
            q = q.where(Loan.customer_id == actor.customer_id)
        elif not actor.bank_wide:
            q = q.where(Loan.branch_id == actor.branch_id)
        if status:
            q = q.where(Loan.status == status)
        total = uow.session.scalar(select(func.count()).select_from(q.subquery())) or 0
        return list(uow.session.scalars(q.order_by(Loan.id).offset(offset).limit(limit))), total
