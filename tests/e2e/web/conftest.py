"""Fixtures for the web tests: one demo database built once per session (``tashilat.demo``,
through the services), copied for each consumer; a TestClient over a copy; and a live
server (uvicorn in a thread, on a free port) driven by Debian's Chromium through Playwright.

Playwright never downloads a browser here: it launches ``/usr/bin/chromium``. Without it the
browser tests are skipped locally and fail in CI (``CI=true``).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tashilat.bootstrap import Container, build
from tashilat.demo import DEMO_PASSWORD, seed
from tashilat.entrypoints.api.app import create_app
from tashilat.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database file, built once (about three seconds)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    c = build(Settings(database_url=f"sqlite:///{path}"))
    try:
        seed(c)
    finally:
        c.dispose()
    return path


def _container_from(demo_db: Path, target: Path) -> Container:
    shutil.copyfile(demo_db, target)
    return build(Settings(database_url=f"sqlite:///{target}", demo=True))


@pytest.fixture
def container(demo_db: Path, tmp_path: Path) -> Iterator[Container]:
    c = _container_from(demo_db, tmp_path / "web.sqlite3")
    try:
        yield c
    finally:
        c.dispose()


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container, token_cache_seconds=0)) as tc:
        yield tc


_HIDDEN = r'name="{}" value="([^"]*)"'


def hidden(html: str, name: str) -> str:
    m = re.search(_HIDDEN.format(re.escape(name)), html)
    assert m, f"no hidden field {name!r}"
    return m.group(1)


def login(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> Any:
    """Log in through the form (the double-submit token first), as a browser does."""
    page = client.get("/login")
    token = hidden(page.text, "login_csrf")
    return client.post(
        "/login",
        data={"username": username, "password": password, "login_csrf": token},
        follow_redirects=False,
    )


# -- the live server and the browser ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    c = _container_from(demo_db, tmp_path_factory.mktemp("live") / "live.sqlite3")
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(c, token_cache_seconds=0),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        c.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing: install Debian's chromium package")
        pytest.skip("/usr/bin/chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh browser context (no cookies) on a desktop-sized window."""
    context = browser.new_context(base_url=live_server, viewport=DESKTOP, locale="fa-IR")
    context.set_default_timeout(15_000)
    p = context.new_page()
    try:
        yield p
    finally:
        context.close()


def screenshot(page: Any, name: str) -> Path:
    """A full-page screenshot into docs/screenshots (the README links to them)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.evaluate("document.fonts.ready.then(() => true)")
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


def browser_login(page: Any, username: str) -> None:
    page.goto("/login")
    page.get_by_label(re.compile("نام کاربری|Username")).fill(username)
    page.get_by_label(re.compile("گذرواژه|Password")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("^(ورود|Log in)$")).click()
    page.wait_for_url(re.compile(r"/(staff|my)$"))


# -- helpers as fixtures (test modules here are not a package, so they do not import) ----------


@pytest.fixture
def helpers() -> Any:
    class H:
        hidden = staticmethod(hidden)
        login = staticmethod(login)
        screenshot = staticmethod(screenshot)
        browser_login = staticmethod(browser_login)
        desktop = DESKTOP
        phone = PHONE

    return H
