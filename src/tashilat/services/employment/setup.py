"""Employment set-up: agencies, agent banks, allocations, approved categories, the banks'
monthly SAMAT limits, and historical loans imported into the local SAMAT registry."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tashilat.adapters.db.models import (
    Agency,
    AgentBank,
    Allocation,
    ApprovedCategory,
    BankMonthlyLimit,
    EmploymentSlot,
    SamatLoan,
)
from tashilat.domain.decision import PolicyReader
from tashilat.domain.errors import InvalidInput
from tashilat.domain.ids import parse_national_id
from tashilat.domain.jalali import from_jalali
from tashilat.domain.programs.employment import rules
from tashilat.services.auth import Actor, require
from tashilat.services.employment._common import _agency, _audit, _bank, _next_code
from tashilat.services.errors import Conflict
from tashilat.services.uow import UnitOfWork


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
