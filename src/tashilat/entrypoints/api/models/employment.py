"""Response models of employment-generating loans: set-up records, applications through
every state, guarantees, schedules, repayments and reports."""

from __future__ import annotations

from pydantic import Field

from tashilat.domain.programs.employment.rules import BundleCheck
from tashilat.entrypoints.api.models.base import (
    Items,
    Out,
    Page,
    ReasonOut,
    WarningOut,
    derived,
)
from tashilat.entrypoints.api.models.resources import InstalmentOut

BundleCheckOut = derived(BundleCheck)


class AgencyOut(Out):
    """An introducing agency or an agent bank."""

    id: int
    code: str
    name_fa: str
    name_en: str


class AllocationOut(Out):
    id: int
    amount_rial: int
    category_cap_rial: int
    repeat_cap_rial: int


class CategoryOut(Out):
    agency_code: str
    year: int
    code: str


class LimitOut(Out):
    bank_code: str
    year: int
    month: int


class SamatImportOut(Out):
    tracking_code: str
    national_id: str


class ApplicantOut(Out):
    national_id: str
    name: str
    legal_entity: bool


class ApplicationOut(Out):
    """An employment-loan application. ``applicant`` and ``samat_code`` appear when the
    application is read one at a time (and the loan has a SAMAT code)."""

    id: int
    state: str
    applicant_id: int
    agency_id: int
    bank_id: int | None
    allocation_id: int | None
    province: str
    category_code: str | None
    approved_category: bool
    repeat: bool
    mandated: bool
    amount_rial: int
    jobs: int
    submitted_on: str
    introduced_on: str | None
    approved_on: str | None
    disbursed_on: str | None
    waiting_for_month: str | None = Field(description="YYYY/MM of a monthly limit waited for")
    reasons: list[str]
    policy_hash: str
    applicant: ApplicantOut | None = None
    samat_code: str | None = None


class SubmittedOut(ApplicationOut):
    """The submitted application, the conditions checked, and (for staff) the guarantee
    bundles it can meet."""

    eligibility: list[ReasonOut]
    warnings: list[WarningOut]
    guarantee_bundles: list[BundleCheckOut] | None  # type: ignore[valid-type]


class DisbursedOut(ApplicationOut):
    exempt_from_monthly_limit: bool


class FeeInstalmentOut(InstalmentOut):
    fee_rial: int


class EmploymentRepaymentOut(Out):
    application_id: int
    amount_rial: int
    penalty_rial: int
    fee_rial: int
    principal_rial: int
    state: str
    replayed: bool


class AllocationUseOut(Out):
    agency: str
    agency_name: str
    province: str
    year: int
    amount_rial: int
    reserved_rial: int
    posted_rial: int
    free_rial: int
    category_cap_rial: int
    category_used_rial: int
    repeat_cap_rial: int
    repeat_used_rial: int


class CategoryCountOut(Out):
    agency: str
    category: str
    state: str
    count: int
    amount_rial: int


class StateCountOut(Out):
    state: str
    count: int
    amount_rial: int


class SpeedOut(Out):
    agency: str
    bank: str
    loans: int
    median_days: int | float


class ApplicationPage(Page[ApplicationOut]):
    """One page of employment-loan applications."""


class FeeInstalmentPage(Page[FeeInstalmentOut]):
    """One page of an employment loan's instalments, with the fee of each."""


class AllocationReport(Items[AllocationUseOut]):
    """Allocation use by agency and province."""


class CategoryReport(Items[CategoryCountOut]):
    """Applications by agency, category and state."""


class PipelineReport(Items[StateCountOut]):
    """Applications and their amounts by state."""


class SpeedReport(Items[SpeedOut]):
    """Median days from submission to disbursement per agency and bank."""
