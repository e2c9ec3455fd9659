"""Properties of the stored policy: values survive the JSON round trip, and a value read
"as known at T" is the one approved last by T, whatever the order of approvals."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.fakes import FakeStore, FakeUnitOfWork

from tashilat.policy.store import from_json, to_json
from tashilat.services import policy_proposals as proposals
from tashilat.services.auth import Actor
from tashilat.services.policy_store import PolicyStore, import_shipped

EDITOR = Actor(user_id=11, username="editor", role="policy_editor")
APPROVER = Actor(user_id=12, username="approver", role="policy_approver")
T0 = datetime(2024, 1, 1, tzinfo=UTC)
FILES = PolicyStore().files  # a store caches by change id: one per database, so per example

keys = st.one_of(
    st.integers(min_value=0, max_value=99),
    st.text(alphabet="abc_ز", min_size=1, max_size=5),
)
leaves = st.one_of(st.none(), st.booleans(), st.integers(-(10**15), 10**15), st.text(max_size=8))
trees = st.recursive(
    leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)),
    max_leaves=12,
)


@given(trees)
def test_a_value_survives_the_json_round_trip(value: Any) -> None:
    assert from_json(json.loads(json.dumps(to_json(value)))) == value


@settings(max_examples=10, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=4))
def test_as_known_at_t_is_the_last_value_approved_by_t(waits: list[int]) -> None:
    store = PolicyStore(FILES, refresh_seconds=0)
    uow = FakeUnitOfWork(FakeStore())
    uow.store.business_date.on = datetime(2025, 1, 1).date()
    import_shipped(uow, FILES, now=T0)
    times = []
    for i, years in enumerate(waits):
        at = T0 + timedelta(days=i + 1)
        change = {
            "parameters": {
                "youth_fund.max_wait_years": {
                    "values": [
                        {
                            "since": "1403/01/01",
                            "value": 10 + years,
                            "status": "assumed",
                            "note": "n",
                        }
                    ]
                }
            }
        }
        p = proposals.propose(uow, EDITOR, store, change_set=change, reason="r", now=at)
        proposals.approve(uow, APPROVER, store, p.id, now=at)
        times.append(at)
    on = datetime(2025, 1, 1).date()
    before, _ = store.resolve(uow, "youth_fund.max_wait_years", on, T0)
    assert before.value == 10
    for at, years in zip(times, waits, strict=True):
        then, known = store.resolve(uow, "youth_fund.max_wait_years", on, at + timedelta(hours=1))
        assert then.value == 10 + years
        assert known.as_known_at == at
