"""Who a command-line step runs as: the actor of a stored user, found by username."""

from __future__ import annotations

from tashilat.services.auth import Actor, actor_of
from tashilat.services.ports import UnitOfWork


def actor_named(uow: UnitOfWork, username: str, *, active_only: bool = True) -> Actor | None:
    """The actor of the user ``username`` (None: no such user, or, when ``active_only``, the
    user is deactivated)."""
    with uow:
        user = uow.users.by_username(username)
    if user is None or (active_only and not user.active):
        return None
    return actor_of(user)
