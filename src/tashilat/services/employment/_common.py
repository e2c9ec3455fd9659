"""Helpers every employment use case shares: account codes, the audit line, look-ups of
agencies, banks and applications within the actor's scope, the registry of prior loans and
the eligibility check."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from tashilat.domain.decision import Decision, PolicyReader
from tashilat.domain.jalali import jalali_year
from tashilat.domain.programs.employment import rules
from tashilat.services import loan_servicing
from tashilat.services.auth import Actor
from tashilat.services.errors import Forbidden, not_found
from tashilat.services.ports import UnitOfWork
from tashilat.services.ports.employment import (
    AgencyRecord,
    ApplicantRecord,
    ApplicationRecord,
    BankRecord,
    NewApplication,
    Scope,
)

OPEN_STATES = ("submitted", "agency_review", "introduced", "bank_review", "approved")


RESERVING_STATES = ("introduced", "bank_review", "approved")


def principal_code(app_id: int) -> str:
    return f"EMP:{app_id}:PRINCIPAL"


def penalty_code(app_id: int) -> str:
    return f"EMP:{app_id}:PENALTY"


def receivables(app_id: int) -> loan_servicing.Receivables:
    return loan_servicing.Receivables(
        principal_code(app_id),
        penalty_code(app_id),
        f"Employment loan {app_id} principal",
        f"Employment loan {app_id} late charges",
    )


def _audit(
    uow: UnitOfWork, actor: Actor, action: str, target: str, rid: str, detail: str = ""
) -> None:
    uow.audit(
        user_id=actor.user_id or None,
        username=actor.username,
        action=action,
        target=target,
        request_id=rid,
        outcome="ok",
        detail=detail,
    )


def _agency(uow: UnitOfWork, code: str) -> AgencyRecord:
    a = uow.employment.agency_by_code(code)
    if a is None:
        raise not_found("agency", "دستگاه حمایتی", code)
    return a


def _bank(uow: UnitOfWork, code: str) -> BankRecord:
    b = uow.employment.bank_by_code(code)
    if b is None:
        raise not_found("bank", "بانک عامل", code)
    return b


def _next_code(uow: UnitOfWork, on: date) -> str:
    """A SAMAT tracking code no concurrent disbursement or import gets too."""
    return uow.employment.next_samat_code(jalali_year(on))


def prior_loans(uow: UnitOfWork, national_id: str) -> list[rules.PriorLoan]:
    """The person's employment loans in the SAMAT registry, oldest first."""
    return uow.employment.prior_loans(national_id)


def _app(uow: UnitOfWork, actor: Actor, app_id: int, *, lock: bool = False) -> ApplicationRecord:
    app = uow.employment.application(app_id, lock=lock)
    if app is None:
        raise not_found("application", "درخواست", app_id)
    _scope(uow, actor, app)
    return app


def _change(uow: UnitOfWork, app: ApplicationRecord, **changes: Any) -> ApplicationRecord:
    """Record ``changes`` to the application; returns the application as changed."""
    uow.employment.update_application(app.id, **changes)
    return replace(app, **changes)


def _scope(uow: UnitOfWork, actor: Actor, app: ApplicationRecord) -> None:
    if actor.bank_wide:
        return
    if actor.role == "agency_officer" and actor.agency_id == app.agency_id:
        return
    if (
        actor.role in ("bank_officer", "supervisor")
        and actor.bank_id is not None
        and actor.bank_id == app.bank_id
    ):
        return
    if actor.role == "customer":
        nid = uow.employment.applicant_national_id(app.applicant_id)
        cust = uow.customers.get(actor.customer_id) if actor.customer_id else None
        if cust is not None and cust.national_id == nid:
            return
    raise Forbidden(
        "employment.scope", "این درخواست در حوزه شما نیست.", "This application is not yours to see."
    )


def _check(
    uow: UnitOfWork,
    policy: PolicyReader,
    app: ApplicationRecord | NewApplication,
    applicant: ApplicantRecord,
    on: date,
    bank_code: str | None = None,
) -> Decision[rules.Eligibility]:
    return rules.check_application(
        policy,
        on=on,
        applicant=rules.Applicant(applicant.national_id, applicant.legal_entity, app.clients_hired),
        amount=app.amount,
        approved_category=app.approved_category,
        prior_loans=prior_loans(uow, applicant.national_id),
        bank_code=bank_code,
        business_active_and_hiring=app.repeat,
    )


def scope_of(actor: Actor) -> Scope:
    """Whose applications ``actor`` may list and count: agency officers their agency's, bank
    staff their bank's, bank-wide staff all; anybody else (or an officer without an agency or
    bank) none."""
    if actor.bank_wide:
        return None
    if actor.role == "agency_officer":
        return ("agency", actor.agency_id)
    if actor.role in ("bank_officer", "supervisor"):
        return ("bank", actor.bank_id)
    return ("none", None)
