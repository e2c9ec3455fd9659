"""Plain records of what the bank stores: customers, accounts, users, ledger entries.

Repositories (``services.ports``) hand these frozen values to the use cases and take them
back; they carry no behaviour and no connection to storage, so both the service layer and
the storage adapters can share them without either importing the other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class LedgerAccountRecord:
    id: int
    code: str
    name: str
    type: str


@dataclass(frozen=True)
class JournalEntryRecord:
    id: int
    request_id: str
    kind: str
    business_date: date
    memo: str
    reverses_id: int | None


@dataclass(frozen=True)
class AccountMovement:
    """One posting on a ledger account with its entry's date, kind and request id
    (debit-positive ``amount``)."""

    entry_id: int
    business_date: date
    kind: str
    request_id: str
    amount: int


@dataclass(frozen=True)
class CustomerRecord:
    id: int
    national_id: str
    name: str
    birth_date: date
    guardian_id: int | None
    branch_id: int
    created_at: datetime


@dataclass(frozen=True)
class AccountRecord:
    id: int
    number: str
    customer_id: int
    branch_id: int
    ledger_account_id: int
    opened_on: date
    cohort: int
    city: str
    tier: int
    status: str
    balance: int
    min_balance: int
    privilege_holder_id: int
    privilege_used: bool
    closed_on: date | None


@dataclass(frozen=True)
class PrivilegeTransferRecord:
    id: int
    account_id: int
    from_customer_id: int
    to_customer_id: int
    relation: str
    business_date: date
    created_by: int | None


@dataclass(frozen=True)
class NewAccount:
    """What opening an account records (the repository gives it an id)."""

    number: str
    customer_id: int
    branch_id: int
    ledger_account_id: int
    opened_on: date
    cohort: int
    city: str
    tier: int
    balance: int
    min_balance: int


@dataclass(frozen=True)
class UserRecord:
    id: int
    username: str
    password_hash: str
    role: str
    branch_id: int | None
    customer_id: int | None
    agency_id: int | None
    bank_id: int | None
    active: bool
    created_at: datetime
