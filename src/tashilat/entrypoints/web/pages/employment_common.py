"""What the employment-loan pages share: who may see them, the names of states and
guarantees in both languages, guarantee bundles in words, and a small meter drawn in SVG
(the allocation dashboard's use bars and its 40% approved-category gauge), and the
confirmation messages, step forms and refusal handling of the pipeline's pages.

There is no router here; ``employment_check``, ``employment``, ``employment_application``
and ``employment_reports`` hold the pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from markupsafe import Markup, escape

from tashilat.domain.errors import TashilatError
from tashilat.entrypoints.web.formatting import Fmt
from tashilat.entrypoints.web.forms import Form
from tashilat.entrypoints.web.rendering import audit_refusal
from tashilat.entrypoints.web.sessions import ROLE_LABELS, Page, signed_in_page
from tashilat.services.errors import Forbidden, NotFound

# The roles of docs/rules.md §2.4 in the header (the core names only the branch roles).
ROLE_LABELS.setdefault("agency_officer", ("کارشناس دستگاه حمایتی", "agency officer"))
ROLE_LABELS.setdefault("bank_officer", ("کارشناس بانک عامل", "bank officer"))

EMPLOYMENT_ROLES = frozenset({"agency_officer", "bank_officer", "supervisor", "admin", "auditor"})

STATES: dict[str, tuple[str, str]] = {
    "submitted": ("ثبت‌شده", "submitted"),
    "agency_review": ("در بررسی دستگاه", "agency review"),
    "introduced": ("معرفی‌شده به بانک", "introduced to a bank"),
    "bank_review": ("در بررسی بانک", "bank review"),
    "approved": ("تأییدشده، در انتظار پرداخت", "approved, awaiting payment"),
    "disbursed": ("پرداخت‌شده", "disbursed"),
    "repaying": ("در حال بازپرداخت", "repaying"),
    "settled": ("تسویه‌شده", "settled"),
    "rejected": ("ردشده", "rejected"),
    "withdrawn": ("انصراف", "withdrawn"),
}
OPEN_STATES = ("submitted", "agency_review", "introduced", "bank_review", "approved")

KINDS: dict[str, tuple[str, str]] = {
    "credit_score": ("اعتبارسنجی (رتبه اعتباری)", "credit score"),
    "promissory_note": ("سفته", "promissory note"),
    "guarantor": ("ضامن", "guarantor"),
}
_COUNT_FA = {1: "یک", 2: "دو", 3: "سه", 4: "چهار"}
_COUNT_EN = {1: "one", 2: "two", 3: "three", 4: "four"}


def employment_page(request: Request) -> Page:
    """Signed in with a role that reads employment loans (agency and bank staff, the bank's
    supervisors, admins and auditors); anybody else gets 403, a visitor the login form."""
    page = signed_in_page(request)
    if not page.can("employment.read"):
        raise Forbidden(
            "web.employment_only",
            "این صفحه ویژه کارشناسان دستگاه‌های حمایتی و بانک‌های عامل است.",
            "This page is for the staff of supporting agencies and agent banks.",
        )
    return page


EmploymentPage = Annotated[Page, Depends(employment_page)]


def bundle_words(fmt: Fmt, kinds: Sequence[str], min_grade: str | None = None) -> str:
    """A bundle or what is missing from it, in words: «اعتبارسنجی و سفته و یک ضامن»,
    "credit score + promissory note + one guarantor"."""
    counts: dict[str, int] = {}
    for k in kinds:
        counts[k] = counts.get(k, 0) + 1
    parts: list[str] = []
    for k, n in counts.items():
        fa, en = KINDS.get(k, (k, k.replace("_", " ")))
        if k == "credit_score":
            fa = "اعتبارسنجی"
            if min_grade:
                fa += f" با رتبه {min_grade} یا بهتر"
                en += f" of grade {min_grade} or better"
        if k == "guarantor":
            fa = f"{_COUNT_FA.get(n, str(n))} ضامن"
            en = f"{_COUNT_EN.get(n, str(n))} guarantor{'s' if n > 1 else ''}"
        elif n > 1:
            fa, en = f"{n} {fa}", f"{n} {en}s"
        parts.append(fmt.t(fa, en))
    return fmt.digits(fmt.t(" و ", " + ").join(parts))


# -- a meter in SVG -------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    value: int


def meter(
    *,
    meter_id: str,
    title: str,
    segments: Sequence[Segment],
    total: int,
    rtl: bool,
    marker: float | None = None,
    marker_label: str = "",
    width: int = 400,
    height: int = 30,
) -> Markup:
    """A horizontal bar: ``segments`` laid from the reading start (the right in Persian)
    over a track that stands for ``total``; ``marker`` (a fraction of the track) draws a
    limit line, the 40% approved-category cap for one. Colours come from the style sheet
    (``seg-<key>``); each segment has a ``<title>`` so that it can be read without seeing
    it, and the page shows the same figures in words."""
    top, bar = 7, height - 14
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="meter" id="{escape(meter_id)}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{escape(meter_id)}-title" '
        'preserveAspectRatio="none">',
        f'<title id="{escape(meter_id)}-title">{escape(title)}</title>',
        f'<rect class="meter-track" x="0" y="{top}" width="{width}" height="{bar}" rx="3"/>',
    ]
    start = 0.0
    scale = width / total if total > 0 else 0.0
    for s in segments:
        w = max(0.0, min(float(s.value) * scale, width - start))
        if w <= 0:
            continue
        x = width - start - w if rtl else start
        out.append(
            f'<rect class="seg seg-{escape(s.key)}" data-key="{escape(s.key)}" x="{x:.1f}" '
            f'y="{top}" width="{w:.1f}" height="{bar}"><title>{escape(s.label)}</title></rect>'
        )
        start += w
    if marker is not None:
        mx = width * (1 - marker) if rtl else width * marker
        out.append(
            f'<line class="meter-marker" x1="{mx:.1f}" x2="{mx:.1f}" y1="0" y2="{height}" '
            'vector-effect="non-scaling-stroke">'
            f"<title>{escape(marker_label)}</title></line>"
        )
    out.append("</svg>")
    return Markup("".join(out))


OK_MESSAGES: dict[str, tuple[str, str]] = {
    "submitted": ("طرح ثبت شد.", "The plan was submitted."),
    "review": ("بررسی دستگاه آغاز شد.", "The agency's review has started."),
    "introduced": (
        "متقاضی به بانک معرفی و تخصیص رزرو شد.",
        "The applicant was introduced to the bank and the allocation reserved.",
    ),
    "guarantee": ("ضمانت ثبت شد.", "The guarantee was recorded."),
    "approved": ("وام تأیید شد.", "The loan was approved."),
    "disbursed": ("وام پرداخت شد.", "The loan was disbursed."),
    "rejected": ("درخواست رد شد.", "The application was rejected."),
    "withdrawn": ("انصراف متقاضی ثبت شد.", "The withdrawal was recorded."),
    "repaid": ("بازپرداخت ثبت شد.", "The repayment was recorded."),
    "replayed": (
        "این فرم پیش‌تر فرستاده شده بود؛ چیزی دوباره ثبت نشد.",
        "This form was already sent; nothing was posted twice.",
    ),
}


FORMS: dict[str, tuple[str, ...]] = {
    "review": (),
    "introduce": ("bank",),
    "guarantee": ("kind", "grade", "national_id"),
    "approve": (),
    "disburse": (),
    "reject": ("reason",),
    "withdraw": ("reason",),
    "repay": ("amount",),
}


def _ok(page: Page) -> str | None:
    key = page.request.query_params.get("ok", "")
    return page.fmt.t(*OK_MESSAGES[key]) if key in OK_MESSAGES else None


def _offset(page: Page) -> int:
    try:
        return max(0, min(int(page.request.query_params.get("offset", "0")), 10_000_000))
    except ValueError:
        return 0


def _refused(page: Page, form: Form, exc: TashilatError, default_field: str | None = None) -> None:
    """File a service error on its form and audit it (refused POSTs are audited). A step
    the person may not take at all is not a form error: it is a 403 page."""
    if isinstance(exc, Forbidden | NotFound):
        raise exc
    form.add(exc, default_field=default_field)
    audit_refusal(page.request, exc)


def _ctx(page: Page, **extra: Any) -> dict[str, Any]:
    return {"ok": _ok(page), "states": STATES, "kinds": KINDS, **extra}
