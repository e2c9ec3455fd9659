"""Employment-generating loans end to end (PROGRAMS.md §2): agencies, allocations,
approved categories, agent banks and their monthly SAMAT limits, applications from
submission to settlement, guarantees, the local SAMAT registry.

Limits that many requests compete for are enforced by the database inside the transaction:
allocations and the category/repeat shares by conditional updates under CHECK constraints,
one loan per person by the primary key of ``employment_slots``, the monthly limit by a
conditional update under a CHECK constraint. Reservation then posting, as in two-phase
transfers: introducing reserves, disbursing posts, rejecting or withdrawing releases.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, delete, false, func, select, text, update
from sqlalchemy.exc import IntegrityError

from tashilat.adapters.db.models import (
    Agency,
    AgentBank,
    Allocation,
    Applicant,
    ApprovedCategory,
    BankMonthlyLimit,
    BusinessDate,
    EmploymentApplication,
    EmploymentInstalment,
    EmploymentSlot,
    Guarantee,
    SamatLoan,
)
from tashilat.adapters.db.numbering import SAMAT_TRACKING, next_number
from tashilat.domain.decision import Decision, PolicyReader
from tashilat.domain.errors import InvalidInput
from tashilat.domain.finance import fee_schedule
from tashilat.domain.ids import parse_national_id
from tashilat.domain.jalali import add_months, format_jalali, from_jalali, jalali_year, to_jalali
from tashilat.domain.ledger import split, transfer
from tashilat.domain.programs.employment import rules
from tashilat.services import calendar, ledger
from tashilat.services.auth import Actor, require
from tashilat.services.errors import Conflict, Forbidden, Refused, not_found, refused_from
from tashilat.services.loans import accrue_charge, apply_payment, owed
from tashilat.services.uow import UnitOfWork

OPEN_STATES = ("submitted", "agency_review", "introduced", "bank_review", "approved")
RESERVING_STATES = ("introduced", "bank_review", "approved")


def principal_code(app_id: int) -> str:
    return f"EMP:{app_id}:PRINCIPAL"


def penalty_code(app_id: int) -> str:
    return f"EMP:{app_id}:PENALTY"


def _audit(
    uow: UnitOfWork, actor: Actor, action: str, target: str, rid: str, detail: str = ""
) -> None:
    uow.audit(
        user_id=actor.user_id or None,
        username=actor.username,
        action=action,
        target=target,
        request_id=rid,
        outcome="ok",
        detail=detail,
    )


# -- set-up: agencies, banks, allocations, categories, limits, SAMAT history ------------------


def create_agency(
    uow: UnitOfWork, actor: Actor, *, code: str, name_fa: str, name_en: str
) -> Agency:
    require(actor, "employment.manage")
    with uow:
        if uow.session.scalar(select(Agency.id).where(Agency.code == code)):
            raise Conflict("agency.exists", f"دستگاه {code} وجود دارد.", f"Agency {code} exists.")
        a = Agency(code=code, name_fa=name_fa, name_en=name_en)
        uow.session.add(a)
        uow.session.flush()
        _audit(uow, actor, "employment.agency.create", f"agency:{code}", "")
        uow.commit()
        return a


def create_bank(
    uow: UnitOfWork, actor: Actor, *, code: str, name_fa: str, name_en: str
) -> AgentBank:
    require(actor, "employment.manage")
    with uow:
        if uow.session.scalar(select(AgentBank.id).where(AgentBank.code == code)):
            raise Conflict("bank.exists", f"بانک {code} وجود دارد.", f"Bank {code} exists.")
        b = AgentBank(code=code, name_fa=name_fa, name_en=name_en)
        uow.session.add(b)
        uow.session.flush()
        _audit(uow, actor, "employment.bank.create", f"bank:{code}", "")
        uow.commit()
        return b


def _agency(uow: UnitOfWork, code: str) -> Agency:
    a = uow.session.scalar(select(Agency).where(Agency.code == code))
    if a is None:
        raise not_found("agency", "دستگاه حمایتی", code)
    return a


def _bank(uow: UnitOfWork, code: str) -> AgentBank:
    b = uow.session.scalar(select(AgentBank).where(AgentBank.code == code))
    if b is None:
        raise not_found("bank", "بانک عامل", code)
    return b


def set_allocation(
    uow: UnitOfWork,
    actor: Actor,
    policy: PolicyReader,
    *,
    agency_code: str,
    province: str,
    year: int,
    amount: int,
) -> Allocation:
    """An agency's resources for a province and year; the approved-category and repeat
    shares are fixed from the policy in force at the start of the year (or of the rules)."""
    require(actor, "employment.manage")
    if amount <= 0:
        raise InvalidInput(
            "allocation.amount",
            "مبلغ تخصیص باید مثبت باشد.",
            "An allocation must be positive.",
            field="amount",
        )
    on = max(from_jalali(year, 1, 1), from_jalali(1403, 2, 25))
    t = rules.terms(policy, on)
    with uow:
        a = _agency(uow, agency_code)
        existing = uow.session.scalar(
            select(Allocation).where(
                Allocation.agency_id == a.id,
                Allocation.province == province,
                Allocation.year == year,
            )
        )
        if existing is not None:
            raise Conflict(
                "allocation.exists",
                "تخصیص این دستگاه، استان و سال ثبت شده است.",
                "This agency already has an allocation for the province and year.",
            )
        row = Allocation(
            agency_id=a.id,
            province=province,
            year=year,
            amount=amount,
            category_cap=rules.category_cap(amount, t.category_share_percent),
            repeat_cap=rules.category_cap(amount, t.repeat_share_percent),
            reserved=0,
            posted=0,
            category_reserved=0,
            category_posted=0,
            repeat_reserved=0,
            repeat_posted=0,
            policy_hash=policy.hash,
        )
        uow.session.add(row)
        uow.session.flush()
        _audit(uow, actor, "employment.allocation.set", f"allocation:{row.id}", "", str(amount))
        uow.commit()
        return row


def add_category(
    uow: UnitOfWork, actor: Actor, *, agency_code: str, year: int, code: str, name_fa: str
) -> None:
    require(actor, "employment.manage")
    with uow:
        a = _agency(uow, agency_code)
        exists = select(ApprovedCategory.id).where(
            ApprovedCategory.agency_id == a.id,
            ApprovedCategory.year == year,
            ApprovedCategory.code == code,
        )
        if uow.session.scalar(exists) is None:
            uow.session.add(ApprovedCategory(agency_id=a.id, year=year, code=code, name_fa=name_fa))
            try:
                uow.session.flush()
            except IntegrityError:  # added by a concurrent request
                pass
            else:
                _audit(uow, actor, "employment.category.add", f"agency:{agency_code}", "", code)
                uow.commit()
                return
        raise Conflict(
            "category.exists",
            f"رسته {code} برای این دستگاه در سال {year} ثبت شده است.",
            f"Category {code} is already approved for this agency in {year}.",
            field="code",
        )


def set_monthly_limit(
    uow: UnitOfWork, actor: Actor, *, bank_code: str, year: int, month: int, amount: int
) -> None:
    require(actor, "employment.manage")
    if not 1 <= month <= 12 or amount < 0:
        raise InvalidInput("limit.invalid", "ماه یا مبلغ نامعتبر است.", "Invalid month or amount.")
    with uow:
        b = _bank(uow, bank_code)
        exists = select(BankMonthlyLimit.id).where(
            BankMonthlyLimit.bank_id == b.id,
            BankMonthlyLimit.year == year,
            BankMonthlyLimit.month == month,
        )
        duplicate = Conflict(
            "limit.exists",
            f"سقف ماهانه این بانک برای {year}/{month:02d} ثبت شده است.",
            f"The bank's monthly limit for {year}/{month:02d} is already set.",
            field="month",
        )
        if uow.session.scalar(exists) is not None:
            raise duplicate
        uow.session.add(
            BankMonthlyLimit(
                bank_id=b.id, year=year, month=month, amount=amount, used=0, exempt_used=0
            )
        )
        try:
            uow.session.flush()
        except IntegrityError:  # set by a concurrent request
            raise duplicate from None
        _audit(
            uow, actor, "employment.limit.set", f"bank:{bank_code}", "", f"{year}/{month}:{amount}"
        )
        uow.commit()


def import_samat_loan(
    uow: UnitOfWork,
    actor: Actor,
    *,
    national_id: str,
    bank_code: str,
    agency_code: str,
    amount: int,
    disbursed_on: date,
    tracking_code: str | None = None,
) -> SamatLoan:
    """Record a historical employment loan in the local SAMAT registry (it holds the
    person's first-loan slot, so "one loan per person" counts it)."""
    require(actor, "employment.manage")
    nid = parse_national_id(national_id)
    with uow:
        # the registry names real banks and agencies: a loan from an unknown one would take
        # the person's slot on a typing mistake
        if uow.session.scalar(select(AgentBank.id).where(AgentBank.code == bank_code)) is None:
            raise InvalidInput(
                "samat.unknown_bank",
                f"بانک «{bank_code[:40]}» شناخته نیست.",
                f"Bank '{bank_code[:40]}' is not known.",
                field="bank_code",
            )
        if uow.session.scalar(select(Agency.id).where(Agency.code == agency_code)) is None:
            raise InvalidInput(
                "samat.unknown_agency",
                f"دستگاه حمایتی «{agency_code[:40]}» شناخته نیست.",
                f"Agency '{agency_code[:40]}' is not known.",
                field="agency_code",
            )
        taken = uow.session.scalar(
            select(func.count())
            .select_from(EmploymentSlot)
            .where(EmploymentSlot.national_id == nid)
        )
        if (taken or 0) >= 2:
            raise Conflict(
                "samat.slots_full",
                "برای این شخص دو وام (وام نخست و تکرار) ثبت شده است؛ وام دیگری پذیرفته نیست.",
                "This person already holds two loans (the first and the repeat); "
                "no other can be recorded.",
                field="national_id",
            )
        if tracking_code and uow.session.scalar(
            select(SamatLoan.id).where(SamatLoan.tracking_code == tracking_code)
        ):
            raise Conflict(
                "samat.exists",
                f"کد رهگیری {tracking_code[:40]} ثبت شده است.",
                f"Tracking code {tracking_code[:40]} is already recorded.",
                field="tracking_code",
            )
        code = tracking_code or _next_code(uow, disbursed_on)
        loan = SamatLoan(
            tracking_code=code,
            national_id=nid,
            bank_code=bank_code,
            agency_code=agency_code,
            amount=amount,
            disbursed_on=disbursed_on,
            imported=True,
        )
        uow.session.add(loan)
        uow.session.flush()
        uow.session.add(
            EmploymentSlot(
                national_id=nid,
                slot=(taken or 0) + 1,
                state="posted",
                samat_loan_id=loan.id,
            )
        )
        _audit(uow, actor, "employment.samat.import", f"samat:{code}", "")
        uow.commit()
        return loan


def _next_code(uow: UnitOfWork, on: date) -> str:
    """A tracking code no concurrent disbursement or import gets too (a database sequence);
    a code already taken (imported with its own code) is skipped."""
    while True:
        n = next_number(uow.session, SAMAT_TRACKING)
        code = f"SAMAT-{jalali_year(on)}-{n:07d}"
        if not uow.session.scalar(select(SamatLoan.id).where(SamatLoan.tracking_code == code)):
            return code


def prior_loans(uow: UnitOfWork, national_id: str) -> list[rules.PriorLoan]:
    rows = uow.session.scalars(
        select(SamatLoan)
        .where(SamatLoan.national_id == national_id)
        .order_by(SamatLoan.disbursed_on)
    )
    return [
        rules.PriorLoan(r.tracking_code, r.disbursed_on, r.bank_code, r.agency_code, r.amount)
        for r in rows
    ]


# -- the application's life ---------------------------------------------------------------


def _app(
    uow: UnitOfWork, actor: Actor, app_id: int, *, lock: bool = False
) -> EmploymentApplication:
    q = select(EmploymentApplication).where(EmploymentApplication.id == app_id)
    if lock:
        q = q.with_for_update()
    app = uow.session.scalar(q)
    if app is None:
        raise not_found("application", "درخواست", app_id)
    _scope(uow, actor, app)
    return app


def _scope(uow: UnitOfWork, actor: Actor, app: EmploymentApplication) -> None:
    if actor.bank_wide:
        return
    if actor.role == "agency_officer" and actor.agency_id == app.agency_id:
        return
    if (
        actor.role in ("bank_officer", "supervisor")
        and actor.bank_id is not None
        and actor.bank_id == app.bank_id
    ):
        return
    if actor.role == "customer":
        applicant = uow.session.get(Applicant, app.applicant_id)
        from tashilat.adapters.db.models import Customer

        cust = uow.session.get(Customer, actor.customer_id) if actor.customer_id else None
        if applicant is not None and cust is not None and cust.national_id == applicant.national_id:
            return
    raise Forbidden(
        "employment.scope", "این درخواست در حوزه شما نیست.", "This application is not yours to see."
    )


def _check(
    uow: UnitOfWork,
    policy: PolicyReader,
    app: EmploymentApplication,
    applicant: Applicant,
    on: date,
    bank_code: str | None = None,
) -> Decision[rules.Eligibility]:
    return rules.check_application(
        policy,
        on=on,
        applicant=rules.Applicant(applicant.national_id, applicant.legal_entity, app.clients_hired),
        amount=app.amount,
        approved_category=app.approved_category,
        prior_loans=prior_loans(uow, applicant.national_id),
        bank_code=bank_code,
        business_active_and_hiring=app.repeat,
    )


def submit(
    uow: UnitOfWork,
    actor: Actor,
    policy: PolicyReader,
    *,
    national_id: str,
    name: str,
    province: str,
    agency_code: str,
    amount: int,
    jobs: int,
    category_code: str | None = None,
    legal_entity: bool = False,
    clients_hired: int = 0,
    mandated: bool = True,
    repeat_business_active: bool = False,
    description: str = "",
    request_id: str = "",
) -> tuple[EmploymentApplication, Decision[rules.Eligibility]]:
    """The applicant's business plan. Refused at once, with every reason, when the amount is
    above the cap in force or the person already had an employment loan."""
    require(actor, "employment.submit")
    nid = parse_national_id(national_id)
    if jobs < 1:
        raise InvalidInput(
            "plan.jobs",
            "طرح باید دست‌کم یک شغل ایجاد کند.",
            "A plan creates at least one job.",
            field="jobs",
        )
    with uow:
        s = uow.session
        on = calendar.current(uow)
        if actor.role == "customer":
            from tashilat.adapters.db.models import Customer

            cust = s.get(Customer, actor.customer_id) if actor.customer_id else None
            if cust is None or cust.national_id != nid:
                raise Forbidden(
                    "employment.not_self",
                    "تنها برای خودتان می‌توانید درخواست دهید.",
                    "You can only apply for yourself.",
                )
        agency = _agency(uow, agency_code)
        if actor.role == "agency_officer" and actor.agency_id != agency.id:
            raise Forbidden(
                "employment.other_agency",
                "این دستگاه، دستگاه شما نیست.",
                "This is not your agency.",
            )
        approved = False
        if category_code:
            approved = (
                s.scalar(
                    select(ApprovedCategory.id).where(
                        ApprovedCategory.agency_id == agency.id,
                        ApprovedCategory.year == jalali_year(on),
                        ApprovedCategory.code == category_code,
                    )
                )
                is not None
            )
        applicant = s.scalar(select(Applicant).where(Applicant.national_id == nid))
        if applicant is None:
            applicant = Applicant(
                national_id=nid,
                name=" ".join(name.split()),
                legal_entity=legal_entity,
                province=province,
            )
            s.add(applicant)
            s.flush()
        app = EmploymentApplication(
            applicant_id=applicant.id,
            agency_id=agency.id,
            province=province,
            category_code=category_code,
            approved_category=approved,
            repeat=repeat_business_active,
            mandated=mandated,
            amount=amount,
            jobs=jobs,
            clients_hired=clients_hired,
            description=description,
            state="submitted",
            submitted_on=on,
            submitted_by=actor.user_id or None,
            policy_hash=policy.hash,
        )
        decision = _check(uow, policy, app, applicant, on)
        if decision.outcome != "eligible" and not (
            decision.value.repeat and _only_bank_missing(decision)
        ):
            raise refused_from(decision, "employment.refused")
        s.add(app)
        s.flush()
        _audit(uow, actor, "employment.submit", f"application:{app.id}", request_id, str(amount))
        uow.commit()
        return app, decision


def _only_bank_missing(d: Decision[rules.Eligibility]) -> bool:
    """A repeat applicant's bank is known only at introduction; do not refuse for it yet."""
    return all(r.passed or r.code == "repeat.same_bank" for r in d.reasons)


def start_review(
    uow: UnitOfWork, actor: Actor, *, app_id: int, request_id: str = ""
) -> EmploymentApplication:
    require(actor, "employment.introduce")
    with uow:
        app = _app(uow, actor, app_id, lock=True)
        if app.state != "submitted":
            raise Conflict(
                "application.state",
                f"درخواست در وضعیت {app.state} است.",
                f"The application is {app.state}.",
            )
        app.state = "agency_review"
        _audit(uow, actor, "employment.review", f"application:{app.id}", request_id)
        uow.commit()
        return app


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

# PostgreSQL: the whole reservation in one statement. Data-modifying CTEs share one
# snapshot, so each step states its precondition on the step before it.
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


def add_guarantee(
    uow: UnitOfWork,
    actor: Actor,
    *,
    app_id: int,
    kind: str,
    national_id: str | None = None,
    grade: str | None = None,
    request_id: str = "",
) -> Guarantee:
    require(actor, "employment.approve")
    if kind not in ("credit_score", "promissory_note", "guarantor"):
        raise InvalidInput(
            "guarantee.kind",
            f"نوع ضمانت «{kind}» ناشناخته است.",
            f"Unknown guarantee '{kind}'.",
            field="kind",
        )
    nid = parse_national_id(national_id or "", field="national_id") if kind == "guarantor" else None
    if kind == "credit_score" and (grade or "").upper() not in rules.GRADES:
        raise InvalidInput(
            "guarantee.grade",
            "رتبه اعتباری باید A تا E باشد.",
            "The grade must be A to E.",
            field="grade",
        )
    with uow:
        app = _app(uow, actor, app_id, lock=True)
        if app.state not in ("introduced", "bank_review"):
            raise Conflict(
                "application.state",
                f"درخواست در وضعیت {app.state} است.",
                f"The application is {app.state}.",
            )
        if nid is not None:
            applicant = uow.session.get(Applicant, app.applicant_id)
            assert applicant is not None
            refusals = rules.guarantor_refusals(
                applicant.national_id, (*offered(uow, app.id).guarantors, nid)
            )
            if refusals:
                err = Refused(
                    refusals[0].code,
                    " ".join(r.message_fa for r in refusals),
                    " ".join(r.message_en for r in refusals),
                    reasons=tuple(refusals),
                )
                err.field = "national_id"
                raise err
        app.state = "bank_review"
        g = Guarantee(
            application_id=app.id, kind=kind, national_id=nid, grade=(grade or "").upper() or None
        )
        uow.session.add(g)
        uow.session.flush()
        _audit(uow, actor, "employment.guarantee", f"application:{app.id}", request_id, kind)
        uow.commit()
        return g


def offered(uow: UnitOfWork, app_id: int) -> rules.Offered:
    rows = list(uow.session.scalars(select(Guarantee).where(Guarantee.application_id == app_id)))
    grades = [r.grade for r in rows if r.kind == "credit_score" and r.grade]
    return rules.Offered(
        credit_grade=min(grades) if grades else None,
        promissory_note=any(r.kind == "promissory_note" for r in rows),
        guarantors=tuple(r.national_id for r in rows if r.kind == "guarantor" and r.national_id),
    )


@dataclass(frozen=True)
class CheckAnswer:
    """The citizen's check: the application rules, the guarantee rules and one verdict."""

    eligibility: Decision[rules.Eligibility]
    guarantees: Decision[rules.GuaranteeResult]
    verdict: Decision[rules.Verdict]


def check(
    uow: UnitOfWork | None,
    policy: PolicyReader,
    *,
    on: date,
    amount: int,
    approved_category: bool = False,
    legal_entity: bool = False,
    clients_hired: int = 0,
    offered_: rules.Offered | None = None,
    national_id: str | None = None,
) -> CheckAnswer:
    """The check anybody may run before applying (no login, nothing recorded). With a
    national ID and a registry (``uow``), the one-loan rule is looked up: the person's
    SAMAT loans, and a loan slot held by an application in progress. Otherwise the answer
    says plainly that the rule was not checked."""
    nid = parse_national_id(national_id, field="national_id") if national_id else None
    priors: list[rules.PriorLoan] | None = None
    in_progress = False
    if nid is not None and uow is not None:
        with uow:
            priors = prior_loans(uow, nid)
            in_progress = bool(
                uow.session.scalar(
                    select(func.count())
                    .select_from(EmploymentSlot)
                    .where(EmploymentSlot.national_id == nid, EmploymentSlot.state == "reserved")
                )
            )
    applicant_nid = nid or "0000000000"
    e = rules.check_application(
        policy,
        on=on,
        applicant=rules.Applicant(applicant_nid, legal_entity, clients_hired),
        amount=amount,
        approved_category=approved_category,
        prior_loans=priors,
        application_in_progress=in_progress,
    )
    g = rules.check_guarantees(
        policy,
        on=on,
        amount=amount,
        applicant_national_id=applicant_nid,
        offered=offered_ or rules.Offered(),
    )
    return CheckAnswer(e, g, rules.verdict(e, g))


def guarantee_status(
    uow: UnitOfWork, actor: Actor, policy: PolicyReader, app_id: int
) -> Decision[Any]:
    require(actor, "employment.read")
    with uow:
        app = _app(uow, actor, app_id)
        applicant = uow.session.get(Applicant, app.applicant_id)
        assert applicant is not None
        return rules.check_guarantees(
            policy,
            on=calendar.current(uow),
            amount=app.amount,
            applicant_national_id=applicant.national_id,
            offered=offered(uow, app.id),
        )


def approve(
    uow: UnitOfWork, actor: Actor, policy: PolicyReader, *, app_id: int, request_id: str = ""
) -> EmploymentApplication:
    """The bank checks guarantees, credit and SAMAT, and approves."""
    require(actor, "employment.approve")
    with uow:
        s = uow.session
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
        applicant = s.get(Applicant, app.applicant_id)
        assert applicant is not None
        on = calendar.current(uow)
        g = rules.check_guarantees(
            policy,
            on=on,
            amount=app.amount,
            applicant_national_id=applicant.national_id,
            offered=offered(uow, app.id),
        )
        if g.outcome != "met":
            raise Refused(
                "guarantee.missing",
                " ".join(r.message_fa for r in g.reasons),
                " ".join(r.message_en for r in g.reasons),
                reasons=g.reasons,
            )
        holder = s.scalar(select(EmploymentSlot).where(EmploymentSlot.application_id == app.id))
        if holder is None:
            raise Conflict(
                "samat.slot_missing",
                "رزرو سمات برای این درخواست یافت نشد.",
                "No SAMAT reservation holds this application.",
            )
        app.state = "approved"
        app.approved_on = on
        app.approved_by = actor.user_id or None
        _audit(uow, actor, "employment.approve", f"application:{app.id}", request_id)
        uow.commit()
        return app


@dataclass(frozen=True)
class Disbursement:
    application: EmploymentApplication
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
        s = uow.session
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
        limit = s.scalar(
            select(BankMonthlyLimit).where(
                BankMonthlyLimit.bank_id == app.bank_id,
                BankMonthlyLimit.year == y,
                BankMonthlyLimit.month == m,
            )
        )
        if limit is not None:
            t = BankMonthlyLimit
            if ex.value:
                s.execute(
                    update(t).where(t.id == limit.id).values(exempt_used=t.exempt_used + app.amount)
                )
            else:
                ok = s.execute(
                    update(t)
                    .where(t.id == limit.id, t.used + app.amount <= t.amount)
                    .values(used=t.used + app.amount)
                    .returning(t.id)
                ).scalar_one_or_none()
                if ok is None:
                    uow.rollback()
                    ny, nm, _ = to_jalali(add_months(from_jalali(y, m, 1), 1))
                    waiting = f"{ny:04d}/{nm:02d}"
                    # nothing is paid; only the month the loan waits for is noted
                    fresh = _app(uow, actor, app_id, lock=True)
                    fresh.waiting_for_month = waiting
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
        applicant = s.get(Applicant, app.applicant_id)
        assert applicant is not None
        agency = s.get(Agency, app.agency_id)
        bank = s.get(AgentBank, app.bank_id)
        assert agency is not None and bank is not None
        code = _next_code(uow, on)
        loan = SamatLoan(
            tracking_code=code,
            national_id=applicant.national_id,
            bank_code=bank.code,
            agency_code=agency.code,
            amount=app.amount,
            disbursed_on=on,
            imported=False,
        )
        s.add(loan)
        s.flush()
        s.execute(
            update(EmploymentSlot)
            .where(EmploymentSlot.application_id == app.id)
            .values(state="posted", samat_loan_id=loan.id)
        )
        cat = app.amount if app.approved_category else 0
        rep = app.amount if app.repeat else 0
        t2 = Allocation
        s.execute(
            update(t2)
            .where(t2.id == app.allocation_id)
            .values(
                reserved=t2.reserved - app.amount,
                posted=t2.posted + app.amount,
                category_reserved=t2.category_reserved - cat,
                category_posted=t2.category_posted + cat,
                repeat_reserved=t2.repeat_reserved - rep,
                repeat_posted=t2.repeat_posted + rep,
            )
        )
        rt = rules.terms(policy, on)
        rounding = int(str(policy.resolve("finance.rounding_unit", on).value))
        sched = fee_schedule(
            app.amount,
            rt.fee_percent,
            rt.term_months,
            grace_months=rt.grace_months,
            start=on,
            rounding_unit=rounding,
        )
        for i in sched.instalments:
            assert i.due is not None
            s.add(
                EmploymentInstalment(
                    application_id=app.id,
                    number=i.number,
                    due=i.due,
                    amount=i.amount,
                    principal=i.principal,
                    profit=i.profit,
                    paid_principal=0,
                    paid_profit=0,
                    penalty_accrued=0,
                    penalty_paid=0,
                    penalty_prior=0,
                )
            )
        ledger.ensure_account(
            uow, principal_code(app.id), f"Employment loan {app.id} principal", "asset"
        )
        ledger.ensure_account(
            uow, penalty_code(app.id), f"Employment loan {app.id} late charges", "asset"
        )
        ledger.post(
            uow,
            transfer(
                f"emp-disburse:{app.id}",
                "employment.disburse",
                on,
                debit=principal_code(app.id),
                credit=ledger.SETTLEMENT,
                amount=app.amount,
            ),
            user_id=actor.user_id or None,
        )
        app.state = "disbursed"
        app.disbursed_on = on
        app.disbursed_by = actor.user_id or None
        app.samat_loan_id = loan.id
        app.waiting_for_month = None
        _audit(uow, actor, "employment.disburse", f"application:{app.id}", request_id, code)
        uow.commit()
        return Disbursement(app, code, bool(ex.value), None)


def reject(
    uow: UnitOfWork,
    actor: Actor,
    *,
    app_id: int,
    reason: str,
    withdraw: bool = False,
    request_id: str = "",
) -> EmploymentApplication:
    """Reject (agency or bank) or withdraw: releases the slot and every reservation."""
    require(actor, "employment.reject" if not withdraw else "employment.submit")
    with uow:
        s = uow.session
        app = _app(uow, actor, app_id, lock=True)
        if app.state not in OPEN_STATES:
            raise Conflict(
                "application.state",
                f"درخواست در وضعیت {app.state} است.",
                f"The application is {app.state}.",
            )
        if app.state in RESERVING_STATES and app.allocation_id is not None:
            cat = app.amount if app.approved_category else 0
            rep = app.amount if app.repeat else 0
            t = Allocation
            s.execute(
                update(t)
                .where(t.id == app.allocation_id)
                .values(
                    reserved=t.reserved - app.amount,
                    category_reserved=t.category_reserved - cat,
                    repeat_reserved=t.repeat_reserved - rep,
                )
            )
        s.execute(
            delete(EmploymentSlot).where(
                EmploymentSlot.application_id == app.id, EmploymentSlot.state == "reserved"
            )
        )
        app.state = "withdrawn" if withdraw else "rejected"
        app.reasons = json.dumps([reason], ensure_ascii=False)
        app.closed_on = calendar.current(uow)
        _audit(
            uow,
            actor,
            "employment.withdraw" if withdraw else "employment.reject",
            f"application:{app.id}",
            request_id,
            reason,
        )
        uow.commit()
        return app


# -- repayments and late charges ----------------------------------------------------------------


def _penalty_terms(policy: PolicyReader, on: date) -> tuple[Decimal, int]:
    return (
        Decimal(str(policy.resolve("finance.late_penalty_points", on).value)),
        int(str(policy.resolve("finance.day_count", on).value)),
    )


def accrue(
    uow: UnitOfWork, app: EmploymentApplication, to: date, policy: PolicyReader, user_id: int | None
) -> int:
    points, day_count = _penalty_terms(policy, to)
    fee = rules.terms(policy, app.disbursed_on or to).fee_percent
    total = 0
    for inst in uow.session.scalars(
        select(EmploymentInstalment)
        .where(
            EmploymentInstalment.application_id == app.id,
            EmploymentInstalment.due < to,
            EmploymentInstalment.paid_on.is_(None),
        )
        .order_by(EmploymentInstalment.number)
    ):
        total += accrue_charge(
            uow,
            inst,
            to=to,
            rate=fee,
            points=points,
            day_count=day_count,
            receivable=penalty_code(app.id),
            request_prefix="emp-penalty",
            user_id=user_id,
        )
    return total


def accrue_all(uow: UnitOfWork, to: date, *, user_id: int | None) -> int:
    from tashilat.policy import default_policy

    policy = default_policy()
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
        s = uow.session
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
        insts = list(
            s.scalars(
                select(EmploymentInstalment)
                .where(
                    EmploymentInstalment.application_id == app.id,
                    EmploymentInstalment.paid_on.is_(None),
                )
                .order_by(EmploymentInstalment.number)
            )
        )
        total = owed(insts)
        if amount > total:
            raise Conflict(
                "repayment.overpaid",
                f"مبلغ {amount:,} ریال بیش از کل بدهی ({total:,} ریال) است.",
                f"{amount:,} rial is more than everything owed ({total:,} rial).",
            )
        pen, fee, princ = apply_payment(insts, amount, on)
        legs = [
            (ledger.SETTLEMENT, amount),
            (principal_code(app.id), -princ),
            (ledger.FEE_INCOME, -fee),
            (penalty_code(app.id), -pen),
        ]
        ledger.post(
            uow, split(request_id, "employment.repay", on, legs=legs), user_id=actor.user_id or None
        )
        left = s.scalar(
            select(func.count())
            .select_from(EmploymentInstalment)
            .where(
                EmploymentInstalment.application_id == app.id,
                EmploymentInstalment.paid_on.is_(None),
            )
        )
        app.state = "repaying" if left else "settled"
        if not left:
            app.closed_on = on
        _audit(uow, actor, "employment.repay", f"application:{app.id}", request_id, str(amount))
        uow.commit()
        return EmploymentRepayment(app.id, amount, pen, fee, princ, app.state, False)


# -- reading and reports ------------------------------------------------------------------


def get(
    uow: UnitOfWork, actor: Actor, app_id: int
) -> tuple[EmploymentApplication, Applicant, list[Any]]:
    require(actor, "employment.read")
    with uow:
        app = _app(uow, actor, app_id)
        applicant = uow.session.get(Applicant, app.applicant_id)
        assert applicant is not None
        insts = list(
            uow.session.scalars(
                select(EmploymentInstalment)
                .where(EmploymentInstalment.application_id == app.id)
                .order_by(EmploymentInstalment.number)
            )
        )
        return app, applicant, insts


def samat_code(uow: UnitOfWork, app: EmploymentApplication) -> str | None:
    if app.samat_loan_id is None:
        return None
    loan = uow.session.get(SamatLoan, app.samat_loan_id)
    return loan.tracking_code if loan else None


def list_applications(
    uow: UnitOfWork, actor: Actor, *, offset: int, limit: int, state: str | None = None
) -> tuple[list[EmploymentApplication], int]:
    require(actor, "employment.read")
    with uow:
        q = select(EmploymentApplication)
        if actor.role not in ("agency_officer", "bank_officer", "supervisor") and (
            not actor.bank_wide
        ):
            raise Forbidden("employment.scope", "دسترسی ندارید.", "Not allowed.")
        q = q.where(*_scope_filters(actor))
        if state:
            q = q.where(EmploymentApplication.state == state)
        total = uow.session.scalar(select(func.count()).select_from(q.subquery())) or 0
        return list(
            uow.session.scalars(q.order_by(EmploymentApplication.id).offset(offset).limit(limit))
        ), total


def allocation_report(
    uow: UnitOfWork, actor: Actor, *, year: int | None = None
) -> list[dict[str, Any]]:
    """Allocation use by agency and province, with the approved-category share."""
    require(actor, "employment.read")
    with uow:
        q = select(Allocation, Agency).join(Agency, Agency.id == Allocation.agency_id)
        if year:
            q = q.where(Allocation.year == year)
        if actor.role == "agency_officer":
            q = q.where(Allocation.agency_id == actor.agency_id)
        out = []
        for a, ag in uow.session.execute(q.order_by(Agency.code, Allocation.province)).all():
            out.append(
                {
                    "agency": ag.code,
                    "agency_name": ag.name_fa,
                    "province": a.province,
                    "year": a.year,
                    "amount_rial": a.amount,
                    "reserved_rial": a.reserved,
                    "posted_rial": a.posted,
                    "free_rial": a.amount - a.reserved - a.posted,
                    "category_cap_rial": a.category_cap,
                    "category_used_rial": a.category_reserved + a.category_posted,
                    "repeat_cap_rial": a.repeat_cap,
                    "repeat_used_rial": a.repeat_reserved + a.repeat_posted,
                }
            )
        return out


def _scope_filters(actor: Actor) -> list[Any]:
    """Agency officers see their agency's applications, bank staff their bank's. A user with
    no agency or bank sees none: comparing with a missing id must not become ``IS NULL``
    (which would match every application not yet introduced to a bank)."""
    if actor.bank_wide:
        return []
    if actor.role == "agency_officer":
        if actor.agency_id is None:
            return [false()]
        return [EmploymentApplication.agency_id == actor.agency_id]
    if actor.role in ("bank_officer", "supervisor"):
        if actor.bank_id is None:
            return [false()]
        return [EmploymentApplication.bank_id == actor.bank_id]
    return [false()]


def category_report(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    require(actor, "employment.read")
    with uow:
        rows = uow.session.execute(
            select(
                Agency.code,
                EmploymentApplication.category_code,
                EmploymentApplication.state,
                func.count(),
                func.sum(EmploymentApplication.amount),
            )
            .join(Agency, Agency.id == EmploymentApplication.agency_id)
            .where(*_scope_filters(actor))
            .group_by(Agency.code, EmploymentApplication.category_code, EmploymentApplication.state)
            .order_by(Agency.code, EmploymentApplication.category_code, EmploymentApplication.state)
        ).all()
        return [
            {"agency": a, "category": c or "", "state": st, "count": n, "amount_rial": int(x or 0)}
            for a, c, st, n, x in rows
        ]


def pipeline_report(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    require(actor, "employment.read")
    with uow:
        rows = uow.session.execute(
            select(
                EmploymentApplication.state, func.count(), func.sum(EmploymentApplication.amount)
            )
            .where(*_scope_filters(actor))
            .group_by(EmploymentApplication.state)
            .order_by(EmploymentApplication.state)
        ).all()
        return [{"state": st, "count": n, "amount_rial": int(x or 0)} for st, n, x in rows]


def speed_report(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    """Median days from submission to disbursement per agency and bank (the circular's
    "speed up by year end")."""
    import statistics

    require(actor, "employment.read")
    with uow:
        rows = uow.session.execute(
            select(
                Agency.code,
                AgentBank.code,
                EmploymentApplication.submitted_on,
                EmploymentApplication.disbursed_on,
            )
            .join(Agency, Agency.id == EmploymentApplication.agency_id)
            .join(AgentBank, AgentBank.id == EmploymentApplication.bank_id)
            .where(EmploymentApplication.disbursed_on.is_not(None), *_scope_filters(actor))
        ).all()
    groups: dict[tuple[str, str], list[int]] = {}
    for agency, bank, sub, dis in rows:
        if dis is None:
            continue
        groups.setdefault((agency, bank), []).append((dis - sub).days)
    return [
        {"agency": a, "bank": b, "loans": len(v), "median_days": statistics.median(v)}
        for (a, b), v in sorted(groups.items())
    ]


def reasons_of(app: EmploymentApplication) -> list[str]:
    return list(json.loads(app.reasons)) if app.reasons else []
