"""Service records to JSON (API schemas stay separate from database rows)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tashilat.domain.jalali import format_jalali
from tashilat.services.ports.auth import UserRecord
from tashilat.services.ports.loans import Instalment, LoanRecord
from tashilat.services.ports.youth import AccountRecord, CustomerRecord


def user(u: UserRecord) -> dict[str, Any]:
    return {
        "id": u.id,
        "username": u.username,
        "role": u.role,
        "branch_id": u.branch_id,
        "customer_id": u.customer_id,
        "active": u.active,
    }


def customer(c: CustomerRecord) -> dict[str, Any]:
    return {
        "id": c.id,
        "national_id": c.national_id,
        "name": c.name,
        "birth_date": format_jalali(c.birth_date),
        "guardian_id": c.guardian_id,
        "branch_id": c.branch_id,
    }


def account(a: AccountRecord) -> dict[str, Any]:
    return {
        "id": a.id,
        "number": a.number,
        "customer_id": a.customer_id,
        "branch_id": a.branch_id,
        "opened_on": format_jalali(a.opened_on),
        "cohort": a.cohort,
        "city": a.city,
        "tier": a.tier,
        "status": a.status,
        "balance_rial": a.balance,
        "minimum_balance_rial": a.min_balance,
        "privilege_holder_id": a.privilege_holder_id,
        "privilege_used": a.privilege_used,
        "closed_on": format_jalali(a.closed_on) if a.closed_on else None,
    }


def loan(x: LoanRecord) -> dict[str, Any]:
    return {
        "id": x.id,
        "account_id": x.account_id,
        "customer_id": x.customer_id,
        "branch_id": x.branch_id,
        "principal_rial": x.principal,
        "rate_percent": format(Decimal(x.rate_percent).normalize(), "f"),
        "months": x.months,
        "method": x.method,
        "appraisal_rial": x.appraisal,
        "status": x.status,
        "requested_by": x.requested_by,
        "requested_on": format_jalali(x.requested_on),
        "approved_by": x.approved_by,
        "approved_on": format_jalali(x.approved_on) if x.approved_on else None,
        "disbursed_on": format_jalali(x.disbursed_on) if x.disbursed_on else None,
        "settled_on": format_jalali(x.settled_on) if x.settled_on else None,
        "decision_note": x.decision_note,
        "policy_hash": x.policy_hash,
    }


def instalment(i: Instalment) -> dict[str, Any]:
    return {
        "number": i.number,
        "due": format_jalali(i.due),
        "amount_rial": i.amount,
        "principal_rial": i.principal,
        "profit_rial": i.profit,
        "paid_principal_rial": i.paid_principal,
        "paid_profit_rial": i.paid_profit,
        "penalty_accrued_rial": i.penalty_accrued,
        "penalty_paid_rial": i.penalty_paid,
        "paid_on": format_jalali(i.paid_on) if i.paid_on else None,
    }


def paged(items: list[dict[str, Any]], total: int, offset: int, limit: int) -> dict[str, Any]:
    return {"items": items, "total": total, "offset": offset, "limit": limit}
