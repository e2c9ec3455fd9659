"""The agency introduces an applicant to a bank: the person's loan slot and the allocation
(with its approved-category or repeat share) are reserved by the database in one
transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, func, select, text, update

from tashilat.adapters.db.models import (
    AgentBank,
    Allocation,
    Applicant,
    BusinessDate,
    EmploymentApplication,
    EmploymentSlot,
    SamatLoan,
)
from tashilat.domain.decision import PolicyReader
from tashilat.domain.jalali import format_jalali, jalali_year
from tashilat.domain.programs.employment import rules
from tashilat.services import calendar
from tashilat.services.auth import Actor, require
from tashilat.services.employment._common import _audit, _scope, prior_loans
from tashilat.services.errors import Conflict, Forbidden, Refused, not_found, refused_from
from tashilat.services.uow import UnitOfWork

_APPS: Table = EmploymentApplication.__table__  # type: ignore[assignment]


_ALLOCS: Table = Allocation.__table__  # type: ignore[assignment]


_SLOTS: Table = EmploymentSlot.__table__  # type: ignore[assignment]


_SLOT_INSERTS: dict[str, Any] = {}


def _insert_slot(uow: UnitOfWork, nid: str, slot: int, app_id: int) -> bool:
    """Take the person's loan slot; False when somebody holds it (ON CONFLICT DO NOTHING:
    no error, no savepoint, one round trip)."""
    dialect = uow.session.get_bind().dialect.name
    stmt = _SLOT_INSERTS.get(dialect)
    if stmt is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert  # type: ignore[assignment]
        stmt = _SLOT_INSERTS[dialect] = (
            dialect_insert(_SLOTS).on_conflict_do_nothing().returning(_SLOTS.c.national_id)
        )
    row = (
        uow.session.connection()
        .execute(
            stmt, {"national_id": nid, "slot": slot, "state": "reserved", "application_id": app_id}
        )
        .first()
    )
    return row is not None


def _introduce_statements() -> dict[str, Any]:
    """Built once: the hot path binds parameters only."""
    from sqlalchemy import bindparam

    today = select(BusinessDate.current).where(BusinessDate.id == 1).scalar_subquery()
    bank_id = select(AgentBank.id).where(AgentBank.code == bindparam("bank_code")).scalar_subquery()
    priors = (
        select(func.count())
        .select_from(SamatLoan)
        .where(SamatLoan.national_id == Applicant.national_id)
        .scalar_subquery()
    )
    t = _ALLOCS.c
    amount: Any = bindparam("b_amount")
    cat: Any = bindparam("b_cat")
    rep: Any = bindparam("b_rep")
    return {
        "load": select(EmploymentApplication, Applicant, today, bank_id, priors)
        .join(Applicant, Applicant.id == EmploymentApplication.applicant_id)
        .where(EmploymentApplication.id == bindparam("app_id"))
        .with_for_update(of=EmploymentApplication),
        "mark": update(_APPS)
        .where(_APPS.c.id == bindparam("app_id_"))
        .values(
            state="introduced",
            bank_id=bindparam("b_bank"),
            repeat=bindparam("b_repeat"),
            introduced_on=bindparam("b_on"),
            introduced_by=bindparam("b_by"),
        ),
        "reserve": update(_ALLOCS)
        .where(
            t.agency_id == bindparam("b_agency"),
            t.province == bindparam("b_province"),
            t.year == bindparam("b_year"),
            t.reserved + t.posted + amount <= t.amount,
            t.category_reserved + t.category_posted + cat <= t.category_cap,
            t.repeat_reserved + t.repeat_posted + rep <= t.repeat_cap,
        )
        .values(
            reserved=t.reserved + amount,
            category_reserved=t.category_reserved + cat,
            repeat_reserved=t.repeat_reserved + rep,
        )
        .returning(t.id),
        "link": update(_APPS)
        .where(_APPS.c.id == bindparam("app_id_"))
        .values(allocation_id=bindparam("b_allocation")),
    }


_INTRODUCE = _introduce_statements()


_INTRODUCE_PG = text(
    """
    WITH s AS (
        INSERT INTO employment_slots (national_id, slot, state, application_id)
        VALUES (:nid, :slot, 'reserved', :app)
        ON CONFLICT DO NOTHING RETURNING 1 AS ok
    ), r AS (
        UPDATE allocations SET reserved = reserved + :amt,
               category_reserved = category_reserved + :cat,
               repeat_reserved = repeat_reserved + :rep
        WHERE agency_id = :agency AND province = :province AND year = :year
          AND reserved + posted + :amt <= amount
          AND category_reserved + category_posted + :cat <= category_cap
          AND repeat_reserved + repeat_posted + :rep <= repeat_cap
          AND EXISTS (SELECT 1 FROM s)
        RETURNING id
    ), m AS (
        UPDATE employment_applications SET state = 'introduced', bank_id = :bank,
               repeat = :repeat, introduced_on = :on, introduced_by = :by,
               allocation_id = (SELECT id FROM r)
        WHERE id = :app AND EXISTS (SELECT 1 FROM r)
        RETURNING id
    ), a AS (
        INSERT INTO audit_log (at, user_id, username, action, target, request_id, outcome, detail)
        SELECT :now, :by, :uname, 'employment.introduce', :target, :rid, 'ok', :detail
        WHERE EXISTS (SELECT 1 FROM m)
    )
    SELECT (SELECT count(*) FROM s) AS slot_ok, (SELECT id FROM r) AS allocation_id
    """
)


def introduce(
    uow: UnitOfWork,
    actor: Actor,
    policy: PolicyReader,
    *,
    app_id: int,
    bank_code: str,
    request_id: str = "",
) -> EmploymentApplication:
    """The agency introduces the applicant to a bank: the person's loan slot and the
    allocation (and the approved-category or repeat share) are reserved in one transaction,
    by the database, so concurrent introductions can never over-reserve. The allocation row
    is updated last, just before commit, so its lock is held for one round trip."""
    require(actor, "employment.introduce")
    q = _INTRODUCE
    with uow:
        s = uow.session
        row = s.execute(q["load"], {"app_id": app_id, "bank_code": bank_code}).first()
        if row is None:
            raise not_found("application", "درخواست", app_id)
        app: EmploymentApplication = row[0]
        applicant: Applicant = row[1]
        on, bank, n_prior = row[2], row[3], row[4]
        _scope(uow, actor, app)
        if on is None:
            calendar.current(uow)
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
            prior_loans=prior_loans(uow, applicant.national_id) if n_prior else (),
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
        conn = s.connection()
        if conn.dialect.name == "postgresql":
            # slot, allocation, state and audit line in one statement: one round trip, and
            # the allocation row's lock is held only until the commit that follows
            got = conn.execute(
                _INTRODUCE_PG,
                {
                    "nid": applicant.national_id,
                    "slot": slot,
                    "app": app.id,
                    "agency": app.agency_id,
                    "province": app.province,
                    "year": year,
                    "amt": amount,
                    "cat": cat,
                    "rep": rep,
                    "bank": bank,
                    "repeat": repeat,
                    "on": on,
                    "by": actor.user_id or None,
                    "now": datetime.now(UTC),
                    "uname": actor.username,
                    "target": f"application:{app.id}",
                    "rid": request_id,
                    "detail": bank_code,
                },
            ).one()
            slot_ok, alloc_id = bool(got[0]), got[1]
        else:
            slot_ok = _insert_slot(uow, applicant.national_id, slot, app.id)
            alloc_id = None
            if slot_ok:
                conn.execute(
                    q["mark"],
                    {
                        "app_id_": app.id,
                        "b_bank": bank,
                        "b_repeat": repeat,
                        "b_on": on,
                        "b_by": actor.user_id or None,
                    },
                )
                _audit(
                    uow,
                    actor,
                    "employment.introduce",
                    f"application:{app.id}",
                    request_id,
                    bank_code,
                )
                alloc_id = conn.execute(
                    q["reserve"],
                    {
                        "b_agency": app.agency_id,
                        "b_province": app.province,
                        "b_year": year,
                        "b_amount": amount,
                        "b_cat": cat,
                        "b_rep": rep,
                    },
                ).scalar_one_or_none()
                if alloc_id is not None:
                    conn.execute(q["link"], {"app_id_": app.id, "b_allocation": alloc_id})
        if not slot_ok:
            uow.rollback()
            holder = s.scalar(
                select(EmploymentSlot).where(
                    EmploymentSlot.national_id == applicant.national_id, EmploymentSlot.slot == slot
                )
            )
            raise _slot_taken(uow, applicant.national_id, holder)
        if alloc_id is None:
            uow.rollback()
            raise _allocation_refusal(uow, app.agency_id, app.province, year, amount, cat, rep)
        uow.commit()
        app.state, app.bank_id, app.allocation_id, app.repeat = "introduced", bank, alloc_id, repeat
        app.introduced_on, app.introduced_by = on, actor.user_id or None
        return app


def _slot_taken(uow: UnitOfWork, nid: str, holder: EmploymentSlot | None) -> Refused:
    if holder is not None and holder.samat_loan_id is not None:
        loan = uow.session.get(SamatLoan, holder.samat_loan_id)
        if loan is not None:
            when = format_jalali(loan.disbursed_on)
            return Refused(
                "employment.one_loan_per_person",
                "متقاضی پیش‌تر تسهیلات اشتغال‌زایی گرفته است "
                f"(کد سمات {loan.tracking_code}، {when}). "
                "دریافت مجدد، حتی با طرح جدید یا معرفی دستگاه دیگر، ممکن نیست.",
                "The applicant already had an employment loan "
                f"(SAMAT {loan.tracking_code}, {when}). A second loan, even with a new plan or "
                "through another agency or bank, is not allowed.",
                details={"samat_code": loan.tracking_code, "disbursed_on": when},
            )
    return Refused(
        "employment.application_in_progress",
        "برای این کد ملی درخواست دیگری در جریان است؛ هر فرد تنها یک تسهیلات اشتغال‌زایی می‌گیرد.",
        "Another application for this national ID is in progress; "
        "a person gets one employment loan.",
        details={"application_id": holder.application_id if holder else None},
    )


def _allocation_refusal(
    uow: UnitOfWork, agency_id: int, province: str, year: int, amount: int, cat: int, rep: int
) -> Refused:
    a = uow.session.scalar(
        select(Allocation).where(
            Allocation.agency_id == agency_id,
            Allocation.province == province,
            Allocation.year == year,
        )
    )
    if a is None:
        return Refused(
            "allocation.missing",
            f"دستگاه برای استان {province} در سال {year} تخصیصی ندارد.",
            f"The agency has no allocation for {province} in {year}.",
        )
    free = a.amount - a.reserved - a.posted
    if amount > free:
        return Refused(
            "allocation.exhausted",
            f"مانده تخصیص دستگاه ({free:,} ریال) برای {amount:,} ریال کافی نیست.",
            f"The agency's allocation has {free:,} rial left, not enough for {amount:,}.",
            details={"free_rial": free},
        )
    if cat:
        left = a.category_cap - a.category_reserved - a.category_posted
        return Refused(
            "allocation.category_share",
            f"سهم ۴۰ درصدی رسته‌های مصوب از تخصیص ({a.category_cap:,} ریال) پر شده است؛ "
            f"مانده {left:,} ریال.",
            f"The approved categories' 40% share of the allocation ({a.category_cap:,} rial) is "
            f"used up; {left:,} rial left.",
            details={"category_left_rial": left},
        )
    left = a.repeat_cap - a.repeat_reserved - a.repeat_posted
    return Refused(
        "allocation.repeat_share",
        f"سهم وام‌های مجدد از تخصیص پر شده است (مانده {left:,} ریال).",
        f"The repeat loans' share of the allocation is used up ({left:,} rial left).",
    )
