"""``services.ports.policy.PolicyRepository`` on SQLAlchemy."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from tashilat.adapters.db.policy_models import PolicyProposal, PolicyValue, PolicyVersion
from tashilat.services.ports.policy import (
    ChangeMark,
    NewPolicyValue,
    NewProposal,
    PolicyValueRecord,
    PolicyVersionRecord,
    ProposalRecord,
)


def _utc(t: datetime) -> datetime:
    """SQLite hands back naive timestamps; every stored timestamp is UTC."""
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _value(r: PolicyValue) -> PolicyValueRecord:
    return PolicyValueRecord(
        id=r.id,
        path=r.path,
        valid_from=r.valid_from,
        recorded_at=_utc(r.recorded_at),
        entry=dict(r.entry),
        status=r.status,
        origin=r.origin,
        retroactive=bool(r.retroactive),
        proposed_by=r.proposed_by,
        approved_by=r.approved_by,
        proposal_id=r.proposal_id,
    )


def _proposal(r: PolicyProposal) -> ProposalRecord:
    return ProposalRecord(
        id=r.id,
        created_at=_utc(r.created_at),
        proposed_by=r.proposed_by,
        proposed_by_id=r.proposed_by_id,
        reason=r.reason,
        change_set=dict(r.change_set),
        earliest_valid_from=r.earliest_valid_from,
        retroactive=bool(r.retroactive),
        base_change_id=r.base_change_id,
        proposed_hash=r.proposed_hash,
        status=r.status,
        decided_by=r.decided_by,
        decided_at=None if r.decided_at is None else _utc(r.decided_at),
        decision_note=r.decision_note or "",
    )


class SqlPolicyRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def latest_change(self, as_known_on: datetime | None = None) -> ChangeMark | None:
        q = select(func.max(PolicyValue.id), func.count(PolicyValue.id))
        if as_known_on is not None:
            q = q.where(PolicyValue.recorded_at <= _utc(as_known_on))
        top, n = self._s.execute(q).one()
        if top is None:
            return None
        at = self._s.scalar(select(PolicyValue.recorded_at).where(PolicyValue.id == top))
        assert at is not None
        return ChangeMark(int(top), int(n), _utc(at))

    def values(self, as_known_on: datetime | None = None) -> list[PolicyValueRecord]:
        q = select(PolicyValue).order_by(PolicyValue.id)
        if as_known_on is not None:
            q = q.where(PolicyValue.recorded_at <= _utc(as_known_on))
        return [_value(r) for r in self._s.scalars(q)]

    def history(self, path: str) -> list[PolicyValueRecord]:
        q = select(PolicyValue).where(PolicyValue.path == path).order_by(PolicyValue.id)
        return [_value(r) for r in self._s.scalars(q)]

    def add_values(self, values: list[NewPolicyValue], recorded_at: datetime) -> None:
        if not values:
            return
        rows: list[dict[str, Any]] = [
            {
                "path": v.path,
                "valid_from": v.valid_from,
                "valid_from_jalali": v.valid_from_jalali,
                "recorded_at": _utc(recorded_at),
                "entry": v.entry,
                "status": v.status,
                "source": v.source,
                "note": v.note,
                "quote": v.quote,
                "origin": v.origin,
                "retroactive": v.retroactive,
                "proposed_by": v.proposed_by,
                "approved_by": v.approved_by,
                "proposal_id": v.proposal_id,
            }
            for v in values
        ]
        self._s.execute(insert(PolicyValue), rows)

    def lock_changes(self) -> None:
        # PostgreSQL: other writers wait, readers do not. SQLite has one writer at a time.
        if self._s.get_bind().dialect.name == "postgresql":
            self._s.execute(text("LOCK TABLE policy_values IN EXCLUSIVE MODE"))

    def add_proposal(self, proposal: NewProposal) -> ProposalRecord:
        row = PolicyProposal(
            created_at=_utc(proposal.created_at),
            proposed_by=proposal.proposed_by,
            proposed_by_id=proposal.proposed_by_id,
            reason=proposal.reason,
            change_set=proposal.change_set,
            earliest_valid_from=proposal.earliest_valid_from,
            retroactive=proposal.retroactive,
            base_change_id=proposal.base_change_id,
            proposed_hash=proposal.proposed_hash,
            status="pending",
            decision_note="",
        )
        self._s.add(row)
        self._s.flush()
        return _proposal(row)

    def proposal(self, proposal_id: int) -> ProposalRecord | None:
        row = self._s.get(PolicyProposal, proposal_id)
        return None if row is None else _proposal(row)

    def proposals(self, status: str | None = None) -> list[ProposalRecord]:
        q = select(PolicyProposal).order_by(PolicyProposal.id.desc())
        if status is not None:
            q = q.where(PolicyProposal.status == status)
        return [_proposal(r) for r in self._s.scalars(q)]

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
        result = self._s.execute(
            update(PolicyProposal)
            .where(PolicyProposal.id == proposal_id, PolicyProposal.status == "pending")
            .values(
                status=status,
                decided_by=by,
                decided_by_id=by_id,
                decided_at=_utc(at),
                decision_note=note,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def record_version(self, policy_hash: str, change_id: int, as_known_at: datetime) -> None:
        if self._s.get(PolicyVersion, policy_hash) is not None:
            return
        self._s.add(
            PolicyVersion(
                policy_hash=policy_hash,
                change_id=change_id,
                as_known_at=_utc(as_known_at),
                first_seen_at=datetime.now(UTC),
            )
        )

    def version(self, policy_hash: str) -> PolicyVersionRecord | None:
        row = self._s.get(PolicyVersion, policy_hash)
        if row is None:
            return None
        return PolicyVersionRecord(row.policy_hash, row.change_id, _utc(row.as_known_at))
