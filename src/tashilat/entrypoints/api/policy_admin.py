"""``/api/v1/policy``: parameters as known at a time, their history, and changes by proposal
with four eyes (docs/adr/0009-policy-in-the-database.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from tashilat.entrypoints.api.deps import ActorDep, ContainerDep, Id, RequestIdDep
from tashilat.entrypoints.api.models.base import ACTOR_PROBLEMS, Out, problems
from tashilat.entrypoints.parse import moment
from tashilat.entrypoints.policy_json import (
    history_json,
    impact_json,
    proposal_json,
    version_json,
)
from tashilat.services import policy_impact, policy_store
from tashilat.services import policy_proposals as proposals

router = APIRouter(prefix="/api/v1/policy", tags=["policy"])


class PolicyVersionOut(Out):
    hash: str
    stored: bool
    change_id: int
    as_known_at: str | None


class ProposalChangeOut(Out):
    path: str
    values: list[dict[str, Any]]


class ProposalOut(Out):
    id: int
    status: str
    proposed_by: str
    created_at: str
    reason: str
    retroactive: bool
    earliest_valid_from: str
    name: str
    proposed_hash: str
    base_change_id: int
    decided_by: str | None
    decided_at: str | None
    decision_note: str
    changes: list[ProposalChangeOut]


class ProposalListOut(Out):
    items: list[ProposalOut]


class HistoryItemOut(Out):
    change_id: int
    since: str
    recorded_at: str
    value: Any
    status: str
    origin: str
    retroactive: bool
    proposed_by: str | None
    approved_by: str | None
    proposal_id: int | None


class HistoryOut(Out):
    path: str
    items: list[HistoryItemOut]


class AccountChangeOut(Out):
    account_id: int
    before_rial: int
    after_rial: int
    eligible_before: bool
    eligible_after: bool


class ImpactOut(Out):
    """What approving the proposal now would change at the business date: youth-fund
    accounts' entitlements and open employment applications' verdicts (outcome or failed
    reasons), with the money; answers the proposal would break are counted apart."""

    proposal_id: int
    on: str
    accounts: int
    accounts_changed: int
    became_eligible: int
    no_longer_eligible: int
    entitlement_before_rial: int
    entitlement_after_rial: int
    entitlement_change_rial: int
    unanswerable: int
    unanswerable_codes: list[str]
    applications: int
    applications_changed: int
    applications_changed_rial: int
    applications_unanswerable: int
    largest: list[AccountChangeOut]


class ProposalIn(BaseModel):
    """A change set in the overlay format (parameter path → dated values), and why."""

    name: str | None = Field(default=None, max_length=200)
    name_fa: str | None = Field(default=None, max_length=200)
    reason: str = Field(default="", max_length=2000)
    parameters: dict[str, dict[str, Any]] = Field(min_length=1, max_length=50)


class DecisionIn(BaseModel):
    note: str = Field(default="", max_length=2000)


def known_at(c: Any, as_known_on: str | None) -> Any:
    when = moment(as_known_on, "as_known_on")
    return c.known_policy() if when is None else c.policies.as_known(c.reader(), when)


AsKnownOn = Annotated[
    str | None,
    Query(
        max_length=40,
        description="As known then: ISO 8601, or Jalali with an optional Tehran time",
    ),
]


@router.get(
    "/version",
    summary="The policy version in force, or as known at a time",
    response_model=PolicyVersionOut,
    responses=problems(422),
)
def version(c: ContainerDep, as_known_on: AsKnownOn = None) -> dict[str, Any]:
    return version_json(known_at(c, as_known_on))


@router.get(
    "/parameters/{path}/history",
    summary="Every value ever recorded for a parameter, with who proposed and approved it",
    response_model=HistoryOut,
    responses=ACTOR_PROBLEMS,
)
def history(path: str, c: ContainerDep, actor: ActorDep) -> dict[str, Any]:
    c.policy.parameter(path)  # an unknown path is a 404 with suggestions
    return {"path": path, "items": history_json(policy_store.history(c.reader(), actor, path))}


@router.post(
    "/proposals",
    status_code=201,
    summary="Propose a change set (validated like `policy check`)",
    response_model=ProposalOut,
    responses=ACTOR_PROBLEMS,
)
def propose(body: ProposalIn, c: ContainerDep, actor: ActorDep, rid: RequestIdDep) -> Any:
    doc: dict[str, Any] = {"name": body.name or "proposal", "parameters": body.parameters}
    if body.name_fa:
        doc["name_fa"] = body.name_fa
    p = proposals.propose(
        c.uow(), actor, c.policies, change_set=doc, reason=body.reason, request_id=rid
    )
    return proposal_json(p)


@router.get(
    "/proposals",
    summary="Proposals, newest first",
    response_model=ProposalListOut,
    responses=ACTOR_PROBLEMS,
)
def list_proposals(
    c: ContainerDep,
    actor: ActorDep,
    status: Annotated[str | None, Query(max_length=10)] = None,
) -> dict[str, Any]:
    return {
        "items": [proposal_json(p) for p in proposals.list_proposals(c.reader(), actor, status)]
    }


@router.get(
    "/proposals/{proposal_id}",
    summary="One proposal with its changes",
    response_model=ProposalOut,
    responses=ACTOR_PROBLEMS,
)
def get_proposal(proposal_id: Id, c: ContainerDep, actor: ActorDep) -> Any:
    return proposal_json(proposals.get(c.reader(), actor, proposal_id))


@router.get(
    "/proposals/{proposal_id}/impact",
    summary="What approving the proposal now would change, and how much money",
    response_model=ImpactOut,
    responses=ACTOR_PROBLEMS,
)
def impact(proposal_id: Id, c: ContainerDep, actor: ActorDep) -> Any:
    return impact_json(policy_impact.preview(c.reader(), actor, c.policies, proposal_id)[1])


@router.post(
    "/proposals/{proposal_id}/approve",
    summary="Approve someone else's proposal: its values take effect",
    response_model=ProposalOut,
    responses=ACTOR_PROBLEMS,
)
def approve(
    proposal_id: Id,
    c: ContainerDep,
    actor: ActorDep,
    rid: RequestIdDep,
    body: DecisionIn | None = None,
) -> Any:
    p = proposals.approve(
        c.uow(), actor, c.policies, proposal_id, note=body.note if body else "", request_id=rid
    )
    return proposal_json(p)


@router.post(
    "/proposals/{proposal_id}/reject",
    summary="Reject someone else's proposal",
    response_model=ProposalOut,
    responses=ACTOR_PROBLEMS,
)
def reject(
    proposal_id: Id,
    c: ContainerDep,
    actor: ActorDep,
    rid: RequestIdDep,
    body: DecisionIn | None = None,
) -> Any:
    p = proposals.reject(
        c.uow(), actor, proposal_id, note=body.note if body else "", request_id=rid
    )
    return proposal_json(p)
