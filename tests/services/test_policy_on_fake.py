"""Policy in storage on the in-memory unit of work: import, bitemporal reads, proposals with
four eyes (docs/adr/0009-policy-in-the-database.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tashilat.domain.errors import InvalidInput, PolicyError
from tashilat.domain.jalali import parse_jalali
from tashilat.policy import default_policy
from tashilat.services import policy_proposals as proposals
from tashilat.services.auth import Actor
from tashilat.services.errors import Conflict, Forbidden
from tashilat.services.policy_store import PolicyStore, import_shipped
from tests.fakes import FakeStore, FakeUnitOfWork

EDITOR = Actor(user_id=11, username="editor", role="policy_editor")
APPROVER = Actor(user_id=12, username="approver", role="policy_approver")
APPROVER2 = Actor(user_id=13, username="approver2", role="policy_approver")
OFFICER = Actor(user_id=2, username="officer", role="officer", branch_id=1)

T0 = datetime(2024, 4, 1, 8, 0, tzinfo=UTC)
T1 = datetime(2024, 4, 2, 8, 0, tzinfo=UTC)
D = parse_jalali


def wait_years(value: int, since: str = "1403/01/01") -> dict[str, Any]:
    return {
        "name": "four waiting years",
        "parameters": {
            "youth_fund.min_wait_years": {
                "values": [
                    {
                        "since": since,
                        "value": value,
                        "status": "assumed",
                        "note": "circular not yet published",
                        "note_fa": "بخشنامه هنوز منتشر نشده",
                    }
                ]
            }
        },
    }


@pytest.fixture
def policies() -> PolicyStore:
    return PolicyStore(refresh_seconds=0)


@pytest.fixture
def imported(uow: FakeUnitOfWork, policies: PolicyStore) -> FakeUnitOfWork:
    import_shipped(uow, policies.files, now=T0)
    return uow


def test_import_records_every_shipped_value_once_and_keeps_the_hash(
    uow: FakeUnitOfWork, store: FakeStore, policies: PolicyStore
) -> None:
    added = import_shipped(uow, policies.files, now=T0)
    assert added == 111
    assert import_shipped(uow, policies.files, now=T1) == 0
    known = policies.as_known(uow)
    # rebuilt from the rows, the policy is byte for byte the shipped one
    assert known.hash == default_policy().hash
    assert known.change_id == 111 and known.as_known_at == T0
    assert store.policy.version(known.hash) is not None
    assert [a.action for a in store.audit] == ["policy.import"]


def test_without_stored_values_the_shipped_yaml_is_the_policy(
    uow: FakeUnitOfWork, policies: PolicyStore
) -> None:
    known = policies.as_known(uow)
    assert not known.stored and known.hash == default_policy().hash


def test_a_retroactive_change_old_answer_as_known_before_new_after(
    imported: FakeUnitOfWork, store: FakeStore, policies: PolicyStore
) -> None:
    p = proposals.propose(
        imported, EDITOR, policies, change_set=wait_years(4), reason="circular 12/3", now=T1
    )
    assert p.record.retroactive  # 1403/01/01 is before the business date 1403/01/15
    proposals.approve(imported, APPROVER, policies, p.id, now=T1 + timedelta(hours=1))
    on = D("1403/06/01")
    before, k0 = policies.resolve(imported, "youth_fund.min_wait_years", on, T1)
    after, k1 = policies.resolve(imported, "youth_fund.min_wait_years", on, T1 + timedelta(hours=2))
    now, _ = policies.resolve(imported, "youth_fund.min_wait_years", on)
    assert (before.value, after.value, now.value) == (3, 4, 4)
    assert after.provenance.status.value == "assumed"
    assert k0.hash == default_policy().hash and k1.hash != k0.hash
    assert k1.change_id == 112
    # values older than the change are untouched
    old, _ = policies.resolve(imported, "youth_fund.min_wait_years", D("1400/01/01"))
    assert old.value == 5
    row = store.policy.history("youth_fund.min_wait_years")[-1]
    assert (row.retroactive, row.proposed_by, row.approved_by, row.proposal_id) == (
        True,
        "editor",
        "approver",
        1,
    )


def test_nothing_known_before_the_first_import(
    imported: FakeUnitOfWork, policies: PolicyStore
) -> None:
    with pytest.raises(PolicyError) as e:
        policies.as_known(imported, T0 - timedelta(seconds=1))
    assert e.value.code == "policy.not_known"


def test_a_proposal_breaking_tier_order_is_refused_with_the_findings(
    imported: FakeUnitOfWork, store: FakeStore, policies: PolicyStore
) -> None:
    bad = {
        "parameters": {
            "youth_fund.caps": {
                "values": [
                    {
                        "since": "1404/01/01",
                        "status": "assumed",
                        "note": "tiers swapped",
                        "value": {"5": {"tier_1": 100, "tier_2": 200, "tier_3": 50}},
                    }
                ]
            }
        }
    }
    with pytest.raises(proposals.ProposalInvalid) as e:
        proposals.propose(imported, EDITOR, policies, change_set=bad, reason="x")
    assert e.value.status == 422
    assert [f["code"] for f in e.value.details["findings"]] == ["cap_table.tier_order"]
    assert store.policy.proposals() == []
    assert store.audit[-1].action == "policy.propose" and store.audit[-1].outcome == "refused"


def test_a_retroactive_proposal_needs_a_reason(
    imported: FakeUnitOfWork, store: FakeStore, policies: PolicyStore
) -> None:
    with pytest.raises(InvalidInput) as e:
        proposals.propose(imported, EDITOR, policies, change_set=wait_years(4), reason="  ")
    assert e.value.code == "policy.reason_required"
    # a change from a future date needs none and is not flagged
    p = proposals.propose(
        imported, EDITOR, policies, change_set=wait_years(4, "1405/01/01"), reason=""
    )
    assert not p.record.retroactive


def test_maker_is_not_checker_and_a_decided_proposal_stays_decided(
    imported: FakeUnitOfWork, store: FakeStore, policies: PolicyStore
) -> None:
    p = proposals.propose(imported, EDITOR, policies, change_set=wait_years(4), reason="r")
    # the proposer, even holding the approver role, may not decide it
    same = Actor(user_id=11, username="editor", role="policy_approver")
    with pytest.raises(Forbidden) as e:
        proposals.approve(imported, same, policies, p.id)
    assert e.value.code == "policy.same_person"
    with pytest.raises(Forbidden):
        proposals.approve(imported, EDITOR, policies, p.id)  # an editor may not approve
    with pytest.raises(Forbidden):
        proposals.propose(imported, OFFICER, policies, change_set=wait_years(4), reason="r")
    proposals.approve(imported, APPROVER, policies, p.id)
    with pytest.raises(Conflict):
        proposals.approve(imported, APPROVER2, policies, p.id)
    with pytest.raises(Conflict):
        proposals.reject(imported, APPROVER2, p.id)
    assert len(store.policy.history("youth_fund.min_wait_years")) == 3
    outcomes = [(a.action, a.outcome) for a in store.audit]
    assert outcomes == [
        ("policy.import", "ok"),
        ("policy.propose", "ok"),
        ("policy.approve", "refused"),
        ("policy.approve", "ok"),
        ("policy.approve", "refused"),
        ("policy.reject", "refused"),
    ]


def test_a_rejected_proposal_changes_nothing(
    imported: FakeUnitOfWork, store: FakeStore, policies: PolicyStore
) -> None:
    p = proposals.propose(imported, EDITOR, policies, change_set=wait_years(4), reason="r")
    r = proposals.reject(imported, APPROVER, p.id, note="no circular")
    assert r.record.status == "rejected" and r.record.decided_by == "approver"
    assert policies.as_known(imported).hash == default_policy().hash
    assert [v.record.status for v in proposals.list_proposals(imported, APPROVER)] == ["rejected"]
