"""The agency introduces an applicant to a bank: the person's loan slot and the allocation
(with its approved-category or repeat share) are reserved by the database in one
transaction (``EmploymentRepository.reserve_introduction``); a refusal is explained once,
from the allocation's use as it stands after the rollback."""

from __future__ import annotations

from dataclasses import replace

from tashilat.domain.decision import PolicyReader
from tashilat.domain.jalali import format_jalali, jalali_year
from tashilat.domain.programs.employment import rules
from tashilat.services import calendar
from tashilat.services.auth import Actor, require
from tashilat.services.employment._common import _scope, prior_loans
from tashilat.services.errors import Conflict, Forbidden, Refused, not_found, refused_from
from tashilat.services.ports import UnitOfWork
from tashilat.services.ports.employment import AllocationUse, ApplicationRecord, SlotHolder


def introduce(
    uow: UnitOfWork,
    actor: Actor,
    policy: PolicyReader,
    *,
    app_id: int,
    bank_code: str,
    request_id: str = "",
) -> ApplicationRecord:
    """The agency introduces the applicant to a bank: the person's loan slot and the
    allocation (and the approved-category or repeat share) are reserved in one transaction,
    by the database, so concurrent introductions can never over-reserve. The allocation row
    is updated last, just before commit, so its lock is held for one round trip."""
    require(actor, "employment.introduce")
    with uow:
        ctx = uow.employment.introduction_context(app_id, bank_code)
        if ctx is None:
            raise not_found("application", "درخواست", app_id)
        app, applicant, bank = ctx.application, ctx.applicant, ctx.bank_id
        _scope(uow, actor, app)
        on = ctx.business_date or calendar.current(uow)
        if bank is None:
            raise not_found("bank", "بانک عامل", bank_code)
        if app.state not in ("submitted", "agency_review"):
            raise Conflict(
                "application.state",
                f"درخواست در وضعیت {app.state} است.",
                f"The application is {app.state}.",
            )
        if actor.role == "agency_officer" and actor.agency_id != app.agency_id:
            raise Forbidden(
                "employment.other_agency",
                "این درخواست از دستگاه شما نیست.",
                "This application is not your agency's.",
            )
        decision = rules.check_application(
            policy,
            on=on,
            applicant=rules.Applicant(
                applicant.national_id, applicant.legal_entity, app.clients_hired
            ),
            amount=app.amount,
            approved_category=app.approved_category,
            prior_loans=prior_loans(uow, applicant.national_id) if ctx.has_prior_loans else (),
            bank_code=bank_code,
            business_active_and_hiring=app.repeat,
        )
        if decision.outcome != "eligible":
            raise refused_from(decision, "employment.refused")
        repeat = decision.value.repeat
        slot = 2 if repeat else 1
        amount = app.amount
        cat = amount if app.approved_category else 0
        rep = amount if repeat else 0
        year = jalali_year(on)
        slot_ok, alloc_id = uow.employment.reserve_introduction(
            application_id=app.id,
            national_id=applicant.national_id,
            slot=slot,
            agency_id=app.agency_id,
            province=app.province,
            year=year,
            amount=amount,
            category=cat,
            repeat_amount=rep,
            bank_id=bank,
            repeat=repeat,
            on=on,
            user_id=actor.user_id or None,
            username=actor.username,
            request_id=request_id,
            detail=bank_code,
        )
        if not slot_ok:
            uow.rollback()
            raise slot_taken(uow.employment.slot_holder(applicant.national_id, slot))
        if alloc_id is None:
            uow.rollback()
            use = uow.employment.allocation_use(app.agency_id, app.province, year)
            raise allocation_refusal(
                use,
                province=app.province,
                year=year,
                amount=amount,
                category=cat,
                repeat_amount=rep,
            )
        uow.commit()
        return replace(
            app,
            state="introduced",
            bank_id=bank,
            allocation_id=alloc_id,
            repeat=repeat,
            introduced_on=on,
            introduced_by=actor.user_id or None,
        )


def slot_taken(holder: SlotHolder | None) -> Refused:
    """Why the person's loan slot could not be taken: a SAMAT loan (with its code and date)
    or an application in progress."""
    if holder is not None and holder.samat_code is not None:
        when = format_jalali(holder.samat_disbursed_on) if holder.samat_disbursed_on else ""
        return Refused(
            "employment.one_loan_per_person",
            "متقاضی پیش‌تر تسهیلات اشتغال‌زایی گرفته است "
            f"(کد سمات {holder.samat_code}، {when}). "
            "دریافت مجدد، حتی با طرح جدید یا معرفی دستگاه دیگر، ممکن نیست.",
            "The applicant already had an employment loan "
            f"(SAMAT {holder.samat_code}, {when}). A second loan, even with a new plan or "
            "through another agency or bank, is not allowed.",
            details={"samat_code": holder.samat_code, "disbursed_on": when},
        )
    return Refused(
        "employment.application_in_progress",
        "برای این کد ملی درخواست دیگری در جریان است؛ هر فرد تنها یک تسهیلات اشتغال‌زایی می‌گیرد.",
        "Another application for this national ID is in progress; "
        "a person gets one employment loan.",
        details={"application_id": holder.application_id if holder else None},
    )


def allocation_refusal(
    use: AllocationUse | None,
    *,
    province: str,
    year: int,
    amount: int,
    category: int,
    repeat_amount: int,
) -> Refused:
    """Why the allocation refused ``amount``: no allocation, not enough left, or the
    approved-category (40%) or repeat share used up (``AllocationUse.shortfall``)."""
    if use is None:
        return Refused(
            "allocation.missing",
            f"دستگاه برای استان {province} در سال {year} تخصیصی ندارد.",
            f"The agency has no allocation for {province} in {year}.",
        )
    short = use.shortfall(amount, category, repeat_amount)
    if short is None:
        # another transaction released enough since the refusal: name the share it counted on
        short = "category_share" if category else "repeat_share"
    if short == "exhausted":
        free = use.free
        return Refused(
            "allocation.exhausted",
            f"مانده تخصیص دستگاه ({free:,} ریال) برای {amount:,} ریال کافی نیست.",
            f"The agency's allocation has {free:,} rial left, not enough for {amount:,}.",
            details={"free_rial": free},
        )
    if short == "category_share":
        left = use.category_left
        return Refused(
            "allocation.category_share",
            f"سهم ۴۰ درصدی رسته‌های مصوب از تخصیص ({use.category_cap:,} ریال) پر شده است؛ "
            f"مانده {left:,} ریال.",
            f"The approved categories' 40% share of the allocation ({use.category_cap:,} rial) "
            f"is used up; {left:,} rial left.",
            details={"category_left_rial": left},
        )
    left = use.repeat_left
    return Refused(
        "allocation.repeat_share",
        f"سهم وام‌های مجدد از تخصیص پر شده است (مانده {left:,} ریال).",
        f"The repeat loans' share of the allocation is used up ({left:,} rial left).",
    )
