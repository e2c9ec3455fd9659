"""The web pages through FastAPI's TestClient (no browser): form errors next to their
fields, CSRF rejections, who may reach which page, and the CSV downloads."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from fastapi.testclient import TestClient

from tashilat.bootstrap import Container
from tashilat.services import reports
from tashilat.services.auth import SYSTEM

TEHRAN = "تهران"


def staff_csrf(client: TestClient) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', client.get("/staff").text)
    assert m, "no CSRF token on the desk"
    return m.group(1)


def account_ids(container: Container) -> dict[str, int]:
    rows, _ = reports.accounts(container.reader(), SYSTEM, limit=100)
    return {r.holder_name: r.id for r in rows}


def balance(container: Container, account_id: int) -> int:
    rows, _ = reports.accounts(container.reader(), SYSTEM, limit=100)
    return next(r.balance for r in rows if r.id == account_id)


class TestCitizenForms:
    def test_a_malformed_date_is_explained_next_to_the_field(self, client: TestClient) -> None:
        r = client.get("/youth-fund/plan", params={"opened": "1403/13/45", "city": TEHRAN})
        assert r.status_code == 422
        assert 'id="f-opened" name="opened" type="text" value="1403/13/45"' in r.text
        assert 'aria-invalid="true" aria-describedby="f-opened-error' in r.text
        error = re.search(r'<p class="error" id="f-opened-error">([^<]+)</p>', r.text)
        assert error and "معتبر نیست" in error.group(1)
        assert 'href="#f-opened"' in r.text  # the summary links to the field

    def test_errors_come_in_english_on_english_pages(self, client: TestClient) -> None:
        client.cookies.set("tashilat_lang", "en")
        r = client.get("/youth-fund/plan", params={"opened": "1403/13/45", "city": "Tehran"})
        assert r.status_code == 422
        assert '<html lang="en" dir="ltr"' in r.text
        assert "is not a valid Jalali date" in r.text
        assert 'id="f-city-error"' not in r.text  # the city was fine

    def test_the_planner_answers_in_persian_digits(self, client: TestClient) -> None:
        r = client.get(
            "/youth-fund/plan",
            params={
                "opened": "۱۴۰۳/۰۱/۱۵",
                "city": "تهران (تهران)",
                "mode": "table",
                "share": "100",
            },
        )
        assert r.status_code == 200
        row = re.search(r'<tr data-year="3">(.*?)</tr>', r.text, re.S)
        assert row and "۱۶٬۰۰۰٬۰۰۰٬۰۰۰" in row.group(1)
        assert 'id="plan-chart"' in r.text and 'id="series-entitlement"' in r.text
        assert 'data-status="illustrative"' in r.text  # the deposit table is illustrative
        assert "جدول ضرایب واریزی سال افتتاح حساب" in r.text  # by its name, not its id

    def test_the_planner_shows_the_profit_on_savings(self, client: TestClient) -> None:
        client.cookies.set("tashilat_digits", "latin")
        r = client.get(
            "/youth-fund/plan", params={"opened": "1403/01/15", "city": TEHRAN, "mode": "table"}
        )
        row = re.search(r'<tr data-year="1"[^>]*>(.*?)</tr>', r.text, re.S)
        # 20,000,000 a month at 5% a year on each month's lowest balance, credited monthly;
        # the balance once year 1's profit is in: 240,000,000 + 6,600,342
        assert row and 'class="num profit">6,600,342' in row.group(1)
        assert "246,600,342" in row.group(1)
        assert "سپرده سرمایه‌گذاری کوتاه‌مدت" in r.text
        assert "نرخ سود سپرده حساب" in r.text  # the assumed rate, by its name

    def test_latin_digits_on_request(self, client: TestClient) -> None:
        client.cookies.set("tashilat_digits", "latin")
        r = client.get(
            "/youth-fund/plan", params={"opened": "1403/01/15", "city": TEHRAN, "mode": "table"}
        )
        row = re.search(r'<tr data-year="3">(.*?)</tr>', r.text, re.S)
        assert row and "16,000,000,000" in row.group(1)

    def test_an_unknown_city_suggests_names(self, client: TestClient) -> None:
        r = client.get("/youth-fund/plan", params={"opened": "1403/01/15", "city": "تهرا"})
        assert r.status_code == 422
        assert re.search(r'id="f-city-error">[^<]*تهران', r.text)

    def test_city_suggestions_for_htmx(self, client: TestClient) -> None:
        r = client.get("/cities/suggest", params={"city": "اصفه"})
        assert r.status_code == 200
        assert '<option value="اصفهان (اصفهان)">' in r.text

    def test_schedule_fields_are_checked_one_by_one(self, client: TestClient) -> None:
        r = client.get(
            "/loans/schedule", params={"principal": "abc", "rate": "17.5", "months": "0"}
        )
        assert r.status_code == 422
        assert 'id="f-principal-error"' in r.text and 'id="f-months-error"' in r.text
        assert 'id="f-rate-error"' not in r.text

    def test_schedule_test_vector(self, client: TestClient) -> None:
        r = client.get(
            "/loans/schedule",
            params={
                "principal": "600,000,000",
                "rate": "17.5",
                "months": "144",
                "method": "simple",
            },
        )
        assert r.status_code == 200
        assert re.search(r'id="first-instalment">۹٬۹۹۲٬۳۲۲<', r.text)

    def test_affordability_anchor(self, client: TestClient) -> None:
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
        assert re.search(r'id="burden">۱۷۵٫۴۵٪<', r.text)

    def test_construction_refusal_is_explained(self, client: TestClient) -> None:
        ok = client.get("/construction", params={"date": "1402/07/01", "permit_fees": "1000000000"})
        assert re.search(r'id="owner-share">۲۵۰٬۰۰۰٬۰۰۰<', ok.text)
        r = client.get("/construction", params={"date": "1390/12/01", "permit_fees": "1000000000"})
        assert r.status_code == 200
        assert 'data-code="construction.not_modelled"' in r.text
        assert "PROGRAMS.md" not in r.text and "rules.md" not in r.text  # no file names

    def test_policy_browser_shows_the_corrected_cap(self, client: TestClient) -> None:
        r = client.get("/policy")
        assert r.status_code == 200
        cell = re.search(r'<td class="num" data-cell="10.tier_2">(.*?)</td>', r.text, re.S)
        assert cell and "۳۱٬۵۰۰٬۰۰۰٬۰۰۰" in cell.group(1)
        assert 'data-status="corrected"' in cell.group(1)
        assert "https://eghtesaad24.ir/fa/news/266203" in r.text
        assert 'id="no-findings"' in r.text


class TestSessionsAndCsrf:
    def test_login_needs_the_double_submit_token(self, client: TestClient) -> None:
        r = client.post(
            "/login",
            data={"username": "officer", "password": "tashilat-demo"},
            follow_redirects=False,
        )
        assert r.status_code == 403
        assert "tashilat_session" not in r.headers.get("set-cookie", "")

    def test_login_sets_an_httponly_session_cookie(self, client: TestClient, helpers: Any) -> None:
        r = helpers.login(client, "officer")
        assert r.status_code == 303 and r.headers["location"] == "/staff"
        cookie = r.headers["set-cookie"]
        assert "tashilat_session=" in cookie and "HttpOnly" in cookie
        assert "samesite=lax" in cookie.lower()

    def test_wrong_password_is_explained_on_the_form(
        self, client: TestClient, helpers: Any
    ) -> None:
        r = helpers.login(client, "officer", "not-the-password")
        assert r.status_code == 401
        assert "نام کاربری یا گذرواژه نادرست است" in r.text

    def test_a_post_without_the_csrf_token_is_refused(
        self, client: TestClient, container: Container, helpers: Any
    ) -> None:
        helpers.login(client, "officer")
        acc = account_ids(container)["سارا احمدی"]
        before = balance(container, acc)
        for data in ({}, {"csrf": "0" * 64}):
            r = client.post(f"/staff/accounts/{acc}/deposit", data={**data, "amount": "1000"})
            assert r.status_code == 403
            assert "فرم منقضی شده" in r.text
        assert balance(container, acc) == before
        token = staff_csrf(client)
        r = client.post(
            f"/staff/accounts/{acc}/deposit",
            data={"csrf": token, "amount": "1,000", "request_id": "abcdef123456"},
            follow_redirects=False,
        )
        assert r.status_code == 303
        assert balance(container, acc) == before + 1000
        # the same form sent twice posts once
        again = client.post(
            f"/staff/accounts/{acc}/deposit",
            data={"csrf": token, "amount": "1,000", "request_id": "abcdef123456"},
            follow_redirects=False,
        )
        assert "ok=replayed" in again.headers["location"]
        assert balance(container, acc) == before + 1000

    def test_logout_revokes_the_session(self, client: TestClient, helpers: Any) -> None:
        helpers.login(client, "officer")
        token = staff_csrf(client)
        r = client.post("/logout", data={"csrf": token}, follow_redirects=False)
        assert r.status_code == 303
        assert client.get("/staff", follow_redirects=False).status_code == 303


class TestAccess:
    def test_visitors_are_sent_to_the_login_form(self, client: TestClient) -> None:
        r = client.get("/staff/accounts", follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == "/login?next=%2Fstaff%2Faccounts"

    def test_a_customer_cannot_reach_staff_pages(self, client: TestClient, helpers: Any) -> None:
        r = helpers.login(client, "sara")
        assert r.headers["location"] == "/my"
        for url in (
            "/staff",
            "/staff/accounts",
            "/staff/loans/queue",
            "/staff/reports/accounts.csv",
        ):
            got = client.get(url)
            assert got.status_code == 403, url
            assert "ویژه کارکنان بانک" in got.text
        mine = client.get("/my")
        assert mine.status_code == 200 and "۱۴۰۳-۰۱۰۱-۰۰۰۰۰۰۱" in mine.text

    def test_an_officer_of_another_branch_gets_403(
        self, client: TestClient, container: Container, helpers: Any
    ) -> None:
        helpers.login(client, "officer.isfahan")
        tehran = account_ids(container)["سارا احمدی"]
        r = client.get(f"/staff/accounts/{tehran}")
        assert r.status_code == 403
        assert "شعبه دیگری" in r.text
        listing = client.get("/staff/accounts")
        assert 'data-account="1403-0101' not in listing.text
        assert 'data-account="1403-0301' in listing.text

    def test_the_audit_log_is_for_auditors(self, client: TestClient, helpers: Any) -> None:
        helpers.login(client, "officer")
        assert client.get("/staff/audit").status_code == 403
        assert "/staff/audit" not in client.get("/staff").text  # not in the officer's menu
        client.cookies.clear()
        helpers.login(client, "auditor")
        r = client.get("/staff/audit")
        assert r.status_code == 200 and "auth.login" in r.text

    def test_a_supervisor_cannot_approve_their_own_request(
        self, client: TestClient, container: Container, helpers: Any
    ) -> None:
        helpers.login(client, "supervisor")
        acc = account_ids(container)["مریم کریمی"]
        token = staff_csrf(client)
        r = client.post(
            f"/staff/accounts/{acc}/loans",
            data={
                "csrf": token,
                "amount": "1,000,000,000",
                "months": "120",
                "method": "simple",
                "appraisal": "20,000,000,000",
            },
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        loan_id = int(r.headers["location"].split("/")[-1].split("?")[0])
        queue = client.get("/staff/loans/queue").text
        assert "فرد دیگری باید آن را تأیید کند" in queue
        denied = client.post(
            f"/staff/loans/{loan_id}/decide", data={"csrf": token, "decision": "approve"}
        )
        assert denied.status_code == 403
        assert "درخواست‌دهنده نمی‌تواند وام خود را تأیید کند" in denied.text
        client.cookies.clear()
        helpers.login(client, "supervisor2")
        ok = client.post(
            f"/staff/loans/{loan_id}/decide",
            data={"csrf": staff_csrf(client), "decision": "approve"},
            follow_redirects=False,
        )
        assert ok.status_code == 303
        assert "تأییدشده" in client.get(f"/staff/loans/{loan_id}").text

    def test_a_refused_loan_request_lists_its_reasons(
        self, client: TestClient, container: Container, helpers: Any
    ) -> None:
        helpers.login(client, "officer")
        acc = account_ids(container)["مریم کریمی"]
        r = client.post(
            f"/staff/accounts/{acc}/loans",
            data={
                "csrf": staff_csrf(client),
                "amount": "900,000,000,000",
                "months": "999",
                "method": "simple",
                "appraisal": "1,000,000",
            },
        )
        assert r.status_code == 422
        assert 'id="loan-months-error"' in r.text  # 999 months: the form's own check
        r = client.post(
            f"/staff/accounts/{acc}/loans",
            data={
                "csrf": staff_csrf(client),
                "amount": "900,000,000,000",
                "months": "120",
                "method": "simple",
                "appraisal": "1,000,000",
            },
        )
        assert r.status_code == 422
        assert 'data-code="loan.within_entitlement"' in r.text
        assert 'data-code="loan.within_appraisal"' in r.text
        assert "docs/rules.md §1.4" in r.text  # the legal reference of each reason


class TestCsv:
    def _rows(self, text: str) -> list[dict[str, str]]:
        assert text.startswith("\ufeff")
        return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))

    def test_accounts_with_balances_and_entitlements(
        self, client: TestClient, helpers: Any
    ) -> None:
        helpers.login(client, "supervisor")
        r = client.get("/staff/reports/accounts.csv")
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/csv")
        assert 'attachment; filename="accounts.csv"' in r.headers["content-disposition"]
        rows = self._rows(r.content.decode("utf-8"))
        assert rows and all(x["branch"] == "0101" for x in rows)  # the supervisor's branch
        sara = next(x for x in rows if x["holder_name"] == "سارا احمدی")
        assert int(sara["balance_rial"]) > 0 and sara["opened_on"].startswith("1403/")
        assert {"entitlement_rial", "cap_rial", "entitlement_outcome"} <= set(sara)

    def test_loans_with_outstanding_amounts(self, client: TestClient, helpers: Any) -> None:
        helpers.login(client, "admin")
        rows = self._rows(client.get("/staff/reports/loans.csv").content.decode("utf-8"))
        disbursed = [x for x in rows if x["status"] == "disbursed"]
        assert disbursed
        x = disbursed[0]
        assert 0 < int(x["outstanding_principal_rial"]) < int(x["principal_rial"])
        assert x["requested_by"] != x["approved_by"]

    def test_a_statement_downloads_as_csv(
        self, client: TestClient, container: Container, helpers: Any
    ) -> None:
        helpers.login(client, "officer")
        acc = account_ids(container)["سارا احمدی"]
        r = client.get(f"/staff/accounts/{acc}/statement.csv")
        rows = self._rows(r.content.decode("utf-8"))
        assert rows[1]["kind"] == "youth.open"
        assert int(rows[-1]["balance_rial"]) == balance(container, acc)


class TestShell:
    def test_static_files_and_headers(self, client: TestClient) -> None:
        assert client.get("/static/js/htmx.min.js").status_code == 200
        font = client.get("/static/fonts/Vazirmatn-Regular.woff2")
        assert font.status_code == 200 and len(font.content) > 10_000
        assert client.get("/static/fonts/OFL.txt").status_code == 200
        page = client.get("/")
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert '<html lang="fa" dir="rtl"' in page.text

    def test_prefs_never_redirect_elsewhere(self, client: TestClient) -> None:
        r = client.get(
            "/prefs", params={"lang": "en", "next": "//evil.example"}, follow_redirects=False
        )
        assert r.headers["location"] == "/"
        assert "tashilat_lang=en" in r.headers["set-cookie"]

    def test_a_bad_address_is_a_page(self, client: TestClient, helpers: Any) -> None:
        helpers.login(client, "officer")
        r = client.get("/staff/accounts/not-a-number")
        assert r.status_code == 400
        assert r.headers["content-type"].startswith("text/html")
        missing = client.get("/staff/accounts/999999")
        assert missing.status_code == 404 and "پیدا نشد" in missing.text
