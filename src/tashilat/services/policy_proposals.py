"""Policy changes by proposal, with four eyes (docs/adr/0009-policy-in-the-database.md).

A ``policy_editor`` proposes a change set — an overlay (``tashilat.policy.overlay``) of
dated values with their statuses and sources — and a reason. The proposed policy (the stored
one with the overlay applied) is validated by the same builder as ``tashilat policy check``
before it is saved: tier order, monotone caps, statuses and sources. A value that starts
before the business date is *retroactive*: it needs a reason and stays flagged on the
proposal and on every stored row. A ``policy_approver`` who is not the proposer approves
(the values are recorded with the approval time) or rejects it. Every step is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from tashilat.domain.errors import InvalidInput, TashilatError
from tashilat.domain.jalali import format_jalali, parse_jalali
from tashilat.policy import PolicySnapshot, PolicyValidationError
from tashilat.policy.overlay import Overlay, parse_overlay
from tashilat.policy.store import from_json, rebuild, to_json
from tashilat.services.auth import Actor, require
from tashilat.services.errors import Conflict, Forbidden, not_found
from tashilat.services.policy_store import PolicyStore, entry_rows, new_value
from tashilat.services.ports import UnitOfWork
from tashilat.services.ports.policy import NewProposal, ProposalRecord

MAX_REASON = 2000


class ProposalInvalid(TashilatError):
    """The proposed policy does not validate: every finding is listed."""

    status = 422


def invalid_proposal(exc: PolicyValidationError) -> ProposalInvalid:
    findings = [
        {"path": f.path, "code": f.code, "message_en": f.message_en, "message_fa": f.message_fa}
        for f in exc.findings
    ]
    lines = "; ".join(f"{f.path}: {f.message_en}" for f in exc.findings)
    lines_fa = "؛ ".join(f"{f.path}: {f.message_fa}" for f in exc.findings)
    return ProposalInvalid(
        "policy.proposal_invalid",
        f"سیاست پیشنهادی معتبر نیست ({len(exc.findings)} مورد): {lines_fa}",
        f"The proposed policy is not valid ({len(exc.findings)} findings): {lines}",
        details={"findings": findings},
    )


@dataclass(frozen=True)
class ProposalView:
    """A proposal with what it changes, for the CLI, the API and the pages."""

    record: ProposalRecord
    overlay: Overlay

    @property
    def id(self) -> int:
        return self.record.id

    def changes(self) -> list[dict[str, Any]]:
        return [
            {"path": path, "values": [to_json(v) for v in values]}
            for path, values in sorted(self.overlay.changes.items())
        ]


def overlay_of(change_set: Mapping[str, Any]) -> Overlay:
    try:
        return parse_overlay(from_json(dict(change_set)), "<proposal>")
    except PolicyValidationError as exc:
        raise invalid_proposal(exc) from None


def _starts(overlay: Overlay) -> list[date]:
    out = []
    for path, values in overlay.changes.items():
        for v in values:
            try:
                out.append(parse_jalali(str(v.get("since")), field="since"))
            except InvalidInput:
                raise ProposalInvalid(
                    "policy.proposal_invalid",
                    f"تاریخ شروع «{v.get('since')}» در {path} تاریخ شمسی نیست.",
                    f"The start date {v.get('since')!r} of {path} is not a Jalali date.",
                    details={"findings": [{"path": path, "code": "dates.malformed"}]},
                ) from None
    return out


def _proposed(store: PolicyStore, uow: UnitOfWork, overlay: Overlay) -> tuple[PolicySnapshot, int]:
    """The stored policy with ``overlay`` applied, validated; and the change it is based on."""
    latest = uow.policy.latest_change(None)
    try:
        snap = rebuild(store.files, entry_rows(uow.policy.values(None)), [overlay])
    except PolicyValidationError as exc:
        raise invalid_proposal(exc) from None
    return snap, 0 if latest is None else latest.change_id


def _business_date(uow: UnitOfWork) -> date:
    today = uow.business_date.current()
    return today if today is not None else datetime.now(UTC).date()


def propose(
    uow: UnitOfWork,
    actor: Actor,
    store: PolicyStore,
    *,
    change_set: Mapping[str, Any],
    reason: str,
    request_id: str = "",
    now: datetime | None = None,
) -> ProposalView:
    """Validate and save a proposal; refused (422, with every finding) if the proposed
    policy would not pass ``policy check``, or if it is retroactive without a reason."""
    require(actor, "policy.propose")
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            "policy.reason_too_long",
            f"دلیل حداکثر {MAX_REASON} نویسه است.",
            f"The reason is at most {MAX_REASON} characters.",
            field="reason",
        )
    at = now or datetime.now(UTC)
    try:
        overlay = overlay_of(change_set)
        starts = _starts(overlay)
        with uow:
            today = _business_date(uow)
            retroactive = min(starts) < today
            if retroactive and not reason:
                raise InvalidInput(
                    "policy.reason_required",
                    f"این تغییر از پیش از تاریخ کاری ({format_jalali(today)}) اعمال می‌شود "
                    "(عطف به ماسبق)؛ دلیل آن را بنویسید.",
                    f"This change applies before the business date ({format_jalali(today)}): "
                    "a retroactive change needs a reason.",
                    field="reason",
                )
            snap, base = _proposed(store, uow, overlay)
            record = uow.policy.add_proposal(
                NewProposal(
                    created_at=at,
                    proposed_by=actor.username,
                    proposed_by_id=actor.user_id or None,
                    reason=reason,
                    change_set=to_json(_document(overlay)),
                    earliest_valid_from=min(starts),
                    retroactive=retroactive,
                    base_change_id=base,
                    proposed_hash=snap.hash,
                )
            )
            uow.audit(
                user_id=actor.user_id or None,
                username=actor.username,
                action="policy.propose",
                target=f"policy_proposal:{record.id}",
                request_id=request_id,
                outcome="ok",
                detail=_summary(overlay, retroactive),
            )
            uow.commit()
    except (InvalidInput, ProposalInvalid) as exc:
        _audit_refusal(uow, actor, "policy.propose", "policy_proposal:new", request_id, exc)
        raise
    return ProposalView(record, overlay)


def _document(overlay: Overlay) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "name": overlay.name,
        "parameters": {p: {"values": [dict(v) for v in vs]} for p, vs in overlay.changes.items()},
    }
    if overlay.name_fa:
        doc["name_fa"] = overlay.name_fa
    if overlay.description:
        doc["description"] = overlay.description
    return doc


def _summary(overlay: Overlay, retroactive: bool) -> str:
    parts = [
        f"{p} since {', '.join(str(v.get('since')) for v in vs)}"
        for p, vs in sorted(overlay.changes.items())
    ]
    return ("retroactive; " if retroactive else "") + "; ".join(parts)


def _audit_refusal(
    uow: UnitOfWork, actor: Actor, action: str, target: str, request_id: str, exc: TashilatError
) -> None:
    with uow:
        uow.audit(
            user_id=actor.user_id or None,
            username=actor.username,
            action=action,
            target=target,
            request_id=request_id,
            outcome="refused",
            detail=exc.code,
        )
        uow.commit()


def _view(record: ProposalRecord) -> ProposalView:
    return ProposalView(record, overlay_of(record.change_set))


def get(uow: UnitOfWork, actor: Actor, proposal_id: int) -> ProposalView:
    require(actor, "policy.read")
    with uow:
        record = uow.policy.proposal(proposal_id)
    if record is None:
        raise not_found("policy_proposal", "پیشنهاد", proposal_id)
    return _view(record)


def list_proposals(uow: UnitOfWork, actor: Actor, status: str | None = None) -> list[ProposalView]:
    require(actor, "policy.read")
    if status is not None and status not in ("pending", "approved", "rejected"):
        raise InvalidInput(
            "policy.proposal_status",
            "وضعیت باید pending، approved یا rejected باشد.",
            "status must be pending, approved or rejected.",
            field="status",
        )
    with uow:
        return [_view(r) for r in uow.policy.proposals(status)]


def _decidable(uow: UnitOfWork, actor: Actor, proposal_id: int) -> ProposalRecord:
    record = uow.policy.proposal(proposal_id)
    if record is None:
        raise not_found("policy_proposal", "پیشنهاد", proposal_id)
    if record.proposed_by == actor.username or (
        record.proposed_by_id is not None and record.proposed_by_id == actor.user_id
    ):
        raise Forbidden(
            "policy.same_person",
            "پیشنهاددهنده نمی‌تواند پیشنهاد خود را تأیید یا رد کند؛ فرد دیگری باید تصمیم بگیرد.",
            "The proposer may not decide their own proposal: a different approver must.",
        )
    if record.status != "pending":
        raise _decided(record.id, record.status)
    return record


def _decided(proposal_id: int, status: str) -> Conflict:
    return Conflict(
        "policy.already_decided",
        f"درباره پیشنهاد {proposal_id} پیش‌تر تصمیم گرفته شده است ({status}).",
        f"Proposal {proposal_id} has already been decided ({status}).",
        details={"status": status},
    )


def approve(
    uow: UnitOfWork,
    actor: Actor,
    store: PolicyStore,
    proposal_id: int,
    *,
    note: str = "",
    request_id: str = "",
    now: datetime | None = None,
) -> ProposalView:
    """Approve a pending proposal of someone else: its values are recorded now, and the
    policy in force changes. Re-validated against the policy as it is now (another approval
    may have come first); of two approvers racing, exactly one wins, the other gets 409."""
    require(actor, "policy.approve")
    target = f"policy_proposal:{proposal_id}"
    try:
        with uow:
            uow.policy.lock_changes()  # validate against the values it will join
            record = _decidable(uow, actor, proposal_id)
            overlay = overlay_of(record.change_set)
            snap, _ = _proposed(store, uow, overlay)
            at = now or datetime.now(UTC)
            if not uow.policy.decide(
                proposal_id,
                status="approved",
                by=actor.username,
                by_id=actor.user_id or None,
                at=at,
                note=note.strip()[:MAX_REASON],
            ):
                current = uow.policy.proposal(proposal_id)
                raise _decided(proposal_id, current.status if current else "decided")
            today = _business_date(uow)
            values = [
                new_value(
                    path,
                    dict(raw),
                    origin="proposal",
                    retroactive=parse_jalali(str(raw.get("since"))) < today,
                    proposed_by=record.proposed_by,
                    approved_by=actor.username,
                    proposal_id=proposal_id,
                )
                for path, vs in sorted(overlay.changes.items())
                for raw in vs
            ]
            uow.policy.add_values(values, at)
            latest = uow.policy.latest_change(None)
            assert latest is not None
            uow.policy.record_version(snap.hash, latest.change_id, at)
            uow.audit(
                user_id=actor.user_id or None,
                username=actor.username,
                action="policy.approve",
                target=target,
                request_id=request_id,
                outcome="ok",
                detail=f"policy {snap.short_hash}; " + _summary(overlay, record.retroactive),
            )
            uow.after_commit(store.invalidate)
            uow.commit()
            record = uow.policy.proposal(proposal_id) or record
    except (Forbidden, Conflict, ProposalInvalid) as exc:
        _audit_refusal(uow, actor, "policy.approve", target, request_id, exc)
        raise
    return ProposalView(record, overlay)


def reject(
    uow: UnitOfWork,
    actor: Actor,
    proposal_id: int,
    *,
    note: str = "",
    request_id: str = "",
    now: datetime | None = None,
) -> ProposalView:
    """Reject a pending proposal of someone else; nothing in the policy changes."""
    require(actor, "policy.approve")
    target = f"policy_proposal:{proposal_id}"
    try:
        with uow:
            record = _decidable(uow, actor, proposal_id)
            if not uow.policy.decide(
                proposal_id,
                status="rejected",
                by=actor.username,
                by_id=actor.user_id or None,
                at=now or datetime.now(UTC),
                note=note.strip()[:MAX_REASON],
            ):
                current = uow.policy.proposal(proposal_id)
                raise _decided(proposal_id, current.status if current else "decided")
            uow.audit(
                user_id=actor.user_id or None,
                username=actor.username,
                action="policy.reject",
                target=target,
                request_id=request_id,
                outcome="ok",
                detail=note.strip()[:200],
            )
            uow.commit()
            record = uow.policy.proposal(proposal_id) or record
    except (Forbidden, Conflict) as exc:
        _audit_refusal(uow, actor, "policy.reject", target, request_id, exc)
        raise
    return _view(record)
