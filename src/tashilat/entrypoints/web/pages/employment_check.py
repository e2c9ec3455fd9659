"""The citizen's employment-loan check (no login): amount, approved category, date and the
guarantees one can offer → the cap in force, the guarantee bundles for that amount and
exactly what is missing from each, every refusal in words with its legal reference, and a
warning for every assumed figure, linked to the policy browser.

A GET form, like the other calculators: the answer has an address that can be shared. It
asks the same service as ``/api/v1/employment/check`` and gives the same verdict: eligible,
eligible once the listed guarantees are brought, or not eligible and why. The national ID
is optional: given, the one-loan-per-person rule is looked up in the registry (SAMAT and
applications in progress); left empty, the answer says plainly that it was not checked.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from tashilat.domain.decision import Warning, warnings_for
from tashilat.domain.errors import InvalidInput, PolicyError, TashilatError
from tashilat.domain.ids import parse_national_id
from tashilat.domain.programs.employment import rules
from tashilat.entrypoints.web import menu
from tashilat.entrypoints.web.forms import Form, int_field, jalali_field, rial_field
from tashilat.entrypoints.web.pages.employment_common import KINDS, bundle_words
from tashilat.entrypoints.web.rendering import WebRoute, render
from tashilat.entrypoints.web.sessions import PublicPage
from tashilat.services import calendar, employment

router = APIRouter(route_class=WebRoute)

menu.add(
    menu.MenuItem(
        "employment.check",
        "سنجش وام اشتغال‌زایی",
        "Employment-loan check",
        "/employment/check",
        section="public",
        order=35,
    )
)

FIELDS = (
    "amount",
    "approved_category",
    "date",
    "national_id",
    "credit_grade",
    "promissory_note",
    "guarantors",
)


def _grade(text: str) -> str:
    g = text.strip().upper()
    if g not in rules.GRADES:
        raise InvalidInput(
            "guarantee.grade",
            "رتبه اعتباری باید یکی از A تا E باشد.",
            "The credit grade must be one of A to E.",
            field="credit_grade",
        )
    return g


def _flag(form: Form, name: str) -> bool:
    return form.get(name) in ("1", "on", "yes", "true")


def _unique(warnings: list[Warning]) -> list[Warning]:
    seen: set[tuple[str, str]] = set()
    out = []
    for w in warnings:
        key = (w.parameter, str(w.status))
        if key not in seen:
            seen.add(key)
            out.append(w)
    return out


def check(page: Any, form: Form, on: date, amount: int) -> dict[str, Any] | None:
    """The answer for a filled-in form (``None`` with the error filed when the rules do not
    cover the date)."""
    policy = page.container.policy
    fmt = page.fmt
    guarantors = form.parse("guarantors", int_field("guarantors", 0, 10), required=False) or 0
    grade = form.parse("credit_grade", _grade, required=False)
    nid = form.parse(
        "national_id", lambda v: parse_national_id(v, field="national_id"), required=False
    )
    if not form.ok:
        return None
    approved = form.get("approved_category") == "yes"
    try:
        # guarantors are counted, not named: stand-ins that are nobody else in the form
        answer = employment.check(
            page.reader() if nid else None,
            policy,
            on=on,
            amount=amount,
            approved_category=approved,
            offered_=rules.Offered(
                grade, _flag(form, "promissory_note"), tuple(f"g{i}" for i in range(guarantors))
            ),
            national_id=nid,
        )
        elig, g, verdict = answer.eligibility, answer.guarantees, answer.verdict
        min_grade = str(policy.resolve("employment.min_credit_grade", on).value)
        rounding = policy.resolve("finance.rounding_unit", on)
    except PolicyError as exc:
        exc.field = "date"
        form.add(exc)
        return None
    except TashilatError as exc:
        form.add(exc, default_field="amount")
        return None
    v = elig.value
    schedule = None
    if elig.outcome == "eligible":
        schedule = employment.preview_schedule(policy, amount, on)
    bundles = [
        {
            "words": bundle_words(fmt, b.bundle, min_grade),
            "met": b.met,
            "missing": bundle_words(fmt, b.missing, min_grade) if b.missing else "",
            "missing_kinds": sorted(set(b.missing)),
        }
        for b in g.value.bundles
    ]
    return {
        "on": on,
        "verdict": verdict,
        "elig": elig,
        "g": g,
        "v": v,
        "bundles": bundles,
        "min_grade": min_grade,
        "schedule": schedule,
        # why it is not eligible; missing guarantees are listed per bundle
        "refusals": list(verdict.value.because),
        "warnings": _unique([*verdict.warnings, *warnings_for([rounding.provenance])]),
    }


@router.get("/employment/check", response_class=HTMLResponse)
def check_page(page: PublicPage) -> HTMLResponse:
    q = dict(page.request.query_params)
    form = Form(
        values={"approved_category": "no", "guarantors": "0", **q},
        fields=FIELDS,
    )
    result: dict[str, Any] | None = None
    today = calendar.get(page.reader())
    if "amount" in q:
        amount = form.parse("amount", rial_field("amount"))
        on = form.parse("date", jalali_field("date"), required=False)
        if form.ok and amount is not None:
            result = check(page, form, on or today, amount)
    grades = [("", page.fmt.t("ندارم / نمی‌دانم", "none / not known"))]
    grades += [(g, g) for g in rules.GRADES]
    return render(
        page.request,
        "employment/check.html",
        {"form": form, "r": result, "today": today, "grades": grades, "kinds": KINDS},
        status=200 if form.ok else 422,
    )
