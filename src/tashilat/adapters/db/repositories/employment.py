"""``services.ports.employment.EmploymentRepository`` on SQLAlchemy.

The introduction's reservation has one implementation per dialect. PostgreSQL: one
statement of data-modifying CTEs (slot, allocation, application, audit line), one round trip,
so the allocation row's lock is held only until the commit that follows. SQLite: the same
steps as separate statements in the transaction, the allocation updated last. Both state the
allocation's three conditions (``AllocationUse.shortfall``) in the conditional update, under
the table's CHECK constraints (docs/adr/0007-employment-limits-in-the-database.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from tashilat.adapters.db.models import (
    Agency,
    AgentBank,
    Allocation,
    Applicant,
    AuditLog,
    BankMonthlyLimit,
    EmploymentApplication,
    EmploymentInstalment,
    EmploymentSlot,
    Guarantee,
    SamatLoan,
)
from tashilat.adapters.db.numbering import SAMAT_TRACKING, next_number
from tashilat.adapters.db.repositories._instalments import instalments_of, save_instalments
from tashilat.adapters.db.repositories.employment_rows import EmploymentRows, in_scope
from tashilat.domain.programs.employment.allocation import AllocationUse
from tashilat.domain.programs.employment.rules import PriorLoan
from tashilat.domain.servicing import Instalment
from tashilat.services.ports.employment import GuaranteeRecord

_APPS: Table = EmploymentApplication.__table__  # type: ignore[assignment]
_ALLOCS: Table = Allocation.__table__  # type: ignore[assignment]
_SLOTS: Table = EmploymentSlot.__table__  # type: ignore[assignment]
_INSTALMENTS: Table = EmploymentInstalment.__table__  # type: ignore[assignment]
_INSERT_AUDIT = insert(AuditLog.__table__)  # type: ignore[arg-type]


def _sqlite_statements() -> dict[str, Any]:
    """Built once: the hot path binds parameters only."""
    t = _ALLOCS.c
    amount: Any = bindparam("amt")
    cat: Any = bindparam("cat")
    rep: Any = bindparam("rep")
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return {
        "slot": sqlite_insert(_SLOTS).on_conflict_do_nothing().returning(_SLOTS.c.national_id),
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


_SQLITE = _sqlite_statements()

# Data-modifying CTEs share one snapshot, so each step states its precondition on the step
# before it.
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


@dataclass(frozen=True)
class _Holder:
    application_id: int | None
    samat_code: str | None
    samat_disbursed_on: date | None


def _use(a: Allocation) -> AllocationUse:
    return AllocationUse(
        a.id,
        a.amount,
        a.reserved,
        a.posted,
        a.category_cap,
        a.category_reserved,
        a.category_posted,
        a.repeat_cap,
        a.repeat_reserved,
        a.repeat_posted,
    )


class SqlEmploymentRepository(EmploymentRows):
    def __init__(self, session: Session) -> None:
        self._s = session

    def reserve_introduction(
        self,
        *,
        application_id: int,
        national_id: str,
        slot: int,
        agency_id: int,
        province: str,
        year: int,
        amount: int,
        category: int,
        repeat_amount: int,
        bank_id: int,
        repeat: bool,
        on: date,
        user_id: int | None,
        username: str,
        request_id: str,
        detail: str,
    ) -> tuple[bool, int | None]:
        conn = self._s.connection()
        target = f"application:{application_id}"
        if conn.dialect.name == "postgresql":
            got = conn.execute(
                _INTRODUCE_PG,
                {
                    "nid": national_id,
                    "slot": slot,
                    "app": application_id,
                    "agency": agency_id,
                    "province": province,
                    "year": year,
                    "amt": amount,
                    "cat": category,
                    "rep": repeat_amount,
                    "bank": bank_id,
                    "repeat": repeat,
                    "on": on,
                    "by": user_id,
                    "now": datetime.now(UTC),
                    "uname": username,
                    "target": target,
                    "rid": request_id,
                    "detail": detail,
                },
            ).one()
            return bool(got[0]), got[1]
        q = _SQLITE
        taken = conn.execute(
            q["slot"],
            {
                "national_id": national_id,
                "slot": slot,
                "state": "reserved",
                "application_id": application_id,
            },
        ).first()
        if taken is None:
            return False, None
        conn.execute(
            q["mark"],
            {
                "app_id_": application_id,
                "b_bank": bank_id,
                "b_repeat": repeat,
                "b_on": on,
                "b_by": user_id,
            },
        )
        conn.execute(
            _INSERT_AUDIT,
            {
                "at": datetime.now(UTC),
                "user_id": user_id,
                "username": username,
                "action": "employment.introduce",
                "target": target,
                "request_id": request_id,
                "outcome": "ok",
                "detail": detail,
            },
        )
        alloc_id = conn.execute(
            q["reserve"],
            {
                "b_agency": agency_id,
                "b_province": province,
                "b_year": year,
                "amt": amount,
                "cat": category,
                "rep": repeat_amount,
            },
        ).scalar_one_or_none()
        if alloc_id is not None:
            conn.execute(q["link"], {"app_id_": application_id, "b_allocation": alloc_id})
        return True, alloc_id

    def use_monthly_limit(
        self, *, bank_id: int, year: int, month: int, amount: int, exempt: bool
    ) -> bool:
        t = BankMonthlyLimit
        limit_id = self._s.scalar(
            select(t.id).where(t.bank_id == bank_id, t.year == year, t.month == month)
        )
        if limit_id is None:
            return True
        if exempt:
            self._s.execute(
                update(t).where(t.id == limit_id).values(exempt_used=t.exempt_used + amount)
            )
            return True
        ok = self._s.execute(
            update(t)
            .where(t.id == limit_id, t.used + amount <= t.amount)
            .values(used=t.used + amount)
            .returning(t.id)
        ).scalar_one_or_none()
        return ok is not None

    def post_reservation(
        self,
        *,
        application_id: int,
        allocation_id: int,
        amount: int,
        category: int,
        repeat_amount: int,
        samat_loan_id: int,
    ) -> None:
        self._s.execute(
            update(EmploymentSlot)
            .where(EmploymentSlot.application_id == application_id)
            .values(state="posted", samat_loan_id=samat_loan_id)
        )
        t = Allocation
        self._s.execute(
            update(t)
            .where(t.id == allocation_id)
            .values(
                reserved=t.reserved - amount,
                posted=t.posted + amount,
                category_reserved=t.category_reserved - category,
                category_posted=t.category_posted + category,
                repeat_reserved=t.repeat_reserved - repeat_amount,
                repeat_posted=t.repeat_posted + repeat_amount,
            )
        )

    def release_reservation(
        self,
        *,
        application_id: int,
        allocation_id: int | None,
        amount: int,
        category: int,
        repeat_amount: int,
    ) -> None:
        if allocation_id is not None:
            t = Allocation
            self._s.execute(
                update(t)
                .where(t.id == allocation_id)
                .values(
                    reserved=t.reserved - amount,
                    category_reserved=t.category_reserved - category,
                    repeat_reserved=t.repeat_reserved - repeat_amount,
                )
            )
        self._s.execute(
            delete(EmploymentSlot).where(
                EmploymentSlot.application_id == application_id,
                EmploymentSlot.state == "reserved",
            )
        )

    def holds_slot(self, application_id: int) -> bool:
        return (
            self._s.scalar(
                select(EmploymentSlot.national_id).where(
                    EmploymentSlot.application_id == application_id
                )
            )
            is not None
        )

    def prior_loans(self, national_id: str) -> list[PriorLoan]:
        rows = self._s.scalars(
            select(SamatLoan)
            .where(SamatLoan.national_id == national_id)
            .order_by(SamatLoan.disbursed_on)
        )
        return [
            PriorLoan(r.tracking_code, r.disbursed_on, r.bank_code, r.agency_code, r.amount)
            for r in rows
        ]

    def has_slot_in_progress(self, national_id: str) -> bool:
        return (
            self._s.scalar(
                select(EmploymentSlot.national_id).where(
                    EmploymentSlot.national_id == national_id, EmploymentSlot.state == "reserved"
                )
            )
            is not None
        )

    def allocation_rows(
        self, *, year: int | None, agency_id: int | None
    ) -> list[tuple[str, str, str, int, AllocationUse]]:
        q = select(Allocation, Agency).join(Agency, Agency.id == Allocation.agency_id)
        if year:
            q = q.where(Allocation.year == year)
        if agency_id is not None:
            q = q.where(Allocation.agency_id == agency_id)
        return [
            (ag.code, ag.name_fa, a.province, a.year, _use(a))
            for a, ag in self._s.execute(q.order_by(Agency.code, Allocation.province)).all()
        ]

    def applications_by_category(
        self, scope: tuple[str, int | None] | None
    ) -> list[tuple[str, str | None, str, int, int]]:
        app = EmploymentApplication
        rows = self._s.execute(
            select(Agency.code, app.category_code, app.state, func.count(), func.sum(app.amount))
            .join(Agency, Agency.id == app.agency_id)
            .where(*in_scope(scope))
            .group_by(Agency.code, app.category_code, app.state)
            .order_by(Agency.code, app.category_code, app.state)
        ).all()
        return [(a, c, st, n, int(x or 0)) for a, c, st, n, x in rows]

    def applications_by_state(
        self, scope: tuple[str, int | None] | None
    ) -> list[tuple[str, int, int]]:
        app = EmploymentApplication
        rows = self._s.execute(
            select(app.state, func.count(), func.sum(app.amount))
            .where(*in_scope(scope))
            .group_by(app.state)
            .order_by(app.state)
        ).all()
        return [(st, n, int(x or 0)) for st, n, x in rows]

    def disbursal_times(
        self, scope: tuple[str, int | None] | None
    ) -> list[tuple[str, str, date, date]]:
        app = EmploymentApplication
        rows = self._s.execute(
            select(Agency.code, AgentBank.code, app.submitted_on, app.disbursed_on)
            .join(Agency, Agency.id == app.agency_id)
            .join(AgentBank, AgentBank.id == app.bank_id)
            .where(app.disbursed_on.is_not(None), *in_scope(scope))
        ).all()
        return [(a, b, sub, dis) for a, b, sub, dis in rows if dis is not None]

    def add_guarantee(self, g: Any) -> int:
        row = Guarantee(
            application_id=g.application_id, kind=g.kind, national_id=g.national_id, grade=g.grade
        )
        self._s.add(row)
        self._s.flush()
        return row.id

    def guarantees_of(self, application_id: int) -> list[GuaranteeRecord]:
        rows = self._s.scalars(
            select(Guarantee)
            .where(Guarantee.application_id == application_id)
            .order_by(Guarantee.id)
        )
        return [
            GuaranteeRecord(g.id, g.application_id, g.kind, g.national_id, g.grade) for g in rows
        ]

    def applicant_national_id(self, applicant_id: int) -> str:
        nid = self._s.scalar(select(Applicant.national_id).where(Applicant.id == applicant_id))
        assert nid is not None
        return nid

    def add_instalments(self, application_id: int, rows: list[dict[str, Any]]) -> None:
        self._s.execute(
            insert(_INSTALMENTS), [{"application_id": application_id, **r} for r in rows]
        )

    def instalments(
        self, application_id: int, *, unpaid: bool = False, due_before: date | None = None
    ) -> list[Instalment]:
        return instalments_of(
            self._s, _INSTALMENTS, "application_id", application_id, unpaid, due_before
        )

    def save_instalments(self, insts: list[Instalment]) -> None:
        save_instalments(self._s, _INSTALMENTS, insts)

    def next_samat_code(self, jalali_year: int) -> str:
        while True:
            n = next_number(self._s, SAMAT_TRACKING)
            code = f"SAMAT-{jalali_year}-{n:07d}"
            if not self._s.scalar(select(SamatLoan.id).where(SamatLoan.tracking_code == code)):
                return code

    def allocation_use(self, agency_id: int, province: str, year: int) -> AllocationUse | None:
        a = self._s.scalar(
            select(Allocation).where(
                Allocation.agency_id == agency_id,
                Allocation.province == province,
                Allocation.year == year,
            )
        )
        return None if a is None else _use(a)

    def slot_holder(self, national_id: str, slot: int) -> _Holder | None:
        holder = self._s.scalar(
            select(EmploymentSlot).where(
                EmploymentSlot.national_id == national_id, EmploymentSlot.slot == slot
            )
        )
        if holder is None:
            return None
        loan = (
            self._s.get(SamatLoan, holder.samat_loan_id)
            if holder.samat_loan_id is not None
            else None
        )
        return _Holder(
            holder.application_id,
            loan.tracking_code if loan else None,
            loan.disbursed_on if loan else None,
        )
