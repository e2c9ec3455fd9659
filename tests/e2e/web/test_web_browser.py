"""The web UI in a real browser: Debian's Chromium, headless, driven by Playwright against a
live server on the demo data. The tests also save the screenshots in docs/screenshots.

The tests share one server (and database): each one makes its own records or reads the
demo's, so their order does not matter.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

PERSIAN_16_BILLION = "۱۶٬۰۰۰٬۰۰۰٬۰۰۰"


def national_id(seed: int) -> str:
    """A valid national ID (the check digit computed) that the demo does not use."""
    body = f"{seed:09d}"
    r = sum(int(body[i]) * (10 - i) for i in range(9)) % 11
    return body + str(r if r < 2 else 11 - r)


def plan_1403_tehran(page: Any) -> None:
    page.goto("/youth-fund/plan")
    page.get_by_label(re.compile("تاریخ افتتاح حساب")).fill("۱۴۰۳/۰۱/۱۵")
    city = page.get_by_label(re.compile("^شهر"))
    city.press_sequentially("تهر", delay=30)
    # htmx fills the datalist with suggestions from the server
    expect(page.locator('#city-options option[value="تهران (تهران)"]')).to_have_count(1)
    city.fill("تهران (تهران)")
    page.get_by_label(re.compile("پیروی از جدول واریز")).check()
    page.get_by_role("button", name="محاسبه").click()


def test_planner_1403_tehran_following_the_table(page: Any, helpers: Any) -> None:
    plan_1403_tehran(page)
    year3 = page.locator('#plan-table tr[data-year="3"] td.entitlement')
    expect(year3).to_have_text(PERSIAN_16_BILLION)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#plan-chart #series-entitlement rect")).to_have_count(8)
    # the estimates in one line; their details (with their status) folded underneath
    expect(page.locator("section.warnings summary")).to_contain_text("برآوردی است")
    page.locator("section.warnings summary").click()
    expect(page.locator("section.warnings .badge-illustrative").first).to_be_visible()
    # the font is the shipped Vazirmatn
    assert page.evaluate("document.fonts.check('16px Vazirmatn')")
    helpers.screenshot(page, "planner-desktop")
    page.set_viewport_size(helpers.phone)
    expect(year3).to_have_text(PERSIAN_16_BILLION)
    helpers.screenshot(page, "planner-phone")


def test_a_malformed_date_shows_an_inline_error(page: Any) -> None:
    page.goto("/youth-fund/plan")
    field = page.get_by_label(re.compile("تاریخ افتتاح حساب"))
    field.fill("1403/13/45")
    page.get_by_label(re.compile("^شهر")).fill("تهران")
    page.get_by_role("button", name="محاسبه").click()
    error = page.locator("#f-opened-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("معتبر نیست")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-city-error")).to_have_count(0)
    # the summary link moves the focus to the field
    page.locator('.error-summary a[href="#f-opened"]').click()
    expect(field).to_be_focused()


def test_the_language_and_digit_switches(page: Any, helpers: Any) -> None:
    plan_1403_tehran(page)
    page.locator("#switch-lang").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Youth Housing Savings Fund planner")
    # the answer is recomputed in English, with Latin digits
    expect(page.locator('#plan-table tr[data-year="3"] td.entitlement')).to_have_text(
        "16,000,000,000"
    )
    helpers.screenshot(page, "planner-english-desktop")
    page.locator("#switch-digits").click()
    expect(page.locator('#plan-table tr[data-year="3"] td.entitlement')).to_have_text(
        PERSIAN_16_BILLION
    )
    page.locator("#switch-lang").click()
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    expect(page.get_by_role("heading", level=1)).to_have_text("برنامه‌ریز صندوق پس‌انداز مسکن جوانان")


def test_loan_schedule_with_a_chart(page: Any, helpers: Any) -> None:
    page.goto("/loans/schedule")
    page.get_by_label(re.compile("مبلغ وام")).fill("600,000,000")
    page.get_by_label(re.compile("نرخ سالانه")).fill("۱۷٫۵")
    page.get_by_label(re.compile("مدت بازپرداخت")).fill("144")
    page.get_by_role("button", name="محاسبه").click()
    expect(page.locator("#first-instalment")).to_have_text("۹٬۹۹۲٬۳۲۲")
    expect(page.locator("#schedule-chart #series-principal rect")).to_have_count(12)
    helpers.screenshot(page, "schedule-desktop")


def test_affordability(page: Any, helpers: Any) -> None:
    page.goto("/afford")
    page.get_by_label(re.compile(r"^تاریخ \(شمسی\)")).fill("1403/06/01")
    page.get_by_role("button", name="محاسبه").click()
    expect(page.locator("#burden")).to_have_text("۱۷۵٫۴۵٪")
    expect(page.locator("#burden-chart")).to_be_visible()
    helpers.screenshot(page, "affordability-desktop")


def test_construction_contribution(page: Any, helpers: Any) -> None:
    page.goto("/construction")
    page.get_by_role("button", name="محاسبه").click()
    expect(page.locator("#owner-share")).to_have_text("۲۵۰٬۰۰۰٬۰۰۰")
    helpers.screenshot(page, "construction-desktop")


def test_policy_browser_shows_the_corrected_cap(page: Any, helpers: Any) -> None:
    page.goto("/policy")
    cell = page.locator('article[id="p-youth_fund.caps"] td[data-cell="10.tier_2"]')
    expect(cell).to_contain_text("۳۱٬۵۰۰٬۰۰۰٬۰۰۰")
    badge = cell.locator('.badge[data-status="corrected"]')
    expect(badge).to_have_text("اصلاح‌شده")
    expect(page.locator("#no-findings")).to_be_visible()
    page.get_by_label("وضعیت").select_option("corrected")
    page.get_by_role("button", name="نمایش").click()
    expect(page.locator("article.param")).to_have_count(1)
    helpers.screenshot(page, "policy-browser-desktop")


def test_an_officer_opens_an_account_and_deposits(page: Any, helpers: Any) -> None:
    helpers.browser_login(page, "officer")
    expect(page.locator("#business-date")).to_be_visible()
    page.get_by_role("link", name="مشتریان").first.click()
    page.locator("#f-national_id").fill(national_id(123456780))
    page.get_by_label("نام و نام خانوادگی").fill("نرگس تهرانی")
    page.get_by_label(re.compile("تاریخ تولد")).fill("۱۳۸۰/۰۵/۰۵")
    page.get_by_role("button", name="ثبت مشتری").click()
    expect(page.get_by_role("status")).to_have_text("مشتری ثبت شد.")
    page.get_by_label(re.compile("^شهر")).fill("تهران")
    page.get_by_label(re.compile("واریز افتتاح")).fill("10,000,000")
    page.get_by_role("button", name="افتتاح حساب").click()
    expect(page.get_by_role("status")).to_have_text("حساب افتتاح شد.")
    expect(page.locator("#balance")).to_have_text("۱۰٬۰۰۰٬۰۰۰")
    page.locator("#deposit-amount").fill("۲۰٬۰۰۰٬۰۰۰")
    page.get_by_role("button", name="ثبت واریز").click()
    expect(page.get_by_role("status")).to_have_text("واریز ثبت شد.")
    expect(page.locator("#balance")).to_have_text("۳۰٬۰۰۰٬۰۰۰")
    # a withdrawal below the floor is refused with its reason, next to the form
    page.locator("#withdraw-amount").fill("25,000,000")
    page.get_by_role("button", name="ثبت برداشت").click()
    expect(page.locator('ul.reasons li.failed[data-code="withdrawal.floor"]')).to_be_visible()
    expect(page.locator("#balance")).to_have_text("۳۰٬۰۰۰٬۰۰۰")
    page.get_by_role("link", name="صورت‌حساب", exact=True).click()
    rows = page.locator("#statement tbody tr")
    expect(rows).to_have_count(3)  # the opening balance row, the opening deposit, the deposit
    expect(rows.last).to_contain_text("۳۰٬۰۰۰٬۰۰۰")
    helpers.screenshot(page, "statement-desktop")
    page.get_by_role("link", name="حساب‌ها", exact=True).first.click()
    expect(page.locator("#accounts")).to_contain_text("نرگس تهرانی")
    helpers.screenshot(page, "staff-accounts-desktop")


def test_a_supervisor_approves_what_the_officer_requested(
    browser: Any, live_server: str, helpers: Any
) -> None:
    officer = browser.new_context(base_url=live_server, viewport=helpers.desktop)
    supervisor = browser.new_context(base_url=live_server, viewport=helpers.desktop)
    try:
        o = officer.new_page()
        helpers.browser_login(o, "officer")
        o.goto("/staff/loans/queue")
        item = o.locator("article.queue-item").filter(has=o.locator(".maker", has_text="officer"))
        expect(item.first).to_be_visible()
        loan_id = item.first.get_attribute("id").removeprefix("loan-")
        # maker-checker is visible: who requested, who may approve; no button for the officer
        expect(item.first.locator(".approvers")).to_contain_text("supervisor")
        expect(item.first.locator(".cannot-approve")).to_be_visible()
        expect(item.first.get_by_role("button", name="تأیید")).to_have_count(0)
        # and posting the approval anyway is refused
        token = o.locator('input[name="csrf"]').first.get_attribute("value")
        r = o.request.post(
            f"/staff/loans/{loan_id}/decide", form={"csrf": token, "decision": "approve"}
        )
        assert r.status == 403
        assert "اجازه این کار" in r.text()

        s = supervisor.new_page()
        helpers.browser_login(s, "supervisor")
        s.goto("/staff/loans/queue")
        mine = s.locator(f"#loan-{loan_id}")
        expect(mine.get_by_role("button", name="تأیید")).to_be_visible()
        helpers.screenshot(s, "approval-queue-desktop")
        mine.get_by_role("button", name="تأیید").click()
        expect(s.get_by_role("status")).to_have_text("وام تأیید شد.")
        expect(s.locator(f"#loan-{loan_id}")).to_have_count(0)
        s.goto(f"/staff/loans/{loan_id}")
        expect(s.locator("#loan-status")).to_have_text("تأییدشده")
        expect(s.locator("dl.facts")).to_contain_text("supervisor")
    finally:
        officer.close()
        supervisor.close()
