"""Response models of the calculators and the programs' rules: youth-fund plans and
entitlements, schedules, wages, affordability, construction insurance, employment-loan
checks, and the policy browser. Each rule's answer is its value's fields (derived from the
domain's dataclass) plus ``outcome``, ``as_of``, ``policy_hash``, ``reasons`` and
``warnings``."""

from __future__ import annotations

from typing import Any

from pydantic import Field, create_model

from tashilat.domain.programs.construction.contributions import Batch, OwnerShare, WorkerShare
from tashilat.domain.programs.construction.projection import FundProjection
from tashilat.domain.programs.employment.rules import Eligibility, GuaranteeResult
from tashilat.domain.programs.wages.affordability import (
    AllowanceNeed,
    BurdenReport,
    MaxLoan,
    RentBurden,
    RepaymentTerm,
)
from tashilat.domain.programs.wages.article149 import Article149
from tashilat.domain.programs.wages.income import Income
from tashilat.domain.programs.youth_fund.loan_plan import LoanPlan
from tashilat.domain.programs.youth_fund.rules import Entitlement
from tashilat.domain.programs.youth_fund.target import Target
from tashilat.entrypoints.api.models.base import (
    ErrorOut,
    Items,
    Out,
    ReasonOut,
    WarningOut,
    decision,
    derived,
)

PlanOut = decision(LoanPlan, name="PlanDecision", after={"city": (str | None, None)})
TargetOut = decision(Target, after={"city": (str | None, None)})
AccountEntitlementOut = decision(
    Entitlement, name="AccountEntitlementOut", first={"account_id": int}, last=("years",)
)
IncomeDecision = decision(Income)
Article149Decision = decision(Article149)
BurdenDecision = decision(BurdenReport)
MaxLoanDecision = decision(MaxLoan)
RepaymentTermDecision = decision(RepaymentTerm)
RentDecision = decision(RentBurden)
AllowanceDecision = decision(AllowanceNeed)
WorkerShareDecision = decision(WorkerShare)
BatchDecision = decision(Batch)
FundDecision = decision(FundProjection)


class WorkerErrorOut(Out):
    """The worker's share could not be computed for the permit's date."""

    error: ErrorOut | None


ContributionOut = decision(
    OwnerShare,
    name="ContributionDecision",
    after={"worker": WorkerShareDecision | WorkerErrorOut},
)


class ScheduleRowOut(Out):
    number: int
    due: str | None
    amount_rial: int
    principal_rial: int
    profit_rial: int
    balance_rial: int


class NegativeAmortisationOut(Out):
    """Early instalments below the month's profit: the balance grows before it falls."""

    months_below_profit: int
    peak_after_instalment: int
    peak_due: str | None = Field(description="Jalali YYYY/MM/DD of the peak instalment")
    peak_balance_rial: int
    message_fa: str
    message_en: str


class ScheduleOut(Out):
    """An instalment schedule, with the hash of the policy it was computed under."""

    principal_rial: int
    annual_rate_percent: str
    months: int
    grace_months: int
    method: str
    step_percent: str | None
    charge_label: str
    instalments: list[ScheduleRowOut]
    total_rial: int
    total_profit_rial: int
    negative_amortisation: NegativeAmortisationOut | None = Field(
        description="Present (not null) when the balance rises above the principal lent."
    )
    policy_hash: str


class CityOut(Out):
    name_fa: str
    name_en: str
    province_fa: str
    province_en: str
    tier: int


class CityList(Items[CityOut]):
    """City suggestions with their tier."""


class CellOut(Out):
    status: str
    source: str | None
    note: str | None


class ParameterValueOut(Out):
    since: str
    value: Any = Field(description="A number, a string, or a table (by cohort, by year …)")
    status: str = Field(description="seed | sourced | corrected | assumed | illustrative")
    source: str | None
    note: str | None
    note_fa: str | None
    cells: dict[str, CellOut] = Field(description="Cells whose provenance differs, by key")


class ParameterOut(Out):
    path: str
    kind: str
    keyed_by: str | None
    unit: str | None
    description: str | None
    description_fa: str | None
    open_question: str | None
    values: list[ParameterValueOut]


PolicyParameterOut = create_model(  # type: ignore[call-overload]
    "PolicyParameterOut",
    __base__=Out,
    policy_hash=(str, ...),
    **{n: (f.annotation, f) for n, f in ParameterOut.model_fields.items()},
)


class PolicyOut(Out):
    policy_hash: str
    items: list[ParameterOut]


EligibilityValue = derived(Eligibility)
GuaranteeValue = derived(GuaranteeResult)


class EligibilityCheckOut(EligibilityValue):  # type: ignore[misc, valid-type]
    outcome: str
    reasons: list[ReasonOut]


class GuaranteeCheckOut(GuaranteeValue):  # type: ignore[misc, valid-type]
    outcome: str
    reasons: list[ReasonOut]


class GuaranteeStatusOut(GuaranteeCheckOut):
    """Which guarantee bundle is met for the amount, or what each bundle still lacks."""

    warnings: list[WarningOut]


class EmploymentVerdictOut(Out):
    """The one overall answer of the check, and what it rests on."""

    outcome: str = Field(description="eligible | eligible_with_guarantees | not_eligible")
    message_fa: str
    message_en: str
    because: list[ReasonOut] = Field(description="The failed conditions behind a refusal.")
    to_bring: list[list[str]] = Field(
        description="Alternative sets of guarantees still to bring (any one set suffices)."
    )
    one_loan_rule: str = Field(
        description="checked | not_checked: was the one-loan rule looked up in the registry"
    )


class EmploymentCheckOut(Out):
    """The citizen's check: one verdict, the cap and terms, and the guarantee bundles."""

    date: str
    verdict: EmploymentVerdictOut
    eligibility: EligibilityCheckOut
    guarantees: GuaranteeCheckOut
    warnings: list[WarningOut]
    policy_hash: str
