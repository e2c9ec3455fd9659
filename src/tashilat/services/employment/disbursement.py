"""The bank approves an introduced application, and a second person pays it out within the
bank's monthly SAMAT limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tashilat.domain.decision import PolicyReader
from tashilat.domain.finance import Schedule, fee_schedule
from tashilat.domain.jalali import add_months, from_jalali, to_jalali
from tashilat.domain.programs.employment import rules
from tashilat.services import calendar, loan_servicing
from tashilat.services.auth import Actor, require
from tashilat.services.employment._common import (
    _app,
    _audit,
    _change,
    _next_code,
    receivables,
)
from tashilat.services.employment.guarantees import offered
from tashilat.services.errors import Conflict, Forbidden, Refused
from tashilat.services.ports import UnitOfWork
from tashilat.services.ports.employment import ApplicationRecord


def approve(
    uow: UnitOfWork, actor: Actor, policy: PolicyReader, *, app_id: int, request_id: str = ""
) -> ApplicationRecord:
    """The bank checks guarantees, credit and SAMAT, and approves."""
    require(actor, "employment.approve")
    with uow:
        app = _app(uow, actor, app_id, lock=True)
        if app.state not in ("introduced", "bank_review"):
            raise Conflict(
                "application.state",
                f"درخواست در وضعیت {app.state} است.",
                f"The application is {app.state}.",
            )
        if actor.role == "bank_officer" and actor.bank_id != app.bank_id:
            raise Forbidden(
                "employment.other_bank",
                "این درخواست به بانک شما معرفی نشده است.",
                "This application was introduced to another bank.",
            )
        on = calendar.current(uow)
        g = rules.check_guarantees(
            policy,
            on=on,
            amount=app.amount,
            applicant_national_id=uow.employment.applicant_national_id(app.applicant_id),
            offered=offered(uow, app.id),
        )
        if g.outcome != "met":
            raise Refused(
                "guarantee.missing",
                " ".join(r.message_fa for r in g.reasons),
                " ".join(r.message_en for r in g.reasons),
                reasons=g.reasons,
            )
        if not uow.employment.holds_slot(app.id):
            raise Conflict(
                "samat.slot_missing",
                "رزرو سمات برای این درخواست یافت نشد.",
                "No SAMAT reservation holds this application.",
            )
        app = _change(uow, app, state="approved", approved_on=on, approved_by=actor.user_id or None)
        _audit(uow, actor, "employment.approve", f"application:{app.id}", request_id)
        uow.commit()
        return app


@dataclass(frozen=True)
class Disbursement:
    application: ApplicationRecord
    samat_code: str | None
    exempt: bool
    waiting_for: str | None


def disburse(
    uow: UnitOfWork, actor: Actor, policy: PolicyReader, *, app_id: int, request_id: str = ""
) -> Disbursement:
    """A second person pays the approved loan: the bank's monthly limit (mandated loans under
    3 billion are paid beyond it), the SAMAT code, the fee schedule, the ledger, and the
    reservations turned into postings. When the limit is used up the loan waits for next
    month (the answer says so) and nothing changes but the note of the month it waits for."""
    require(actor, "employment.disburse")
    with uow:
        app = _app(uow, actor, app_id, lock=True)
        if app.state != "approved":
            raise Conflict(
                "application.state",
                f"درخواست در وضعیت {app.state} است (باید تأییدشده باشد).",
                f"The application is {app.state}; it must be approved.",
            )
        if app.approved_by == actor.user_id:
            raise Forbidden(
                "employment.four_eyes",
                "تأییدکننده نمی‌تواند پرداخت را نیز انجام دهد.",
                "The approver cannot also disburse (four eyes).",
            )
        on = calendar.current(uow)
        y, m, _ = to_jalali(on)
        ex = rules.exempt_from_monthly_limit(
            policy, on=on, amount=app.amount, mandated=app.mandated
        )
        # an approved application was introduced: it has its bank and its allocation
        assert app.bank_id is not None and app.allocation_id is not None
        fits = uow.employment.use_monthly_limit(
            bank_id=app.bank_id, year=y, month=m, amount=app.amount, exempt=bool(ex.value)
        )
        if not fits:
            uow.rollback()
            ny, nm, _ = to_jalali(add_months(from_jalali(y, m, 1), 1))
            waiting = f"{ny:04d}/{nm:02d}"
            # nothing is paid; only the month the loan waits for is noted
            _change(uow, _app(uow, actor, app_id, lock=True), waiting_for_month=waiting)
            _audit(
                uow,
                actor,
                "employment.disburse.queued",
                f"application:{app_id}",
                request_id,
                waiting,
            )
            uow.commit()
            raise Refused(
                "monthly_limit.used",
                f"سقف ماهانه بانک در سمات برای {y}/{m:02d} پر شده است؛ "
                f"پرداخت به ماه {waiting} "
                "موکول شد.",
                f"The bank's monthly SAMAT limit for {y}/{m:02d} is used up; "
                "the loan waits for "
                f"{waiting}.",
                reasons=ex.reasons,
                details={"waiting_for": waiting},
            )
        code = _next_code(uow, on)
        loan = uow.employment.record_samat_loan(
            tracking_code=code,
            national_id=uow.employment.applicant_national_id(app.applicant_id),
            bank_code=uow.employment.bank(app.bank_id).code,
            agency_code=uow.employment.agency(app.agency_id).code,
            amount=app.amount,
            disbursed_on=on,
            imported=False,
        )
        uow.employment.post_reservation(
            application_id=app.id,
            allocation_id=app.allocation_id,
            amount=app.amount,
            category=app.amount if app.approved_category else 0,
            repeat_amount=app.amount if app.repeat else 0,
            samat_loan_id=loan.id,
        )
        sched = preview_schedule(policy, app.amount, on)
        uow.employment.add_instalments(app.id, loan_servicing.instalment_fields(sched))
        loan_servicing.post_disbursement(
            uow,
            receivables(app.id),
            request_id=f"emp-disburse:{app.id}",
            kind="employment.disburse",
            on=on,
            amount=app.amount,
            user_id=actor.user_id or None,
        )
        app = _change(
            uow,
            app,
            state="disbursed",
            disbursed_on=on,
            disbursed_by=actor.user_id or None,
            samat_loan_id=loan.id,
            waiting_for_month=None,
        )
        _audit(uow, actor, "employment.disburse", f"application:{app.id}", request_id, code)
        uow.commit()
        return Disbursement(app, code, bool(ex.value), None)


def preview_schedule(policy: PolicyReader, amount: int, on: date) -> Schedule:
    """The fee schedule of ``amount`` paid out on ``on``: the program's terms in force that
    day, instalments rounded to the bank's unit. Disbursement records exactly this."""
    t = rules.terms(policy, on)
    return fee_schedule(
        amount,
        t.fee_percent,
        t.term_months,
        grace_months=t.grace_months,
        start=on,
        rounding_unit=int(str(policy.resolve("finance.rounding_unit", on).value)),
    )
