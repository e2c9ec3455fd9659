"""Persian (and English) names for the codes staff pages show: audit actions and outcomes."""

from __future__ import annotations

import re

ACTIONS: dict[str, tuple[str, str]] = {
    "auth.login": ("ورود به سامانه", "signed in"),
    "accounts.open": ("افتتاح حساب", "account opened"),
    "accounts.deposit": ("واریز", "deposit"),
    "accounts.withdraw": ("برداشت", "withdrawal"),
    "accounts.close": ("بستن حساب", "account closed"),
    "accounts.transfer_privilege": ("انتقال امتیاز", "entitlement transferred"),
    "customers.create": ("ثبت مشتری", "customer created"),
    "users.create": ("ساخت کاربر", "user created"),
    "business_date.advance": ("پیش بردن تاریخ کاری", "business date advanced"),
    "loans.request": ("درخواست وام", "loan requested"),
    "loans.approve": ("تأیید وام", "loan approved"),
    "loans.reject": ("رد وام", "loan rejected"),
    "loans.disburse": ("پرداخت وام", "loan disbursed"),
    "loans.repay": ("بازپرداخت قسط", "repayment"),
    "employment.submit": ("ثبت درخواست وام اشتغال", "employment application submitted"),
    "employment.review": ("بررسی درخواست", "application reviewed"),
    "employment.introduce": ("معرفی به بانک", "introduced to the bank"),
    "employment.guarantee": ("ثبت ضمانت", "guarantee recorded"),
    "employment.approve": ("تأیید وام اشتغال", "employment loan approved"),
    "employment.reject": ("رد درخواست", "application rejected"),
    "employment.withdraw": ("انصراف متقاضی", "application withdrawn"),
    "employment.disburse": ("پرداخت وام اشتغال", "employment loan disbursed"),
    "employment.repay": ("بازپرداخت وام اشتغال", "employment loan repayment"),
    "employment.agency.create": ("ثبت دستگاه حمایتی", "agency created"),
    "employment.bank.create": ("ثبت بانک عامل", "bank created"),
    "employment.category.add": ("افزودن رسته شغلی", "job category added"),
    "employment.allocation.set": ("تعیین سهمیه استان", "provincial allocation set"),
    "employment.limit.set": ("تعیین سقف ماهانه بانک", "bank's monthly limit set"),
    "employment.samat.import": ("دریافت فهرست سمات", "SAMAT list imported"),
    "policy.import": ("ثبت ارقام سیاستی همراه برنامه", "shipped policy figures recorded"),
    "policy.propose": ("پیشنهاد تغییر سیاست", "policy change proposed"),
    "policy.approve": ("تأیید تغییر سیاست", "policy change approved"),
    "policy.reject": ("رد تغییر سیاست", "policy change rejected"),
}

OUTCOMES: dict[str, tuple[str, str]] = {
    "ok": ("انجام شد", "done"),
    "refused": ("پذیرفته نشد", "refused"),
    "error": ("خطا", "error"),
}


def action_label(action: str, fa: bool) -> str:
    """An audit action in words; a refused web form (``POST /path``) reads «فرم رد شده»."""
    pair = ACTIONS.get(action)
    if pair:
        return pair[0] if fa else pair[1]
    if action.startswith(("POST ", "PUT ", "PATCH ", "DELETE ")):
        return "درخواست ناموفق" if fa else "failed request"
    return action


# -- plain Persian for citizens -------------------------------------------------------------

# Names of the figures whose policy entry has no Persian description.
FIGURE_NAMES_FA: dict[str, str] = {
    "employment.grace_months": "دوره تنفس پیش از نخستین قسط",
    "employment.min_credit_grade": "کمترین رتبه اعتباری پذیرفته",
    "employment.repeat_min_years": "فاصله لازم برای وام دوباره",
    "employment.repeat_share_percent": "سهم وام‌های دوباره از منابع دستگاه",
    "employment.term_months": "مدت بازپرداخت",
    "finance.day_count": "شمار روزهای سال در محاسبه وجه التزام",
    "finance.loan_rate_cap_percent": "سقف نرخ سود وام (شورای پول و اعتبار)",
    "finance.stepwise_step_percent": "افزایش سالانه قسط پلکانی",
    "youth_fund.cap_interpolation_unit": "گرد کردن سقف سال‌های میانی",
    "youth_fund.entitlement_rounding_unit": "گرد کردن امتیاز وام",
    "youth_fund.loan.appraisal_ltv_percent": "نسبت وام به ارزش کارشناسی ملک",
    "youth_fund.loan.max_term_months": "بیشترین مدت بازپرداخت",
    "youth_fund.loan.methods": "روش‌های بازپرداخت",
    "youth_fund.min_age": "حداقل سن دارنده حساب",
}

FIGURE_NAMES_EN: dict[str, str] = {}

_GENERIC_NOTE = {
    "assumed": (
        "این رقم جایی منتشر نشده است؛ برآوردی مستدل به کار رفته است.",
        "Not published; a reasoned estimate is used.",
    ),
    "illustrative": (
        "این رقم منتشر نشده و نمونه است؛ بانک رقم خود را جایگزین می‌کند.",
        "Not published; an example that the bank replaces with its own figure.",
    ),
    "corrected": (
        "رقم منتشرشده آشکارا نادرست بود و اصلاح شده است.",
        "The published figure was visibly wrong and has been corrected.",
    ),
}

_FILE_REF = re.compile(
    r"\s*[(（]?\s*(?:seed/\S+|PROGRAMS\.md\s*§\s*[\d.]+|docs/rules\.md\s*§\s*[\d.]+|"
    r"[\w-]+\.(?:md|txt|ya?ml|csv))\s*[)）]?"
)
_PARAMETER_ID = re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\b")
_LEAD = re.compile(
    r"^.*?به کار رفت[:.]\s*"
    r"(?:منتشر نشده است(?: و بانک باید جدول خود را جایگزین کند)?\.)?\s*"
)
_LEAD_EN = re.compile(
    r"^.*?figure used for \S+?[:.]\s*(?:not published(?:; a bank must replace it with its own "
    r"table)?\.)?\s*"
)


def figure_name(path: str, description_fa: str | None, description: str | None, fa: bool) -> str:
    """A figure's name for citizens: its Persian description, never its parameter id."""
    if fa:
        return description_fa or FIGURE_NAMES_FA.get(path) or "یکی از ارقام محاسبه"
    text = (description or "").split(".")[0].strip()
    return text or "one of the figures"


def plain(text: str) -> str:
    """A text without file names, section references or parameter ids."""
    text = _FILE_REF.sub("", text)
    text = _PARAMETER_ID.sub("", text)
    return re.sub(r"\s{2,}", " ", re.sub(r"\s+([.،؛:,;])", r"\1", text)).strip()


def plain_note(message_fa: str, message_en: str, status: str, fa: bool) -> str:
    """What a warning says about its figure, for a citizen: the note in plain words (the
    leading «رقم فرضی برای … به کار رفت» is dropped, the figure's name is shown beside it)."""
    note = _LEAD.sub("", message_fa, count=1) if fa else _LEAD_EN.sub("", message_en, count=1)
    note = plain(note)
    if not note or (fa and not re.search(r"[آ-ی]", note)):
        generic = _GENERIC_NOTE.get(status, _GENERIC_NOTE["assumed"])
        return generic[0] if fa else generic[1]
    return note


def plain_reference(reference: str | None, fa: bool) -> str:
    """A legal reference for citizens: without file names; hidden on a Persian page when
    what is left is not Persian."""
    if not reference:
        return ""
    text = plain(reference)
    if fa and not re.search(r"[آ-ی]", text):
        return ""
    return text
