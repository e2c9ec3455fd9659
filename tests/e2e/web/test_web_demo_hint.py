"""The login page tells demo users the demo password, and only on a demo server."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tashilat.bootstrap import build
from tashilat.entrypoints.api.app import create_app
from tashilat.settings import Settings


@pytest.mark.parametrize("demo", [True, False])
def test_the_demo_password_hint_shows_only_on_a_demo_server(tmp_path: Path, demo: bool) -> None:
    c = build(Settings(database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}", demo=demo))
    with TestClient(create_app(c)) as client:
        page = client.get("/login").text
    assert ("tashilat-demo" in page) is demo
    c.dispose()
