"""Response models of the records the API keeps: users, customers, youth-fund accounts,
housing loans, the business date and the audit log. Amounts are integer rial (``_rial``),
dates Jalali ``YYYY/MM/DD``."""

from __future__ import annotations

from pydantic import Field

from tashilat.entrypoints.api.models.base import Out, Page, ReasonOut, WarningOut


class HealthOut(Out):
    status: str
    policy_hash: str
    time: str = Field(description="The server's clock, ISO 8601 in UTC")


class TokenOut(Out):
    access_token: str
    token_type: str = Field(description="Always bearer")
    expires_in: int = Field(description="Seconds until the token expires")


class MeOut(Out):
    id: int
    username: str
    role: str
    branch_id: int | None
    customer_id: int | None


class UserOut(Out):
    id: int
    username: str
    role: str
    branch_id: int | None
    customer_id: int | None
    active: bool


class BusinessDateOut(Out):
    date: str = Field(description="Jalali YYYY/MM/DD")


class CustomerOut(Out):
    id: int
    national_id: str
    name: str
    birth_date: str
    guardian_id: int | None
    branch_id: int


class AccountOut(Out):
    """A youth-fund account."""

    id: int
    number: str
    customer_id: int
    branch_id: int
    opened_on: str
    cohort: int
    city: str
    tier: int
    status: str
    balance_rial: int
    minimum_balance_rial: int
    privilege_holder_id: int
    privilege_used: bool
    closed_on: str | None


class MovementOut(Out):
    """A deposit, withdrawal or closing payment (or its earlier result, for a retry)."""

    account_id: int
    request_id: str
    amount_rial: int
    balance_rial: int
    business_date: str
    replayed: bool = Field(description="True when this answers a retry of an earlier request")


class StatementLineOut(Out):
    entry_id: int
    date: str
    kind: str
    amount_rial: int
    balance_rial: int


class StatementOut(Out):
    """An account's statement: the balance before the period, then one page of its lines."""

    account: AccountOut
    opening_balance_rial: int
    items: list[StatementLineOut]
    total: int
    offset: int
    limit: int


class StructureMonthOut(Out):
    month: int
    starts_on: str
    structure_rial: int


class YearlyAverageOut(Out):
    year: int
    average_rial: int


class StructuresOut(Out):
    """Monthly structures and yearly averages of an account, from its ledger."""

    account_id: int
    as_of: str
    mode: str
    months: list[StructureMonthOut]
    yearly_averages: list[YearlyAverageOut]


class TransferOut(Out):
    """The account's loan privilege, transferred to a relative."""

    account_id: int
    from_customer_id: int
    to_customer_id: int
    relation: str
    date: str


class LoanOut(Out):
    """A housing loan against a youth-fund account."""

    id: int
    account_id: int
    customer_id: int
    branch_id: int
    principal_rial: int
    rate_percent: str = Field(description="Annual rate, percent, as a decimal string")
    months: int
    method: str
    appraisal_rial: int
    status: str
    requested_by: int
    requested_on: str
    approved_by: int | None
    approved_on: str | None
    disbursed_on: str | None
    settled_on: str | None
    decision_note: str
    policy_hash: str


class LoanRequestOut(LoanOut):
    """The requested loan, with the conditions checked and any warnings."""

    reasons: list[ReasonOut]
    warnings: list[WarningOut]


class LoanDetailOut(LoanOut):
    outstanding_principal_rial: int


class InstalmentOut(Out):
    number: int
    due: str
    amount_rial: int
    principal_rial: int
    profit_rial: int
    paid_principal_rial: int
    paid_profit_rial: int
    penalty_accrued_rial: int
    penalty_paid_rial: int
    paid_on: str | None


class LoanRepaymentOut(Out):
    """How a repayment was applied: late charges, then profit, then principal."""

    loan_id: int
    amount_rial: int
    penalty_rial: int
    profit_rial: int
    principal_rial: int
    loan_status: str
    replayed: bool


class AuditEntryOut(Out):
    id: int
    at: str = Field(description="ISO 8601 timestamp")
    user_id: int | None
    username: str
    action: str
    target: str
    request_id: str
    outcome: str
    detail: str


class UserPage(Page[UserOut]):
    """One page of users."""


class CustomerPage(Page[CustomerOut]):
    """One page of customers."""


class AccountPage(Page[AccountOut]):
    """One page of youth-fund accounts."""


class LoanPage(Page[LoanOut]):
    """One page of housing loans."""


class InstalmentPage(Page[InstalmentOut]):
    """One page of a loan's instalments."""


class AuditPage(Page[AuditEntryOut]):
    """One page of the audit log, newest first."""
