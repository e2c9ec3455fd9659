"""Rule scenarios as data: every ``tests/rules/*.yaml`` file is a list of scenarios.

A scenario names a ``rule``, its ``input`` and either ``expect`` (a subset of the rule's JSON
output: mappings match key by key, a mapping against a list matches the items it names by
1-based position, ``{contains: X}`` matches a list holding X, ``{not_contains: X}`` a list
with no item like X) or ``error`` (the code of the input error the rule must raise).
Analysts can read and add these without Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from tashilat.domain.errors import TashilatError
from tashilat.domain.jalali import parse_jalali
from tashilat.domain.money import parse_percent, parse_rial
from tashilat.entrypoints.serialize import (
    decision_envelope,
    entitlement_json,
    jsonable,
    plan_json,
    schedule_json,
)
from tashilat.policy import default_policy


def _plan(i: dict[str, Any]) -> Any:
    from tashilat.domain.programs.youth_fund.rules import plan

    return plan_json(
        plan(
            default_policy(),
            opened_on=parse_jalali(str(i["opened"])),
            tier=int(i["tier"]),
            monthly=parse_rial(str(i["monthly"])) if "monthly" in i else None,
            share_percent=i.get("share"),
            lump_sum=parse_rial(str(i.get("lump_sum", 0))),
        )
    )


def _entitlement(i: dict[str, Any]) -> Any:
    from tashilat.domain.programs.youth_fund.rules import Event, entitlement

    events = [Event(parse_jalali(str(d)), int(a)) for d, a in i.get("events", [])]
    if "follow_table_months" in i:
        from tashilat.domain.jalali import account_month_start
        from tashilat.domain.programs.youth_fund.rules import cohort_terms

        opened = parse_jalali(str(i["opened"]))
        terms = cohort_terms(default_policy(), opened)
        share = int(i.get("share", 100))
        for m in range(1, int(i["follow_table_months"]) + 1):
            amount = terms.deposit_for_year((m - 1) // 12 + 1) * share // 100
            events.append(Event(account_month_start(opened, m), amount))
    return entitlement_json(
        entitlement(
            default_policy(),
            opened_on=parse_jalali(str(i["opened"])),
            tier=int(i["tier"]),
            events=events,
            as_of=parse_jalali(str(i["as_of"])),
            check=bool(i.get("check", False)),
        )
    )


def _plan_loan(i: dict[str, Any]) -> Any:
    from tashilat.services.youth_planner import Household, plan_with_loan

    household = Household(
        income_rial=parse_rial(str(i["income"])) if "income" in i else None,
        minimum_wage_children=i.get("minimum_wage_children"),
    )
    return plan_json(
        plan_with_loan(
            default_policy(),
            opened_on=parse_jalali(str(i["opened"])),
            tier=int(i["tier"]),
            monthly=parse_rial(str(i["monthly"])) if "monthly" in i else None,
            share_percent=i.get("share"),
            lump_sum=parse_rial(str(i.get("lump_sum", 0))),
            kind=str(i.get("kind", "purchase")),
            method=str(i.get("method", "simple")),
            household=household,
        )
    )


def _target(i: dict[str, Any]) -> Any:
    from tashilat.services.youth_planner import deposit_target

    def rial_or_none(key: str) -> int | None:
        return parse_rial(str(i[key])) if key in i else None

    d = deposit_target(
        default_policy(),
        opened_on=parse_jalali(str(i["opened"])),
        tier=int(i["tier"]),
        amount=rial_or_none("amount"),
        by_year=i.get("by_year"),
        monthly=rial_or_none("monthly"),
        lump_sum=rial_or_none("lump_sum"),
    )
    return {**jsonable(d.value), **decision_envelope(d)}


def _schedule(i: dict[str, Any]) -> Any:
    from tashilat.domain.finance import Method, build_schedule

    s = build_schedule(
        Method(i["method"]),
        parse_rial(str(i["principal"])),
        parse_percent(str(i["rate"])),
        int(i["months"]),
        step_percent=Decimal(str(i["step"])) if "step" in i else None,
        grace_months=int(i.get("grace", 0)),
        start=parse_jalali(str(i["start"])) if "start" in i else None,
    )
    return schedule_json(s)


def _months_to_repay(i: dict[str, Any]) -> Any:
    from tashilat.domain.finance import months_to_repay

    return {
        "months": months_to_repay(
            parse_rial(str(i["principal"])),
            parse_percent(str(i["rate"])),
            parse_rial(str(i["instalment"])),
        )
    }


def _late_penalty(i: dict[str, Any]) -> Any:
    from tashilat.domain.finance import late_penalty

    return {
        "penalty_rial": late_penalty(
            parse_rial(str(i["overdue"])),
            parse_percent(str(i["rate"])),
            days_late=int(i["days_late"]),
        )
    }


def _resolve(i: dict[str, Any]) -> Any:
    r = default_policy().resolve(str(i["path"]), parse_jalali(str(i["as_of"])))
    return {
        "value": jsonable(r.value),
        "status": r.provenance.status.value,
        "cells": {k: v.status.value for k, v in r.cells.items()},
    }


# -- wages, affordability, article 149, construction insurance ---------------------------


def _dj(d: Any) -> Any:
    from tashilat.entrypoints.serialize import decision_envelope

    return {**jsonable(d.value), **decision_envelope(d)}


def _worker(i: dict[str, Any]) -> Any:
    from tashilat.domain.programs.wages.income import WorkerProfile

    return WorkerProfile(
        married=bool(i.get("married", False)),
        children=int(i.get("children", 0)),
        years_of_service=int(i.get("years_of_service", 0)),
        base_wage=parse_rial(str(i["wage"])) if "wage" in i else None,
        other_income=parse_rial(str(i.get("other_income", 0))),
    )


def _pct_or_none(i: dict[str, Any], key: str) -> Decimal | None:
    return parse_percent(str(i[key])) if key in i else None


def _wages_income(i: dict[str, Any]) -> Any:
    from tashilat.domain.programs.wages.income import monthly_income

    return _dj(monthly_income(default_policy(), _worker(i), parse_jalali(str(i["as_of"]))))


def _afford_burden(i: dict[str, Any]) -> Any:
    from tashilat.domain.finance import build_schedule
    from tashilat.domain.programs.wages.affordability import Repayment, instalment_burden

    if "principal" in i and "instalment" in i:
        r = Repayment.fixed_instalment(
            parse_rial(str(i["principal"])), parse_percent(str(i["rate"])), int(i["instalment"])
        )
    elif "principal" in i:
        r = Repayment.from_schedule(
            build_schedule(
                i.get("method", "simple"),
                parse_rial(str(i["principal"])),
                parse_percent(str(i["rate"])),
                int(i["months"]),
            )
        )
    else:
        r = Repayment.constant(parse_rial(str(i["instalment"])), int(i.get("months", 1)))
    return _dj(
        instalment_burden(
            default_policy(),
            _worker(i),
            r,
            on=parse_jalali(str(i["as_of"])),
            wage_rise_percent=Decimal(str(i.get("wage_rise", 0))),
            limit_percent=_pct_or_none(i, "limit"),
            basis=str(i.get("basis", "gross")),
        )
    )


def _afford_max_loan(i: dict[str, Any]) -> Any:
    from tashilat.domain.programs.wages.affordability import max_affordable_loan

    return _dj(
        max_affordable_loan(
            default_policy(),
            _worker(i),
            on=parse_jalali(str(i["as_of"])),
            annual_rate=parse_percent(str(i["rate"])),
            months=int(i["months"]),
            limit_percent=_pct_or_none(i, "limit"),
            basis=str(i.get("basis", "gross")),
        )
    )


def _afford_months(i: dict[str, Any]) -> Any:
    from tashilat.domain.programs.wages.affordability import repayment_term

    return _dj(
        repayment_term(
            default_policy(),
            principal=parse_rial(str(i["principal"])),
            annual_rate=parse_percent(str(i["rate"])),
            instalment=parse_rial(str(i["instalment"])),
            on=parse_jalali(str(i.get("as_of", "1403/07/01"))),
        )
    )


def _afford_rent(i: dict[str, Any]) -> Any:
    from tashilat.domain.programs.wages.affordability import rent_burden

    return _dj(
        rent_burden(
            default_policy(),
            _worker(i),
            on=parse_jalali(str(i["as_of"])),
            rent=parse_rial(str(i["rent"])) if "rent" in i else None,
            limit_percent=_pct_or_none(i, "limit"),
            basis=str(i.get("basis", "gross")),
        )
    )


def _afford_allowance(i: dict[str, Any]) -> Any:
    from tashilat.domain.programs.wages.affordability import allowance_needed

    return _dj(
        allowance_needed(
            default_policy(),
            _worker(i),
            on=parse_jalali(str(i["as_of"])),
            rent=parse_rial(str(i["rent"])) if "rent" in i else None,
            target_percent=_pct_or_none(i, "target"),
        )
    )


def _article149(i: dict[str, Any]) -> Any:
    from tashilat.domain.programs.wages.article149 import Workshop, employer_obligations

    return _dj(
        employer_obligations(
            default_policy(),
            Workshop(int(i["workers"]), bool(i.get("cooperative", False)), i.get("large")),
            on=parse_jalali(str(i["as_of"])),
        )
    )


def _permit(i: dict[str, Any]) -> Any:
    from tashilat.domain.programs.construction.contributions import Permit

    return Permit(
        dated=parse_jalali(str(i["date"])),
        permit_fees=parse_rial(str(i.get("permit_fees", 0))),
        density_fees=parse_rial(str(i.get("density_fees", 0))),
        demolition_renovation_fees=parse_rial(str(i.get("demolition_renovation_fees", 0))),
        major_repair_fees=parse_rial(str(i.get("major_repair_fees", 0))),
        area_m2=Decimal(str(i["area_m2"])) if "area_m2" in i else None,
        daily_wage=parse_rial(str(i["daily_wage"])) if "daily_wage" in i else None,
        reference=str(i.get("reference", "")),
    )


def _construction_contribution(i: dict[str, Any]) -> Any:
    from tashilat.domain.programs.construction.contributions import permit_contribution

    return _dj(permit_contribution(default_policy(), _permit(i)))


def _construction_batch(i: dict[str, Any]) -> Any:
    from tashilat.domain.programs.construction.contributions import batch_contribution

    return _dj(batch_contribution(default_policy(), [_permit(p) for p in i["permits"]]))


def _construction_worker(i: dict[str, Any]) -> Any:
    from tashilat.domain.programs.construction.contributions import worker_contribution

    return _dj(
        worker_contribution(
            default_policy(),
            on=parse_jalali(str(i["as_of"])),
            base=parse_rial(str(i["base"])) if "base" in i else None,
            workers=int(i.get("workers", 1)),
            months=int(i.get("months", 1)),
        )
    )


def _construction_project(i: dict[str, Any]) -> Any:
    from tashilat.domain.programs.construction.projection import FundInputs, project_fund

    def pct(key: str) -> Decimal:
        return Decimal(str(i.get(key, 0)))

    return _dj(
        project_fund(
            default_policy(),
            FundInputs(
                start_year=int(i["start_year"]),
                years=int(i["years"]),
                per_capita_cost=parse_rial(str(i["per_capita_cost"])),
                permit_revenue=parse_rial(str(i["permit_revenue"])),
                insured=int(i["insured"]) if "insured" in i else None,
                insured_trend_percent=pct("insured_trend"),
                cost_trend_percent=pct("cost_trend"),
                permit_trend_percent=pct("permit_trend"),
                worker_contributions=parse_rial(str(i["worker_contributions"]))
                if "worker_contributions" in i
                else None,
                worker_trend_percent=pct("worker_trend"),
            ),
        )
    )


def _employment_check(i: dict[str, Any]) -> Any:
    from tashilat.domain.programs.employment.rules import Applicant, PriorLoan, check_application

    prior = [
        PriorLoan(
            str(p["code"]),
            parse_jalali(str(p["date"])),
            str(p.get("bank", "B1")),
            "A1",
            int(p["amount"]),
        )
        for p in i.get("prior", [])
    ]
    d = check_application(
        default_policy(),
        on=parse_jalali(str(i["as_of"])),
        applicant=Applicant(
            "0499370899",
            legal_entity=bool(i.get("legal", False)),
            clients_hired=int(i.get("clients", 0)),
        ),
        amount=parse_rial(str(i["amount"])),
        approved_category=bool(i.get("approved_category", False)),
        prior_loans=prior,
        bank_code=i.get("bank"),
        business_active_and_hiring=bool(i.get("active", False)),
    )
    return {**jsonable(d.value), "outcome": d.outcome, "reasons": [r.as_dict() for r in d.reasons]}


def _employment_guarantees(i: dict[str, Any]) -> Any:
    from tashilat.domain.programs.employment.rules import Offered, check_guarantees

    d = check_guarantees(
        default_policy(),
        on=parse_jalali(str(i["as_of"])),
        amount=parse_rial(str(i["amount"])),
        applicant_national_id="0499370899",
        offered=Offered(
            credit_grade=i.get("grade"),
            promissory_note=bool(i.get("note", False)),
            guarantors=tuple(i.get("guarantors", [])),
        ),
    )
    return {
        **jsonable(d.value),
        "outcome": d.outcome,
        "reasons": [r.as_dict() for r in d.reasons],
        "warnings": [w.as_dict() for w in d.warnings],
    }


def _employment_verdict(i: dict[str, Any]) -> Any:
    """The citizen's verdict; ``prior`` absent means the registry was not consulted."""
    from tashilat.domain.programs.employment.rules import (
        Applicant,
        Offered,
        PriorLoan,
        check_application,
        check_guarantees,
        verdict,
    )

    on, amount = parse_jalali(str(i["as_of"])), parse_rial(str(i["amount"]))
    prior = (
        [
            PriorLoan(str(p["code"]), parse_jalali(str(p["date"])), "B1", "A1", int(p["amount"]))
            for p in i["prior"]
        ]
        if "prior" in i
        else None
    )
    e = check_application(
        default_policy(),
        on=on,
        applicant=Applicant("0499370899"),
        amount=amount,
        approved_category=bool(i.get("approved_category", False)),
        prior_loans=prior,
    )
    g = check_guarantees(
        default_policy(),
        on=on,
        amount=amount,
        applicant_national_id="0499370899",
        offered=Offered(
            credit_grade=i.get("grade"),
            promissory_note=bool(i.get("note", False)),
            guarantors=tuple(i.get("guarantors", [])),
        ),
    )
    d = verdict(e, g)
    return {
        **jsonable(d.value),
        "reasons": [r.as_dict() for r in d.reasons],
        "warnings": [w.as_dict() for w in d.warnings],
    }


def _employment_exempt(i: dict[str, Any]) -> Any:
    from tashilat.domain.programs.employment.rules import exempt_from_monthly_limit

    d = exempt_from_monthly_limit(
        default_policy(),
        on=parse_jalali(str(i["as_of"])),
        amount=parse_rial(str(i["amount"])),
        mandated=bool(i["mandated"]),
    )
    return {"outcome": d.outcome, "warnings": [w.as_dict() for w in d.warnings]}


RULES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "employment.check": _employment_check,
    "employment.guarantees": _employment_guarantees,
    "employment.verdict": _employment_verdict,
    "employment.monthly_limit": _employment_exempt,
    "youth_fund.plan": _plan,
    "youth_fund.entitlement": _entitlement,
    "youth_fund.plan_loan": _plan_loan,
    "youth_fund.target": _target,
    "loan.schedule": _schedule,
    "loan.months_to_repay": _months_to_repay,
    "loan.late_penalty": _late_penalty,
    "policy.resolve": _resolve,
    "wages.income": _wages_income,
    "wages.article149": _article149,
    "afford.burden": _afford_burden,
    "afford.max_loan": _afford_max_loan,
    "afford.months": _afford_months,
    "afford.rent": _afford_rent,
    "afford.allowance": _afford_allowance,
    "construction.contribution": _construction_contribution,
    "construction.batch": _construction_batch,
    "construction.worker": _construction_worker,
    "construction.project": _construction_project,
}


def match(expected: Any, actual: Any, where: str = "$") -> list[str]:
    """Differences between an expected subset and the actual output."""
    if isinstance(expected, dict) and set(expected) == {"contains"}:
        if not isinstance(actual, list):
            return [f"{where}: expected a list, got {actual!r}"]
        want = expected["contains"]
        return (
            []
            if any(not match(want, a) for a in actual)
            else [f"{where}: no item matches {want!r}"]
        )
    if isinstance(expected, dict) and set(expected) == {"not_contains"}:
        if not isinstance(actual, list):
            return [f"{where}: expected a list, got {actual!r}"]
        unwanted = expected["not_contains"]
        return [
            f"{where}: item {a!r} matches {unwanted!r}" for a in actual if not match(unwanted, a)
        ]
    if isinstance(expected, dict) and isinstance(actual, list):
        out: list[str] = []
        for k, v in expected.items():
            idx = int(k) - 1
            if not 0 <= idx < len(actual):
                out.append(f"{where}[{k}]: missing (list has {len(actual)})")
            else:
                out += match(v, actual[idx], f"{where}[{k}]")
        return out
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected a mapping, got {actual!r}"]
        out = []
        for k, v in expected.items():
            if str(k) not in actual:
                out.append(f"{where}.{k}: missing")
            else:
                out += match(v, actual[str(k)], f"{where}.{k}")
        return out
    if expected != actual:
        return [f"{where}: expected {expected!r}, got {actual!r}"]
    return []


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        for n, sc in enumerate(data, start=1):
            yield Scenario.from_parent(self, name=sc.get("name", f"scenario {n}"), spec=sc)


class Scenario(pytest.Item):
    def __init__(self, *, spec: dict[str, Any], **kw: Any) -> None:
        super().__init__(**kw)
        self.spec = spec

    def runtest(self) -> None:
        rule = RULES[self.spec["rule"]]
        if "error" in self.spec:
            try:
                rule(self.spec["input"])
            except TashilatError as exc:
                assert exc.code == self.spec["error"], (
                    f"error {exc.code}, wanted {self.spec['error']}"
                )
                assert exc.message_fa and exc.message_en
                return
            raise AssertionError(f"expected error {self.spec['error']}, got none")
        diffs = match(self.spec["expect"], rule(self.spec["input"]))
        assert not diffs, "\n".join(diffs)

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        return f"{self.path.name} › {self.name}:\n{excinfo.value}"

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario: {self.name}"


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".yaml" and file_path.parent.name == "rules":
        return ScenarioFile.from_parent(parent, path=file_path)
    return None
