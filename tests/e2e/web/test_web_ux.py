"""The web pages at the level of a good Iranian banking site, checked over HTTP: answers
that name what they used, all the mistakes at once, error pages for browsers, compressed
responses and static files that are cached for a year."""

from __future__ import annotations

import re

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
