"""An employment-loan repayment recorded on the application's page leads to a printable
receipt: the amount, how it was applied (late charge, fee, principal), the principal left,
the tracking number, the business date and the time in Tehran, and the application number.

The demo application 1 (2,500,000,000 rial at a 4% fee, six fee-only months first, its
first instalment already paid; business date 15 Mordad 1406) is repaid through the form as
a bank officer would."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

URL = "/employment/applications/1"
PHONE_360 = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


def repay(client: TestClient, helpers: Any, amount: str, request_id: str) -> Any:
    page = client.get(URL)
    assert "نرگس طاهری" in page.text and 'data-state="repaying"' in page.text
    return client.post(
        f"{URL}/repay",
        data={
            "csrf": helpers.hidden(page.text, "csrf"),
            "amount": amount,
            "request_id": request_id,
        },
        follow_redirects=False,
    )


def receipt_of(html: str) -> str:
    return html.split('<section class="receipt"')[1].split("</section>")[0]


def text_of(receipt: str, id_: str) -> str:
    m = re.search(rf'id="{id_}">([^<]*)<', receipt)
    assert m, id_
    return m.group(1)


def facts(receipt: str) -> dict[str, str]:
    return {
        dt.strip(): re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", dd)).strip()
        for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", receipt, re.S)
    }


class TestEmploymentRepaymentReceipt:
    def test_a_repayment_shows_every_field_of_its_receipt(
        self, client: TestClient, helpers: Any
    ) -> None:
        helpers.login(client, "bank.officer")
        r = repay(client, helpers, "۱۰۰٬۰۰۰٬۰۰۰", "emp-receipt-1")
        assert r.status_code == 303, r.text[:500]
        assert r.headers["location"] == (
            f"{URL}?ok=repaid&receipt=emp-repay%3A1%3Aweb-emp-receipt-1#receipt"
        )
        page = client.get(r.headers["location"]).text
        receipt = receipt_of(page)
        assert "بازپرداخت وام اشتغال‌زایی" in receipt
        # five fee-only months (8,333,333 each), then month 7 (fee 8,333,333, principal
        # 37,707,972) and month 8 (fee 8,207,640, the rest 4,084,390 to its principal)
        assert text_of(receipt, "receipt-amount") == "۱۰۰٬۰۰۰٬۰۰۰"
        assert text_of(receipt, "receipt-penalty") == "۰"
        assert text_of(receipt, "receipt-fee") == "۵۸٬۲۰۷٬۶۳۸"
        assert text_of(receipt, "receipt-principal") == "۴۱٬۷۹۲٬۳۶۲"
        assert text_of(receipt, "receipt-balance") == "۲٬۴۵۸٬۲۰۷٬۶۳۸"
        assert text_of(receipt, "receipt-tracking") == "emp-repay:1:web-emp-receipt-1"
        assert text_of(receipt, "receipt-application") == "۱"
        assert "صد میلیون ریال" in receipt
        got = facts(receipt)
        assert got["مانده اصل وام پس از این پرداخت"] == "۲٬۴۵۸٬۲۰۷٬۶۳۸ ریال"
        assert got["تاریخ کاری"] == "۱۵ مرداد ۱۴۰۶"
        assert re.fullmatch(
            r"[۰-۹]+ [آ-ی]+ [۰-۹]{4}، ساعت [۰-۹]{2}:[۰-۹]{2}", text_of(receipt, "receipt-time")
        )
        assert "data-print" in receipt
        # the page's own outstanding principal agrees with the receipt
        assert 'id="outstanding">۲٬۴۵۸٬۲۰۷٬۶۳۸ ریال<' in page

    def test_a_repayment_of_fees_only_has_a_receipt_too(
        self, client: TestClient, helpers: Any
    ) -> None:
        helpers.login(client, "bank.officer")
        r = repay(client, helpers, "5,000,000", "emp-receipt-2")
        assert r.status_code == 303, r.text[:500]
        receipt = receipt_of(client.get(r.headers["location"]).text)
        assert text_of(receipt, "receipt-amount") == "۵٬۰۰۰٬۰۰۰"
        assert text_of(receipt, "receipt-fee") == "۵٬۰۰۰٬۰۰۰"
        assert text_of(receipt, "receipt-principal") == "۰"
        assert text_of(receipt, "receipt-balance") == "۲٬۵۰۰٬۰۰۰٬۰۰۰"

    def test_a_repeated_form_shows_the_first_receipt(
        self, client: TestClient, helpers: Any
    ) -> None:
        helpers.login(client, "bank.officer")
        assert repay(client, helpers, "5,000,000", "emp-receipt-3").status_code == 303
        again = repay(client, helpers, "5,000,000", "emp-receipt-3")
        assert again.headers["location"].startswith(f"{URL}?ok=replayed&receipt=")
        receipt = receipt_of(client.get(again.headers["location"]).text)
        assert text_of(receipt, "receipt-amount") == "۵٬۰۰۰٬۰۰۰"
        assert text_of(receipt, "receipt-balance") == "۲٬۵۰۰٬۰۰۰٬۰۰۰"

    def test_no_receipt_for_an_unknown_or_another_applications_number(
        self, client: TestClient, helpers: Any
    ) -> None:
        helpers.login(client, "bank.officer")
        assert repay(client, helpers, "5,000,000", "emp-receipt-4").status_code == 303
        for url, tracking in (
            (URL, "emp-repay:1:web-nothing"),
            # the settled demo application 2 was repaid too; its page shows no receipt of 1
            ("/employment/applications/2", "emp-repay:1:web-emp-receipt-4"),
            (URL, "demo-emp-repay-2"),
        ):
            page = client.get(url, params={"receipt": tracking})
            assert page.status_code == 200
            assert 'class="receipt"' not in page.text, (url, tracking)


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
def test_the_receipt_in_a_browser_prints_alone(context_for: Any, viewport: dict[str, int]) -> None:
    """1,000,000 rial goes to the next month's fee (the live server is shared, so each run
    pays a fee only and the principal left stays the loan's whole amount)."""
    from playwright.sync_api import expect

    page = context_for(viewport)
    page.goto("/login")
    page.get_by_label(re.compile("نام کاربری")).fill("bank.officer")
    page.get_by_label(re.compile("گذرواژه")).fill("tashilat-demo")
    page.get_by_role("button", name=re.compile("^ورود$")).click()
    page.wait_for_url(re.compile(r"/employment"))
    page.goto(URL)
    page.locator("#repay-amount").fill("۱٬۰۰۰٬۰۰۰")
    page.get_by_role("button", name="ثبت بازپرداخت").click()
    receipt = page.locator("section.receipt")
    expect(receipt).to_be_visible()
    expect(receipt).to_be_in_viewport()
    expect(page.locator("#receipt-amount")).to_have_text("۱٬۰۰۰٬۰۰۰")
    expect(page.locator("#receipt-fee")).to_have_text("۱٬۰۰۰٬۰۰۰")
    expect(page.locator("#receipt-penalty")).to_have_text("۰")
    expect(page.locator("#receipt-principal")).to_have_text("۰")
    expect(page.locator("#receipt-balance")).to_have_text("۲٬۵۰۰٬۰۰۰٬۰۰۰")
    expect(page.locator("#receipt-application")).to_have_text("۱")
    expect(page.locator("#receipt-tracking")).to_have_text(
        re.compile(r"^emp-repay:1:web-[0-9a-f]{32}$")
    )
    expect(page.locator("#receipt-time")).to_contain_text("ساعت")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], width
    page.emulate_media(media="print")
    expect(page.locator("header.site")).to_be_hidden()
    expect(page.locator("#repay-amount")).to_be_hidden()
    expect(receipt).to_be_visible()
