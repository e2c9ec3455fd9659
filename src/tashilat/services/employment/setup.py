"""Employment set-up: agencies, agent banks, allocations, approved categories, the banks'
monthly SAMAT limits, and historical loans imported into the local SAMAT registry."""

from __future__ import annotations

from datetime import date

from tashilat.domain.decision import PolicyReader
from tashilat.domain.errors import InvalidInput
from tashilat.domain.ids import parse_national_id
from tashilat.domain.jalali import from_jalali
from tashilat.domain.programs.employment import rules
from tashilat.services.auth import Actor, require
from tashilat.services.employment._common import _agency, _audit, _bank, _next_code
from tashilat.services.errors import Conflict
from tashilat.services.ports import UnitOfWork
from tashilat.services.ports.employment import (
    AgencyRecord,
    AllocationRecord,
    BankRecord,
    SamatLoanRecord,
)


def create_agency(
    uow: UnitOfWork, actor: Actor, *, code: str, name_fa: str, name_en: str
) -> AgencyRecord:
    require(actor, "employment.manage")
    with uow:
        a = uow.employment.add_agency(code=code, name_fa=name_fa, name_en=name_en)
        if a is None:
            raise Conflict("agency.exists", f"دستگاه {code} وجود دارد.", f"Agency {code} exists.")
        _audit(uow, actor, "employment.agency.create", f"agency:{code}", "")
        uow.commit()
        return a


def create_bank(
    uow: UnitOfWork, actor: Actor, *, code: str, name_fa: str, name_en: str
) -> BankRecord:
    require(actor, "employment.manage")
    with uow:
        b = uow.employment.add_bank(code=code, name_fa=name_fa, name_en=name_en)
        if b is None:
            raise Conflict("bank.exists", f"بانک {code} وجود دارد.", f"Bank {code} exists.")
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
) -> AllocationRecord:
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
        row = uow.employment.add_allocation(
            agency_id=a.id,
            province=province,
            year=year,
            amount=amount,
            category_cap=rules.category_cap(amount, t.category_share_percent),
            repeat_cap=rules.category_cap(amount, t.repeat_share_percent),
            policy_hash=policy.hash,
        )
        if row is None:
            raise Conflict(
                "allocation.exists",
                "تخصیص این دستگاه، استان و سال ثبت شده است.",
                "This agency already has an allocation for the province and year.",
            )
        _audit(uow, actor, "employment.allocation.set", f"allocation:{row.id}", "", str(amount))
        uow.commit()
        return row


def add_category(
    uow: UnitOfWork, actor: Actor, *, agency_code: str, year: int, code: str, name_fa: str
) -> None:
    require(actor, "employment.manage")
    with uow:
        a = _agency(uow, agency_code)
        if uow.employment.add_category(agency_id=a.id, year=year, code=code, name_fa=name_fa):
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
        if not uow.employment.add_monthly_limit(
            bank_id=b.id, year=year, month=month, amount=amount
        ):
            raise Conflict(
                "limit.exists",
                f"سقف ماهانه این بانک برای {year}/{month:02d} ثبت شده است.",
                f"The bank's monthly limit for {year}/{month:02d} is already set.",
                field="month",
            )
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
) -> SamatLoanRecord:
    """Record a historical employment loan in the local SAMAT registry (it holds the
    person's first-loan slot, so "one loan per person" counts it)."""
    require(actor, "employment.manage")
    nid = parse_national_id(national_id)
    with uow:
        # the registry names real banks and agencies: a loan from an unknown one would take
        # the person's slot on a typing mistake
        if uow.employment.bank_by_code(bank_code) is None:
            raise InvalidInput(
                "samat.unknown_bank",
                f"بانک «{bank_code[:40]}» شناخته نیست.",
                f"Bank '{bank_code[:40]}' is not known.",
                field="bank_code",
            )
        if uow.employment.agency_by_code(agency_code) is None:
            raise InvalidInput(
                "samat.unknown_agency",
                f"دستگاه حمایتی «{agency_code[:40]}» شناخته نیست.",
                f"Agency '{agency_code[:40]}' is not known.",
                field="agency_code",
            )
        taken = uow.employment.slots_taken(nid)
        if taken >= 2:
            raise Conflict(
                "samat.slots_full",
                "برای این شخص دو وام (وام نخست و تکرار) ثبت شده است؛ وام دیگری پذیرفته نیست.",
                "This person already holds two loans (the first and the repeat); "
                "no other can be recorded.",
                field="national_id",
            )
        if tracking_code and uow.employment.samat_code_exists(tracking_code):
            raise Conflict(
                "samat.exists",
                f"کد رهگیری {tracking_code[:40]} ثبت شده است.",
                f"Tracking code {tracking_code[:40]} is already recorded.",
                field="tracking_code",
            )
        code = tracking_code or _next_code(uow, disbursed_on)
        loan = uow.employment.record_samat_loan(
            tracking_code=code,
            national_id=nid,
            bank_code=bank_code,
            agency_code=agency_code,
            amount=amount,
            disbursed_on=disbursed_on,
            imported=True,
        )
        uow.employment.hold_slot_with_loan(national_id=nid, slot=taken + 1, samat_loan_id=loan.id)
        _audit(uow, actor, "employment.samat.import", f"samat:{code}", "")
        uow.commit()
        return loan
