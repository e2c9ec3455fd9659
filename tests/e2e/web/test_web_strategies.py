"""The planner's strategies side by side: one table and one chart of up to three deposit
strategies, as HTML and in Chromium on a phone (nothing wider than the screen, no axe-core
violations)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

URL = "/youth-fund/strategies"
THREE = {
    "opened": "۱۴۰۳/۰۱/۱۵",
    "city": "تهران (تهران)",
    "method": "simple",
    "income": "۴۸۰٬۰۰۰٬۰۰۰",
    "s1": "table",
    "s1_share": "100",
    "s2": "monthly",
    "s2_monthly": "20,000,000",
    "s3": "lump_sum",
    "s3_lump_sum": "2,000,000,000",
    "s3_monthly": "10,000,000",
}


def cells(html: str, row: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>|\s+", " ", c).strip()
        for c in re.findall(rf'<td[^>]*data-row="{row}"[^>]*>(.*?)</td>', html, re.S)
    ]


def test_three_strategies_in_one_table_and_one_chart(client: TestClient) -> None:
    r = client.get(URL, params=THREE)
    assert r.status_code == 200
    html = r.text
    assert cells(html, "loan") == ["۱۶٬۰۰۰٬۰۰۰٬۰۰۰", "۱۵٬۳۰۵٬۰۰۰٬۰۰۰", "۱۶٬۰۰۰٬۰۰۰٬۰۰۰"]
    assert cells(html, "instalment") == ["۱۴۳٬۹۵۶٬۱۵۳", "۱۳۷٬۷۰۳٬۰۵۸", "۱۴۳٬۹۵۶٬۱۵۳"]
    assert cells(html, "deposited") == ["۷۷۷٬۶۰۰٬۰۰۰", "۷۲۰٬۰۰۰٬۰۰۰", "۲٬۳۶۰٬۰۰۰٬۰۰۰"]
    assert cells(html, "eligible")[0] == "پایان سال ۳ از ۱۵ فروردین ۱۴۰۶"
    assert cells(html, "burden")[0] == "۲۹٫۹۹٪"
    assert cells(html, "full") == ["سال ۳", "هرگز", "سال ۳"]
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 1
    for key in ("s1", "s2", "s3", "cap"):
        assert f'id="series-{key}"' in html
    assert "youth_fund." not in html.split('id="answer"')[1]  # no parameter ids for citizens


def test_a_strategy_switched_off_keeps_the_others_numbers(client: TestClient) -> None:
    r = client.get(URL, params={**THREE, "s2": ""})
    assert r.status_code == 200
    assert re.findall(r'<th scope="col" class="num" data-strategy="(\d)"', r.text) == ["1", "3"]
    assert 'id="series-s3"' in r.text and 'id="series-s2"' not in r.text


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"s1": "", "s2": "", "s3": ""}, "s1", "یک تا ۳ راهبرد را مقایسه کنید."),
        ({"s2_monthly": "۱٬۰۰۰"}, "s2_monthly", "راهبرد ۲: واریز روز افتتاح"),
        ({"s3_lump_sum": "abc"}, "s3_lump_sum", "عدد صحیح ریالی نیست"),
        ({"city": ""}, "city", "این بخش را پر کنید."),
    ],
)
def test_bad_input_is_shown_under_its_field(
    client: TestClient, params: dict[str, str], field: str, words: str
) -> None:
    r = client.get(URL, params={**THREE, **params})
    assert r.status_code == 422
    m = re.search(rf'<p class="error" id="f-{field}-error">([^<]*)</p>', r.text)
    assert m and words in m.group(1), r.text[:200]
    assert 'id="strategies-table"' not in r.text


def test_the_planner_links_to_the_comparison(client: TestClient) -> None:
    assert 'href="/youth-fund/strategies"' in client.get("/youth-fund/plan").text


def test_on_a_phone(browser: Any, live_server: str, helpers: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    phone = {"width": 360, "height": 780}
    ctx = browser.new_context(base_url=live_server, viewport=phone, locale="fa-IR")
    ctx.set_default_timeout(15_000)
    try:
        page = ctx.new_page()
        page.goto(URL)
        page.get_by_label(re.compile("تاریخ افتتاح حساب")).fill("۱۴۰۳/۰۱/۱۵")
        page.get_by_label(re.compile("^شهر")).fill("تهران (تهران)")
        page.locator("#f-s2_monthly").fill("20000000")
        page.locator("#f-s3_lump_sum").fill("2000000000")
        page.locator("#f-s3_monthly").fill("10000000")
        page.get_by_role("button", name="مقایسه").click()
        expect(page.locator("#strategies-table")).to_be_visible()
        expect(page.locator('td[data-row="instalment"]')).to_have_text(
            ["۱۴۳٬۹۵۶٬۱۵۳", "۱۳۷٬۷۰۳٬۰۵۸", "۱۴۳٬۹۵۶٬۱۵۳"]
        )
        expect(page.locator("#strategies-chart")).to_be_visible()
        # the answer is announced and focused, as on the other calculators
        expect(page.locator("#answer")).to_be_in_viewport()
        page.evaluate("document.fonts.ready.then(() => true)")
        assert page.evaluate("document.documentElement.scrollWidth") <= phone["width"]
        violations = Axe().run(page).response["violations"]
        assert violations == [], [
            (v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations
        ]
    finally:
        ctx.close()


@pytest.mark.parametrize(
    "url",
    [
        URL + "?opened=1403/01/15&city=تهران&s1=table&s2=monthly&s2_monthly=20000000"
        "&s3=lump_sum&s3_lump_sum=2000000000&income=480000000",
        "/youth-fund/plan/print?opened=1403/01/15&city=تهران&mode=table&share=100&income=480000000",
        "/youth-fund/transfer?relation=spouse",
    ],
)
def test_the_latin_digit_mode_shows_no_persian_digits(client: TestClient, url: str) -> None:
    client.cookies.set("tashilat_digits", "latin")
    r = client.get(url)
    assert r.status_code == 200
    text = re.sub(r"<[^>]+>", " ", r.text.split("<main")[1].split("</main>")[0])
    assert not re.findall(r"\S*[۰-۹]\S*", text)
    assert re.search(r"\d", text)
