"""Double-entry ledger values (ADR 0004): debits positive, credits negative, every entry sums
to zero. Pure: building an unbalanced entry is impossible."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tashilat.domain.errors import TashilatError


class UnbalancedEntry(TashilatError):
    pass


class DuplicateRequest(TashilatError):
    """The journal already holds an entry with this request id: the request was done."""

    status = 409


@dataclass(frozen=True)
class Posting:
    account: str  # ledger account code, e.g. "YF:1403-0001-0000001"
    amount: int  # rial; debit > 0, credit < 0


@dataclass(frozen=True)
class JournalEntry:
    request_id: str
    kind: str
    business_date: date
    postings: tuple[Posting, ...]
    memo: str = ""
    reverses: str | None = None  # request_id of the entry this one reverses

    def __post_init__(self) -> None:
        if not self.request_id:
            raise UnbalancedEntry(
                "ledger.no_request_id", "سند بدون شناسه درخواست.", "An entry needs a request id."
            )
        if len(self.postings) < 2:
            raise UnbalancedEntry(
                "ledger.too_few_postings",
                "سند حسابداری دست‌کم دو ردیف دارد.",
                "An entry needs at least two postings.",
            )
        for p in self.postings:
            if not isinstance(p.amount, int) or isinstance(p.amount, bool) or p.amount == 0:
                raise UnbalancedEntry(
                    "ledger.bad_amount",
                    f"مبلغ ردیف نامعتبر است: {p.amount!r}",
                    f"Posting amount must be a non-zero integer: {p.amount!r}",
                )
        total = sum(p.amount for p in self.postings)
        if total != 0:
            raise UnbalancedEntry(
                "ledger.unbalanced",
                f"سند تراز نیست (جمع {total:,} ریال).",
                f"Entry does not balance (sums to {total:,} rial).",
            )


def transfer(
    request_id: str,
    kind: str,
    on: date,
    *,
    debit: str,
    credit: str,
    amount: int,
    memo: str = "",
) -> JournalEntry:
    """The simplest entry: ``amount`` from ``credit`` to ``debit``."""
    if amount <= 0:
        raise UnbalancedEntry(
            "ledger.not_positive", "مبلغ سند باید مثبت باشد.", "A transfer amount must be positive."
        )
    return JournalEntry(
        request_id, kind, on, (Posting(debit, amount), Posting(credit, -amount)), memo
    )


def split(
    request_id: str, kind: str, on: date, *, legs: list[tuple[str, int]], memo: str = ""
) -> JournalEntry:
    """An entry from (account, signed amount) legs, dropping zero legs."""
    return JournalEntry(request_id, kind, on, tuple(Posting(a, x) for a, x in legs if x != 0), memo)


def reversal(entry: JournalEntry, request_id: str, on: date, memo: str = "") -> JournalEntry:
    """The entry that undoes ``entry``: the same postings, negated."""
    return JournalEntry(
        request_id,
        f"reversal:{entry.kind}",
        on,
        tuple(Posting(p.account, -p.amount) for p in entry.postings),
        memo or f"reversal of {entry.request_id}",
        reverses=entry.request_id,
    )
