"""``services.ports.policy.PolicyRepository`` in memory."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime

from tashilat.services.ports.policy import (
    ChangeMark,
    NewPolicyValue,
    NewProposal,
    PolicyValueRecord,
    PolicyVersionRecord,
    ProposalRecord,
)


class FakePolicyRepository:
    def __init__(self) -> None:
        self.rows: list[PolicyValueRecord] = []
        self.props: dict[int, ProposalRecord] = {}
        self.versions: dict[str, PolicyVersionRecord] = {}

    def _known(self, as_known_on: datetime | None) -> list[PolicyValueRecord]:
        return [r for r in self.rows if as_known_on is None or r.recorded_at <= as_known_on]

    def latest_change(self, as_known_on: datetime | None = None) -> ChangeMark | None:
        rows = self._known(as_known_on)
        if not rows:
            return None
        top = max(rows, key=lambda r: r.id)
        return ChangeMark(top.id, len(rows), top.recorded_at)

    def values(self, as_known_on: datetime | None = None) -> list[PolicyValueRecord]:
        return sorted(self._known(as_known_on), key=lambda r: r.id)

    def history(self, path: str) -> list[PolicyValueRecord]:
        return [r for r in self.values(None) if r.path == path]

    def add_values(self, values: list[NewPolicyValue], recorded_at: datetime) -> None:
        for v in values:
            self.rows.append(
                PolicyValueRecord(
                    id=len(self.rows) + 1,
                    path=v.path,
                    valid_from=v.valid_from,
                    recorded_at=recorded_at,
                    entry=copy.deepcopy(v.entry),
                    status=v.status,
                    origin=v.origin,
                    retroactive=v.retroactive,
                    proposed_by=v.proposed_by,
                    approved_by=v.approved_by,
                    proposal_id=v.proposal_id,
                )
            )

    def lock_changes(self) -> None:
        """One unit of work at a time in memory: nothing to hold off."""

    def add_proposal(self, proposal: NewProposal) -> ProposalRecord:
        record = ProposalRecord(
            id=len(self.props) + 1,
            created_at=proposal.created_at,
            proposed_by=proposal.proposed_by,
            proposed_by_id=proposal.proposed_by_id,
            reason=proposal.reason,
            change_set=copy.deepcopy(proposal.change_set),
            earliest_valid_from=proposal.earliest_valid_from,
            retroactive=proposal.retroactive,
            base_change_id=proposal.base_change_id,
            proposed_hash=proposal.proposed_hash,
            status="pending",
        )
        self.props[record.id] = record
        return record

    def proposal(self, proposal_id: int) -> ProposalRecord | None:
        return self.props.get(proposal_id)

    def proposals(self, status: str | None = None) -> list[ProposalRecord]:
        return [
            p
            for _, p in sorted(self.props.items(), reverse=True)
            if status is None or p.status == status
        ]

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
        p = self.props.get(proposal_id)
        if p is None or p.status != "pending":
            return False
        self.props[proposal_id] = replace(
            p, status=status, decided_by=by, decided_at=at, decision_note=note
        )
        return True

    def record_version(self, policy_hash: str, change_id: int, as_known_at: datetime) -> None:
        self.versions.setdefault(
            policy_hash, PolicyVersionRecord(policy_hash, change_id, as_known_at)
        )

    def version(self, policy_hash: str) -> PolicyVersionRecord | None:
        return self.versions.get(policy_hash)
