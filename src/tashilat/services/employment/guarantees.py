"""Guarantees offered for an employment loan and whether they meet the rules for its amount."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tashilat.domain.decision import Decision, PolicyReader
from tashilat.domain.errors import InvalidInput
from tashilat.domain.ids import parse_national_id
from tashilat.domain.programs.employment import rules
from tashilat.services import calendar
from tashilat.services.auth import Actor, require
from tashilat.services.employment._common import _app, _audit, _change
from tashilat.services.errors import Conflict, Refused
from tashilat.services.ports import UnitOfWork
from tashilat.services.ports.employment import GuaranteeRecord


def add_guarantee(
    uow: UnitOfWork,
    actor: Actor,
    *,
    app_id: int,
    kind: str,
    national_id: str | None = None,
    grade: str | None = None,
    request_id: str = "",
) -> GuaranteeRecord:
    require(actor, "employment.approve")
    if kind not in ("credit_score", "promissory_note", "guarantor"):
        raise InvalidInput(
            "guarantee.kind",
            f"نوع ضمانت «{kind}» ناشناخته است.",
            f"Unknown guarantee '{kind}'.",
            field="kind",
        )
    nid = parse_national_id(national_id or "", field="national_id") if kind == "guarantor" else None
    if kind == "credit_score" and (grade or "").upper() not in rules.GRADES:
        raise InvalidInput(
            "guarantee.grade",
            "رتبه اعتباری باید A تا E باشد.",
            "The grade must be A to E.",
            field="grade",
        )
    with uow:
        app = _app(uow, actor, app_id, lock=True)
        if app.state not in ("introduced", "bank_review"):
            raise Conflict(
                "application.state",
                f"درخواست در وضعیت {app.state} است.",
                f"The application is {app.state}.",
            )
        if nid is not None:
            refusals = rules.guarantor_refusals(
                uow.employment.applicant_national_id(app.applicant_id),
                (*offered(uow, app.id).guarantors, nid),
            )
            if refusals:
                err = Refused(
                    refusals[0].code,
                    " ".join(r.message_fa for r in refusals),
                    " ".join(r.message_en for r in refusals),
                    reasons=tuple(refusals),
                )
                err.field = "national_id"
                raise err
        app = _change(uow, app, state="bank_review")
        g = GuaranteeRecord(0, app.id, kind, nid, (grade or "").upper() or None)
        g = replace(g, id=uow.employment.add_guarantee(g))
        _audit(uow, actor, "employment.guarantee", f"application:{app.id}", request_id, kind)
        uow.commit()
        return g


def offered(uow: UnitOfWork, app_id: int) -> rules.Offered:
    rows = uow.employment.guarantees_of(app_id)
    grades = [r.grade for r in rows if r.kind == "credit_score" and r.grade]
    return rules.Offered(
        credit_grade=min(grades) if grades else None,
        promissory_note=any(r.kind == "promissory_note" for r in rows),
        guarantors=tuple(r.national_id for r in rows if r.kind == "guarantor" and r.national_id),
    )


def guarantee_status(
    uow: UnitOfWork, actor: Actor, policy: PolicyReader, app_id: int
) -> Decision[Any]:
    require(actor, "employment.read")
    with uow:
        app = _app(uow, actor, app_id)
        return rules.check_guarantees(
            policy,
            on=calendar.current(uow),
            amount=app.amount,
            applicant_national_id=uow.employment.applicant_national_id(app.applicant_id),
            offered=offered(uow, app.id),
        )
