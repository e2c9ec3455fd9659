"""Employment-generating loans in a real browser (Debian's Chromium, headless, through
Playwright, against the live server on the demo data): a loan from submission to
disbursement through three roles, the citizen's check, the allocation dashboard. The
tests save their screenshots in docs/screenshots.

They share the live server with the other browser tests: each one makes its own
application or reads what does not change.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from playwright.sync_api import expect

DEMO_PASSWORD = "tashilat-demo"
APPLICANT = "5550001111"  # a valid national ID the demo does not use
GUARANTORS = ("0084575948", "0067749828")


def staff_login(page: Any, username: str, next_url: str) -> None:
    """Log in through the form and land on ``next_url`` (agency and bank staff have no
    desk of their own)."""
    page.goto(f"/login?next={quote(next_url)}")
    page.get_by_label(re.compile("نام کاربری|Username")).fill(username)
    page.get_by_label(re.compile("گذرواژه|Password")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("^(ورود|Log in)$")).click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def test_an_employment_loan_from_submission_to_disbursement(
    browser: Any, live_server: str, helpers: Any
) -> None:
    contexts = [
        browser.new_context(base_url=live_server, viewport=helpers.desktop, locale="fa-IR")
        for _ in range(3)
    ]
    try:
        # 1. the agency officer submits the plan, reviews it and introduces it to the bank
        agency = contexts[0].new_page()
        staff_login(agency, "agency.relief", "/employment")
        expect(agency.locator("#scope")).to_have_text("کمیته امداد امام خمینی")
        agency.get_by_label("کد ملی متقاضی").fill(APPLICANT)
        agency.get_by_label("نام و نام خانوادگی").fill("آرش فرهادی")
        agency.get_by_label(re.compile("^استان")).select_option("تهران")
        agency.get_by_label("مبلغ درخواستی (ریال)").fill("2,500,000,000")
        agency.get_by_label("تعداد شغل ایجادشده").fill("3")
        agency.get_by_label("رسته شغلی مصوب").select_option("HANDICRAFT")
        agency.get_by_role("button", name="ثبت طرح").click()
        expect(agency.get_by_role("status")).to_have_text("طرح ثبت شد.")
        expect(agency.locator("#app-state")).to_have_text("ثبت‌شده")
        app_url = agency.url.split("?")[0]
        agency.get_by_role("button", name="آغاز بررسی").click()
        expect(agency.locator("#app-state")).to_have_text("در بررسی دستگاه")
        agency.get_by_label("بانک عامل", exact=True).select_option("MASKAN")
        agency.get_by_role("button", name="معرفی به بانک").click()
        expect(agency.get_by_role("status")).to_contain_text("معرفی")
        expect(agency.locator("#app-state")).to_have_text("معرفی‌شده به بانک")
        expect(agency.locator('#timeline li[data-step="introduced"] .by')).to_have_text(
            "agency.relief"
        )
        agency.goto("/employment")
        expect(agency.locator("#applications")).to_contain_text("آرش فرهادی")
        helpers.screenshot(agency, "employment-pipeline-desktop")

        # 2. the bank officer records two guarantors and approves
        bank = contexts[1].new_page()
        staff_login(bank, "bank.officer", app_url.removeprefix(live_server))
        bundles = bank.locator("#bundles li")
        expect(bundles).to_have_count(2)
        expect(bundles.nth(1).locator(".bundle-missing")).to_have_text("دو ضامن")
        expect(bank.get_by_role("button", name="تأیید وام")).to_have_count(0)
        for nid in GUARANTORS:
            bank.get_by_label("نوع ضمانت").select_option("guarantor")
            bank.get_by_label("کد ملی ضامن").fill(nid)
            bank.get_by_role("button", name="ثبت ضمانت").click()
            expect(bank.get_by_role("status")).to_have_text("ضمانت ثبت شد.")
        expect(bank.locator('#bundles li[data-met="yes"] .bundle-name')).to_have_text("دو ضامن")
        expect(bank.locator("#guarantee-list tbody tr")).to_have_count(2)
        helpers.screenshot(bank, "employment-guarantees-desktop")
        bank.get_by_role("button", name="تأیید وام").click()
        expect(bank.locator("#app-state")).to_have_text("تأییدشده، در انتظار پرداخت")
        # maker-checker: the approver is shown, and is not offered the payment
        expect(bank.locator("#disburse .approver")).to_contain_text("bank.officer")
        expect(bank.locator("#disburse .cannot-disburse")).to_be_visible()
        expect(bank.get_by_role("button", name=re.compile("^پرداخت"))).to_have_count(0)

        # 3. the bank's payer disburses and sees the SAMAT code
        payer = contexts[2].new_page()
        staff_login(payer, "bank.payer", "/employment?state=approved")
        row = payer.locator("#applications tr", has_text="آرش فرهادی")
        expect(row).to_have_count(1)
        row.get_by_role("link").first.click()
        expect(payer.locator("#disburse .approver")).to_contain_text("bank.officer")
        expect(payer.locator("#disburse .payers")).not_to_contain_text("bank.officer")
        payer.get_by_role("button", name=re.compile("^پرداخت")).click()
        expect(payer.get_by_role("status")).to_have_text("وام پرداخت شد.")
        expect(payer.locator("#app-state")).to_have_text("پرداخت‌شده")
        expect(payer.locator("#samat-code")).to_have_text(re.compile(r"^SAMAT-[۰-۹]{4}-[۰-۹]{7}$"))
        disbursed = payer.locator('#timeline li[data-step="disbursed"]')
        expect(disbursed.locator(".by")).to_have_text("bank.payer")
        expect(payer.locator('#timeline li[data-step="approved"] .by')).to_have_text("bank.officer")
        expect(payer.locator("#schedule tbody tr")).to_have_count(24)
        helpers.screenshot(payer, "employment-application-desktop")
    finally:
        for c in contexts:
            c.close()


def test_the_citizen_check_lists_the_bundles_and_what_is_missing(page: Any, helpers: Any) -> None:
    page.goto("/")
    page.get_by_role("link", name="سنجش وام اشتغال‌زایی").click()
    page.get_by_label(re.compile("^مبلغ وام درخواستی")).fill("۲٬۵۰۰٬۰۰۰٬۰۰۰")
    page.get_by_label("رسته شغلی مصوب دستگاه حمایتی است؟").select_option("yes")
    page.get_by_label("سفته می‌دهم").check()
    page.get_by_role("button", name="بررسی").click()
    expect(page.locator("#verdict")).to_contain_text("به شرط آوردن ضمانت‌ها")
    expect(page.locator("#one-loan")).to_contain_text("بررسی نشد")
    bundles = page.locator("#bundles li")
    expect(bundles).to_have_count(2)
    expect(bundles.nth(0).locator(".bundle-name")).to_have_text(
        "اعتبارسنجی با رتبه C یا بهتر و سفته و یک ضامن"
    )
    expect(bundles.nth(0).locator(".bundle-missing")).to_have_text(
        "اعتبارسنجی با رتبه C یا بهتر و یک ضامن"
    )
    expect(bundles.nth(1).locator(".bundle-missing")).to_have_text("دو ضامن")
    # every condition comes with its legal reference, every assumed figure with its link
    expect(page.locator("#refusals")).to_have_count(0)
    cap = page.locator('ul.reasons li[data-code="employment.cap"]')
    expect(cap).to_be_visible()
    expect(cap).not_to_contain_text("PROGRAMS.md")  # a citizen sees no file names
    # the assumed figures in one line, by their Persian names underneath
    page.locator("section.warnings summary").click()
    expect(page.locator("section.warnings")).to_contain_text("کمترین رتبه اعتباری پذیرفته")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    helpers.screenshot(page, "employment-check-desktop")
    # with two guarantors the second bundle is complete
    page.get_by_label("تعداد ضامن‌ها").fill("2")
    page.get_by_role("button", name="بررسی").click()
    expect(page.locator('#bundles li[data-met="yes"] .bundle-name')).to_have_text("دو ضامن")
    expect(page.locator("#verdict")).to_contain_text("یک بسته را کامل می‌کند")
    page.set_viewport_size(helpers.phone)
    expect(page.locator("#bundles li").first).to_be_visible()
    helpers.screenshot(page, "employment-check-phone")


def test_the_allocation_dashboard_shows_the_40_percent_gauge(page: Any, helpers: Any) -> None:
    staff_login(page, "admin", "/employment/allocations")
    card = page.locator('article.alloc[data-agency="IKRC"][data-province="تهران"]')
    expect(card.locator(".gauge-cap")).to_have_text("۴۰٪")
    gauge = card.locator("svg.meter").nth(1)
    expect(gauge.locator("line.meter-marker")).to_have_count(1)
    expect(gauge.locator("rect.seg-category")).to_have_count(1)
    expect(gauge.locator("title").first).to_contain_text("سقف ۴۰٪")
    limit = page.locator('#limit-table tr.current[data-bank="MASKAN"]')
    expect(limit.locator(".limit-exempt")).not_to_have_text("۰")
    helpers.screenshot(page, "employment-allocations-desktop")
