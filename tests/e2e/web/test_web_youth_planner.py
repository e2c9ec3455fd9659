"""The planner's loan columns and the inverse planner's page through FastAPI's TestClient
(no browser): literal answers in the reader's digits, errors next to their fields."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

TEHRAN = "تهران"
PLAN = {"opened": "1403/01/15", "city": TEHRAN, "mode": "table", "share": "100"}


def test_the_planner_shows_the_loan_and_its_burden(client: TestClient) -> None:
    client.cookies.set("tashilat_digits", "latin")
    r = client.get("/youth-fund/plan", params={**PLAN, "children": "2"})
    assert r.status_code == 200
    row = re.search(r'<tr data-year="3">(.*?)</tr>', r.text, re.S)
    assert row
    assert "143,956,153" in row.group(1)  # 16 billion at 9% over 240 months
    assert "34,549,476,679" in row.group(1)
    assert "89.59" in row.group(1)  # of 160,691,616 (1404 minimum wage, married, 2 children)
    early = re.search(r'<tr data-year="2"[^>]*>(.*?)</tr>', r.text, re.S)
    assert early and "143,956,153" not in early.group(1)
    assert 'data-code="plan.burden"' in r.text and 'data-code="plan.loan"' in r.text
    assert 'action="/youth-fund/target#answer"' in r.text  # the inverse planner's form


def test_the_planner_stepwise_with_an_income_in_persian_digits(client: TestClient) -> None:
    r = client.get(
        "/youth-fund/plan", params={**PLAN, "method": "stepwise", "income": "۵۰۰٬۰۰۰٬۰۰۰"}
    )
    assert r.status_code == 200
    row = re.search(r'<tr data-year="3">(.*?)</tr>', r.text, re.S)
    assert row and "۱۱۶٬۶۹۸٬۰۷۸" in row.group(1) and "۲۳٫۳۴" in row.group(1)


def test_both_an_income_and_children_is_explained(client: TestClient) -> None:
    r = client.get("/youth-fund/plan", params={**PLAN, "income": "500000000", "children": "1"})
    assert r.status_code == 422
    assert 'id="f-income-error"' in r.text


def test_the_target_page_gives_the_least_deposits(client: TestClient) -> None:
    client.cookies.set("tashilat_digits", "latin")
    r = client.get(
        "/youth-fund/target",
        params={"opened": "1403/01/15", "city": TEHRAN, "goal": "cap", "by_year": "3"},
    )
    assert r.status_code == 200
    least = re.search(r'id="least-monthly">(.*?)</dd>', r.text, re.S)
    assert least and "20,908,109" in least.group(1)
    lump = re.search(r'id="least-lump">(.*?)</dd>', r.text, re.S)
    assert lump and "386,800,000" in lump.group(1)
    assert "youth_fund." not in re.sub(r'data-code="[^"]*"', "", r.text)  # no ids for citizens


def test_the_target_page_first_year_and_never(client: TestClient) -> None:
    base = {"opened": "1403/01/15", "city": TEHRAN, "solve": "monthly"}
    r = client.get(
        "/youth-fund/target",
        params={**base, "goal": "amount", "amount": "16000000000", "monthly": "15000000"},
    )
    first = re.search(r'id="first-year"><strong>(.*?)</strong>', r.text)
    assert first and first.group(1) == "۶"
    never = client.get("/youth-fund/target", params={**base, "goal": "cap", "monthly": "10000000"})
    assert never.status_code == 200 and 'id="never"' in never.text


def test_the_target_page_explains_a_year_before_the_wait(client: TestClient) -> None:
    r = client.get(
        "/youth-fund/target",
        params={"opened": "1403/01/15", "city": TEHRAN, "goal": "cap", "by_year": "2"},
    )
    assert r.status_code == 422
    assert 'id="f-by_year-error"' in r.text
    blank = client.get("/youth-fund/target")
    assert blank.status_code == 200 and 'id="answer"' not in blank.text
