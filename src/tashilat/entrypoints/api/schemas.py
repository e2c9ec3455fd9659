"""Request bodies. Amounts and dates are accepted as people type them (Persian digits,
separators) and parsed by the domain's parsers, so errors come back in both languages."""

from __future__ import annotations

from pydantic import BaseModel, Field, StrictInt, StrictStr

# rial, e.g. 20000000, "20,000,000" or "۲۰٬۰۰۰٬۰۰۰". Strict: JSON true is not 1 rial and
# 1.0 is not an amount; the string is parsed (and bounded) by the domain's parser.
Amount = StrictInt | StrictStr


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=200)
    role: str = Field(description="admin | officer | supervisor | auditor | customer")
    branch_code: str | None = Field(default=None, max_length=20)
    customer_national_id: str | None = Field(default=None, max_length=20)


class BusinessDateIn(BaseModel):
    date: str = Field(description="Jalali YYYY/MM/DD", max_length=20)


class CustomerIn(BaseModel):
    national_id: str = Field(max_length=20)
    name: str = Field(min_length=1, max_length=200)
    birth_date: str = Field(description="Jalali YYYY/MM/DD", max_length=20)
    branch_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    guardian_national_id: str | None = Field(default=None, max_length=20)


class AccountIn(BaseModel):
    customer_id: int = Field(ge=1, le=2**31 - 1)
    city: str = Field(min_length=1, max_length=100)
    opening_deposit: Amount


class MovementIn(BaseModel):
    amount: Amount


class TransferIn(BaseModel):
    to_national_id: str = Field(max_length=20)
    relation: str = Field(
        description="spouse | parent | child | sibling | grandparent | grandchild"
    )


class LoanIn(BaseModel):
    account_id: int = Field(ge=1, le=2**31 - 1)
    amount: Amount
    months: int = Field(ge=1, le=600)
    method: str = Field(default="simple", description="simple | stepwise")
    appraisal: Amount


class DecisionIn(BaseModel):
    note: str = Field(default="", max_length=1000)


class RepaymentIn(BaseModel):
    amount: Amount
