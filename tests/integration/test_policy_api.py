"""Policy administration through the HTTP API and the CLI, on SQLite and PostgreSQL:
propose → approve by someone else → in force at once, the past still answerable."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tashilat.bootstrap import Container
from tashilat.entrypoints.api.app import create_app
from tashilat.entrypoints.cli.main import app as cli_app
from tashilat.services import auth
from tashilat.services.auth import SYSTEM

PW = "correct horse 1"
CHANGE = {
    "name": "four waiting years",
    "reason": "بخشنامه ۱۴۰۳/۰۵",
    "parameters": {
        "youth_fund.min_wait_years": {
            "values": [
                {
                    "since": "1403/01/01",
                    "value": 4,
                    "status": "assumed",
                    "note": "circular awaited",
                    "note_fa": "بخشنامه در راه است",
                }
            ]
        }
    },
}


class Api:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.tokens: dict[str, str] = {}

    def call(self, who: str | None, method: str, url: str, *, expect: int = 200, **kw: Any) -> Any:
        headers = {}
        if who is not None:
            if who not in self.tokens:
                r = self.client.post("/api/v1/auth/login", json={"username": who, "password": PW})
                assert r.status_code == 200, r.text
                self.tokens[who] = r.json()["access_token"]
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        r = self.client.request(method, url, headers=headers, **kw)
        assert r.status_code == expect, f"{method} {url} → {r.status_code}: {r.text}"
        return r.json()


@pytest.fixture
def api(container: Container) -> Iterator[Api]:
    for name, role in [
        ("editor", "policy_editor"),
        ("approver", "policy_approver"),
        ("auditor", "auditor"),
    ]:
        auth.create_user(container.uow(), SYSTEM, username=name, password=PW, role=role)
    with TestClient(create_app(container)) as client:
        yield Api(client)


PARAM = "/api/v1/policy/parameters/youth_fund.min_wait_years"


def test_propose_approve_and_read_as_known_before_and_after(api: Api) -> None:
    before = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    time.sleep(0.01)
    p = api.call("editor", "POST", "/api/v1/policy/proposals", expect=201, json=CHANGE)
    assert (p["status"], p["retroactive"], p["earliest_valid_from"]) == (
        "pending",
        True,
        "1403/01/01",
    )
    assert p["changes"][0]["path"] == "youth_fund.min_wait_years"
    pending = api.call("approver", "GET", "/api/v1/policy/proposals?status=pending")
    assert [x["id"] for x in pending["items"]] == [p["id"]]
    impact = api.call("approver", "GET", f"/api/v1/policy/proposals/{p['id']}/impact")
    assert (impact["accounts"], impact["accounts_changed"], impact["on"]) == (0, 0, "1403/01/15")
    assert (impact["applications"], impact["applications_changed"]) == (0, 0)
    api.call("editor", "POST", f"/api/v1/policy/proposals/{p['id']}/approve", expect=403)
    done = api.call(
        "approver", "POST", f"/api/v1/policy/proposals/{p['id']}/approve", json={"note": "ok"}
    )
    assert (done["status"], done["decided_by"]) == ("approved", "approver")
    again = api.client.post(
        f"/api/v1/policy/proposals/{p['id']}/reject",
        headers={"Authorization": f"Bearer {api.tokens['approver']}"},
    )
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    now = api.call(None, "GET", f"{PARAM}?on=1403/05/01")
    assert [v["value"] for v in now["values"]] == [4]
    assert now["policy_version"]["change_id"] == 112
    then = api.call(None, "GET", f"{PARAM}?on=1403/05/01&as_known_on={before}")
    assert [(v["value"], v["status"]) for v in then["values"]] == [(3, "seed")]
    assert then["policy_version"]["change_id"] == 111
    hist = api.call("auditor", "GET", f"{PARAM}/history")
    assert [(h["since"], h["value"], h["origin"]) for h in hist["items"]] == [
        ("1397/01/01", 5, "shipped"),
        ("1403/01/01", 3, "shipped"),
        ("1403/01/01", 4, "proposal"),
    ]


def test_a_proposal_breaking_tier_order_is_a_422_with_findings(api: Api) -> None:
    bad = {
        "reason": "r",
        "parameters": {
            "youth_fund.caps": {
                "values": [
                    {
                        "since": "1405/01/01",
                        "status": "assumed",
                        "note": "swapped",
                        "value": {"5": {"tier_1": 1, "tier_2": 2, "tier_3": 1}},
                    }
                ]
            }
        },
    }
    r = api.call("editor", "POST", "/api/v1/policy/proposals", expect=422, json=bad)
    assert r["code"] == "policy.proposal_invalid"
    assert [f["code"] for f in r["findings"]] == ["cap_table.tier_order"]
    assert api.call("approver", "GET", "/api/v1/policy/proposals")["items"] == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"reason": "", "parameters": CHANGE["parameters"]}, "policy.reason_required"),
        ({"parameters": {"youth_fund.nothing": {"values": [{"since": "1405/01/01"}]}}}, None),
        ({"parameters": {"youth_fund.min_wait_years": {"values": "x"}}}, None),
        ({"parameters": {}}, None),
    ],
)
def test_bad_proposals_are_4xx_never_500(api: Api, body: dict[str, Any], code: str | None) -> None:
    r = api.client.post("/api/v1/policy/proposals", json=body)
    assert r.status_code == 401
    api.call("editor", "GET", "/api/v1/policy/proposals")
    r = api.client.post(
        "/api/v1/policy/proposals",
        json=body,
        headers={"Authorization": f"Bearer {api.tokens['editor']}"},
    )
    assert r.status_code == 422, r.text
    if code:
        assert r.json()["code"] == code


def test_bad_as_known_on_and_unknown_paths(api: Api) -> None:
    assert api.call(None, "GET", f"{PARAM}?as_known_on=tomorrow", expect=422)["code"] == (
        "input.moment"
    )
    early = api.call(None, "GET", f"{PARAM}?as_known_on=2001-01-01T00:00:00Z", expect=422)
    assert early["code"] == "policy.not_known"
    unknown = api.call(None, "GET", "/api/v1/policy/parameters/youth_fund.nothing", expect=422)
    assert unknown["code"] == "policy.unknown_parameter"
    api.call("auditor", "GET", "/api/v1/policy/proposals/99", expect=404)


def test_the_cli_proposes_and_approves(container: Container, tmp_path: Path) -> None:
    url = container.settings.database_url
    for name, role in [("ed", "policy_editor"), ("ap", "policy_approver")]:
        auth.create_user(container.uow(), SYSTEM, username=name, password=PW, role=role)
    change = tmp_path / "change.yaml"
    change.write_text(
        "parameters:\n  youth_fund.min_wait_years:\n    values:\n"
        "      - {since: 1405/01/01, value: 4, status: assumed, note: n}\n",
        encoding="utf-8",
    )
    run = CliRunner().invoke
    r = run(cli_app, ["policy", "propose", str(change), "--as", "ed", "--database-url", url])
    assert r.exit_code == 0, r.output
    r = run(cli_app, ["policy", "approve", "1", "--as", "ed", "--database-url", url, "--json"])
    assert r.exit_code == 2 and json.loads(r.output)["code"] == "auth.forbidden"
    r = run(cli_app, ["policy", "approve", "1", "--as", "ap", "--database-url", url, "--json"])
    assert r.exit_code == 0 and json.loads(r.output)["status"] == "approved"
    args = ["policy", "show", "youth_fund.min_wait_years", "--on", "1405/02/01"]
    shown = json.loads(run(cli_app, [*args, "--database-url", url, "--json"]).output)
    assert [v["value"] for v in shown["values"]] == [4]
    shipped = json.loads(run(cli_app, [*args, "--json"]).output)
    assert [v["value"] for v in shipped["values"]] == [3]
    out = tmp_path / "export"
    r = run(cli_app, ["policy", "export", "--out", str(out), "--database-url", url])
    assert r.exit_code == 0, r.output
    checked = json.loads(run(cli_app, ["policy", "check", str(out), "--json"]).output)
    assert checked["valid"] and checked["policy_hash"] == shown["policy_hash"]
