"""The printable plan a citizen takes to the branch: the inputs, the year-by-year table with
the loan and instalment, the first loan in a sentence, and every assumption the answer
stands on written out (not folded) — in the HTML, and on paper (Chromium's print media)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

URL = "/youth-fund/plan/print"
PLAN = {
    "opened": "۱۴۰۳/۰۱/۱۵",
    "city": "تهران (تهران)",
    "mode": "table",
    "share": "100",
    "income": "480,000,000",
}


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(html: str, sid: str) -> str:
    m = re.search(rf'<section[^>]*id="{sid}".*?</section>', html, re.S)
    assert m, sid
    return text(m.group(0))


def test_the_sheet_states_inputs_table_loan_and_every_assumption(client: TestClient) -> None:
    r = client.get(URL, params=PLAN)
    assert r.status_code == 200
    html = r.text
    inputs = section(html, "inputs")
    for words in (
        "۱۵ فروردین ۱۴۰۳",
        "تهران (تهران) · سطح ۱",
        "۱۰۰٪ جدول واریز سال افتتاح",
        "خرید مسکن · بازپرداخت ساده (اقساط برابر)",
        "۴۸۰٬۰۰۰٬۰۰۰ ریال",
    ):
        assert words in inputs, words
    loan = section(html, "loan")
    assert "در پایان سال ۳ (۱۴ فروردین ۱۴۰۶) تا ۱۶٬۰۰۰٬۰۰۰٬۰۰۰ ریال وام می‌گیرید" in loan
    assert "نخستین قسط ماهانه ۱۴۳٬۹۵۶٬۱۵۳ ریال" in loan
    assert "۲۹٫۹۹٪ درآمد ماهانه خانوار" in loan
    assert "سود وام ۹٪ در سال، مدت ۲۴۰ ماه" in loan
    rows = re.findall(r'<tr data-year="(\d+)">', html)
    assert rows == [str(k) for k in range(1, 11)]
    year3 = re.search(r'<tr data-year="3">.*?</tr>', html, re.S)
    assert year3 and "۱۴۳٬۹۵۶٬۱۵۳" in year3.group(0) and "۳۴٬۵۴۹٬۴۷۶٬۶۷۹" in year3.group(0)
    # every figure the answer used that nobody published is written out, in Persian
    assumptions = re.search(r'<section[^>]*id="assumptions".*?</section>', html, re.S)
    assert assumptions
    listed = set(re.findall(r'data-parameter="([^"]+)"', assumptions.group(0)))
    assert {
        "youth_fund.deposit_table",
        "youth_fund.caps",
        "youth_fund.loan.rate_percent",
        "youth_fund.loan.max_term_months",
        "wages.affordability.housing_cost_limit_percent",
    } <= listed
    said = section(html, "assumptions")
    assert "نرخ سود ۱۴۰۳ منتشر نشده" in said
    assert "<details" not in assumptions.group(0)  # nothing folded on paper
    assert not re.search(r"youth_fund\.|wages\.", said)  # no parameter ids in the words


def test_the_planner_links_its_answer_to_the_sheet(client: TestClient) -> None:
    r = client.get("/youth-fund/plan", params={**PLAN, "city": "تهران"})
    m = re.search(r'href="(/youth-fund/plan/print\?[^"]+)" id="to-print"', r.text)
    assert m
    sheet = client.get(m.group(1).replace("&amp;", "&"))
    assert sheet.status_code == 200 and 'id="print-table"' in sheet.text


def test_a_bad_date_is_a_persian_error_not_a_sheet(client: TestClient) -> None:
    r = client.get(URL, params={**PLAN, "opened": "1403/13/45"})
    assert r.status_code == 422
    assert 'id="print-table"' not in r.text
    assert "ماه" in text(r.text)


def test_on_paper(browser: Any, live_server: str, helpers: Any) -> None:
    ctx = browser.new_context(base_url=live_server, viewport=helpers.phone, locale="fa-IR")
    ctx.set_default_timeout(15_000)
    try:
        page = ctx.new_page()
        page.goto(URL + "?opened=1403/01/15&city=تهران&mode=monthly&monthly=20000000")
        assert page.locator("button[data-print]").is_visible()
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 718, "height": 1000})  # A4's printable width
        for hidden in ("header.site", "footer.site", "button[data-print]"):
            assert not page.locator(hidden).is_visible(), hidden
        for shown in ("#inputs", "#loan", "#print-table", "#assumptions"):
            assert page.locator(shown).is_visible(), shown
        # on paper the table does not scroll: its last column is inside the page
        wrap = page.locator("#years .table-wrap")
        assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), wrap.evaluate(
            "e => [e.scrollWidth, e.clientWidth]"
        )
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
    finally:
        ctx.close()


def test_the_planners_loan_choices_reach_the_sheet(client: TestClient) -> None:
    params = {**PLAN, "method": "stepwise", "kind": "construction", "children": "2"}
    del params["income"]
    r = client.get("/youth-fund/plan", params=params)
    assert r.status_code == 200
    m = re.search(r'href="(/youth-fund/plan/print\?[^"]+)" id="to-print"', r.text)
    assert m
    sheet = client.get(m.group(1).replace("&amp;", "&"))
    assert sheet.status_code == 200
    inputs = section(sheet.text, "inputs")
    assert "ساخت مسکن · بازپرداخت پلکانی (افزایش سالانه)" in inputs
    assert "کارگر متأهل با حداقل دستمزد و ۲ فرزند" in inputs
    year3 = re.search(r'<tr data-year="3">.*?</tr>', sheet.text, re.S)
    assert year3 and "۱۱۶٬۶۹۸٬۰۷۸" in year3.group(0)  # stepwise: 16 billion, first instalment
