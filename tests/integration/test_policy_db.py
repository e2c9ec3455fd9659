"""Policy in the database on SQLite and PostgreSQL: the import at ``db init``, bitemporal
reads, proposals with four eyes, and two approvers racing (docs/adr/0009)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tashilat.adapters.db.models import AuditLog
from tashilat.adapters.db.policy_models import PolicyValue
from tashilat.bootstrap import Container, init_database
from tashilat.domain.jalali import parse_jalali
from tashilat.policy import default_policy
from tashilat.services import auth
from tashilat.services import policy_proposals as proposals
from tashilat.services.auth import SYSTEM, Actor
from tashilat.services.errors import Conflict, Forbidden
from tests.integration.conftest import START
from tests.integration.helpers import actor_of

PW = "correct horse 1"


def staff(c: Container) -> dict[str, Actor]:
    for name, role in [
        ("editor", "policy_editor"),
        ("approver", "policy_approver"),
        ("approver2", "policy_approver"),
    ]:
        auth.create_user(c.uow(), SYSTEM, username=name, password=PW, role=role)
    return {n: actor_of(c, n) for n in ("editor", "approver", "approver2")}


def wait_years(value: int) -> dict[str, Any]:
    return {
        "parameters": {
            "youth_fund.min_wait_years": {
                "values": [
                    {"since": "1403/01/01", "value": value, "status": "assumed", "note": "n"}
                ]
            }
        }
    }


def count(c: Container, model: Any, *where: Any) -> int:
    uow = c.uow()
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_db_init_imports_the_shipped_values_once(container: Container) -> None:
    c = container
    assert count(c, PolicyValue) == 111
    init_database(c, business_date=START)  # again: nothing more
    assert count(c, PolicyValue) == 111
    assert count(c, AuditLog, AuditLog.action == "policy.import") == 1
    known = c.known_policy()
    assert known.stored and known.change_id == 111
    assert c.policy.hash == default_policy().hash


def test_approved_retroactive_change_takes_effect_and_the_past_stays_answerable(
    container: Container,
) -> None:
    c = container
    s = staff(c)
    before = datetime.now(UTC)
    p = proposals.propose(
        c.uow(), s["editor"], c.policies, change_set=wait_years(4), reason="circular"
    )
    assert p.record.retroactive
    assert c.policy.resolve("youth_fund.min_wait_years", parse_jalali("1403/02/01")).value == 3
    proposals.approve(c.uow(), s["approver"], c.policies, p.id)
    on = parse_jalali("1403/02/01")
    # the current policy changed without a restart; the past answer is kept
    assert c.policy.resolve("youth_fund.min_wait_years", on).value == 4
    then, known_then = c.policies.resolve(c.reader(), "youth_fund.min_wait_years", on, before)
    assert then.value == 3 and known_then.hash == default_policy().hash
    assert c.known_policy().change_id == 112
    with pytest.raises(Conflict):
        proposals.approve(c.uow(), s["approver2"], c.policies, p.id)
    with pytest.raises(Forbidden):
        proposals.reject(c.uow(), s["editor"], p.id)


def test_a_proposal_breaking_tier_order_saves_nothing(container: Container) -> None:
    c = container
    s = staff(c)
    bad = {
        "parameters": {
            "youth_fund.caps": {
                "values": [
                    {
                        "since": "1404/01/01",
                        "status": "assumed",
                        "note": "swapped",
                        "value": {"5": {"tier_1": 1, "tier_2": 2, "tier_3": 1}},
                    }
                ]
            }
        }
    }
    with pytest.raises(proposals.ProposalInvalid):
        proposals.propose(c.uow(), s["editor"], c.policies, change_set=bad, reason="r")
    assert proposals.list_proposals(c.uow(), s["approver"]) == []
    assert count(c, AuditLog, AuditLog.action == "policy.propose") == 1


@pytest.mark.postgres
def test_two_approvers_racing_exactly_one_wins(pg_container: Container) -> None:
    c = pg_container
    s = staff(c)
    p = proposals.propose(
        c.uow(), s["editor"], c.policies, change_set=wait_years(4), reason="circular"
    )
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def go(name: str) -> None:
        barrier.wait()
        try:
            proposals.approve(c.uow(), s[name], c.policies, p.id, request_id=name)
            results[name] = "approved"
        except Conflict:
            results[name] = "conflict"

    threads = [threading.Thread(target=go, args=(n,)) for n in ("approver", "approver2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results.values()) == ["approved", "conflict"]
    assert count(c, PolicyValue) == 112  # the values were recorded once
    assert count(c, AuditLog, AuditLog.action == "policy.approve", AuditLog.outcome == "ok") == 1
    assert c.policy.resolve("youth_fund.min_wait_years", parse_jalali("1403/06/01")).value == 4
    assert datetime.now(UTC) - timedelta(minutes=5) < c.known_policy().as_known_at  # type: ignore[operator]


def test_the_impact_preview_counts_open_applications_whose_verdict_changes(
    container: Container,
) -> None:
    from tashilat.services import employment, policy_impact
    from tests.integration.employment_helpers import emp_world, national_id

    c = container
    ew = emp_world(c)  # business date 1403/09/01; the individual cap is 1.5 billion rial
    for n, amount in enumerate((1_000_000_000, 1_200_000_000, 1_400_000_000), start=1):
        employment.submit(
            c.uow(),
            ew.agency,
            c.policy,
            national_id=national_id(7000 + n),
            name="متقاضی",
            province="تهران",
            agency_code="A1",
            amount=amount,
            jobs=2,
        )
    s = staff(c)
    lower = {
        "parameters": {
            "employment.individual_cap": {
                "values": [
                    {
                        "since": "1403/02/25",
                        "value": 1_100_000_000,
                        "status": "assumed",
                        "note": "a what-if cap",
                    }
                ]
            }
        }
    }
    p = proposals.propose(c.uow(), s["editor"], c.policies, change_set=lower, reason="what if")
    _, impact = policy_impact.preview(c.reader(), s["approver"], c.policies, p.id)
    assert (impact.applications, impact.applications_changed) == (3, 2)
    assert impact.applications_changed_rial == 2_600_000_000
    assert impact.applications_unanswerable == 0
    assert (impact.accounts, impact.accounts_changed) == (0, 0)
