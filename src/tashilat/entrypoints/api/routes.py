"""``/api/v1`` — thin handlers over the services: sign-in and users, the business date,
customers and youth-fund accounts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from tashilat.domain.jalali import format_jalali
from tashilat.entrypoints.api import problems, views
from tashilat.entrypoints.api.deps import (
    ActorDep,
    ContainerDep,
    Id,
    IdemDep,
    PageDep,
    RequestIdDep,
    client_address,
)
from tashilat.entrypoints.api.models.base import ACTOR_PROBLEMS
from tashilat.entrypoints.api.models.base import problems as problem_responses
from tashilat.entrypoints.api.models.programs import AccountEntitlementOut
from tashilat.entrypoints.api.models.resources import (
    AccountOut,
    AccountPage,
    BusinessDateOut,
    CustomerOut,
    CustomerPage,
    MeOut,
    MovementOut,
    StatementOut,
    StructuresOut,
    TokenOut,
    TransferOut,
    UserOut,
    UserPage,
)
from tashilat.entrypoints.api.schemas import (
    AccountIn,
    BusinessDateIn,
    CustomerIn,
    LoginIn,
    MovementIn,
    TransferIn,
    UserIn,
)
from tashilat.entrypoints.parse import jdate, rial
from tashilat.entrypoints.serialize import entitlement_json
from tashilat.services import auth, calendar, day_end, youth
from tashilat.services.errors import TooManyAttempts

router = APIRouter(prefix="/api/v1", responses=ACTOR_PROBLEMS)


# -- auth and users ---------------------------------------------------------------------------


@router.post(
    "/auth/login",
    tags=["auth"],
    summary="Log in: a bearer token",
    response_model=TokenOut,
    responses=problem_responses(429),
)
def login(request: Request, body: LoginIn, c: ContainerDep) -> Any:
    """Failed logins are throttled per username and per client address: past the limit
    every attempt (the right password included) is a 429 problem with ``Retry-After``."""
    try:
        token = auth.login(
            c.uow(),
            username=body.username,
            password=body.password,
            hours=c.settings.token_hours,
            now=datetime.now(UTC),
            address=client_address(request),
            throttle=request.app.state.login_throttle,
            request_id=request.headers.get("x-request-id", "")[:200],
        )
    except TooManyAttempts as exc:
        response = problems.from_error(request, exc)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_in": c.settings.token_hours * 3600,
    }


@router.post("/auth/logout", tags=["auth"], status_code=204, summary="Revoke this token")
def logout(request: Request, c: ContainerDep, actor: ActorDep) -> Response:
    token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    auth.logout(c.uow(), token, request_id=request.headers.get("x-request-id", "")[:200])
    request.app.state.token_cache.clear()
    return Response(status_code=204)


@router.get("/me", tags=["auth"], response_model=MeOut)
def me(actor: ActorDep) -> dict[str, Any]:
    return {
        "id": actor.user_id,
        "username": actor.username,
        "role": actor.role,
        "branch_id": actor.branch_id,
        "customer_id": actor.customer_id,
    }


@router.get("/users", tags=["users"], response_model=UserPage)
def list_users(c: ContainerDep, actor: ActorDep, p: PageDep) -> dict[str, Any]:
    rows, total = auth.list_users(c.reader(), actor, offset=p.offset, limit=p.limit)
    return views.paged([views.user(u) for u in rows], total, p.offset, p.limit)


@router.post("/users", tags=["users"], status_code=201, response_model=UserOut)
def create_user(
    body: UserIn, c: ContainerDep, actor: ActorDep, rid: RequestIdDep
) -> dict[str, Any]:
    u = auth.create_user(
        c.uow(),
        actor,
        username=body.username,
        password=body.password,
        role=body.role,
        branch_code=body.branch_code,
        customer_national_id=body.customer_national_id,
        request_id=rid,
    )
    return views.user(u)


# -- business date ----------------------------------------------------------------------------


@router.get("/business-date", tags=["business date"], response_model=BusinessDateOut)
def get_business_date(c: ContainerDep, actor: ActorDep) -> dict[str, Any]:
    return {"date": format_jalali(calendar.get(c.reader()))}


@router.post(
    "/business-date",
    tags=["business date"],
    summary="Advance the business date",
    response_model=BusinessDateOut,
)
def advance_business_date(
    body: BusinessDateIn, c: ContainerDep, actor: ActorDep, rid: RequestIdDep
) -> dict[str, Any]:
    to = day_end.advance(c.uow(), actor, jdate(body.date, "date"), request_id=rid, policy=c.policy)
    return {"date": format_jalali(to)}


# -- customers --------------------------------------------------------------------------------


@router.get("/customers", tags=["customers"], response_model=CustomerPage)
def list_customers(c: ContainerDep, actor: ActorDep, p: PageDep) -> dict[str, Any]:
    rows, total = youth.list_customers(c.reader(), actor, offset=p.offset, limit=p.limit)
    return views.paged([views.customer(x) for x in rows], total, p.offset, p.limit)


@router.post("/customers", tags=["customers"], status_code=201, response_model=CustomerOut)
def create_customer(
    body: CustomerIn, c: ContainerDep, actor: ActorDep, rid: RequestIdDep
) -> dict[str, Any]:
    x = youth.create_customer(
        c.uow(),
        actor,
        national_id=body.national_id,
        name=body.name,
        birth_date=jdate(body.birth_date, "birth_date"),
        branch_id=body.branch_id,
        guardian_national_id=body.guardian_national_id,
        request_id=rid,
    )
    return views.customer(x)


@router.get("/customers/{customer_id}", tags=["customers"], response_model=CustomerOut)
def get_customer(customer_id: Id, c: ContainerDep, actor: ActorDep) -> dict[str, Any]:
    return views.customer(youth.get_customer(c.reader(), actor, customer_id))


# -- youth-fund accounts ------------------------------------------------------------------------


@router.get("/accounts", tags=["accounts"], response_model=AccountPage)
def list_accounts(
    c: ContainerDep,
    actor: ActorDep,
    p: PageDep,
    customer_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> dict[str, Any]:
    rows, total = youth.list_accounts(
        c.reader(), actor, offset=p.offset, limit=p.limit, customer_id=customer_id
    )
    return views.paged([views.account(a) for a in rows], total, p.offset, p.limit)


@router.post(
    "/accounts",
    tags=["accounts"],
    status_code=201,
    summary="Open a youth-fund account",
    response_model=AccountOut,
)
def open_account(body: AccountIn, c: ContainerDep, actor: ActorDep, key: IdemDep) -> dict[str, Any]:
    a = youth.open_account(
        c.uow(),
        actor,
        c.policy,
        customer_id=body.customer_id,
        city=body.city,
        opening_deposit=rial(body.opening_deposit, "opening_deposit"),
        request_id=f"open:{key}",
    )
    return views.account(a)


@router.get("/accounts/{account_id}", tags=["accounts"], response_model=AccountOut)
def get_account(account_id: Id, c: ContainerDep, actor: ActorDep) -> dict[str, Any]:
    return views.account(youth.get_account(c.reader(), actor, account_id))


def _movement(m: youth.Movement) -> dict[str, Any]:
    return {
        "account_id": m.account_id,
        "request_id": m.request_id,
        "amount_rial": m.amount,
        "balance_rial": m.balance,
        "business_date": format_jalali(m.business_date),
        "replayed": m.replayed,
    }


@router.post(
    "/accounts/{account_id}/deposits",
    tags=["accounts"],
    status_code=201,
    summary="Deposit (honours Idempotency-Key)",
    response_model=MovementOut,
)
def deposit(
    account_id: Id, body: MovementIn, c: ContainerDep, actor: ActorDep, key: IdemDep
) -> dict[str, Any]:
    return _movement(
        youth.deposit(
            c.uow(),
            actor,
            account_id=account_id,
            amount=rial(body.amount, "amount"),
            request_id=f"deposit:{account_id}:{key}",
        )
    )


@router.post(
    "/accounts/{account_id}/withdrawals",
    tags=["accounts"],
    status_code=201,
    summary="Withdraw (refused below the floor; honours Idempotency-Key)",
    response_model=MovementOut,
)
def withdraw(
    account_id: Id, body: MovementIn, c: ContainerDep, actor: ActorDep, key: IdemDep
) -> dict[str, Any]:
    return _movement(
        youth.withdraw(
            c.uow(),
            actor,
            c.policy,
            account_id=account_id,
            amount=rial(body.amount, "amount"),
            request_id=f"withdraw:{account_id}:{key}",
        )
    )


@router.get("/accounts/{account_id}/statement", tags=["accounts"], response_model=StatementOut)
def statement(
    account_id: Id,
    c: ContainerDep,
    actor: ActorDep,
    p: PageDep,
    date_from: Annotated[str | None, Query(alias="from", max_length=20)] = None,
    date_to: Annotated[str | None, Query(alias="to", max_length=20)] = None,
) -> dict[str, Any]:
    a, opening, lines = youth.statement(
        c.reader(),
        actor,
        account_id,
        date_from=jdate(date_from, "from") if date_from else None,
        date_to=jdate(date_to, "to") if date_to else None,
    )
    items = [
        {
            "entry_id": x.entry_id,
            "date": format_jalali(x.business_date),
            "kind": x.kind,
            "amount_rial": x.amount,
            "balance_rial": x.balance,
        }
        for x in lines
    ]
    return {
        "account": views.account(a),
        "opening_balance_rial": opening,
        **views.paged(items[p.offset : p.offset + p.limit], len(items), p.offset, p.limit),
    }


@router.get(
    "/accounts/{account_id}/entitlement", tags=["accounts"], response_model=AccountEntitlementOut
)
def account_entitlement(
    account_id: Id,
    c: ContainerDep,
    actor: ActorDep,
    as_of: Annotated[
        str | None, Query(max_length=20, description="Jalali date; default the business date")
    ] = None,
) -> dict[str, Any]:
    a, d = youth.account_entitlement(
        c.reader(), actor, c.policy, account_id, as_of=jdate(as_of, "as_of") if as_of else None
    )
    return {"account_id": a.id, **entitlement_json(d)}


@router.get(
    "/accounts/{account_id}/structures",
    tags=["accounts"],
    summary="Monthly structures and yearly averages from the ledger",
    response_model=StructuresOut,
)
def account_structures(
    account_id: Id,
    c: ContainerDep,
    actor: ActorDep,
    as_of: Annotated[
        str | None, Query(max_length=20, description="Jalali date; default the business date")
    ] = None,
) -> dict[str, Any]:
    st = youth.account_structures(
        c.reader(), actor, c.policy, account_id, as_of=jdate(as_of, "as_of") if as_of else None
    )
    return {
        "account_id": st.account.id,
        "as_of": format_jalali(st.as_of),
        "mode": st.mode,
        "months": [
            {"month": m, "starts_on": format_jalali(d), "structure_rial": v}
            for m, d, v in st.months
        ],
        "yearly_averages": [
            {"year": i + 1, "average_rial": a} for i, a in enumerate(st.yearly_averages)
        ],
    }


@router.post(
    "/accounts/{account_id}/transfer",
    tags=["accounts"],
    summary="Transfer the privilege to a relative",
    response_model=TransferOut,
)
def transfer_privilege(
    account_id: Id, body: TransferIn, c: ContainerDep, actor: ActorDep, rid: RequestIdDep
) -> dict[str, Any]:
    t = youth.transfer_privilege(
        c.uow(),
        actor,
        c.policy,
        account_id=account_id,
        to_national_id=body.to_national_id,
        relation=body.relation,
        request_id=rid,
    )
    return {
        "account_id": account_id,
        "from_customer_id": t.from_customer_id,
        "to_customer_id": t.to_customer_id,
        "relation": t.relation,
        "date": format_jalali(t.business_date),
    }


@router.post("/accounts/{account_id}/close", tags=["accounts"], response_model=MovementOut)
def close_account(account_id: Id, c: ContainerDep, actor: ActorDep, key: IdemDep) -> dict[str, Any]:
    return _movement(
        youth.close_account(
            c.uow(), actor, account_id=account_id, request_id=f"close:{account_id}:{key}"
        )
    )
