"""Every page in Chromium, on a 360 px phone and on a desk: nothing wider than the screen,
0 axe-core violations, and the interactions of the Persian UX conventions (focus moves to
the answer, amounts grouped as typed, charts right to left, receipts, error pages)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

PHONE_360 = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}

PUBLIC = [
    "/",
    "/youth-fund/plan",
    "/youth-fund/plan?opened=1403/01/15&city=تهران&mode=table&share=100",
    "/youth-fund/plan?opened=1404/12/30&city=&mode=table",
    "/loans/schedule",
    "/loans/schedule?principal=600,000,000&rate=18&months=144&method=stepwise",
    "/afford",
    "/afford?on=1403/06/01&married=1&children=2&mode=schedule&principal=9,600,000,000"
    "&rate=18&months=240&method=simple&wage_rise=0",
    "/construction",
    "/construction?date=1402/07/01&permit_fees=1000000000",
    "/employment/check",
    "/policy",
    "/policy?q=سقف وام",
    "/login",
    "/no-such-page",
]
STAFF = {
    "auditor": [
        "/staff",
        "/staff/accounts",
        "/staff/accounts/1",
        "/staff/accounts/1/statement",
        "/staff/customers",
        "/staff/loans",
        "/staff/loans/1",
        "/staff/reports",
        "/staff/audit",
        "/staff/business-date",
    ],
    "supervisor": ["/staff/loans/queue"],
    "admin": ["/employment", "/employment/allocations", "/employment/reports"],
    "sara": ["/my"],
}
PAGES = [(None, u) for u in PUBLIC] + [(who, u) for who, urls in STAFF.items() for u in urls]


def _login(page: Any, who: str) -> None:
    page.goto("/login")
    page.get_by_label(re.compile("نام کاربری")).fill(who)
    page.get_by_label(re.compile("گذرواژه")).fill("tashilat-demo")
    page.get_by_role("button", name=re.compile("^ورود$")).click()
    page.wait_for_url(re.compile(r"/(staff|my|employment)"))


@pytest.fixture(scope="module")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def context_for(browser: Any, live_server: str) -> Any:
    contexts: list[Any] = []

    def make(viewport: dict[str, int]) -> Any:
        ctx = browser.new_context(base_url=live_server, viewport=viewport, locale="fa-IR")
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.mark.parametrize("viewport", [PHONE_360, DESKTOP], ids=["phone", "desktop"])
def test_every_page_fits_and_has_no_axe_violations(
    context_for: Any, axe: Any, viewport: dict[str, int]
) -> None:
    page = context_for(viewport)
    who_now: str | None = None
    problems: list[str] = []
    for who, url in PAGES:
        if who != who_now:
            page.context.clear_cookies()
            if who:
                _login(page, who)
            who_now = who
        page.goto(url)
        page.evaluate("document.fonts.ready.then(() => true)")
        width = page.evaluate("document.documentElement.scrollWidth")
        if viewport is PHONE_360 and width > 360:
            problems.append(f"{who or '-'} {url}: {width} px wide")
        results = axe.run(page)
        for v in results.response["violations"]:
            targets = [n["target"] for n in v["nodes"]][:3]
            problems.append(f"{who or '-'} {url}: axe {v['id']} {targets}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("viewport", [PHONE_360, DESKTOP], ids=["phone", "desktop"])
def test_the_answer_is_focused_and_announced(context_for: Any, viewport: dict[str, int]) -> None:
    page = context_for(viewport)
    page.goto("/youth-fund/plan")
    page.get_by_label(re.compile("تاریخ افتتاح حساب")).fill("۱۴۰۳/۰۱/۱۵")
    page.get_by_label(re.compile("^شهر")).fill("تهران")
    page.get_by_role("button", name="محاسبه").click()
    answer = page.locator("#answer")
    expect(answer).to_be_focused()
    expect(answer).to_be_in_viewport()
    expect(page.locator("#announce")).to_have_text("نتیجه")
    # a refusal: the error summary, with every mistake and why the date is wrong
    page.goto("/afford")
    page.get_by_label(re.compile(r"^تاریخ \(شمسی\)")).fill("1404/12/30")
    page.get_by_label("تعداد فرزندان").fill("x")
    page.get_by_label("قسط ماهانه (ریال)").fill("-5")
    page.get_by_role("button", name="محاسبه").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary.locator("li")).to_have_count(3)
    expect(page.locator("#f-on-error")).to_contain_text("اسفند ۱۴۰۴ ۲۹ روز دارد")
    expect(page.locator("#announce")).to_have_text("این موارد را بررسی کنید")


@pytest.mark.parametrize("viewport", [PHONE_360, DESKTOP], ids=["phone", "desktop"])
def test_amounts_are_grouped_as_typed_and_said_in_words(
    context_for: Any, viewport: dict[str, int]
) -> None:
    page = context_for(viewport)
    page.goto("/loans/schedule")
    field = page.get_by_label("مبلغ وام (ریال)")
    field.press_sequentially("2500000000", delay=10)
    expect(field).to_have_value("۲٬۵۰۰٬۰۰۰٬۰۰۰")
    expect(page.locator("#f-principal-words")).to_have_text("دو میلیارد و پانصد میلیون ریال")
    # the Latin-digit mode groups with commas
    page.locator("#switch-digits").click()
    field = page.get_by_label("مبلغ وام (ریال)")
    field.fill("")
    field.press_sequentially("600000000", delay=10)
    expect(field).to_have_value("600,000,000")


@pytest.mark.parametrize("viewport", [PHONE_360, DESKTOP], ids=["phone", "desktop"])
def test_citizen_answers_in_plain_persian(context_for: Any, viewport: dict[str, int]) -> None:
    page = context_for(viewport)
    page.goto("/youth-fund/plan?opened=1403/01/15&city=تهران&mode=table&share=100")
    text = page.locator("#answer").inner_text()
    for technical in ("youth_fund.", "PROGRAMS.md", "seed/"):
        assert technical not in text
    summary = page.locator("section.warnings summary")
    expect(summary).to_contain_text("۱۳ رقم این پاسخ برآوردی است")
    details = page.locator("section.warnings li").first
    expect(details).to_be_hidden()
    summary.click()
    expect(details).to_be_visible()
    # dates with month names, toman beside rial
    expect(page.locator("#answer")).to_contain_text("۱۴ فروردین ۱۴۰۶")
    expect(page.locator("#answer")).to_contain_text("۱٫۶ میلیارد تومان")


@pytest.mark.parametrize("viewport", [PHONE_360, DESKTOP], ids=["phone", "desktop"])
def test_charts_read_right_to_left(context_for: Any, viewport: dict[str, int]) -> None:
    page = context_for(viewport)
    page.goto("/youth-fund/plan?opened=1403/01/15&city=تهران&mode=table&share=100")
    rects = page.locator("#plan-chart #series-entitlement rect")
    expect(rects).to_have_count(8)
    first = rects.first.bounding_box()
    last = rects.last.bounding_box()
    assert first and last and first["x"] > last["x"]


@pytest.mark.parametrize("viewport", [PHONE_360, DESKTOP], ids=["phone", "desktop"])
def test_the_employment_reports_chart_labels_do_not_overlap(
    context_for: Any, viewport: dict[str, int]
) -> None:
    page = context_for(viewport)
    _login(page, "admin")
    page.goto("/employment/reports")
    boxes = page.locator("#pipeline-chart text.x-label").evaluate_all(
        "els => els.map(e => { const b = e.getBoundingClientRect();"
        " return [b.left, b.right, b.top, b.bottom]; })"
    )
    assert len(boxes) >= 8
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2], (a, b)


@pytest.mark.parametrize("viewport", [PHONE_360, DESKTOP], ids=["phone", "desktop"])
def test_a_deposit_shows_a_printable_receipt(context_for: Any, viewport: dict[str, int]) -> None:
    page = context_for(viewport)
    _login(page, "officer")
    page.goto("/staff/accounts/2")
    page.locator("#deposit-amount").fill("۱٬۰۰۰٬۰۰۰")
    page.get_by_role("button", name="ثبت واریز").click()
    receipt = page.locator("section.receipt")
    expect(receipt).to_be_visible()
    expect(page.locator("#receipt-amount")).to_have_text("۱٬۰۰۰٬۰۰۰")
    expect(page.locator("#receipt-tracking")).to_have_text(re.compile(r"^web-[0-9a-f]{32}$"))
    expect(page.locator("#receipt-time")).to_contain_text("ساعت")
    page.emulate_media(media="print")
    expect(page.locator("header.site")).to_be_hidden()
    expect(page.locator("#deposit-amount")).to_be_hidden()
    expect(receipt).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE_360, DESKTOP], ids=["phone", "desktop"])
def test_a_mistyped_address_is_a_persian_page(context_for: Any, viewport: dict[str, int]) -> None:
    page = context_for(viewport)
    response = page.goto("/youth-fund/plann")
    assert response is not None and response.status == 404
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("پیدا نشد")


@pytest.mark.parametrize("viewport", [PHONE_360, DESKTOP], ids=["phone", "desktop"])
def test_affordability_without_a_loan_amount(context_for: Any, viewport: dict[str, int]) -> None:
    page = context_for(viewport)
    page.goto("/afford")
    expect(page.get_by_label("مبلغ وام (ریال)")).to_have_value("")
    page.get_by_label(re.compile(r"^تاریخ \(شمسی\)")).fill("1403/06/01")
    page.get_by_role("button", name="محاسبه").click()
    expect(page.locator("#burden")).to_have_text("۱۷۵٫۴۵٪")
    expect(page.locator("#answer")).not_to_contain_text("مبلغ وام")


@pytest.mark.parametrize("viewport", [PHONE_360, DESKTOP], ids=["phone", "desktop"])
def test_static_files_are_compressed_and_fingerprinted(
    context_for: Any, viewport: dict[str, int]
) -> None:
    page = context_for(viewport)
    seen: dict[str, dict[str, str]] = {}
    page.on("response", lambda r: seen.__setitem__(r.url, r.headers))
    page.goto("/")
    css = next(u for u in seen if re.search(r"/static/css/app\.[0-9a-f]{10}\.css$", u))
    assert seen[css]["cache-control"] == "public, max-age=31536000, immutable"
    assert seen[css].get("content-encoding") == "gzip"
    page_url = next(u for u in seen if u.endswith("/"))
    assert seen[page_url].get("content-encoding") == "gzip"


@pytest.mark.parametrize("viewport", [PHONE_360, DESKTOP], ids=["phone", "desktop"])
def test_the_policy_browser_finds_persian_words(context_for: Any, viewport: dict[str, int]) -> None:
    page = context_for(viewport)
    page.goto("/policy")
    page.get_by_label("جست‌وجو").fill("ضامن")
    page.get_by_role("button", name="نمایش").click()
    expect(page.locator('article[id="p-employment.guarantees"]')).to_be_visible()
    expect(page.locator('article[id="p-youth_fund.caps"]')).to_have_count(0)


@pytest.mark.parametrize("viewport", [PHONE_360, DESKTOP], ids=["phone", "desktop"])
def test_the_audit_log_in_tehran_time_with_filters(
    context_for: Any, viewport: dict[str, int]
) -> None:
    page = context_for(viewport)
    _login(page, "auditor")
    page.goto("/staff/audit")
    page.get_by_label("کار", exact=True).select_option(label="واریز")
    page.get_by_role("button", name="نمایش").click()
    rows = page.locator("#audit tbody tr")
    expect(rows.first).to_contain_text("واریز")
    expect(rows.first.locator("td.when")).to_contain_text("ساعت")
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.action)")) == {"accounts.deposit"}
