"""An employment application's life outside the bank: submission, review, rejection or
withdrawal, the citizen's check before applying, and reading an application."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from tashilat.domain.decision import Decision, PolicyReader
from tashilat.domain.errors import InvalidInput
from tashilat.domain.ids import parse_national_id
from tashilat.domain.jalali import jalali_year
from tashilat.domain.programs.employment import rules
from tashilat.services import calendar
from tashilat.services.auth import Actor, require
from tashilat.services.employment._common import (
    OPEN_STATES,
    RESERVING_STATES,
    _agency,
    _app,
    _audit,
    _change,
    _check,
    prior_loans,
    scope_of,
)
from tashilat.services.errors import Conflict, Forbidden, refused_from
from tashilat.services.ports import UnitOfWork
from tashilat.services.ports.employment import (
    ApplicantRecord,
    ApplicationRecord,
    Instalment,
    NewApplication,
)


def submit(
    uow: UnitOfWork,
    actor: Actor,
    policy: PolicyReader,
    *,
    national_id: str,
    name: str,
    province: str,
    agency_code: str,
    amount: int,
    jobs: int,
    category_code: str | None = None,
    legal_entity: bool = False,
    clients_hired: int = 0,
    mandated: bool = True,
    repeat_business_active: bool = False,
    description: str = "",
    request_id: str = "",
) -> tuple[ApplicationRecord, Decision[rules.Eligibility]]:
    """The applicant's business plan. Refused at once, with every reason, when the amount is
    above the cap in force or the person already had an employment loan."""
    require(actor, "employment.submit")
    nid = parse_national_id(national_id)
    if jobs < 1:
        raise InvalidInput(
            "plan.jobs",
            "طرح باید دست‌کم یک شغل ایجاد کند.",
            "A plan creates at least one job.",
            field="jobs",
        )
    with uow:
        on = calendar.current(uow)
        if actor.role == "customer":
            cust = uow.customers.get(actor.customer_id) if actor.customer_id else None
            if cust is None or cust.national_id != nid:
                raise Forbidden(
                    "employment.not_self",
                    "تنها برای خودتان می‌توانید درخواست دهید.",
                    "You can only apply for yourself.",
                )
        agency = _agency(uow, agency_code)
        if actor.role == "agency_officer" and actor.agency_id != agency.id:
            raise Forbidden(
                "employment.other_agency",
                "این دستگاه، دستگاه شما نیست.",
                "This is not your agency.",
            )
        approved = bool(category_code) and uow.employment.is_approved_category(
            agency.id, jalali_year(on), category_code or ""
        )
        applicant = uow.employment.applicant_by_national_id(nid)
        if applicant is None:
            applicant = uow.employment.add_applicant(
                national_id=nid,
                name=" ".join(name.split()),
                legal_entity=legal_entity,
                province=province,
            )
        new = NewApplication(
            applicant_id=applicant.id,
            agency_id=agency.id,
            province=province,
            category_code=category_code,
            approved_category=approved,
            repeat=repeat_business_active,
            mandated=mandated,
            amount=amount,
            jobs=jobs,
            clients_hired=clients_hired,
            description=description,
            submitted_on=on,
            submitted_by=actor.user_id or None,
            policy_hash=policy.hash,
        )
        decision = _check(uow, policy, new, applicant, on)
        if decision.outcome != "eligible" and not (
            decision.value.repeat and _only_bank_missing(decision)
        ):
            raise refused_from(decision, "employment.refused")
        app = uow.employment.add_application(new)
        _audit(uow, actor, "employment.submit", f"application:{app.id}", request_id, str(amount))
        uow.commit()
        return app, decision


def _only_bank_missing(d: Decision[rules.Eligibility]) -> bool:
    """A repeat applicant's bank is known only at introduction; do not refuse for it yet."""
    return all(r.passed or r.code == "repeat.same_bank" for r in d.reasons)


def start_review(
    uow: UnitOfWork, actor: Actor, *, app_id: int, request_id: str = ""
) -> ApplicationRecord:
    require(actor, "employment.introduce")
    with uow:
        app = _app(uow, actor, app_id, lock=True)
        if app.state != "submitted":
            raise Conflict(
                "application.state",
                f"درخواست در وضعیت {app.state} است.",
                f"The application is {app.state}.",
            )
        app = _change(uow, app, state="agency_review")
        _audit(uow, actor, "employment.review", f"application:{app.id}", request_id)
        uow.commit()
        return app


@dataclass(frozen=True)
class CheckAnswer:
    """The citizen's check: the application rules, the guarantee rules and one verdict."""

    eligibility: Decision[rules.Eligibility]
    guarantees: Decision[rules.GuaranteeResult]
    verdict: Decision[rules.Verdict]


def check(
    uow: UnitOfWork | None,
    policy: PolicyReader,
    *,
    on: date,
    amount: int,
    approved_category: bool = False,
    legal_entity: bool = False,
    clients_hired: int = 0,
    offered_: rules.Offered | None = None,
    national_id: str | None = None,
) -> CheckAnswer:
    """The check anybody may run before applying (no login, nothing recorded). With a
    national ID and a registry (``uow``), the one-loan rule is looked up: the person's
    SAMAT loans, and a loan slot held by an application in progress. Otherwise the answer
    says plainly that the rule was not checked."""
    nid = parse_national_id(national_id, field="national_id") if national_id else None
    priors: list[rules.PriorLoan] | None = None
    in_progress = False
    if nid is not None and uow is not None:
        with uow:
            priors = prior_loans(uow, nid)
            in_progress = uow.employment.has_slot_in_progress(nid)
    applicant_nid = nid or "0000000000"
    e = rules.check_application(
        policy,
        on=on,
        applicant=rules.Applicant(applicant_nid, legal_entity, clients_hired),
        amount=amount,
        approved_category=approved_category,
        prior_loans=priors,
        application_in_progress=in_progress,
    )
    g = rules.check_guarantees(
        policy,
        on=on,
        amount=amount,
        applicant_national_id=applicant_nid,
        offered=offered_ or rules.Offered(),
    )
    return CheckAnswer(e, g, rules.verdict(e, g))


def reject(
    uow: UnitOfWork,
    actor: Actor,
    *,
    app_id: int,
    reason: str,
    withdraw: bool = False,
    request_id: str = "",
) -> ApplicationRecord:
    """Reject (agency or bank) or withdraw: releases the slot and every reservation."""
    require(actor, "employment.reject" if not withdraw else "employment.submit")
    with uow:
        app = _app(uow, actor, app_id, lock=True)
        if app.state not in OPEN_STATES:
            raise Conflict(
                "application.state",
                f"درخواست در وضعیت {app.state} است.",
                f"The application is {app.state}.",
            )
        reserving = app.state in RESERVING_STATES
        uow.employment.release_reservation(
            application_id=app.id,
            allocation_id=app.allocation_id if reserving else None,
            amount=app.amount,
            category=app.amount if app.approved_category else 0,
            repeat_amount=app.amount if app.repeat else 0,
        )
        app = _change(
            uow,
            app,
            state="withdrawn" if withdraw else "rejected",
            reasons=json.dumps([reason], ensure_ascii=False),
            closed_on=calendar.current(uow),
        )
        _audit(
            uow,
            actor,
            "employment.withdraw" if withdraw else "employment.reject",
            f"application:{app.id}",
            request_id,
            reason,
        )
        uow.commit()
        return app


def get(
    uow: UnitOfWork, actor: Actor, app_id: int
) -> tuple[ApplicationRecord, ApplicantRecord, list[Instalment]]:
    require(actor, "employment.read")
    with uow:
        app = _app(uow, actor, app_id)
        applicant = uow.employment.applicant(app.applicant_id)
        return app, applicant, uow.employment.instalments(app.id)


def samat_code(uow: UnitOfWork, app: ApplicationRecord) -> str | None:
    """The application's SAMAT tracking code once it is paid (call inside ``with uow``)."""
    if app.samat_loan_id is None:
        return None
    loan = uow.employment.samat_loan(app.samat_loan_id)
    return loan.tracking_code if loan else None


def list_applications(
    uow: UnitOfWork, actor: Actor, *, offset: int, limit: int, state: str | None = None
) -> tuple[list[ApplicationRecord], int]:
    require(actor, "employment.read")
    with uow:
        if actor.role not in ("agency_officer", "bank_officer", "supervisor") and (
            not actor.bank_wide
        ):
            raise Forbidden("employment.scope", "دسترسی ندارید.", "Not allowed.")
        return uow.employment.applications_page(
            scope_of(actor), state=state, offset=offset, limit=limit
        )


def reasons_of(app: ApplicationRecord) -> list[str]:
    return list(json.loads(app.reasons)) if app.reasons else []


def eligibility(
    uow: UnitOfWork, actor: Actor, policy: PolicyReader, app_id: int
) -> Decision[rules.Eligibility]:
    """An application's eligibility on the business date: the program's rule on its
    applicant, amount and category, the applicant's recorded loans and the bank it was
    introduced to (before introduction the bank condition stays open)."""
    require(actor, "employment.read")
    with uow:
        app = _app(uow, actor, app_id)
        applicant = uow.employment.applicant(app.applicant_id)
        bank = uow.employment.bank(app.bank_id) if app.bank_id is not None else None
        on = calendar.current(uow)
        return _check(uow, policy, app, applicant, on, bank.code if bank else None)
