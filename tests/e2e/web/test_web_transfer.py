"""The citizens' privilege-transfer page: who may receive it, what moves with it, when, and
the check that asks the same domain rule as the staff transfer — as HTML and in Chromium on
a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

SIX = ["همسر", "پدر یا مادر", "فرزند", "خواهر یا برادر", "پدربزرگ یا مادربزرگ", "نوه"]


def test_the_page_names_the_six_relatives_and_what_moves(client: TestClient) -> None:
    r = client.get("/youth-fund/transfer")
    assert r.status_code == 200
    items = re.findall(r'<li data-relation="[a-z]+">([^<]+)</li>', r.text)
    assert items == SIX
    assert "پول حساب منتقل نمی‌شود" in r.text
    assert "تا وقتی حساب باز است و هنوز با آن وامی گرفته نشده است" in r.text
    # plain Persian: no parameter ids on a citizen page
    assert "privilege_transfer_relatives" not in r.text
    assert 'href="/youth-fund/transfer"' in r.text  # in the menu


@pytest.mark.parametrize(
    ("relation", "used", "outcome", "words"),
    [
        ("spouse", "", "accepted", "بله، می‌توانید امتیاز حساب را به همسر خود منتقل کنید."),
        ("grandchild", "", "accepted", "بله، می‌توانید امتیاز حساب را به نوه خود منتقل کنید."),
        ("other", "", "refused", "خیر، امتیاز تنها به بستگان نزدیکی"),
        ("child", "1", "refused", "امتیازی برای انتقال باقی نمانده است"),
    ],
)
def test_the_check(client: TestClient, relation: str, used: str, outcome: str, words: str) -> None:
    r = client.get("/youth-fund/transfer", params={"relation": relation, "used": used})
    assert r.status_code == 200
    assert f'data-outcome="{outcome}"' in r.text
    assert words in r.text


def test_an_unknown_relation_is_a_field_error_in_persian(client: TestClient) -> None:
    r = client.get("/youth-fund/transfer", params={"relation": "<b>friend</b>"})
    assert r.status_code == 422
    assert "نسبت خویشاوندی را از فهرست انتخاب کنید." in r.text
    assert "<b>friend</b>" not in r.text
    assert "data-outcome" not in r.text


def test_in_a_phone_browser(browser: Any, live_server: str, helpers: Any) -> None:
    from playwright.sync_api import expect

    ctx = browser.new_context(base_url=live_server, viewport=helpers.phone, locale="fa-IR")
    ctx.set_default_timeout(15_000)
    try:
        page = ctx.new_page()
        page.goto("/youth-fund/transfer")
        expect(page.locator("li[data-relation]")).to_have_count(6)
        page.get_by_label("می‌خواهم امتیاز را منتقل کنم به").select_option("sibling")
        page.get_by_role("button", name="بررسی").click()
        verdict = page.locator("#transfer-verdict")
        expect(verdict).to_have_attribute("data-outcome", "accepted")
        expect(verdict).to_contain_text("خواهر یا برادر")
        assert page.evaluate("document.documentElement.scrollWidth") <= helpers.phone["width"]
        page.get_by_label("می‌خواهم امتیاز را منتقل کنم به").select_option("other")
        page.get_by_role("button", name="بررسی").click()
        expect(page.locator("#transfer-verdict")).to_have_attribute("data-outcome", "refused")
        expect(page.locator("#answer .reasons li.failed")).to_have_count(1)
    finally:
        ctx.close()
