"""What people type at the edges, parsed once for the API and the CLI: amounts in rial,
percentages, Jalali dates and years, floor areas, a loan's rate (from the request or from
policy) and the repayment an affordability question is about.

Persian and Arabic digits and separators are accepted. Bad input raises ``InvalidInput`` in
Persian and English naming the field; ``flag`` is what a field is called where the person
typed it (``""`` for the API's ``rate``, ``"--"`` for the CLI's ``--rate``).

Every number is bounded (amounts by ``MAX_RIAL``, percentages, counts, terms), so no input
can make the server compute without end.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from tashilat.domain.decision import PolicyReader, Provenance
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import parse_jalali, start_of_year
from tashilat.domain.money import parse_percent, parse_rial
from tashilat.domain.text import normalize_text, strip_number

if TYPE_CHECKING:
    from tashilat.domain.programs.wages.affordability import Repayment

MAX_PERCENT = Decimal(1000)  # a rate or a step above 1000% a year is not a loan
MAX_STEP_PERCENT = Decimal(100)  # a stepwise instalment at most doubles each year
MAX_TERM_MONTHS = 1200  # a fixed instalment must repay the loan within 100 years
MAX_SCHEDULE_MONTHS = 600
MONTHS_PER_YEAR = 12
_AREA = re.compile(r"^\d+(\.\d+)?$")


def rial(value: str | int, field: str, *, allow_zero: bool = False) -> int:
    """An amount in rial: a number, or a string as people type it (``"۲۰٬۰۰۰٬۰۰۰"``)."""
    return parse_rial(
        value if isinstance(value, int) else str(value), field=field, allow_zero=allow_zero
    )


def jdate(value: str, field: str) -> date:
    """A Jalali date ``YYYY/MM/DD``."""
    return parse_jalali(value, field=field)


_JALALI_MOMENT = re.compile(
    r"^(\d{4}[/-]\d{1,2}[/-]\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)


def moment(text: str | None, field: str = "as_known_on") -> datetime | None:
    """An instant: ISO 8601 (``2024-08-01T10:30:00Z``; without an offset, UTC) or a Jalali
    date with an optional Tehran wall-clock time (``1403/05/11 14:30``; a bare date means the
    end of that day in Tehran). None when not given."""
    if text is None or not str(text).strip():
        return None
    from zoneinfo import ZoneInfo

    raw = normalize_text(str(text)).strip()
    m = _JALALI_MOMENT.match(raw)
    if m and int(m.group(1)[:4]) < 1700:  # a Jalali year, not a Gregorian one
        day = parse_jalali(m.group(1), field=field)
        h, mi, sec = (int(g) if g else None for g in m.groups()[1:])
        if h is None:
            at = datetime.combine(day, time(23, 59, 59, 999999))
        elif h > 23 or (mi or 0) > 59 or (sec or 0) > 59:
            raise _bad_moment(text, field)
        else:
            at = datetime.combine(day, time(h, mi or 0, sec or 0))
        return at.replace(tzinfo=ZoneInfo("Asia/Tehran")).astimezone(UTC)
    # an unencoded "+" in a URL arrives as a space: "…T10:30:00 03:30" means "+03:30"
    raw = re.sub(r"(T[\d:.]+) (\d{2}:?\d{2})$", r"\1+\2", raw)
    try:
        at = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise _bad_moment(text, field) from None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _bad_moment(text: object, field: str) -> InvalidInput:
    return InvalidInput(
        "input.moment",
        f"«{text}» زمان معتبری نیست؛ نمونه: ۱۴۰۳/۰۵/۱۱ ۱۴:۳۰ یا 2024-08-01T10:30:00Z",
        f"{text!r} is not a valid time; e.g. 1403/05/11 14:30 or 2024-08-01T10:30:00Z",
        field=field,
    )


def on_date(text: str | None, field: str = "on") -> date:
    """A Jalali date, or a bare year meaning its first day; today when not given (to choose
    the figures in force)."""
    if text is None:
        return date.today()
    raw = strip_number(text)
    if re.fullmatch(r"\d{4}", raw):
        try:
            return start_of_year(int(raw))
        except InvalidInput as exc:
            exc.field = field
            raise
    return parse_jalali(text, field=field)


def percent(text: str, field: str, *, high: Decimal = MAX_PERCENT) -> Decimal:
    """A percentage of at most ``high``."""
    value = parse_percent(text, field=field)
    if value > high:
        raise InvalidInput(
            "percent.too_large",
            f"درصد {field} حداکثر {high} است، نه {value}.",
            f"The {field} percentage must be at most {high}, not {value}.",
            field=field,
        )
    return value


def signed_percent(text: str, field: str) -> Decimal:
    """A percentage that may be negative (a falling trend): ``-10``, ``−۱۰``; the domain
    bounds it."""
    raw = strip_number(text).replace("−", "-")
    if raw.startswith("-"):
        return -parse_percent(raw[1:], field=field)
    return parse_percent(raw, field=field)


def optional_percent(text: str | None, field: str = "limit") -> Decimal | None:
    """A percentage, or ``None`` (the policy's figure) when not given."""
    return None if text is None else parse_percent(text, field=field)


def bounded(value: int, field: str, *, low: int, high: int) -> int:
    """A whole number between ``low`` and ``high``."""
    if not low <= value <= high:
        raise InvalidInput(
            f"{field}.invalid",
            f"مقدار «{value}» برای {field} باید عدد صحیح بین {low} و {high} باشد.",
            f"{field} must be a whole number between {low} and {high}, not '{value}'.",
            field=field,
        )
    return value


def floor_area(value: str | int | None, field: str) -> Decimal | None:
    """A positive floor area in m² (``"120.5"``), or ``None`` when blank."""
    if value is None:
        return None
    text = str(value)
    if not text.strip():
        return None
    raw = strip_number(text)
    if not _AREA.match(raw) or Decimal(raw) <= 0:
        raise InvalidInput(
            "construction.area",
            f"زیربنا «{text}» عدد مثبت (متر مربع) نیست.",
            f"The floor area '{text}' is not a positive number of m².",
            field=field,
        )
    return Decimal(raw)


def fee(value: str | int | None, field: str) -> int:
    """A fee in rial; blank is no fee."""
    if value is None or not str(value).strip():
        return 0
    return rial(value, field, allow_zero=True)


def loan_rate(
    policy: PolicyReader,
    loan: str | None,
    rate: str | None,
    opened: str | None,
    on: date,
    *,
    flag: str = "",
    high: Decimal | None = MAX_PERCENT,
) -> tuple[Decimal, str, tuple[Provenance, ...]]:
    """The loan's annual rate, a label, and the provenance of the rate when it comes from
    policy (``loan``: ``market``, the rate cap, or ``youth-fund``, the rate of the cohort
    ``opened`` falls in) rather than from the request (``rate``, at most ``high``)."""
    if loan is not None and rate is not None:
        raise InvalidInput(
            "afford.rate_conflict",
            f"یا {flag}rate یا {flag}loan، نه هر دو.",
            f"Give {flag}rate or {flag}loan, not both.",
            field="rate",
        )
    if loan is None:
        if rate is None:
            raise InvalidInput(
                "afford.rate_missing",
                f"نرخ سالانه را با {flag}rate یا {flag}loan بدهید.",
                f"Give the annual rate with {flag}rate or {flag}loan.",
                field="rate",
            )
        r = parse_percent(rate, field="rate") if high is None else percent(rate, "rate", high=high)
        return r, f"loan at {format(r.normalize(), 'f')}%", ()
    kind = loan.strip().lower()
    if kind == "market":
        res = policy.resolve("finance.loan_rate_cap_percent", on)
        r = Decimal(str(res.value))
        return r, f"market loan at the {format(r.normalize(), 'f')}% cap", (res.provenance,)
    if kind == "youth-fund":
        opened_on = parse_jalali(opened, field="opened") if opened is not None else on
        res = policy.resolve("youth_fund.loan.rate_percent", opened_on)
        r = Decimal(str(res.value))
        return r, f"youth-fund loan at {format(r.normalize(), 'f')}%", (res.provenance,)
    raise InvalidInput(
        "afford.loan_unknown",
        f"نوع وام «{loan}» شناخته نیست (market یا youth-fund).",
        f"Unknown loan '{loan}' (market or youth-fund).",
        field="loan",
    )


def check_term(principal: int, annual_rate: Decimal, instalment: int) -> None:
    """Refuse a fixed instalment that would take more than ``MAX_TERM_MONTHS`` to repay
    (exactly, before any month is computed); one that never repays is left to the domain,
    which says so."""
    i = Fraction(annual_rate) / (100 * MONTHS_PER_YEAR)
    if i == 0:
        too_long = -(-principal // instalment) > MAX_TERM_MONTHS
    elif instalment <= principal * i:
        return
    else:
        # the balance is repaid after n months  <=>  (1 + i)^n >= a / (a − p·i)
        too_long = (1 + i) ** MAX_TERM_MONTHS < Fraction(instalment) / (instalment - principal * i)
    if too_long:
        raise InvalidInput(
            "afford.term_too_long",
            f"قسط {instalment:,} ریال وام را در {MAX_TERM_MONTHS} ماه بازپرداخت نمی‌کند؛ "
            "قسط بزرگ‌تری بدهید.",
            f"An instalment of {instalment:,} rial does not repay the loan within "
            f"{MAX_TERM_MONTHS} months; give a larger instalment.",
            field="instalment",
        )


def repayment(
    policy: PolicyReader,
    on: date,
    *,
    instalment: int | None,
    principal: int | None,
    rate: str | None,
    loan: str | None,
    opened: str | None,
    months: int | None,
    method: str,
    step: str | None,
    grace: int,
    label: str | None,
    flag: str = "",
) -> tuple[Repayment, tuple[Provenance, ...]]:
    """The repayment an affordability question is about, and the provenance of the policy
    figures it used: a fixed ``instalment`` (alone: ``months`` times, default once; with
    ``principal`` and a rate: until repaid), or ``principal`` with a rate (``rate`` or
    ``loan``) and ``months`` for a schedule (``method``, ``step``, ``grace``)."""
    # imported here, not at the top: the CLI imports this module on every start
    from tashilat.domain.finance import Method, build_schedule
    from tashilat.domain.programs.wages.affordability import Repayment

    figures: tuple[Provenance, ...] = ()
    if instalment is not None and principal is None:
        if rate is not None or loan is not None:
            raise InvalidInput(
                "afford.rate_without_principal",
                f"نرخ بدون {flag}principal به کار نمی‌رود.",
                f"A rate needs {flag}principal.",
                field="rate",
            )
        return Repayment.constant(instalment, months or 1, label or "instalment"), figures
    if instalment is not None and principal is not None:
        if months is not None:
            raise InvalidInput(
                "afford.months_with_instalment",
                f"با {flag}instalment و {flag}principal مدت از نرخ به دست می‌آید؛ "
                f"{flag}months ندهید.",
                f"With {flag}instalment and {flag}principal the term follows from the rate; "
                f"drop {flag}months.",
                field="months",
            )
        r, default_label, provs = loan_rate(policy, loan, rate, opened, on, flag=flag)
        check_term(principal, r, instalment)
        fixed = Repayment.fixed_instalment(principal, r, instalment, label or default_label)
        return fixed, figures + provs
    if principal is None:
        raise InvalidInput(
            "afford.loan_missing",
            f"{flag}instalment یا {flag}principal (با نرخ و {flag}months) را بدهید.",
            f"Give {flag}instalment, or {flag}principal with a rate and {flag}months.",
            field="instalment",
        )
    if months is None:
        raise InvalidInput(
            "afford.months_missing",
            f"برای جدول اقساط {flag}months را بدهید (یا {flag}instalment).",
            f"Give {flag}months for a schedule (or {flag}instalment).",
            field="months",
        )
    r, default_label, provs = loan_rate(policy, loan, rate, opened, on, flag=flag)
    figures += provs
    try:
        meth = Method(method.strip().lower())
    except ValueError:
        raise InvalidInput(
            "loan.method",
            f"روش بازپرداخت «{method}» ناشناخته است (simple، stepwise یا fee).",
            f"Unknown repayment method '{method}' (simple, stepwise or fee).",
            field="method",
        ) from None
    step_pct: Decimal | None = None
    if meth is Method.STEPWISE:
        if step is not None:
            step_pct = percent(step, "step", high=MAX_STEP_PERCENT)
        else:
            step_r = policy.resolve("finance.stepwise_step_percent", on)
            step_pct = Decimal(str(step_r.value))
            figures += (step_r.provenance,)
    unit_r = policy.resolve("finance.rounding_unit", on)
    figures += (unit_r.provenance,)
    schedule = build_schedule(
        meth,
        principal,
        r,
        bounded(months, "months", low=1, high=MAX_SCHEDULE_MONTHS),
        step_percent=step_pct,
        grace_months=grace,
        rounding_unit=int(unit_r.value),
    )
    return Repayment.from_schedule(schedule, label or f"{meth.value} {default_label}"), figures
