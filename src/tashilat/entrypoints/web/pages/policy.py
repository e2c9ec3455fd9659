"""The policy browser: every parameter with its dated values, the status of each value (and
of each cell whose status differs, such as the corrected 1403 year-10 cap), its source and
notes; and the findings of the policy validator."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from tashilat.domain.text import normalize_text
from tashilat.entrypoints.web.rendering import WebRoute, render
from tashilat.entrypoints.web.sessions import PublicPage
from tashilat.policy import Finding, check_policy

router = APIRouter(route_class=WebRoute)

PROGRAMS: dict[str, tuple[str, str]] = {
    "youth_fund": ("صندوق پس‌انداز مسکن جوانان", "Youth Housing Savings Fund"),
    "employment": ("تسهیلات اشتغال‌زایی", "Employment-generating loans"),
    "wages": ("دستمزد و توان پرداخت", "Wages and affordability"),
    "construction": ("بیمه کارگران ساختمانی", "Construction workers' insurance"),
    "finance": ("قواعد مالی مشترک", "Shared finance rules"),
}


# Words people type and the words the policy data uses for the same thing.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "وام": ("تسهیلات", "loan"),
    "تسهیلات": ("وام", "loan"),
    "ضامن": ("ضمانت", "guarantee", "guarantor", "سفته", "چک"),
    "ضمانت": ("ضامن", "guarantee"),
    "سود": ("نرخ", "rate", "profit"),
    "نرخ": ("سود", "rate"),
    "قسط": ("اقساط", "instalment", "بازپرداخت"),
    "اقساط": ("قسط", "instalment"),
    "سپرده": ("واریز", "deposit", "موجودی"),
    "واریز": ("سپرده", "deposit"),
    "حقوق": ("دستمزد", "مزد", "wage"),
    "دستمزد": ("مزد", "حقوق", "wage"),
    "مزد": ("دستمزد", "wage"),
    "اجاره": ("rent",),
    "انتظار": ("wait",),
    "کارمزد": ("fee",),
    "بیمه": ("insurance",),
}


def _words(text: str) -> list[str]:
    return [w for w in normalize_text(text).lower().split() if w]


def matches(query: str, text: str) -> bool:
    """Every word of the query (or a word that means the same) occurs in the text; Arabic
    ي/ك and Persian ی/ک, and half-spaces, are the same."""
    hay = normalize_text(text).lower().replace("\u200c", "")
    for word in _words(query):
        word = word.replace("\u200c", "")
        options = (word, *SYNONYMS.get(word, ()))
        if not any(o.replace("\u200c", "") in hay for o in options):
            return False
    return True


def _search_text(p: Any) -> str:
    """What a search looks through: the path, the descriptions, the open question, and
    the notes and values of every dated entry."""
    parts: list[str] = [
        str(x or "") for x in (p.path, p.description, p.description_fa, p.open_question)
    ]
    for e in p.entries:
        prov = e.provenance
        parts += [str(prov.note or ""), str(prov.note_fa or ""), str(e.value)]
    return " ".join(parts)


@lru_cache(maxsize=1)
def _findings(root: str) -> tuple[Finding, ...]:
    """The validator's findings on the policy data the app runs on (read once). A policy
    rebuilt from the database has no directory: it was validated when it was built."""
    from pathlib import Path

    if not Path(root).is_dir():
        return ()
    return tuple(check_policy(root))


def _is_cap_table(value: Any) -> bool:
    return isinstance(value, Mapping) and all(
        isinstance(v, Mapping) and {"tier_1", "tier_2", "tier_3"} <= set(v) for v in value.values()
    )


def _entry_view(entry: Any) -> dict[str, Any]:
    value = entry.value
    kind = "scalar"
    if _is_cap_table(value):
        kind = "caps"
    elif isinstance(value, Mapping):
        kind = "mapping"
    elif isinstance(value, list | tuple):
        kind = "list"
    return {
        "since": entry.since,
        "value": value,
        "kind": kind,
        "prov": entry.provenance,
        "cells": dict(entry.cells),
    }


@router.get("/policy", response_class=HTMLResponse)
def policy_browser(page: PublicPage, status: str = "", q: str = "") -> HTMLResponse:
    snapshot = page.container.policy
    needle = q.strip()[:100]
    groups: dict[str, list[dict[str, Any]]] = {}
    shown = 0
    for p in snapshot:
        entries = [_entry_view(e) for e in p.entries]
        if status and not any(
            e["prov"].status.value == status
            or any(c.status.value == status for c in e["cells"].values())
            for e in entries
        ):
            continue
        if needle and not matches(needle, _search_text(p)):
            continue
        prefix = p.path.split(".")[0]
        groups.setdefault(prefix, []).append({"p": p, "entries": entries})
        shown += 1
    order = list(PROGRAMS)
    groups = dict(
        sorted(groups.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 99, kv[0]))
    )
    try:
        findings: tuple[Finding, ...] = _findings(str(snapshot.root))
        findings_error = None
    except Exception as exc:  # pragma: no cover - the loaded snapshot was valid at start
        findings, findings_error = (), str(exc)
    return render(
        page.request,
        "policy.html",
        {
            "groups": groups,
            "programs": PROGRAMS,
            "findings": findings,
            "findings_error": findings_error,
            "status": status,
            "q": q,
            "shown": shown,
            "total": len(snapshot),
            "today": date.today(),
        },
    )
