"""The citizens' page on transferring the youth-fund privilege: who may receive it, what
moves with it, when it is allowed, and a check («can I transfer it to my …?») that asks the
same domain rule as the staff transfer (``check_transfer``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from tashilat.domain.errors import InvalidInput
from tashilat.domain.programs.youth_fund.servicing import (
    RELATIONS_FA,
    check_transfer,
    transfer_relatives,
)
from tashilat.entrypoints.web import menu
from tashilat.entrypoints.web.forms import Form
from tashilat.entrypoints.web.rendering import WebRoute, render
from tashilat.entrypoints.web.sessions import PublicPage

router = APIRouter(route_class=WebRoute)

menu.add(
    menu.MenuItem(
        "youth_fund.transfer",
        "انتقال امتیاز",
        "Privilege transfer",
        "/youth-fund/transfer",
        section="public",
        order=15,
    )
)

RELATIONS_EN = {
    "spouse": "spouse",
    "parent": "father or mother",
    "child": "child",
    "sibling": "sister or brother",
    "grandparent": "grandfather or grandmother",
    "grandchild": "grandchild",
}
OTHER = "other"
_TRUE = ("1", "on", "yes", "true")


@router.get("/youth-fund/transfer", response_class=HTMLResponse)
def transfer(page: PublicPage) -> HTMLResponse:
    q = dict(page.request.query_params)
    fmt = page.fmt
    on = date.today()
    policy = page.container.policy
    listed = transfer_relatives(policy, on)
    relatives = [(r, fmt.t(RELATIONS_FA.get(r, r), RELATIONS_EN.get(r, r))) for r in listed.value]
    options = [
        ("", fmt.t("انتخاب کنید", "choose")),
        *relatives,
        (
            OTHER,
            fmt.t("کس دیگری (مثلاً عمو، دایی، خاله یا دوست)", "someone else (an uncle, a friend…)"),
        ),
    ]
    form = Form(values=q, fields=("relation", "used"))
    result: dict[str, Any] | None = None
    status = 200
    if "relation" in q:
        relation = form.get("relation")
        if relation not in {k for k, _ in options if k}:
            form.add(
                InvalidInput(
                    "transfer.relation_unknown",
                    "نسبت خویشاوندی را از فهرست انتخاب کنید.",
                    "Choose the relation from the list.",
                    field="relation",
                )
            )
            status = 422
        else:
            d = check_transfer(
                policy, relation=relation, on=on, privilege_used=form.get("used") in _TRUE
            )
            result = {
                "d": d,
                "ok": d.outcome == "accepted",
                "other": relation == OTHER,
                "relation": dict(relatives).get(relation, ""),
            }
    return render(
        page.request,
        "transfer.html",
        {
            "form": form,
            "r": result,
            "relatives": relatives,
            "options": options,
            "warnings": listed.warnings,
        },
        status=status,
    )
