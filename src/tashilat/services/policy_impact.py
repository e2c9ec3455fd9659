"""What a policy proposal would change, before anyone approves it.

Every youth-fund account's entitlement at the business date is computed twice — with the
policy in force and with the proposed one (the stored policy with the proposal's overlay,
validated as on submission) — and the differences are counted: accounts whose entitlement or
eligibility changes and the money involved. An account the proposed policy cannot answer
for at all (a figure missing for its cohort or year, which the tree validator cannot see)
is counted apart: approving such a proposal would break that account's answers.

Every open employment application's verdict (the application rules and the guarantee rules
of the business date, as the citizen's check gives it) is computed with both policies too:
the applications whose verdict changes, and the amounts they ask for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tashilat.domain.decision import Decision, PolicyReader
from tashilat.domain.errors import PolicyError
from tashilat.domain.jalali import parse_jalali
from tashilat.domain.programs.employment import rules
from tashilat.domain.programs.youth_fund.rules import Entitlement, entitlement
from tashilat.policy import PolicyValidationError
from tashilat.policy.store import rebuild
from tashilat.services.auth import Actor, require
from tashilat.services.errors import not_found
from tashilat.services.policy_proposals import ProposalView, invalid_proposal, overlay_of
from tashilat.services.policy_store import PolicyStore, entry_rows
from tashilat.services.ports import UnitOfWork
from tashilat.services.ports.reports import EVERYTHING, AccountHistory, OpenApplicationRow

SAMPLE = 20  # changed accounts listed by id, largest change first


@dataclass(frozen=True)
class AccountChange:
    account_id: int
    before_rial: int
    after_rial: int
    eligible_before: bool
    eligible_after: bool


@dataclass(frozen=True)
class Impact:
    proposal_id: int
    on: date
    accounts: int
    accounts_changed: int
    became_eligible: int
    no_longer_eligible: int
    entitlement_before_rial: int
    entitlement_after_rial: int
    unanswerable: int
    unanswerable_codes: tuple[str, ...]
    largest: tuple[AccountChange, ...] = field(default_factory=tuple)
    applications: int = 0
    applications_changed: int = 0
    applications_changed_rial: int = 0
    applications_unanswerable: int = 0

    @property
    def entitlement_change_rial(self) -> int:
        return self.entitlement_after_rial - self.entitlement_before_rial


def _answer(
    policy: PolicyReader, h: AccountHistory, on: date
) -> Decision[Entitlement] | PolicyError:
    acc = h.account
    try:
        return entitlement(
            policy,
            opened_on=acc.opened_on,
            tier=acc.tier,
            events=h.events,
            as_of=max(acc.closed_on or on, acc.opened_on),
        )
    except PolicyError as exc:
        return exc


def preview(
    uow: UnitOfWork, actor: Actor, store: PolicyStore, proposal_id: int
) -> tuple[ProposalView, Impact]:
    """The proposal and what approving it now would change for the bank's accounts."""
    require(actor, "policy.read")
    with uow:
        record = uow.policy.proposal(proposal_id)
        if record is None:
            raise not_found("policy_proposal", "پیشنهاد", proposal_id)
        overlay = overlay_of(record.change_set)
        rows = entry_rows(uow.policy.values(None))
        current = rebuild(store.files, rows)
        try:
            proposed = rebuild(store.files, rows, [overlay])
        except PolicyValidationError as exc:
            raise invalid_proposal(exc) from None
        on = uow.reports.business_date() or record.created_at.date()
        histories = uow.reports.account_histories(EVERYTHING)
        apps = [
            (a, uow.employment.prior_loans(a.national_id), _offered(uow, a.id))
            for a in uow.reports.open_applications()
        ]
    changes: list[AccountChange] = []
    before_total = after_total = became = lost = 0
    broken: dict[str, int] = {}
    for h in histories:
        before = _answer(current, h, on)
        after = _answer(proposed, h, on)
        if isinstance(after, PolicyError):
            broken[after.code] = broken.get(after.code, 0) + 1
            continue
        if isinstance(before, PolicyError):
            continue
        b, a = before.value, after.value
        before_total += b.entitlement_rial
        after_total += a.entitlement_rial
        became += int(a.eligible and not b.eligible)
        lost += int(b.eligible and not a.eligible)
        if (b.entitlement_rial, b.eligible) != (a.entitlement_rial, a.eligible):
            changes.append(
                AccountChange(
                    h.account.id, b.entitlement_rial, a.entitlement_rial, b.eligible, a.eligible
                )
            )
    changes.sort(key=lambda c: (-abs(c.after_rial - c.before_rial), c.account_id))
    app_changed = app_rial = app_broken = 0
    for app, priors, offered in apps:
        was = _verdict(current, app, priors, offered, on)
        will = _verdict(proposed, app, priors, offered, on)
        if will is None:
            app_broken += 1
        elif was is not None and was != will:
            app_changed += 1
            app_rial += app.amount
    impact = Impact(
        proposal_id=proposal_id,
        on=on,
        accounts=len(histories),
        accounts_changed=len(changes),
        became_eligible=became,
        no_longer_eligible=lost,
        entitlement_before_rial=before_total,
        entitlement_after_rial=after_total,
        unanswerable=sum(broken.values()),
        unanswerable_codes=tuple(sorted(broken)),
        largest=tuple(changes[:SAMPLE]),
        applications=len(apps),
        applications_changed=app_changed,
        applications_changed_rial=app_rial,
        applications_unanswerable=app_broken,
    )
    return ProposalView(record, overlay), impact


def _offered(uow: UnitOfWork, app_id: int) -> rules.Offered:
    rows = uow.reports.guarantees(app_id)
    grades = [r.grade for r in rows if r.kind == "credit_score" and r.grade]
    return rules.Offered(
        credit_grade=min(grades) if grades else None,
        promissory_note=any(r.kind == "promissory_note" for r in rows),
        guarantors=tuple(r.national_id for r in rows if r.kind == "guarantor" and r.national_id),
    )


def _verdict(
    policy: PolicyReader,
    app: OpenApplicationRow,
    priors: list[rules.PriorLoan],
    offered: rules.Offered,
    on: date,
) -> tuple[str, tuple[str, ...]] | None:
    """The verdict's outcome and the codes of its failed reasons; None if the policy cannot
    answer for this application."""
    try:
        e = rules.check_application(
            policy,
            on=on,
            applicant=rules.Applicant(app.national_id, app.legal_entity, app.clients_hired),
            amount=app.amount,
            approved_category=app.approved_category,
            prior_loans=priors,
            bank_code=app.bank_code,
            business_active_and_hiring=app.repeat,
        )
        g = rules.check_guarantees(
            policy, on=on, amount=app.amount, applicant_national_id=app.national_id, offered=offered
        )
        v = rules.verdict(e, g)
    except PolicyError:
        return None
    return v.outcome, tuple(r.code for r in v.reasons if not r.passed)


@dataclass(frozen=True)
class ValueChange:
    """One dated value of a proposal beside the value it changes: the one in force on its
    start date under the current policy (None when the parameter had none then)."""

    path: str
    description: str | None
    description_fa: str | None
    since: date
    replaces_same_date: bool
    before: Any
    before_status: str | None
    after: Any
    after_status: str
    note: str | None
    note_fa: str | None
    source: str | None


def changes(
    uow: UnitOfWork, actor: Actor, store: PolicyStore, proposal_id: int
) -> list[ValueChange]:
    """What a proposal changes, value by value, against the policy in force now."""
    require(actor, "policy.read")
    with uow:
        record = uow.policy.proposal(proposal_id)
        if record is None:
            raise not_found("policy_proposal", "پیشنهاد", proposal_id)
        current = rebuild(store.files, entry_rows(uow.policy.values(None)))
    overlay = overlay_of(record.change_set)
    out: list[ValueChange] = []
    for path, values in sorted(overlay.changes.items()):
        param = current.parameter(path)
        for raw in values:
            since = parse_jalali(str(raw.get("since")), field="since")
            try:
                old = param.entry_at(since)
                before, before_status = old.value, old.provenance.status.value
                same = old.since == since
            except PolicyError:
                before, before_status, same = None, None, False
            out.append(
                ValueChange(
                    path=path,
                    description=param.description,
                    description_fa=param.description_fa,
                    since=since,
                    replaces_same_date=same,
                    before=before,
                    before_status=before_status,
                    after=raw.get("value"),
                    after_status=str(raw.get("status")),
                    note=_text(raw.get("note")),
                    note_fa=_text(raw.get("note_fa")),
                    source=_text(raw.get("source")),
                )
            )
    return out


def _text(v: Any) -> str | None:
    return None if v is None else str(v)
