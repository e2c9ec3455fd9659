"""Persian (and English) names for the codes staff pages show: audit actions and outcomes."""

from __future__ import annotations

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
