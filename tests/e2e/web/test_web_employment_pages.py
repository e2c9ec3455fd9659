"""The employment-loan pages through FastAPI's TestClient (no browser): who may reach which
page and take which step (403 otherwise), CSRF, form errors next to their fields, refusals
with their reasons, the monthly limit's waiting month, and the CSV downloads."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tashilat.adapters.db.models import Applicant, BankMonthlyLimit, EmploymentApplication
from tashilat.bootstrap import Container
from tashilat.domain.jalali import add_months, from_jalali, to_jalali
from tashilat.services import calendar

GUARANTORS = ("0084575948", "0067749828")


def csrf(client: TestClient) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', client.get("/employment").text)
    assert m, "no CSRF token on the pipeline page"
    return m.group(1)


def app_of(container: Container, name: str) -> tuple[int, str]:
    """The demo application of an applicant: (id, state)."""
    uow = container.reader()
    with uow:
        row = uow.session.execute(
            select(EmploymentApplication.id, EmploymentApplication.state)
            .join(Applicant, Applicant.id == EmploymentApplication.applicant_id)
            .where(Applicant.name == name)
        ).one()
        return int(row[0]), str(row[1])


def as_user(client: TestClient, helpers: Any, username: str) -> str:
    client.cookies.clear()
    helpers.login(client, username)
    return csrf(client)


def post(client: TestClient, url: str, token: str, **data: str) -> Any:
    return client.post(url, data={"csrf": token, **data}, follow_redirects=False)


class TestAccess:
    def test_visitors_log_in_and_branch_staff_are_turned_away(
        self, client: TestClient, helpers: Any
    ) -> None:
        r = client.get("/employment", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Femployment"
        assert client.get("/employment/check").status_code == 200  # the citizen's page is open
        helpers.login(client, "officer")
        denied = client.get("/employment/allocations")
        assert denied.status_code == 403 and "دستگاه‌های حمایتی" in denied.text
        assert 'href="/employment"' not in client.get("/staff").text  # not in a branch menu

    def test_menus_follow_the_role(self, client: TestClient, helpers: Any) -> None:
        as_user(client, helpers, "agency.relief")
        page = client.get("/employment").text
        for href in ("/employment", "/employment/allocations", "/employment/reports"):
            assert f'href="{href}"' in page
        assert 'href="/staff/customers"' not in page
        assert "کارشناس دستگاه حمایتی" in page  # the role in the header
        assert 'id="new-plan"' in page  # agency officers submit plans
        as_user(client, helpers, "bank.officer")
        assert 'id="new-plan"' not in client.get("/employment").text

    def test_an_agency_officer_of_another_agency_gets_403(
        self, client: TestClient, container: Container, helpers: Any
    ) -> None:
        app_id, state = app_of(container, "سعید کاظمی")  # IKRC's, in review
        token = as_user(client, helpers, "agency.welfare")  # SWO
        r = client.get(f"/employment/applications/{app_id}")
        assert r.status_code == 403 and "در حوزه شما نیست" in r.text
        r = post(client, f"/employment/applications/{app_id}/introduce", token, bank="MASKAN")
        assert r.status_code == 403
        assert app_of(container, "سعید کاظمی")[1] == state
        listing = client.get("/employment").text
        assert "سعید کاظمی" not in listing and "فاطمه نوری" in listing

    def test_a_bank_officer_cannot_disburse(
        self, client: TestClient, container: Container, helpers: Any
    ) -> None:
        app_id, _ = app_of(container, "فاطمه نوری")  # approved by bank.officer
        token = as_user(client, helpers, "bank.officer")
        page = client.get(f"/employment/applications/{app_id}").text
        assert 'class="notice cannot-disburse"' in page
        assert f'action="/employment/applications/{app_id}/disburse"' not in page
        r = post(client, f"/employment/applications/{app_id}/disburse", token)
        assert r.status_code == 403 and "اجازه این کار" in r.text
        assert app_of(container, "فاطمه نوری")[1] == "approved"

    def test_the_approver_cannot_disburse(
        self, client: TestClient, container: Container, helpers: Any
    ) -> None:
        app_id, state = app_of(container, "جواد امینی")  # guarantees complete
        assert state == "bank_review"
        url = f"/employment/applications/{app_id}"
        token = as_user(client, helpers, "admin")  # an admin may approve and pay
        assert post(client, f"{url}/approve", token).status_code == 303
        page = client.get(url).text
        assert "این وام را خودتان تأیید کرده‌اید" in page
        assert f'action="{url}/disburse"' not in page
        payers = re.search(r'class="payers" dir="ltr">([^<]*)<', page)
        assert payers and "bank.payer" in payers.group(1) and "admin" not in payers.group(1)
        r = post(client, f"{url}/disburse", token)
        assert r.status_code == 403 and "تأییدکننده نمی‌تواند پرداخت را نیز انجام دهد" in r.text
        assert app_of(container, "جواد امینی")[1] == "approved"
        token = as_user(client, helpers, "bank.payer")
        r = post(client, f"{url}/disburse", token)
        assert r.status_code == 303 and r.headers["location"].endswith("?ok=disbursed")
        page = client.get(url).text
        assert re.search(r'id="samat-code">SAMAT-[۰-۹]{4}-[۰-۹]{7}<', page)
        assert re.search(r'data-step="approved".*?class="by" dir="ltr">admin<', page, re.S)


class TestCsrf:
    def test_a_step_without_the_token_is_refused(
        self, client: TestClient, container: Container, helpers: Any
    ) -> None:
        app_id, state = app_of(container, "پریسا یزدانی")  # SWO, submitted
        token = as_user(client, helpers, "agency.welfare")
        url = f"/employment/applications/{app_id}/review"
        for data in ({}, {"csrf": "0" * 64}):
            r = client.post(url, data=data, follow_redirects=False)
            assert r.status_code == 403 and "فرم منقضی شده" in r.text
        assert app_of(container, "پریسا یزدانی")[1] == state
        r = post(client, url, token)
        assert r.status_code == 303
        assert app_of(container, "پریسا یزدانی")[1] == "agency_review"


class TestForms:
    def test_plan_errors_are_shown_next_to_their_fields(
        self, client: TestClient, helpers: Any
    ) -> None:
        token = as_user(client, helpers, "agency.relief")
        r = post(
            client,
            "/employment/applications",
            token,
            national_id="123",
            name="",
            province="تهران",
            amount="abc",
            jobs="1",
        )
        assert r.status_code == 422
        for name in ("national_id", "name", "amount"):
            assert f'id="plan-{name}-error"' in r.text, name
        assert 'id="plan-jobs-error"' not in r.text
        assert 'id="plan-national_id" name="national_id" type="text" value="123"' in r.text
        assert 'href="#plan-amount"' in r.text  # the summary links to the field

    def test_a_refused_plan_lists_its_reasons_with_the_reference(
        self, client: TestClient, helpers: Any
    ) -> None:
        token = as_user(client, helpers, "agency.relief")
        plan = {"name": "نمونه", "province": "تهران", "jobs": "2"}
        r = post(
            client,
            "/employment/applications",
            token,
            national_id="5550002221",
            amount="9,000,000,000",
            **plan,
        )
        assert r.status_code == 422
        assert re.search(r'<li class="failed" data-code="employment.cap">', r.text)
        assert "docs/rules.md §2.1" in r.text
        assert 'id="plan-amount-error"' in r.text
        # a person who already had an employment loan (SAMAT, 1402/08/20): under the rules of
        # the demo's business date (1404's) a second loan needs, among others, a business
        # that still runs and hires
        second = {"national_id": "0790419904", "amount": "1,000,000,000", **plan}
        r = post(client, "/employment/applications", token, **second)
        assert r.status_code == 422
        assert re.search(r'<li class="failed" data-code="repeat.business_active">', r.text)
        assert "۱۴۰۲/۰۸/۲۰" in r.text
        assert 'id="plan-national_id-error"' in r.text
        r = post(client, "/employment/applications", token, repeat_business_active="1", **second)
        assert r.status_code == 303  # the same-bank condition waits for the introduction

    def test_guarantee_and_rejection_errors(
        self, client: TestClient, container: Container, helpers: Any
    ) -> None:
        app_id, _ = app_of(container, "لیلا رحمانی")  # introduced to MASKAN
        url = f"/employment/applications/{app_id}"
        token = as_user(client, helpers, "bank.officer")
        r = post(client, f"{url}/guarantees", token, kind="guarantor", national_id="1111111112")
        assert r.status_code == 422 and 'id="guarantee-national_id-error"' in r.text
        r = post(client, f"{url}/guarantees", token, kind="credit_score", grade="")
        assert r.status_code == 422 and 'id="guarantee-grade-error"' in r.text
        r = post(client, f"{url}/reject", token, reason="")
        assert r.status_code == 422 and 'id="reject-reason-error"' in r.text
        # approving before a bundle is complete is refused with what is missing
        r = post(client, f"{url}/approve", token)
        assert r.status_code == 422 and 'data-code="guarantee.bundle"' in r.text
        r = post(client, f"{url}/guarantees", token, kind="guarantor", national_id=GUARANTORS[0])
        assert r.status_code == 303
        assert 'data-met="yes"' not in client.get(url).text  # up to 1.5 bn: a credit score
        r = post(client, f"{url}/guarantees", token, kind="credit_score", grade="B")
        assert r.status_code == 303
        assert 'data-met="yes"' in client.get(url).text

    def test_the_applicant_or_a_repeated_guarantor_is_refused_not_recorded(
        self, client: TestClient, container: Container, helpers: Any
    ) -> None:
        app_id, _ = app_of(container, "لیلا رحمانی")  # introduced to MASKAN
        uow = container.reader()
        with uow:
            own = uow.session.scalar(
                select(Applicant.national_id)
                .join(EmploymentApplication, Applicant.id == EmploymentApplication.applicant_id)
                .where(EmploymentApplication.id == app_id)
            )
        url = f"/employment/applications/{app_id}"
        token = as_user(client, helpers, "bank.officer")
        r = post(client, f"{url}/guarantees", token, kind="guarantor", national_id=str(own))
        assert r.status_code == 422 and 'id="guarantee-national_id-error"' in r.text
        assert "نمی‌تواند ضامن وام خودش باشد" in r.text and "ضمانت ثبت شد" not in r.text
        assert (
            post(
                client, f"{url}/guarantees", token, kind="guarantor", national_id=GUARANTORS[0]
            ).status_code
            == 303
        )
        r = post(client, f"{url}/guarantees", token, kind="guarantor", national_id=GUARANTORS[0])
        assert r.status_code == 422 and 'id="guarantee-national_id-error"' in r.text
        assert "پیش‌تر ثبت شده است" in r.text and "ضمانت ثبت شد" not in r.text


class TestMonthlyLimit:
    def test_a_loan_the_limit_holds_back_shows_the_month_it_waits_for(
        self, client: TestClient, container: Container, helpers: Any
    ) -> None:
        on = calendar.get(container.reader())
        y, m, _ = to_jalali(on)
        uow = container.uow()
        with uow:
            uow.session.execute(
                update(BankMonthlyLimit)
                .where(BankMonthlyLimit.year == y, BankMonthlyLimit.month == m)
                .values(used=BankMonthlyLimit.amount)
            )
            uow.commit()
        app_id, _ = app_of(container, "سعید کاظمی")  # 3,000,000,000: not exempt
        url = f"/employment/applications/{app_id}"
        token = as_user(client, helpers, "agency.relief")
        assert post(client, f"{url}/introduce", token, bank="MASKAN").status_code == 303
        token = as_user(client, helpers, "bank.officer")
        for nid in GUARANTORS:
            assert post(client, f"{url}/guarantees", token, kind="guarantor", national_id=nid)
        assert post(client, f"{url}/approve", token).status_code == 303
        token = as_user(client, helpers, "bank.payer")
        r = post(client, f"{url}/disburse", token)
        ny, nm, _ = to_jalali(add_months(from_jalali(y, m, 1), 1))
        waiting = f"{ny:04d}/{nm:02d}"
        assert r.status_code == 422 and 'data-code="monthly_limit.used"' in r.text
        page = client.get(url).text
        assert 'id="waiting"' in page
        persian = waiting.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        assert persian in page
        assert app_of(container, "سعید کاظمی")[1] == "approved"
        dashboard = client.get("/employment/allocations").text
        assert re.search(r'class="num limit-remaining">۰<', dashboard)


class TestCsv:
    def _rows(self, r: Any) -> list[dict[str, str]]:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        text = r.content.decode("utf-8")
        assert text.startswith("\ufeff")
        return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))

    def test_reports_download_as_csv(self, client: TestClient, helpers: Any) -> None:
        as_user(client, helpers, "agency.relief")
        allocations = self._rows(client.get("/employment/allocations.csv"))
        assert allocations and {r["agency"] for r in allocations} == {"IKRC"}
        tehran = next(r for r in allocations if r["province"] == "تهران")
        parts = ("reserved_rial", "posted_rial", "free_rial")
        assert sum(int(tehran[k]) for k in parts) == int(tehran["amount_rial"])
        assert int(tehran["category_cap_rial"]) * 100 == int(tehran["amount_rial"]) * 40
        assert self._rows(client.get("/employment/limits.csv")) == []  # a bank's business
        pipeline = self._rows(client.get("/employment/reports/pipeline.csv"))
        # scoped to the officer's agency: IKRC's applications only (the approved and the
        # submitted ones in the demo belong to SWO)
        states = {r["state"] for r in pipeline}
        assert {"agency_review", "repaying", "settled"} <= states
        assert not {"approved", "submitted"} & states
        categories = self._rows(client.get("/employment/reports/categories.csv"))
        assert any(r["category"] == "HANDICRAFT" for r in categories)
        speed = self._rows(client.get("/employment/reports/speed.csv"))
        assert speed[0]["agency"] == "IKRC" and speed[0]["bank"] == "MASKAN"
        assert float(speed[0]["median_days"]) >= 0
        as_user(client, helpers, "bank.officer")
        limits = self._rows(client.get("/employment/limits.csv"))
        assert limits and all(r["bank"] == "MASKAN" for r in limits)
        assert int(limits[0]["exempt_used_rial"]) > 0  # mandated loans under 3 billion


class TestCitizenCheck:
    def test_an_amount_above_the_cap_is_refused_in_words(self, client: TestClient) -> None:
        r = client.get(
            "/employment/check", params={"amount": "5,000,000,000", "approved_category": "yes"}
        )
        assert r.status_code == 200
        refusals = re.search(r'id="refusals">(.*?)</div>', r.text, re.S)
        assert refusals and 'data-code="employment.cap"' in refusals.group(1)
        assert "PROGRAMS.md" not in refusals.group(1)  # no file names for a citizen
        assert "employment.approved_category_cap" not in refusals.group(1)

    def test_the_rules_of_the_date_and_a_malformed_date(self, client: TestClient) -> None:
        bad = {"amount": "2,500,000,000", "date": "1403/13/01"}
        r = client.get("/employment/check", params=bad)
        assert r.status_code == 422 and 'id="f-date-error"' in r.text
        r = client.get(
            "/employment/check",
            params={"amount": "2,500,000,000", "date": "1403/09/01", "approved_category": "yes"},
        )
        assert re.search(r'id="cap">۳٬۰۰۰٬۰۰۰٬۰۰۰<', r.text)  # the 1403 cap
        assert len(re.findall(r'<li class="bundle missing"', r.text)) == 2

    def test_one_verdict_and_no_unchecked_claim(self, client: TestClient) -> None:
        r = client.get(
            "/employment/check",
            params={
                "amount": "3,000,000,000",
                "approved_category": "yes",
                "date": "1403/09/01",
                "credit_grade": "D",
                "promissory_note": "on",
                "guarantors": "1",
            },
        )
        assert r.status_code == 200
        assert 'data-outcome="eligible_with_guarantees"' in r.text
        assert 'id="one-loan" data-checked="no"' in r.text
        assert "قاعده «هر نفر فقط یک بار وام اشتغال‌زایی» بررسی نشد" in r.text  # the warning
        assert "تاکنون تسهیلات اشتغال‌زایی نگرفته است" not in r.text

    def test_a_national_id_with_a_samat_loan_is_not_eligible(self, client: TestClient) -> None:
        r = client.get(
            "/employment/check",
            params={"amount": "1,000,000,000", "date": "1403/09/01", "national_id": "0790419904"},
        )
        assert r.status_code == 200
        assert 'data-outcome="not_eligible"' in r.text
        assert 'id="one-loan" data-checked="yes"' in r.text
        refusals = re.search(r'id="refusals">(.*?)</div>', r.text, re.S)
        assert refusals and 'data-code="employment.one_loan_per_person"' in refusals.group(1)
        r = client.get("/employment/check", params={"amount": "1,000,000,000", "national_id": "12"})
        assert r.status_code == 422 and 'id="f-national_id-error"' in r.text

    def test_in_english(self, client: TestClient) -> None:
        client.cookies.set("tashilat_lang", "en")
        r = client.get(
            "/employment/check",
            params={"amount": "2,500,000,000", "approved_category": "yes", "guarantors": "1"},
        )
        assert '<html lang="en" dir="ltr"' in r.text
        missing = re.findall(r'class="bundle-missing">([^<]+)<', r.text)
        assert missing == ["credit score of grade C or better + promissory note", "one guarantor"]
