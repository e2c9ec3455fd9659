"""Plain records the employment repository hands to the use cases and takes back: agencies,
agent banks, allocations, applicants, applications and the local SAMAT registry's loans.

Frozen values with the stored fields' names; a use case changes an application by asking the
repository (``EmploymentRepository.update_application``) and keeps the ``replace``-d copy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class AgencyRecord:
    """A supporting agency (the Relief Committee, the Welfare Organisation, …)."""

    id: int
    code: str
    name_fa: str
    name_en: str


@dataclass(frozen=True)
class BankRecord:
    """An agent bank that pays employment loans out."""

    id: int
    code: str
    name_fa: str
    name_en: str


@dataclass(frozen=True)
class AllocationRecord:
    """An agency's resources for a province and year, with its two shares and their use."""

    id: int
    agency_id: int
    province: str
    year: int
    amount: int
    category_cap: int
    repeat_cap: int
    reserved: int
    posted: int
    category_reserved: int
    category_posted: int
    repeat_reserved: int
    repeat_posted: int
    policy_hash: str


@dataclass(frozen=True)
class ApplicantRecord:
    """The person (or legal entity) behind an application."""

    id: int
    national_id: str
    name: str
    legal_entity: bool
    province: str


@dataclass(frozen=True)
class NewApplication:
    """What submitting a plan records (the repository gives it an id)."""

    applicant_id: int
    agency_id: int
    province: str
    category_code: str | None
    approved_category: bool
    repeat: bool
    mandated: bool
    amount: int
    jobs: int
    clients_hired: int
    description: str
    submitted_on: date
    submitted_by: int | None
    policy_hash: str


@dataclass(frozen=True)
class ApplicationRecord:
    """An employment-loan application as stored, from submission to settlement."""

    id: int
    applicant_id: int
    agency_id: int
    bank_id: int | None
    allocation_id: int | None
    province: str
    category_code: str | None
    approved_category: bool
    repeat: bool
    mandated: bool
    amount: int
    jobs: int
    clients_hired: int
    description: str
    state: str
    reasons: str
    submitted_on: date
    introduced_on: date | None
    approved_on: date | None
    disbursed_on: date | None
    closed_on: date | None
    waiting_for_month: str | None
    submitted_by: int | None
    introduced_by: int | None
    approved_by: int | None
    disbursed_by: int | None
    samat_loan_id: int | None
    policy_hash: str


@dataclass(frozen=True)
class SamatLoanRecord:
    """An employment loan in the local SAMAT registry (paid here or imported)."""

    id: int
    tracking_code: str
    national_id: str
    bank_code: str
    agency_code: str
    amount: int
    disbursed_on: date
    imported: bool


@dataclass(frozen=True)
class IntroductionContext:
    """What an introduction reads before it reserves, in one round trip: the application
    (held against concurrent changes until commit), its applicant, the business date (None:
    never set), the bank's id (None: no such bank) and whether the person has SAMAT loans."""

    application: ApplicationRecord
    applicant: ApplicantRecord
    business_date: date | None
    bank_id: int | None
    has_prior_loans: bool


__all__ = [
    "AgencyRecord",
    "AllocationRecord",
    "ApplicantRecord",
    "ApplicationRecord",
    "BankRecord",
    "IntroductionContext",
    "NewApplication",
    "SamatLoanRecord",
]
