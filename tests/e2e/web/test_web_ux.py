"""The web pages at the level of a good Iranian banking site, checked over HTTP: answers
that name what they used, all the mistakes at once, error pages for browsers, compressed
responses and static files that are cached for a year."""

from __future__ import annotations

import re
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient

HTML = {"accept": "text/html,application/xhtml+xml"}


def facts(html: str) -> dict[str, str]:
    return {
        dt.strip(): re.sub(r"<[^>]+>", "", dd).strip()
        for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html, re.S)
    }


class TestAffordability:
    def test_a_fixed_instalment_without_a_loan_amount_is_one_month(
        self, client: TestClient
    ) -> None:
        """No loan amount typed: the burden of the instalment itself, not of a loan of an
        amount the person never entered."""
        r = client.get(
            "/afford",
            params={
                "on": "1403/06/01",
                "married": "1",
                "children": "2",
                "mode": "instalment",
                "instalment": "200,000,000",
            },
        )
        assert r.status_code == 200
        assert facts(r.text)["تعداد ماه‌ها"] == "۱"
        assert "مبلغ وام" not in facts(r.text)

    def test_all_the_mistakes_at_once(self, client: TestClient) -> None:
        r = client.get(
            "/afford",
            params={"mode": "instalment", "instalment": "-5", "children": "x", "on": "1404/12/30"},
        )
        assert r.status_code == 422
        for name in ("instalment", "children", "on"):
            assert f'id="f-{name}-error"' in r.text, name
        assert "اسفند ۱۴۰۴ ۲۹ روز دارد" in r.text

    def test_the_form_shows_defaults_in_the_pages_digits(self, client: TestClient) -> None:
        r = client.get("/afford")
        assert 'value="۲۰۰٬۰۰۰٬۰۰۰"' in r.text
        assert 'value="200,000,000"' not in r.text


class TestErrorPages:
    def test_a_mistyped_address_is_a_page_for_a_browser(self, client: TestClient) -> None:
        r = client.get("/youth-fund/plann", headers=HTML)
        assert r.status_code == 404
        assert r.headers["content-type"].startswith("text/html")
        assert 'dir="rtl"' in r.text and "این صفحه پیدا نشد" in r.text

    def test_the_api_keeps_problem_json(self, client: TestClient) -> None:
        r = client.get("/api/v1/nothing-here", headers=HTML)
        assert r.status_code == 404
        assert r.headers["content-type"] == "application/problem+json"
        assert client.get("/nothing-here").headers["content-type"] == ("application/problem+json")


class TestTransport:
    def test_pages_are_compressed(self, client: TestClient) -> None:
        r = client.get("/youth-fund/plan", headers={"accept-encoding": "gzip"})
        assert r.headers["content-encoding"] == "gzip"

    def test_static_files_have_fingerprinted_names(self, client: TestClient) -> None:
        page = client.get("/").text
        css = re.search(r'href="(/static/css/app\.[0-9a-f]{10}\.css)"', page)
        js = re.search(r'src="(/static/js/app\.[0-9a-f]{10}\.js)"', page)
        assert css and js
        r = client.get(css.group(1))
        assert r.status_code == 200
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
        # the style sheet points at the fonts' fingerprinted names too
        assert re.search(r"/static/fonts/Vazirmatn-Regular\.[0-9a-f]{10}\.woff2", r.text)
        font = re.search(r"(/static/fonts/Vazirmatn-Bold\.[0-9a-f]{10}\.woff2)", r.text)
        assert font
        assert client.get(font.group(1)).headers["cache-control"].endswith("immutable")
        # a stale hash is not served as if it were current
        assert client.get("/static/css/app.0000000000.css").status_code == 404
        # the plain name still works, revalidated
        assert client.get("/static/css/app.css").headers["cache-control"] == "no-cache"


class TestAmountsAndDates:
    def test_amounts_in_words_and_toman_and_dates_with_month_names(
        self, client: TestClient
    ) -> None:
        r = client.get(
            "/youth-fund/plan",
            params={"opened": "1403/01/15", "city": "تهران", "mode": "table", "share": "100"},
        )
        assert r.status_code == 200
        first = facts(r.text)["نخستین امتیاز"]
        assert first.startswith("۱۶٬۰۰۰٬۰۰۰٬۰۰۰ ریال در پایان سال ۳ (۱۴ فروردین ۱۴۰۶)")
        assert "(۱٫۶ میلیارد تومان)" in first
        assert "شانزده میلیارد ریال" in first

    def test_words_under_an_amount_field(self, client: TestClient) -> None:
        r = client.get("/loans/schedule", params={"principal": "600,000,000", "rate": "18"})
        assert '<p class="words" id="f-principal-words">ششصد میلیون ریال</p>' in r.text
        # htmx asks for the words as the person types
        words = client.get("/amount-words", params={"principal": "۲٬۵۰۰٬۰۰۰٬۰۰۰"})
        assert words.text == "دو میلیارد و پانصد میلیون ریال"
        assert client.get("/amount-words", params={"principal": "abc"}).text == ""


class TestAuditLog:
    def test_tehran_time_persian_actions_and_filters(
        self, client: TestClient, helpers: Any
    ) -> None:
        assert helpers.login(client, "auditor").status_code == 303
        r = client.get("/staff/audit", params={"action": "accounts.deposit"})
        assert r.status_code == 200
        actions = set(re.findall(r'data-action="([^"]+)"', r.text))
        assert actions == {"accounts.deposit"}
        assert '<td data-label="کار">واریز</td>' in r.text
        assert "auth.login" not in r.text.split('id="audit"')[1]
        # times in Tehran, with the month's name and the 24-hour clock
        stamp = r'class="when"[^>]*>[۰-۹]+ [آ-ی]+ [۰-۹]{4}، ساعت [۰-۹]{2}:[۰-۹]{2}<'
        assert re.search(stamp, r.text)
        # a day range far in the past finds nothing; a backwards range is explained
        past = client.get("/staff/audit", params={"from": "1390/01/01", "to": "1390/12/29"})
        assert "<caption>۰ رویداد" in past.text
        bad = client.get("/staff/audit", params={"from": "1405/02/01", "to": "1405/01/01"})
        assert bad.status_code == 422
        assert "تاریخ پایان پیش از تاریخ آغاز است" in bad.text
        # paging keeps the filters
        many = client.get("/staff/audit", params={"user": "officer.isfahan"})
        assert "user=officer.isfahan" in many.text.split('class="pager"')[1]


class TestPlainPersian:
    PLAN: ClassVar[dict[str, str]] = {
        "opened": "1403/01/15",
        "city": "تهران",
        "mode": "table",
        "share": "100",
    }

    def test_a_citizen_reads_no_parameter_ids_or_file_names(self, client: TestClient) -> None:
        r = client.get("/youth-fund/plan", params=self.PLAN)
        answer = r.text.split('id="answer"')[1].split("</section>\n")[0]
        visible = re.sub(r"<[^>]+>", " ", answer)
        technical_words = ("youth_fund.", "PROGRAMS.md", "rules.md", "seed/", ".txt")
        for technical in (*technical_words, "monthly_structure"):
            assert technical not in visible, technical
        # one line says how many figures are estimates; the details are folded
        summary = re.search(r'<summary><span id="warnings-title">(.*?)</span>', answer, re.S)
        # 8 of the plan, 3 of the loan each year buys (its 1403 rate and term, the rounding)
        # and 2 of the savings profit (its rate, whether it counts in the averages)
        assert summary and summary.group(1).strip() == "۱۳ رقم این پاسخ برآوردی است"
        assert "<details>" in answer
        assert "ساختار ماهانه حساب" in answer  # the figure by its Persian name

    def test_the_reasons_keep_only_persian_references(self, client: TestClient) -> None:
        r = client.get(
            "/afford",
            params={"on": "1403/06/01", "mode": "instalment", "instalment": "200,000,000"},
        )
        answer = r.text.split('id="answer"')[1]
        assert "PROGRAMS.md" not in answer and "rules.md" not in answer
        assert "wages.minimum_monthly_wage" not in answer

    def test_staff_keep_the_technical_view(self, client: TestClient, helpers: Any) -> None:
        helpers.login(client, "officer")
        r = client.get("/youth-fund/plan", params=self.PLAN)
        assert "youth_fund.deposit_table" in r.text


class TestPolicySearch:
    def test_persian_words_find_parameters(self, client: TestClient) -> None:
        def found(q: str) -> set[str]:
            page = client.get("/policy", params={"q": q}).text
            return set(re.findall(r'<article class="param" id="p-([^"]+)"', page))

        assert "youth_fund.caps" in found("سقف وام")
        assert "employment.individual_cap" in found("سقف وام")
        # the guarantee bundles, and the 3 bn cap whose source sentence names the guarantors
        assert "employment.guarantees" in found("ضامن")
        assert not {"youth_fund.caps", "employment.fee_percent"} & found("ضامن")
        assert "employment.fee_percent" in found("كارمزد")  # Arabic kaf
        assert found("xyzzy") == set()


class TestReceipts:
    def test_a_deposit_gives_a_receipt(self, client: TestClient, helpers: Any) -> None:
        helpers.login(client, "officer")
        account = client.get("/staff/accounts/1")
        before = re.search(r'id="balance">([^<]+)<', account.text)
        # 777,600,000 deposited and 74,951,953 savings profit credited by the day-ends
        assert before and before.group(1) == "۸۵۲٬۵۵۱٬۹۵۳"
        r = client.post(
            "/staff/accounts/1/deposit",
            data={
                "csrf": helpers.hidden(account.text, "csrf"),
                "amount": "۵٬۰۰۰٬۰۰۰",
                "request_id": "receipt-test-1",
            },
            follow_redirects=False,
        )
        assert r.status_code == 303
        assert r.headers["location"] == (
            "/staff/accounts/1?ok=deposit&receipt=web-receipt-test-1#receipt"
        )
        page = client.get(r.headers["location"]).text
        receipt = page.split('<section class="receipt"')[1].split("</section>")[0]
        assert 'id="receipt-amount">۵٬۰۰۰٬۰۰۰<' in receipt
        assert 'id="receipt-balance">۸۵۷٬۵۵۱٬۹۵۳<' in receipt
        assert 'id="receipt-tracking">web-receipt-test-1<' in receipt
        assert "پنج میلیون ریال" in receipt
        assert re.search(
            r'id="receipt-time">[۰-۹]+ [آ-ی]+ [۰-۹]{4}، ساعت [۰-۹]{2}:[۰-۹]{2}<', receipt
        )
        assert "data-print" in receipt

    def test_an_unknown_tracking_number_shows_no_receipt(
        self, client: TestClient, helpers: Any
    ) -> None:
        helpers.login(client, "officer")
        page = client.get("/staff/accounts/1", params={"receipt": "web-nothing"})
        assert page.status_code == 200
        assert 'class="receipt"' not in page.text

    def test_a_repayment_gives_a_receipt(self, client: TestClient, helpers: Any) -> None:
        helpers.login(client, "officer")
        loan = client.get("/staff/loans/1")
        r = client.post(
            "/staff/loans/1/repay",
            data={
                "csrf": helpers.hidden(loan.text, "csrf"),
                "amount": "100,000,000",
                "request_id": "receipt-test-2",
            },
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text[:500]
        page = client.get(r.headers["location"]).text
        receipt = page.split('<section class="receipt"')[1].split("</section>")[0]
        assert 'id="receipt-amount">۱۰۰٬۰۰۰٬۰۰۰<' in receipt
        assert 'id="receipt-tracking">web-receipt-test-2<' in receipt
        assert "مانده اصل وام پس از این پرداخت" in receipt
        balance = re.search(r'id="receipt-balance">([^<]+)<', receipt)
        outstanding = re.search(r'id="outstanding">([^<]+)<', page)
        assert balance and outstanding and balance.group(1) == outstanding.group(1)


class TestOneDigitStyle:
    def test_the_latin_digit_mode_shows_no_persian_digits(self, client: TestClient) -> None:
        client.cookies.set("tashilat_digits", "latin")
        for url in (
            "/youth-fund/plan?opened=1403/01/15&city=تهران&mode=table&share=100",
            "/afford",
            "/construction",
            "/loans/schedule",
        ):
            main = client.get(url).text.split("<main")[1].split("</main>")[0]
            text = re.sub(r"<[^>]+>", " ", main)
            assert not re.findall(r"\S*[۰-۹]\S*", text), url
        page = client.get("/loans/schedule").text
        assert "مثلاً 600,000,000" in page

    def test_the_persian_mode_shows_defaults_in_persian(self, client: TestClient) -> None:
        page = client.get("/construction").text
        assert 'value="۱٬۰۰۰٬۰۰۰٬۰۰۰"' in page and 'value="۱۴۰۲/۰۷/۰۱"' in page


def test_the_schedule_lists_a_wrong_step_with_the_other_mistakes(client: TestClient) -> None:
    r = client.get(
        "/loans/schedule",
        params={
            "principal": "abc",
            "rate": "18",
            "months": "12",
            "method": "stepwise",
            "step": "x",
        },
    )
    assert r.status_code == 422
    assert 'id="f-principal-error"' in r.text and 'id="f-step-error"' in r.text


def test_an_unexpected_failure_is_a_persian_page_for_a_browser(
    container: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tashilat.entrypoints.api.app import create_app
    from tashilat.entrypoints.web.pages import citizen

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(citizen, "render", broken)
    with TestClient(create_app(container), raise_server_exceptions=False) as tc:
        page = tc.get("/", headers=HTML)
        assert page.status_code == 500
        assert page.headers["content-type"].startswith("text/html")
        assert "مشکلی در سامانه پیش آمد" in page.text and "boom" not in page.text
        api = tc.get("/")
        assert api.status_code == 500
        assert api.headers["content-type"] == "application/problem+json"
