"""Employment loans end to end through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tashilat.bootstrap import Container
from tashilat.domain.jalali import parse_jalali
from tashilat.entrypoints.api.app import create_app
from tashilat.services import employment
from tashilat.services.errors import Forbidden

from .employment_helpers import PW, EmpWorld, emp_world, national_id


class Api:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.tokens: dict[str, str] = {}

    def call(self, who: str | None, method: str, url: str, *, expect: int = 200, **kw: Any) -> Any:
        headers = kw.pop("headers", {})
        if who:
            if who not in self.tokens:
                r = self.client.post("/api/v1/auth/login", json={"username": who, "password": PW})
                self.tokens[who] = r.json()["access_token"]
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        r = self.client.request(method, url, headers=headers, **kw)
        assert r.status_code == expect, f"{method} {url} → {r.status_code}: {r.text}"
        return (
            r.json()
            if r.headers.get("content-type", "").startswith(
                ("application/json", "application/problem")
            )
            else r
        )


@pytest.fixture
def emp(container: Container) -> Iterator[tuple[Api, EmpWorld]]:
    ew = emp_world(container)
    with TestClient(create_app(container)) as client:
        yield Api(client), ew


def plan(
    nid: str, amount: int, *, agency: str = "A1", category: str | None = None, mandated: bool = True
) -> dict:
    return {
        "national_id": nid,
        "name": "متقاضی",
        "province": "تهران",
        "agency_code": agency,
        "amount": amount,
        "jobs": 2,
        "category_code": category,
        "mandated": mandated,
    }


def test_the_acceptance_scenario(emp: tuple[Api, EmpWorld]) -> None:
    a, _ = emp
    nid = "0499370899"
    # a 2.5-billion plan in an approved category is told the two guarantee bundles
    app = a.call(
        "agency1",
        "POST",
        "/api/v1/employment/applications",
        expect=201,
        json=plan(nid, 2_500_000_000, category="C1"),
    )
    assert app["approved_category"] and app["state"] == "submitted"
    bundles = app["guarantee_bundles"]
    assert [b["bundle"] for b in bundles] == [
        ["credit_score", "promissory_note", "guarantor"],
        ["guarantor", "guarantor"],
    ]
    app_id = app["id"]
    a.call(
        "agency1",
        "POST",
        f"/api/v1/employment/applications/{app_id}/introduce",
        json={"bank_code": "B1"},
    )
    # the applicant cannot guarantee their own loan: refused with the reason, not recorded
    own = a.call(
        "bank1",
        "POST",
        f"/api/v1/employment/applications/{app_id}/guarantees",
        expect=422,
        json={"kind": "guarantor", "national_id": nid},
    )
    assert own["code"] == "guarantee.self_guarantor" and own["field"] == "national_id"
    assert "ضامن وام خودش" in own["message_fa"] and "own loan" in own["message_en"]
    # supplies two guarantors; the same one twice is refused
    a.call(
        "bank1",
        "POST",
        f"/api/v1/employment/applications/{app_id}/guarantees",
        expect=201,
        json={"kind": "guarantor", "national_id": "0790419904"},
    )
    twice = a.call(
        "bank1",
        "POST",
        f"/api/v1/employment/applications/{app_id}/guarantees",
        expect=422,
        json={"kind": "guarantor", "national_id": "۰۷۹۰۴۱۹۹۰۴"},
    )
    assert twice["code"] == "guarantee.duplicate_guarantor"
    g = a.call(
        "bank1",
        "POST",
        f"/api/v1/employment/applications/{app_id}/guarantees",
        expect=201,
        json={"kind": "guarantor", "national_id": "0084575948"},
    )
    assert g["outcome"] == "met" and g["met_bundle"] == ["guarantor", "guarantor"]
    a.call("bank1", "POST", f"/api/v1/employment/applications/{app_id}/approve")
    paid = a.call("payer1", "POST", f"/api/v1/employment/applications/{app_id}/disburse")
    assert paid["state"] == "disbursed" and paid["samat_code"].startswith("SAMAT-1403-")
    sched = a.call("bank1", "GET", f"/api/v1/employment/applications/{app_id}/schedule?limit=500")
    assert sched["total"] == 6 + 84  # grace months, then the 1403 term
    assert sum(i["principal_rial"] for i in sched["items"]) == 2_500_000_000
    # a second application by the same national ID in 1403 through another agency
    r = a.call(
        "agency2",
        "POST",
        "/api/v1/employment/applications",
        expect=422,
        json=plan(nid, 1_000_000_000, agency="A2"),
    )
    assert r["code"] == "employment.refused"
    assert paid["samat_code"] in r["message_en"] and paid["disbursed_on"] in r["message_en"]
    assert any(
        x["code"] == "employment.one_loan_per_person" and not x["passed"] for x in r["reasons"]
    )
    alloc = a.call("admin", "GET", "/api/v1/employment/reports/allocations")["items"]
    a1 = next(x for x in alloc if x["agency"] == "A1")
    assert a1["posted_rial"] == 2_500_000_000 and a1["category_used_rial"] == 2_500_000_000
    assert a1["reserved_rial"] == 0


def test_the_monthly_limit_and_the_mandated_exemption(emp: tuple[Api, EmpWorld]) -> None:
    a, ew = emp
    c = ew.w.c
    employment.set_monthly_limit(
        c.uow(), ew.w.admin, bank_code="B1", year=1403, month=9, amount=1_000_000_000
    )
    ids = []
    for i, (amount, cat) in enumerate(
        [(1_000_000_000, None), (2_000_000_000, "C1"), (3_000_000_000, "C1")]
    ):
        nid = national_id(100 + i)
        app = a.call(
            "agency1",
            "POST",
            "/api/v1/employment/applications",
            expect=201,
            json=plan(nid, amount, category=cat),
        )
        a.call(
            "agency1",
            "POST",
            f"/api/v1/employment/applications/{app['id']}/introduce",
            json={"bank_code": "B1"},
        )
        for g in (national_id(900 + i), national_id(950 + i)):
            a.call(
                "bank1",
                "POST",
                f"/api/v1/employment/applications/{app['id']}/guarantees",
                expect=201,
                json={"kind": "guarantor", "national_id": g},
            )
        a.call(
            "bank1",
            "POST",
            f"/api/v1/employment/applications/{app['id']}/guarantees",
            expect=201,
            json={"kind": "promissory_note"},
        )
        a.call("bank1", "POST", f"/api/v1/employment/applications/{app['id']}/approve")
        ids.append(app["id"])
    # the first uses the month's whole limit
    assert (
        a.call("payer1", "POST", f"/api/v1/employment/applications/{ids[0]}/disburse")["state"]
        == "disbursed"
    )
    # a mandated 2-billion loan is still paid
    two = a.call("payer1", "POST", f"/api/v1/employment/applications/{ids[1]}/disburse")
    assert two["state"] == "disbursed" and two["exempt_from_monthly_limit"]
    # a 3-billion loan waits for next month
    r = a.call("payer1", "POST", f"/api/v1/employment/applications/{ids[2]}/disburse", expect=422)
    assert r["code"] == "monthly_limit.used" and r["waiting_for"] == "1403/10"
    waiting = a.call("bank1", "GET", f"/api/v1/employment/applications/{ids[2]}")
    assert waiting["state"] == "approved" and waiting["waiting_for_month"] == "1403/10"
    # next month (no limit set for it) it is paid
    a.call("supervisor", "POST", "/api/v1/business-date", json={"date": "1403/10/01"})
    assert (
        a.call("payer1", "POST", f"/api/v1/employment/applications/{ids[2]}/disburse")["state"]
        == "disbursed"
    )


def test_rejection_releases_every_reservation(emp: tuple[Api, EmpWorld]) -> None:
    a, _ = emp
    app = a.call(
        "agency1",
        "POST",
        "/api/v1/employment/applications",
        expect=201,
        json=plan("0499370899", 3_000_000_000, category="C1"),
    )
    a.call(
        "agency1",
        "POST",
        f"/api/v1/employment/applications/{app['id']}/introduce",
        json={"bank_code": "B1"},
    )
    a1 = next(
        x
        for x in a.call("admin", "GET", "/api/v1/employment/reports/allocations")["items"]
        if x["agency"] == "A1"
    )
    assert a1["reserved_rial"] == 3_000_000_000 and a1["category_used_rial"] == 3_000_000_000
    r = a.call(
        "bank1",
        "POST",
        f"/api/v1/employment/applications/{app['id']}/reject",
        json={"reason": "طرح توجیه اقتصادی ندارد"},
    )
    assert r["state"] == "rejected" and r["reasons"] == ["طرح توجیه اقتصادی ندارد"]
    a1 = next(
        x
        for x in a.call("admin", "GET", "/api/v1/employment/reports/allocations")["items"]
        if x["agency"] == "A1"
    )
    assert a1["reserved_rial"] == 0 and a1["category_used_rial"] == 0
    # the person may now apply again through another agency
    again = a.call(
        "agency2",
        "POST",
        "/api/v1/employment/applications",
        expect=201,
        json=plan("0499370899", 1_000_000_000, agency="A2"),
    )
    a.call(
        "agency2",
        "POST",
        f"/api/v1/employment/applications/{again['id']}/introduce",
        json={"bank_code": "B2"},
    )


def test_roles_and_four_eyes(emp: tuple[Api, EmpWorld]) -> None:
    a, _ = emp
    app = a.call(
        "agency1",
        "POST",
        "/api/v1/employment/applications",
        expect=201,
        json=plan("0499370899", 10**9),
    )
    a.call(
        "agency2",
        "POST",
        f"/api/v1/employment/applications/{app['id']}/introduce",
        expect=403,
        json={"bank_code": "B1"},
    )
    a.call(
        "agency1",
        "POST",
        f"/api/v1/employment/applications/{app['id']}/introduce",
        json={"bank_code": "B1"},
    )
    a.call("bank2", "POST", f"/api/v1/employment/applications/{app['id']}/approve", expect=403)
    a.call(
        "bank1", "POST", f"/api/v1/employment/applications/{app['id']}/approve", expect=422
    )  # no guarantees
    a.call(
        "bank1",
        "POST",
        f"/api/v1/employment/applications/{app['id']}/guarantees",
        expect=201,
        json={"kind": "credit_score", "grade": "B"},
    )
    a.call("bank1", "POST", f"/api/v1/employment/applications/{app['id']}/approve")
    a.call(
        "bank1", "POST", f"/api/v1/employment/applications/{app['id']}/disburse", expect=403
    )  # not a payer
    a.call("officer", "GET", "/api/v1/employment/applications", expect=403)
    assert a.call("bank2", "GET", "/api/v1/employment/applications")["total"] == 0


def test_repayments_with_the_fee_labelled_as_fee(emp: tuple[Api, EmpWorld]) -> None:
    a, _ = emp
    app = a.call(
        "agency1",
        "POST",
        "/api/v1/employment/applications",
        expect=201,
        json=plan("0499370899", 10**9),
    )
    a.call(
        "agency1",
        "POST",
        f"/api/v1/employment/applications/{app['id']}/introduce",
        json={"bank_code": "B1"},
    )
    a.call(
        "bank1",
        "POST",
        f"/api/v1/employment/applications/{app['id']}/guarantees",
        expect=201,
        json={"kind": "credit_score", "grade": "B"},
    )
    a.call("bank1", "POST", f"/api/v1/employment/applications/{app['id']}/approve")
    a.call("payer1", "POST", f"/api/v1/employment/applications/{app['id']}/disburse")
    first = a.call("bank1", "GET", f"/api/v1/employment/applications/{app['id']}/schedule?limit=1")[
        "items"
    ][0]
    assert first["principal_rial"] == 0 and first["fee_rial"] > 0  # a grace month: the fee only
    a.call("supervisor", "POST", "/api/v1/business-date", json={"date": first["due"]})
    r = a.call(
        "bank1",
        "POST",
        f"/api/v1/employment/applications/{app['id']}/repayments",
        expect=201,
        json={"amount": first["amount_rial"]},
        headers={"Idempotency-Key": "k1"},
    )
    assert r["fee_rial"] == first["fee_rial"] and r["state"] == "repaying"
    again = a.call(
        "bank1",
        "POST",
        f"/api/v1/employment/applications/{app['id']}/repayments",
        expect=201,
        json={"amount": first["amount_rial"]},
        headers={"Idempotency-Key": "k1"},
    )
    assert again["replayed"]


def test_the_citizen_check_needs_no_login(emp: tuple[Api, EmpWorld]) -> None:
    a, _ = emp
    r = a.call(
        None,
        "GET",
        "/api/v1/employment/check",
        params={
            "amount": "۲٬۵۰۰٬۰۰۰٬۰۰۰",
            "approved_category": True,
            "guarantors": 1,
            "date": "1403/09/01",
        },
    )
    assert (
        r["eligibility"]["outcome"] == "eligible" and r["eligibility"]["cap_rial"] == 3_000_000_000
    )
    assert r["guarantees"]["outcome"] == "missing"
    missing = [b["missing"] for b in r["guarantees"]["bundles"]]
    assert missing == [["credit_score", "promissory_note"], ["guarantor"]]
    # one verdict, and no claim about a loan history nobody looked up
    v = r["verdict"]
    assert v["outcome"] == "eligible_with_guarantees"
    assert v["to_bring"] == [["credit_score", "promissory_note"], ["guarantor"]]
    assert v["one_loan_rule"] == "not_checked"
    assert not any(
        x["code"] == "employment.one_loan_per_person" for x in r["eligibility"]["reasons"]
    )
    warning = next(w for w in r["warnings"] if w["code"] == "employment.one_loan_not_checked")
    assert "بررسی نشد" in warning["message_fa"] and "not checked" in warning["message_en"]


def test_the_citizen_check_the_issue_case_is_not_called_eligible(
    emp: tuple[Api, EmpWorld],
) -> None:
    a, _ = emp
    r = a.call(
        None,
        "GET",
        "/api/v1/employment/check",
        params={
            "amount": "3000000000",
            "approved_category": True,
            "credit_grade": "D",
            "promissory_note": True,
            "guarantors": 1,
            "date": "1403/09/01",
        },
    )
    assert r["verdict"]["outcome"] == "eligible_with_guarantees"
    assert r["verdict"]["to_bring"] == [["credit_score"], ["guarantor"]]
    assert r["verdict"]["message_en"].startswith("Eligible once the guarantees are brought")


def test_the_citizen_check_looks_the_national_id_up(
    emp: tuple[Api, EmpWorld], container: Container
) -> None:
    a, ew = emp
    params = {"amount": "1000000000", "credit_grade": "B", "date": "1403/09/01"}
    # nobody in the registry: checked, and eligible
    r = a.call(
        None, "GET", "/api/v1/employment/check", params={**params, "national_id": "0499370899"}
    )
    assert r["verdict"]["outcome"] == "eligible" and r["verdict"]["one_loan_rule"] == "checked"
    assert {"code": "employment.one_loan_per_person", "passed": True}.items() <= next(
        x for x in r["eligibility"]["reasons"] if x["code"] == "employment.one_loan_per_person"
    ).items()
    assert not any(w["code"] == "employment.one_loan_not_checked" for w in r["warnings"])
    # a loan in SAMAT: not eligible, naming it
    employment.import_samat_loan(
        container.uow(),
        ew.w.admin,
        national_id="0790419904",
        bank_code="B1",
        agency_code="A1",
        amount=1_000_000_000,
        disbursed_on=parse_jalali("1403/05/10"),
        tracking_code="SAMAT-1403-0000042",
    )
    r = a.call(
        None, "GET", "/api/v1/employment/check", params={**params, "national_id": "۰۷۹۰۴۱۹۹۰۴"}
    )
    assert r["verdict"]["outcome"] == "not_eligible"
    assert [x["code"] for x in r["verdict"]["because"]] == ["employment.one_loan_per_person"]
    assert "SAMAT-1403-0000042" in r["verdict"]["message_en"]
    # an application in progress holds the person's loan slot
    app = a.call(
        "agency1",
        "POST",
        "/api/v1/employment/applications",
        expect=201,
        json=plan("0084575948", 10**9),
    )
    a.call(
        "agency1",
        "POST",
        f"/api/v1/employment/applications/{app['id']}/introduce",
        json={"bank_code": "B1"},
    )
    r = a.call(
        None, "GET", "/api/v1/employment/check", params={**params, "national_id": "0084575948"}
    )
    assert r["verdict"]["outcome"] == "not_eligible"
    assert [x["code"] for x in r["verdict"]["because"]] == ["employment.application_in_progress"]
    # a malformed national ID is a 4xx problem in both languages
    bad = a.call(
        None, "GET", "/api/v1/employment/check", params={**params, "national_id": "123"}, expect=422
    )
    assert bad["field"] == "national_id" and bad["message_fa"] and bad["message_en"]


def test_reports_and_csv(emp: tuple[Api, EmpWorld]) -> None:
    a, _ = emp
    a.call(
        "agency1",
        "POST",
        "/api/v1/employment/applications",
        expect=201,
        json=plan("0499370899", 10**9),
    )
    assert a.call("admin", "GET", "/api/v1/employment/reports/pipeline")["items"] == [
        {"state": "submitted", "count": 1, "amount_rial": 10**9}
    ]
    r = a.call("admin", "GET", "/api/v1/employment/reports/allocations?format=csv")
    assert r.headers["content-type"].startswith("text/csv") and "agency" in r.text
    assert a.call("admin", "GET", "/api/v1/employment/reports/speed")["items"] == []


def test_the_eligibility_shown_for_an_open_application(
    emp: tuple[Api, EmpWorld], container: Container
) -> None:
    _, ew = emp
    app, _ = employment.submit(
        container.uow(),
        ew.agency,
        container.policy,
        national_id="0499370899",
        name="متقاضی",
        province="تهران",
        agency_code="A1",
        amount=2_500_000_000,
        jobs=2,
        category_code="C1",
    )
    app_id = app.id
    before = employment.eligibility(container.uow(), ew.agency, container.policy, app_id)
    # the approved category's cap, and the registry read for the person's earlier loans
    assert before.outcome == "eligible"
    assert [(r.code, r.passed) for r in before.reasons] == [
        ("employment.cap", True),
        ("employment.one_loan_per_person", True),
    ]
    assert (before.value.cap_rial, before.value.cap_basis) == (3_000_000_000, "approved_category")
    assert before.value.registry_checked
    employment.introduce(
        container.uow(), ew.agency, container.policy, app_id=app_id, bank_code="B1"
    )
    after = employment.eligibility(container.uow(), ew.bank, container.policy, app_id)
    assert after.outcome == "eligible" and after.value.repeat is False
    with pytest.raises(Forbidden):
        employment.eligibility(container.uow(), ew.agency2, container.policy, app_id)
