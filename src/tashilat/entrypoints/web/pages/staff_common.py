"""What the bank staff pages share: the page size, the confirmation messages, the labels of
kinds, statuses and outcomes, a customer's statement (shown to staff and to the customer) and
CSV downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from typing import Any

from fastapi.responses import Response

from tashilat.domain.errors import TashilatError
from tashilat.entrypoints.spreadsheet import safe_row
from tashilat.entrypoints.web.forms import Form, jalali_field
from tashilat.entrypoints.web.pages.citizen_common import METHODS
from tashilat.entrypoints.web.rendering import audit_refusal
from tashilat.entrypoints.web.sessions import Page
from tashilat.services import reports, youth

PAGE_SIZE = 50


OK_MESSAGES: dict[str, tuple[str, str]] = {
    "customer": ("مشتری ثبت شد.", "The customer was created."),
    "opened": ("حساب افتتاح شد.", "The account was opened."),
    "deposit": ("واریز ثبت شد.", "The deposit was recorded."),
    "withdraw": ("برداشت ثبت شد.", "The withdrawal was recorded."),
    "replayed": (
        "این فرم پیش‌تر فرستاده شده بود؛ چیزی دوباره ثبت نشد.",
        "This form was already sent; nothing was posted twice.",
    ),
    "transfer": ("امتیاز حساب منتقل شد.", "The privilege was transferred."),
    "closed": ("حساب بسته و موجودی پرداخت شد.", "The account was closed and paid out."),
    "requested": (
        "درخواست وام ثبت شد و در صف تأیید است.",
        "The loan request was recorded and waits for approval.",
    ),
    "approved": ("وام تأیید شد.", "The loan was approved."),
    "rejected": ("درخواست وام رد شد.", "The loan request was rejected."),
    "disbursed": ("وام پرداخت شد.", "The loan was disbursed."),
    "repaid": ("بازپرداخت ثبت شد.", "The repayment was recorded."),
    "date": ("تاریخ کاری جلو رفت.", "The business date moved forward."),
}


KINDS: dict[str, tuple[str, str]] = {
    "youth.open": ("واریز افتتاح", "opening deposit"),
    "youth.deposit": ("واریز", "deposit"),
    "youth.withdraw": ("برداشت", "withdrawal"),
    "youth.close": ("بستن حساب", "closing payout"),
    "youth.profit": ("سود سپرده", "savings profit"),
}


LOAN_STATUSES: dict[str, tuple[str, str]] = {
    "requested": ("در انتظار تأیید", "awaiting approval"),
    "approved": ("تأییدشده", "approved"),
    "rejected": ("ردشده", "rejected"),
    "disbursed": ("پرداخت‌شده", "disbursed"),
    "settled": ("تسویه‌شده", "settled"),
}


OUTCOMES: dict[str, tuple[str, str]] = {
    "eligible": ("واجد شرایط", "eligible"),
    "not_yet_eligible": ("هنوز واجد شرایط نیست", "not yet eligible"),
    "no_entitlement": ("بدون امتیاز", "no entitlement"),
    "privilege_used": ("امتیاز استفاده شده", "privilege used"),
}


RELATIONS_EN = {
    "spouse": "spouse",
    "parent": "parent",
    "child": "child",
    "sibling": "sibling",
    "grandparent": "grandparent",
    "grandchild": "grandchild",
}


def _ok(page: Page) -> str | None:
    key = page.request.query_params.get("ok", "")
    if key in OK_MESSAGES:
        return page.fmt.t(*OK_MESSAGES[key])
    return None


def _offset(page: Page) -> int:
    try:
        return max(0, min(int(page.request.query_params.get("offset", "0")), 10_000_000))
    except ValueError:
        return 0


def _ctx(page: Page, **extra: Any) -> dict[str, Any]:
    return {
        "ok": _ok(page),
        "kinds": KINDS,
        "loan_statuses": LOAN_STATUSES,
        "outcomes": OUTCOMES,
        "method_labels": {k: (fa, en) for k, fa, en in METHODS},
        **extra,
    }


def _refused(page: Page, form: Form, exc: TashilatError, default_field: str | None = None) -> None:
    """File a service error on its form and audit it (a refused POST is audited)."""
    form.add(exc, default_field=default_field)
    audit_refusal(page.request, exc)


def _statement_args(page: Page, form: Form) -> tuple[date | None, date | None]:
    date_from = form.parse("from", jalali_field("from"), required=False)
    date_to = form.parse("to", jalali_field("to"), required=False)
    return date_from, date_to


def statement_data(page: Page, account_id: int) -> dict[str, Any]:
    """The statement of an account for a page (staff or the holder)."""
    actor = page.actor
    assert actor is not None
    form = Form(values=dict(page.request.query_params), fields=("from", "to"))
    date_from, date_to = _statement_args(page, form)
    acc, opening, lines = youth.statement(
        page.reader(),
        actor,
        account_id,
        date_from=date_from if form.ok else None,
        date_to=date_to if form.ok else None,
    )
    return {"acc": acc, "opening": opening, "lines": lines, "form": form}


def csv_response(filename: str, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Response:
    """A CSV download: UTF-8 with a byte-order mark (spreadsheets then read Persian right),
    Latin digits, Jalali dates, amounts in whole rials; text that a spreadsheet would run as
    a formula is written inert (see :mod:`tashilat.entrypoints.spreadsheet`)."""
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(safe_row(header))
    for r in rows:
        w.writerow(safe_row(r))
    return Response(
        buf.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _receipt(page: Page, find: Any, object_id: int) -> reports.Receipt | None:
    """The receipt named in the address (``?receipt=<tracking number>``), if any."""
    tracking = page.request.query_params.get("receipt", "")[:200]
    if not tracking or page.actor is None:
        return None
    found: reports.Receipt | None = find(page.reader(), page.actor, object_id, tracking)
    return found
