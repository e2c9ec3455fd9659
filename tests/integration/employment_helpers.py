"""Setting up the employment program for tests: agencies, banks, allocations, staff."""

from __future__ import annotations

from dataclasses import dataclass

from tashilat.bootstrap import Container
from tashilat.domain.jalali import parse_jalali
from tashilat.services import auth, day_end, employment
from tashilat.services.auth import SYSTEM, Actor

from .helpers import World, actor_of, world

PW = "correct horse 1"


def national_id(n: int) -> str:
    """A valid national ID for any n (the checksum computed)."""
    body = f"{n:09d}"[-9:]
    if len(set(body)) == 1:
        body = "1" + body[1:]
    total = sum(int(body[i]) * (10 - i) for i in range(9))
    r = total % 11
    return body + str(r if r < 2 else 11 - r)


@dataclass
class EmpWorld:
    w: World
    agency: Actor
    agency2: Actor
    bank: Actor
    bank2: Actor
    payer: Actor  # a supervisor of bank B1 (the checker who disburses)


def emp_world(
    c: Container, *, allocation: int = 100_000_000_000, on: str = "1403/09/01"
) -> EmpWorld:
    w = world(c)
    admin = w.admin
    employment.create_agency(
        c.uow(), admin, code="A1", name_fa="کمیته امداد", name_en="Relief Committee"
    )
    employment.create_agency(
        c.uow(), admin, code="A2", name_fa="بهزیستی", name_en="Welfare Organisation"
    )
    employment.create_bank(c.uow(), admin, code="B1", name_fa="بانک یک", name_en="Bank One")
    employment.create_bank(c.uow(), admin, code="B2", name_fa="بانک دو", name_en="Bank Two")
    for code in ("A1", "A2"):
        employment.set_allocation(
            c.uow(),
            admin,
            c.policy,
            agency_code=code,
            province="تهران",
            year=1403,
            amount=allocation,
        )
    employment.add_category(
        c.uow(), admin, agency_code="A1", year=1403, code="C1", name_fa="صنایع دستی"
    )
    for name, role, extra in [
        ("agency1", "agency_officer", {"agency_code": "A1"}),
        ("agency2", "agency_officer", {"agency_code": "A2"}),
        ("bank1", "bank_officer", {"bank_code": "B1"}),
        ("bank2", "bank_officer", {"bank_code": "B2"}),
        ("payer1", "supervisor", {"bank_code": "B1", "branch_code": "0101"}),
    ]:
        auth.create_user(c.uow(), SYSTEM, username=name, password=PW, role=role, **extra)
    day_end.advance(c.uow(), w.supervisor, parse_jalali(on))
    return EmpWorld(
        w,
        actor_of(c, "agency1"),
        actor_of(c, "agency2"),
        actor_of(c, "bank1"),
        actor_of(c, "bank2"),
        actor_of(c, "payer1"),
    )
