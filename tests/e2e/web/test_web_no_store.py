"""Personal data is not kept by browsers: every page of a signed-in person is sent with
``Cache-Control: no-store``, so after logging out the Back button shows nothing of it; and
wrong passwords on the login form are throttled like the API's."""

from __future__ import annotations

import re
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from tashilat.demo import DEMO_PASSWORD
from tashilat.entrypoints.web import PAGES

SIGNED_IN_AREAS = ("/staff", "/my", "/employment", "/policy-admin")
WHO = {
    "/staff": "admin",
    "/my": "sara",
    "/employment": "bank.officer",
    "/policy-admin": "policy.approver",
}


def signed_in_get_routes() -> list[str]:
    """Every GET page of the signed-in areas, path parameters set to 1."""
    routes = []
    for module in PAGES:
        for route in module.router.routes:
            if (
                isinstance(route, APIRoute)
                and "GET" in route.methods
                and route.path.startswith(SIGNED_IN_AREAS)
            ):
                routes.append(re.sub(r"\{[^}]+\}", "1", route.path))
    return sorted(set(routes))


def test_every_signed_in_page_is_no_store(client: TestClient, helpers: Any) -> None:
    paths = signed_in_get_routes()
    assert len(paths) >= 25, paths
    checked = 0
    for area, username in WHO.items():
        client.cookies.clear()
        assert helpers.login(client, username).status_code == 303
        for path in (p for p in paths if p.startswith(area)):
            r = client.get(path, follow_redirects=False)
            assert r.status_code < 500, path
            assert r.headers.get("cache-control") == "no-store", (path, r.status_code)
            checked += 1
    assert checked == len(paths)
    # static assets may be cached: they hold nothing personal
    assert "no-store" not in client.get("/static/css/app.css").headers.get("cache-control", "")


def test_the_login_form_throttles_wrong_passwords(client: TestClient, helpers: Any) -> None:
    for _ in range(5):
        assert helpers.login(client, "officer", "wrong password").status_code == 401
    r = helpers.login(client, "officer", DEMO_PASSWORD)
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    assert "ثانیه" in r.text


def test_back_after_logout_shows_no_personal_data(page: Any, helpers: Any) -> None:
    helpers.browser_login(page, "officer")
    page.get_by_role("link", name="حساب‌ها", exact=True).first.click()
    holder = page.locator("#accounts tbody tr").first
    expect(holder).to_be_visible()
    name = holder.locator("td").first.inner_text().strip()
    assert name
    holder.locator("a").first.click()
    expect(page.locator("#balance")).to_be_visible()
    account_url = page.url
    page.get_by_role("button", name=re.compile("^(خروج|Log out)$")).click()
    page.wait_for_url(lambda url: url != account_url)
    page.go_back()
    page.wait_for_load_state()
    assert "/login" in page.url
    expect(page.locator("#balance")).to_have_count(0)
    assert name not in page.content()
