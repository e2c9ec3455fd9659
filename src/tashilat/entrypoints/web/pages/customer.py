"""A signed-in account holder's pages: their own accounts, entitlements and statements
(read-only; the services allow a customer nothing else)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from tashilat.entrypoints.web import menu
from tashilat.entrypoints.web.pages.staff_common import KINDS, statement_data
from tashilat.entrypoints.web.rendering import WebRoute, render
from tashilat.entrypoints.web.sessions import CustomerPage
from tashilat.services import reports, youth

router = APIRouter(prefix="/my", route_class=WebRoute)

menu.add(menu.MenuItem("my.accounts", "حساب‌های من", "My accounts", "/my", section="customer"))


@router.get("", response_class=HTMLResponse)
def my_accounts(page: CustomerPage) -> HTMLResponse:
    actor = page.actor
    assert actor is not None
    rows, _ = reports.accounts(page.reader(), actor, limit=100)
    ents = {
        r.id: youth.account_entitlement(page.reader(), actor, page.container.policy, r.id)[1]
        for r in rows
        if r.status == "open"
    }
    return render(page.request, "my/accounts.html", {"rows": rows, "ents": ents})


@router.get("/accounts/{account_id}", response_class=HTMLResponse)
def my_account(page: CustomerPage, account_id: int) -> HTMLResponse:
    actor = page.actor
    assert actor is not None
    data = statement_data(page, account_id)
    _, d = youth.account_entitlement(page.reader(), actor, page.container.policy, account_id)
    status = 200 if data["form"].ok else 422
    return render(page.request, "my/account.html", {**data, "d": d, "kinds": KINDS}, status=status)
