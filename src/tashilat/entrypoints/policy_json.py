"""Policy versions, proposals and parameter history as JSON, shared by the CLI and the API."""

from __future__ import annotations

from typing import Any

from tashilat.domain.jalali import format_jalali
from tashilat.services.policy_impact import Impact
from tashilat.services.policy_proposals import ProposalView
from tashilat.services.policy_store import KnownPolicy
from tashilat.services.ports.policy import PolicyValueRecord


def version_json(known: KnownPolicy) -> dict[str, Any]:
    """Which policy answered: its hash and the last change recorded by the time asked."""
    return {
        "hash": known.hash,
        "stored": known.stored,
        "change_id": known.change_id,
        "as_known_at": None if known.as_known_at is None else known.as_known_at.isoformat(),
    }


def proposal_json(p: ProposalView) -> dict[str, Any]:
    r = p.record
    return {
        "id": r.id,
        "status": r.status,
        "proposed_by": r.proposed_by,
        "created_at": r.created_at.isoformat(),
        "reason": r.reason,
        "retroactive": r.retroactive,
        "earliest_valid_from": format_jalali(r.earliest_valid_from),
        "name": p.overlay.name,
        "proposed_hash": r.proposed_hash,
        "base_change_id": r.base_change_id,
        "decided_by": r.decided_by,
        "decided_at": None if r.decided_at is None else r.decided_at.isoformat(),
        "decision_note": r.decision_note,
        "changes": p.changes(),
    }


def history_json(rows: list[PolicyValueRecord]) -> list[dict[str, Any]]:
    return [
        {
            "change_id": r.id,
            "since": format_jalali(r.valid_from),
            "recorded_at": r.recorded_at.isoformat(),
            "value": r.entry.get("value"),
            "status": r.status,
            "origin": r.origin,
            "retroactive": r.retroactive,
            "proposed_by": r.proposed_by,
            "approved_by": r.approved_by,
            "proposal_id": r.proposal_id,
        }
        for r in rows
    ]


def impact_json(i: Impact) -> dict[str, Any]:
    return {
        "proposal_id": i.proposal_id,
        "on": format_jalali(i.on),
        "accounts": i.accounts,
        "accounts_changed": i.accounts_changed,
        "became_eligible": i.became_eligible,
        "no_longer_eligible": i.no_longer_eligible,
        "entitlement_before_rial": i.entitlement_before_rial,
        "entitlement_after_rial": i.entitlement_after_rial,
        "entitlement_change_rial": i.entitlement_change_rial,
        "unanswerable": i.unanswerable,
        "unanswerable_codes": list(i.unanswerable_codes),
        "applications": i.applications,
        "applications_changed": i.applications_changed,
        "applications_changed_rial": i.applications_changed_rial,
        "applications_unanswerable": i.applications_unanswerable,
        "largest": [
            {
                "account_id": c.account_id,
                "before_rial": c.before_rial,
                "after_rial": c.after_rial,
                "eligible_before": c.eligible_before,
                "eligible_after": c.eligible_after,
            }
            for c in i.largest
        ],
    }
