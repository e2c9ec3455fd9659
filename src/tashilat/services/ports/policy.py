"""Port: policy parameters kept in storage — dated values, proposals, versions
(docs/adr/0009-policy-in-the-database.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class PolicyValueRecord:
    """One stored dated value: ``entry`` is the value as written in the YAML (JSON-safe)."""

    id: int
    path: str
    valid_from: date
    recorded_at: datetime
    entry: dict[str, Any]
    status: str
    origin: str
    retroactive: bool = False
    proposed_by: str | None = None
    approved_by: str | None = None
    proposal_id: int | None = None


@dataclass(frozen=True)
class NewPolicyValue:
    path: str
    valid_from: date
    valid_from_jalali: str
    entry: dict[str, Any]
    status: str
    source: str | None
    note: str | None
    quote: str | None
    origin: str
    retroactive: bool = False
    proposed_by: str | None = None
    approved_by: str | None = None
    proposal_id: int | None = None


@dataclass(frozen=True)
class ProposalRecord:
    id: int
    created_at: datetime
    proposed_by: str
    proposed_by_id: int | None
    reason: str
    change_set: dict[str, Any]
    earliest_valid_from: date
    retroactive: bool
    base_change_id: int
    proposed_hash: str
    status: str
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str = ""


@dataclass(frozen=True)
class NewProposal:
    created_at: datetime
    proposed_by: str
    proposed_by_id: int | None
    reason: str
    change_set: dict[str, Any]
    earliest_valid_from: date
    retroactive: bool
    base_change_id: int
    proposed_hash: str


@dataclass(frozen=True)
class ChangeMark:
    """The last change recorded by some time: its value id and time, and how many values
    were recorded by then (together, the key of the policy as known then)."""

    change_id: int
    count: int
    recorded_at: datetime


@dataclass(frozen=True)
class PolicyVersionRecord:
    policy_hash: str
    change_id: int
    as_known_at: datetime


class PolicyRepository(Protocol):
    def latest_change(self, as_known_on: datetime | None = None) -> ChangeMark | None:
        """The last change recorded at or before ``as_known_on`` (ever, when None); None
        when nothing was recorded by then."""
        ...

    def values(self, as_known_on: datetime | None = None) -> list[PolicyValueRecord]:
        """Every value recorded at or before ``as_known_on``, in the order recorded."""
        ...

    def history(self, path: str) -> list[PolicyValueRecord]:
        """Every value ever recorded for ``path``, in the order recorded."""
        ...

    def add_values(self, values: list[NewPolicyValue], recorded_at: datetime) -> None: ...

    def lock_changes(self) -> None:
        """Hold other writers of policy values off until this transaction ends, so that an
        approval validates against the values it will be recorded beside."""
        ...

    def add_proposal(self, proposal: NewProposal) -> ProposalRecord: ...

    def proposal(self, proposal_id: int) -> ProposalRecord | None: ...

    def proposals(self, status: str | None = None) -> list[ProposalRecord]: ...

    def decide(
        self,
        proposal_id: int,
        *,
        status: str,
        by: str,
        by_id: int | None,
        at: datetime,
        note: str,
    ) -> bool:
        """Move a pending proposal to ``status``; False if it was no longer pending (another
        approver decided first). The database decides, so two racing approvers cannot both
        win."""
        ...

    def record_version(self, policy_hash: str, change_id: int, as_known_at: datetime) -> None:
        """Remember the change a policy hash was first known at (kept if already known)."""
        ...

    def version(self, policy_hash: str) -> PolicyVersionRecord | None: ...
