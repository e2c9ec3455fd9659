"""Youth-fund customers: recording a customer (with a guardian for a minor), reading one,
listing those the actor may see (docs/rules.md §1). Re-exported by ``services.youth``."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tashilat.domain.errors import InvalidInput
from tashilat.domain.ids import parse_national_id
from tashilat.domain.people import check_birth_date
from tashilat.services import calendar
from tashilat.services.auth import Actor, require, require_branch, require_owner
from tashilat.services.errors import Conflict, not_found
from tashilat.services.ports import UnitOfWork
from tashilat.services.ports.youth import CustomerRecord


def _customer_exists(nid: str) -> Conflict:
    return Conflict(
        "customer.exists",
        f"مشتری با کد ملی {nid} وجود دارد.",
        f"A customer with national ID {nid} exists.",
        field="national_id",
    )


def create_customer(
    uow: UnitOfWork,
    actor: Actor,
    *,
    national_id: str,
    name: str,
    birth_date: date,
    branch_id: int | None = None,
    guardian_national_id: str | None = None,
    request_id: str = "",
) -> CustomerRecord:
    require(actor, "customers.write")
    nid = parse_national_id(national_id)
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(
            "customer.name", "نام مشتری خالی است.", "The customer's name is empty.", field="name"
        )
    branch = branch_id if branch_id is not None else actor.branch_id
    if branch is None:
        raise InvalidInput(
            "customer.branch", "شعبه مشخص نیست.", "No branch given.", field="branch_id"
        )
    require_branch(actor, branch)
    with uow:
        if uow.customers.branch_code(branch) is None:
            raise not_found("branch", "شعبه", branch)
        check_birth_date(birth_date, calendar.current(uow))
        if uow.customers.by_national_id(nid) is not None:
            raise _customer_exists(nid)
        guardian_id = None
        if guardian_national_id:
            gid = parse_national_id(guardian_national_id, field="guardian_national_id")
            guardian = uow.customers.by_national_id(gid)
            if guardian is None:
                raise not_found("guardian", "ولی", gid)
            guardian_id = guardian.id
        c = uow.customers.add(
            national_id=nid,
            name=name,
            birth_date=birth_date,
            guardian_id=guardian_id,
            branch_id=branch,
            created_at=datetime.now(UTC),
        )
        if c is None:  # created by a concurrent request between the check above and now
            raise _customer_exists(nid)
        uow.audit(
            user_id=actor.user_id or None,
            username=actor.username,
            action="customers.create",
            target=f"customer:{c.id}",
            request_id=request_id,
            outcome="ok",
        )
        uow.commit()
        return c


def get_customer(uow: UnitOfWork, actor: Actor, customer_id: int) -> CustomerRecord:
    require(actor, "customers.read")
    with uow:
        c = uow.customers.get(customer_id)
        if c is None:
            raise not_found("customer", "مشتری", customer_id)
        require_owner(actor, c.id)
        require_branch(actor, c.branch_id)
        return c


def list_customers(
    uow: UnitOfWork, actor: Actor, *, offset: int, limit: int
) -> tuple[list[CustomerRecord], int]:
    require(actor, "customers.read")
    with uow:
        if actor.role == "customer":
            # a customer without a customer record sees nobody (no id is -1)
            only = actor.customer_id if actor.customer_id is not None else -1
            return uow.customers.page(offset=offset, limit=limit, customer_id=only)
        if not actor.bank_wide:
            branch = actor.branch_id if actor.branch_id is not None else -1
            return uow.customers.page(offset=offset, limit=limit, branch_id=branch)
        return uow.customers.page(offset=offset, limit=limit)
