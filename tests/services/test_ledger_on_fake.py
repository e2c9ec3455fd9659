"""The ledger's contract on the in-memory repository: unique request ids, zero-sum entries."""

from __future__ import annotations

import pytest

from tashilat.domain.jalali import parse_jalali
from tashilat.domain.ledger import DuplicateRequest, UnbalancedEntry, transfer
from tashilat.services import ledger
from tests.fakes import FakeStore, FakeUnitOfWork

ON = parse_jalali("1403/01/15")


def test_post_creates_accounts_and_the_trial_balance_sums_to_zero(
    uow: FakeUnitOfWork, store: FakeStore
) -> None:
    with uow:
        ledger.post(
            uow,
            transfer("r1", "test", ON, debit=ledger.SETTLEMENT, credit="YF:1", amount=700),
            user_id=None,
        )
        uow.commit()
    assert store.ledger.trial_balance() == {"BANK:SETTLEMENT": 700, "YF:1": -700}
    assert store.ledger.accounts[ledger.SETTLEMENT].name == "Bank settlement / funding account"
    with uow:
        assert ledger.find_entry(uow, "r1") is not None
        with pytest.raises(DuplicateRequest):
            ledger.post(
                uow,
                transfer("r1", "test", ON, debit=ledger.SETTLEMENT, credit="YF:1", amount=1),
                user_id=None,
            )
    assert ledger.ledger_total is not None and store.ledger.total() == 0


def test_an_unbalanced_entry_cannot_commit(uow: FakeUnitOfWork, store: FakeStore) -> None:
    with uow:
        ledger.post(
            uow,
            transfer("r1", "test", ON, debit=ledger.SETTLEMENT, credit="YF:1", amount=700),
            user_id=None,
        )
        uow.ledger.postings.append((1, 1, 1))  # a posting the entry did not have
        with pytest.raises(UnbalancedEntry):
            uow.commit()
    assert store.ledger.entries == {}
