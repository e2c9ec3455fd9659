"""The analysts' forecast page: the form, a run in the background to its result with the
charts and tables, the CSV download, input errors on the form, and who may see it."""

from __future__ import annotations

import re
import time
from typing import Any

from fastapi.testclient import TestClient

from tashilat.demo import DEMO_PASSWORD


def csrf(client: TestClient) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', client.get("/analyst/forecast").text)
    assert m, "no CSRF token on the forecast form"
    return m.group(1)


def test_an_analyst_runs_a_forecast_and_downloads_it(client: TestClient, helpers: Any) -> None:
    r = helpers.login(client, "analyst")
    assert r.headers["location"] == "/analyst/forecast"
    form = client.get("/analyst/forecast")
    assert form.status_code == 200 and 'id="forecast-form"' in form.text
    variant = (
        "name: a fourth waiting year\nname_fa: چهار سال انتظار\nparameters:\n"
        "  youth_fund.min_wait_years:\n    values:\n      - since: 1403/01/01\n"
        "        value: 4\n        status: illustrative\n        note: t\n        note_fa: ت\n"
    )
    r = client.post(
        "/analyst/forecast",
        data={
            "csrf": csrf(client),
            "as_of": "۱۴۰۴/۰۱/۰۱",
            "years": "۴",
            "scale_caps": "125",
            "variant": variant,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    assert url.startswith("/analyst/forecast/")
    for _ in range(300):
        page = client.get(url)
        if "forecast-progress" not in page.text:
            break
        assert 'http-equiv="refresh"' in page.text
        time.sleep(0.1)
    html = page.text
    assert "forecast-failed" not in html, html
    for part in ('id="tier-chart"', 'id="province-chart"', 'id="net-chart"', "baseline-table"):
        assert part in html
    assert 'id="variant-1-table"' in html and 'id="variant-2-table"' in html
    assert "چهار سال انتظار" in html
    assert len(re.findall(r'<tr data-year="14\d\d">', html)) == 4 * 3
    csv = client.get(f"{url}.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("scenario,year,group,key,reaching_min_wait")
    assert lines[1].startswith("baseline,1404,total,,")


def test_bad_input_stays_on_the_form(client: TestClient, helpers: Any) -> None:
    helpers.login(client, "analyst")
    r = client.post(
        "/analyst/forecast",
        data={
            "csrf": csrf(client),
            "as_of": "1404/13/40",
            "years": "99",
            "variant": "name: x\nparameters: [",
        },
    )
    assert r.status_code == 422
    assert r.text.count('class="error"') >= 3
    assert 'aria-invalid="true"' in r.text


def test_other_roles_do_not_see_the_page(client: TestClient, helpers: Any) -> None:
    helpers.login(client, "officer")
    assert client.get("/analyst/forecast").status_code == 403
    assert "/analyst/forecast" not in client.get("/staff").text
    client.cookies.clear()
    r = client.get("/analyst/forecast", follow_redirects=False)
    assert r.status_code in (302, 303) and "/login" in r.headers["location"]


def test_the_page_in_the_browser(page: Any, helpers: Any) -> None:
    page.goto("/login")
    page.get_by_label(re.compile("نام کاربری|Username")).fill("analyst")
    page.get_by_label(re.compile("گذرواژه|Password")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("^(ورود|Log in)$")).click()
    page.wait_for_url(re.compile(r"/analyst/forecast$"))
    page.locator("#f-as_of").fill("1404/01/01")
    page.locator("#f-years").fill("3")
    page.locator("#f-scale_caps").fill("125")
    page.locator("#forecast-start").click()
    page.wait_for_selector("#tier-chart", timeout=60_000)
    assert page.locator("#tier-chart .series-tier1").count() == 1
    assert page.locator("#baseline-table tbody tr").count() == 3
    assert page.locator("#variant-1-table tbody tr").count() == 3
    with page.expect_download() as info:
        page.locator("#forecast-csv").click()
    assert info.value.suggested_filename.startswith("forecast-")
    helpers.screenshot(page, "analyst-forecast")
