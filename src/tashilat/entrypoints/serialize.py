"""Plain JSON-ready views of decisions and schedules, shared by the CLI and the API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from tashilat.domain.decision import Decision
from tashilat.domain.errors import TashilatError
from tashilat.domain.jalali import format_jalali


def jsonable(obj: Any) -> Any:
    """Dataclasses to dicts, dates to Jalali ``YYYY/MM/DD``, Decimals to strings."""
    if isinstance(obj, date):
        return format_jalali(obj)
    if isinstance(obj, Decimal):
        return format(obj.normalize(), "f")
    if isinstance(obj, Enum):
        return obj.value
    if is_dataclass(obj) and not isinstance(obj, type):
        if hasattr(obj, "as_dict"):
            return jsonable(obj.as_dict())
        return {f.name: jsonable(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    return obj


def decision_envelope(d: Decision[Any]) -> dict[str, Any]:
    return {
        "outcome": d.outcome,
        "as_of": format_jalali(d.as_of),
        "policy_hash": d.policy_hash,
        "reasons": [r.as_dict() for r in d.reasons],
        "warnings": [w.as_dict() for w in d.warnings],
    }


def plan_json(d: Decision[Any]) -> dict[str, Any]:
    """The ``youth-fund plan --json`` contract: its fields are relied on by scripts. A plan
    with its loans (``loan_plan.LoanPlan``) adds ``loan`` and ``loans`` to every year and
    the loan's terms after ``years``."""
    return {**jsonable(d.value), **decision_envelope(d)}


def entitlement_json(d: Decision[Any]) -> dict[str, Any]:
    e = d.value
    return {
        **{k: v for k, v in jsonable(e).items() if k != "years"},
        "years": [jsonable(y) for y in e.years],
        **decision_envelope(d),
    }


def schedule_json(s: Any) -> dict[str, Any]:
    """The ``loan schedule --json`` contract: its fields are relied on by scripts."""
    return {
        "principal_rial": s.principal,
        "annual_rate_percent": jsonable(s.annual_rate),
        "months": s.months,
        "grace_months": s.grace_months,
        "method": jsonable(s.method),
        "step_percent": jsonable(s.step_percent),
        "charge_label": s.charge_label,
        "instalments": [
            {
                "number": i.number,
                "due": format_jalali(i.due) if i.due else None,
                "amount_rial": i.amount,
                "principal_rial": i.principal,
                "profit_rial": i.profit,
                "balance_rial": i.balance,
            }
            for i in s.instalments
        ],
        "total_rial": s.total,
        "total_profit_rial": s.total_profit,
        "negative_amortisation": (
            None
            if (na := s.negative_amortisation) is None
            else {
                "months_below_profit": na.months_below_profit,
                "peak_after_instalment": na.peak_number,
                "peak_due": format_jalali(na.peak_due) if na.peak_due else None,
                "peak_balance_rial": na.peak_balance,
                "message_fa": na.message_fa,
                "message_en": na.message_en,
            }
        ),
    }


def decision_json(d: Decision[Any]) -> dict[str, Any]:
    """The issue-5 ``--json`` contract (wages, affordability, construction): the value's
    fields plus ``outcome``, ``as_of``, ``policy_hash``, ``reasons`` and ``warnings``."""
    data: dict[str, Any] = jsonable(d.value)
    return {**data, **decision_envelope(d)}


def contribution_json(
    d: Decision[Any], worker: Decision[Any] | None, worker_error: TashilatError | None
) -> dict[str, Any]:
    """One permit's owner's share (``decision_json``) with the worker's share under
    ``worker``: its own decision, or ``{"error": …}`` when it could not be computed."""
    data = decision_json(d)
    data["worker"] = (
        decision_json(worker)
        if worker is not None
        else {"error": worker_error.as_dict() if worker_error else None}
    )
    return data
