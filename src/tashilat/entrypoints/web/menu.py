"""The menus: a registry that page modules add their entries to.

Each entry names its section (``public`` for citizens, ``staff`` for bank and agency staff,
``customer`` for a signed-in account holder) and who may see it: a permission of
``services.auth.PERMISSIONS`` and/or a set of roles. A module that adds pages (the
employment-loan pipeline, for one) calls :func:`add` at import with its own entries; nothing
else changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from tashilat.services import auth
from tashilat.services.auth import Actor

SECTIONS = ("public", "staff", "customer")


@dataclass(frozen=True)
class MenuItem:
    key: str
    label_fa: str
    label_en: str
    href: str
    section: str = "staff"
    permission: str | None = None
    roles: frozenset[str] | None = None
    order: int = 100

    def visible_to(self, actor: Actor | None) -> bool:
        if self.section == "public":
            return True
        if actor is None:
            return False
        if self.section == "customer" and actor.role != "customer":
            return False
        if self.section == "staff" and actor.role == "customer":
            return False
        if self.roles is not None and actor.role not in self.roles:
            return False
        return self.permission is None or self.permission in auth.PERMISSIONS.get(
            actor.role, frozenset()
        )


_ITEMS: dict[str, MenuItem] = {}


def add(*items: MenuItem) -> None:
    """Register menu entries (a later entry with the same key replaces the earlier one)."""
    for item in items:
        if item.section not in SECTIONS:
            raise ValueError(f"unknown menu section {item.section!r}")
        _ITEMS[item.key] = item


def menu_for(section: str, actor: Actor | None) -> list[MenuItem]:
    return sorted(
        (i for i in _ITEMS.values() if i.section == section and i.visible_to(actor)),
        key=lambda i: (i.order, i.key),
    )


def items() -> list[MenuItem]:
    return list(_ITEMS.values())
