"""The API documentation renders in a real browser from the server alone, under the same
Content-Security-Policy as the pages (no request leaves the server, nothing is blocked)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import expect


def test_docs_render_offline_under_the_csp(page: Any, live_server: str) -> None:
    hosts: set[str] = set()
    violations: list[str] = []
    page.on("request", lambda req: hosts.add(urlsplit(req.url).netloc))
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("tashilat API")
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    assert hosts == {urlsplit(live_server).netloc}
    assert violations == []
