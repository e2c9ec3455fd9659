"""In-memory ``services.ports.ledger.LedgerRepository``."""

from __future__ import annotations

from tashilat.domain.ledger import DuplicateRequest, JournalEntry, UnbalancedEntry
from tashilat.domain.records import AccountMovement, JournalEntryRecord, LedgerAccountRecord
from tashilat.services.ledger import SYSTEM_ACCOUNTS


class FakeLedgerRepository:
    def __init__(self) -> None:
        self.accounts: dict[str, LedgerAccountRecord] = {}
        self.entries: dict[int, JournalEntryRecord] = {}
        self.by_request: dict[str, int] = {}
        self.postings: list[tuple[int, int, int]] = []  # (entry id, ledger account id, amount)
        self.touched: set[int] = set()

    def ensure_account(self, code: str, name: str, type_: str) -> LedgerAccountRecord:
        if code not in self.accounts:
            self.accounts[code] = LedgerAccountRecord(len(self.accounts) + 1, code, name, type_)
        return self.accounts[code]

    def find_entry(self, request_id: str) -> JournalEntryRecord | None:
        id_ = self.by_request.get(request_id)
        return None if id_ is None else self.entries[id_]

    def post(self, entry: JournalEntry, *, user_id: int | None) -> int:
        if entry.request_id in self.by_request:
            raise DuplicateRequest(
                "request.duplicate",
                "این درخواست قبلاً انجام شده است.",
                f"Request '{entry.request_id}' was already done.",
            )
        reverses = self.find_entry(entry.reverses) if entry.reverses else None
        id_ = len(self.entries) + 1
        self.entries[id_] = JournalEntryRecord(
            id_,
            entry.request_id,
            entry.kind,
            entry.business_date,
            entry.memo,
            reverses.id if reverses else None,
        )
        self.by_request[entry.request_id] = id_
        for p in entry.postings:
            name, type_ = SYSTEM_ACCOUNTS.get(p.account, (p.account, "asset"))
            acc = self.ensure_account(p.account, name, type_)
            self.postings.append((id_, acc.id, p.amount))
        self.touched.add(id_)
        return id_

    def posted_amount(self, entry_id: int, ledger_account_id: int) -> int | None:
        for e, a, amount in self.postings:
            if e == entry_id and a == ledger_account_id:
                return amount
        return None

    def movements(self, ledger_account_id: int) -> list[AccountMovement]:
        out = []
        for e, a, amount in self.postings:
            if a == ledger_account_id:
                x = self.entries[e]
                out.append(AccountMovement(e, x.business_date, x.kind, x.request_id, amount))
        return sorted(out, key=lambda m: (m.business_date, m.entry_id))

    def raw_balance(self, code: str) -> int:
        acc = self.accounts.get(code)
        if acc is None:
            return 0
        return sum(amount for _, a, amount in self.postings if a == acc.id)

    def trial_balance(self) -> dict[str, int]:
        return {code: self.raw_balance(code) for code in sorted(self.accounts)}

    def total(self) -> int:
        return sum(amount for _, _, amount in self.postings)

    def check_balanced(self) -> None:
        """Refuse to commit a journal entry that does not sum to zero (as the database
        triggers do)."""
        for id_ in sorted(self.touched):
            amounts = [amount for e, _, amount in self.postings if e == id_]
            if len(amounts) < 2 or sum(amounts) != 0:
                raise UnbalancedEntry(
                    "ledger.unbalanced",
                    f"سند {id_} تراز نیست.",
                    f"Journal entry {id_} does not balance.",
                )
        self.touched.clear()
