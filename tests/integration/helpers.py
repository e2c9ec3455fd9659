"""Seeding helpers for integration tests (through the services, as a bank would)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tashilat.adapters.db.models import Branch
from tashilat.bootstrap import Container
from tashilat.domain.jalali import parse_jalali
from tashilat.services import auth, youth
from tashilat.services.auth import SYSTEM, Actor

VALID_IDS = ["0499370899", "0790419904", "0084575948", "0067749828", "1234567891", "0013542419"]


@dataclass
class World:
    c: Container
    admin: Actor
    officer: Actor
    officer_b: Actor
    supervisor: Actor
    supervisor2: Actor
    auditor: Actor
    branch_a: int
    branch_b: int


def actor_of(c: Container, username: str, password: str = "correct horse 1") -> Actor:
    token = auth.login(
        c.uow(), username=username, password=password, hours=1, now=datetime.now(UTC)
    )
    return auth.authenticate(c.uow(), token, now=datetime.now(UTC))


def world(c: Container) -> World:
    uow = c.uow()
    with uow:
        a = Branch(code="0101", name_fa="شعبه مرکزی تهران", name_en="Tehran central", city="تهران")
        b = Branch(code="0301", name_fa="شعبه اصفهان", name_en="Isfahan", city="اصفهان")
        uow.session.add_all([a, b])
        uow.commit()
        ids = (a.id, b.id)
    pw = "correct horse 1"
    for name, role, branch in [
        ("admin", "admin", None),
        ("officer", "officer", "0101"),
        ("officer_b", "officer", "0301"),
        ("supervisor", "supervisor", "0101"),
        ("supervisor2", "supervisor", "0101"),
        ("auditor", "auditor", None),
    ]:
        auth.create_user(c.uow(), SYSTEM, username=name, password=pw, role=role, branch_code=branch)
    return World(
        c,
        actor_of(c, "admin"),
        actor_of(c, "officer"),
        actor_of(c, "officer_b"),
        actor_of(c, "supervisor"),
        actor_of(c, "supervisor2"),
        actor_of(c, "auditor"),
        ids[0],
        ids[1],
    )


def customer(w: World, nid: str, *, birth: str = "1375/04/10", branch: int | None = None) -> int:
    actor = w.officer if (branch or w.branch_a) == w.branch_a else w.officer_b
    return youth.create_customer(
        w.c.uow(),
        actor,
        national_id=nid,
        name="مشتری آزمایشی",
        birth_date=parse_jalali(birth),
        branch_id=branch or w.branch_a,
    ).id
