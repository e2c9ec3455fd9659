"""Pages for the policy staff: proposals, what each changes in plain Persian (a diff against
the policy in force, with its impact), approval or rejection by a second person, and the
history of a parameter on a timeline (docs/adr/0009-policy-in-the-database.md)."""

from __future__ import annotations

from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from tashilat.domain.errors import InvalidInput, TashilatError
from tashilat.domain.jalali import format_jalali
from tashilat.domain.text import normalize_text, strip_number
from tashilat.entrypoints.web import menu
from tashilat.entrypoints.web.forms import Form, jalali_field, request_id_of
from tashilat.entrypoints.web.rendering import WebRoute, audit_refusal, redirect, render
from tashilat.entrypoints.web.sessions import (
    ROLE_LABELS,
    CheckedForm,
    Page,
    signed_in_page,
)
from tashilat.services import policy_impact, policy_store
from tashilat.services import policy_proposals as proposals
from tashilat.services.errors import Forbidden

router = APIRouter(prefix="/policy-admin", route_class=WebRoute)

ROLE_LABELS.setdefault("policy_editor", ("کارشناس سیاست‌ها", "policy editor"))
ROLE_LABELS.setdefault("policy_approver", ("تأییدکننده سیاست‌ها", "policy approver"))

menu.add(
    menu.MenuItem(
        "policy.admin",
        "پیشنهادهای تغییر سیاست",
        "Policy proposals",
        "/policy-admin",
        permission="policy.read",
        order=60,
    ),
)

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "pending": ("در انتظار تصمیم", "pending"),
    "approved": ("تأییدشده", "approved"),
    "rejected": ("ردشده", "rejected"),
}
VALUE_STATUS: dict[str, tuple[str, str]] = {
    "seed": ("در متن منبع", "printed in the source"),
    "sourced": ("مستند", "sourced"),
    "corrected": ("اصلاح‌شده", "corrected"),
    "assumed": ("فرضی", "assumed"),
    "illustrative": ("نمونه", "illustrative"),
}
ORIGINS: dict[str, tuple[str, str]] = {
    "shipped": ("همراه برنامه", "shipped"),
    "proposal": ("با پیشنهاد", "by proposal"),
}


def policy_page(request: Request) -> Page:
    """Signed in with a role that reads the policy administration; others get 403."""
    page = signed_in_page(request)
    if not page.can("policy.read"):
        raise Forbidden(
            "web.policy_staff_only",
            "این صفحه ویژه کارشناسان و تأییدکنندگان سیاست‌هاست.",
            "This page is for policy editors and approvers.",
        )
    return page


PolicyPage = Annotated[Page, Depends(policy_page)]


def _labels(page: Page) -> dict[str, Any]:
    t = page.fmt.t
    return {
        "status_label": lambda s: t(*STATUS_LABELS.get(s, (s, s))),
        "value_status": lambda s: t(*VALUE_STATUS.get(s, (s or "—", s or "—"))),
        "origin_label": lambda s: t(*ORIGINS.get(s, (s, s))),
        "shown": lambda v: _shown(page, v),
    }


def _shown(page: Page, value: Any) -> str:
    """A value as people read it: amounts with separators, tables row by row."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return page.fmt.t("بله", "yes") if value else page.fmt.t("خیر", "no")
    if isinstance(value, int):
        return page.fmt.num(value)
    if isinstance(value, dict | list | tuple):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        return "؛ ".join(f"{page.fmt.digits(k)}: {_shown(page, v)}" for k, v in items)
    return page.fmt.digits(str(value))


@router.get("", response_class=HTMLResponse)
def proposals_page(page: PolicyPage) -> HTMLResponse:
    actor = page.actor
    assert actor is not None
    items = proposals.list_proposals(page.reader(), actor)
    pending = [p for p in items if p.record.status == "pending"]
    decided = [p for p in items if p.record.status != "pending"]
    return render(
        page.request,
        "policy_admin/proposals.html",
        {"pending": pending, "decided": decided, **_labels(page)},
    )


def _detail(page: Page, proposal_id: int, form: Form | None = None, status: int = 200) -> Any:
    actor = page.actor
    assert actor is not None
    view = proposals.get(page.reader(), actor, proposal_id)
    rows = policy_impact.changes(page.reader(), actor, page.container.policies, proposal_id)
    impact = None
    if view.record.status == "pending":
        try:
            impact = policy_impact.preview(
                page.reader(), actor, page.container.policies, proposal_id
            )[1]
        except TashilatError:
            impact = None  # no longer valid against the policy in force: shown as such
    own = view.record.proposed_by == actor.username
    return render(
        page.request,
        "policy_admin/proposal.html",
        {
            "p": view.record,
            "name": view.overlay.name_fa or view.overlay.name,
            "rows": rows,
            "impact": impact,
            "can_decide": page.can("policy.approve")
            and not own
            and view.record.status == "pending",
            "own": own,
            "form": form or Form(),
            **_labels(page),
        },
        status=status,
    )


@router.get("/proposals/{proposal_id}", response_class=HTMLResponse)
def proposal_page(proposal_id: int, page: PolicyPage) -> HTMLResponse:
    result: HTMLResponse = _detail(page, proposal_id)
    return result


@router.post("/proposals/{proposal_id}/{decision}", response_class=HTMLResponse)
def decide(proposal_id: int, decision: str, page: PolicyPage, data: CheckedForm) -> Response:
    actor = page.actor
    assert actor is not None
    form = Form(values=data, fields=("note",))
    note = (data.get("note") or "")[:2000]
    try:
        if decision == "approve":
            proposals.approve(
                page.uow(),
                actor,
                page.container.policies,
                proposal_id,
                note=note,
                request_id=request_id_of(data),
            )
        elif decision == "reject":
            proposals.reject(
                page.uow(), actor, proposal_id, note=note, request_id=request_id_of(data)
            )
        else:
            return Response(status_code=404)
    except TashilatError as exc:
        form.add(exc, default_field="note")
        audit_refusal(page.request, exc)
        return _detail(page, proposal_id, form, status=getattr(exc, "status", 422))  # type: ignore[no-any-return]
    return redirect(f"/policy-admin/proposals/{proposal_id}?ok={decision}")


PROPOSE_FIELDS = ("path", "since", "value", "status", "source", "note", "note_fa", "reason")


def _typed_value(text: str) -> Any:
    """A value as typed: a whole number (Persian digits and separators accepted), or YAML
    for anything else (a word, a list, a table such as ``{5: {tier_1: …}}``)."""
    plain = strip_number(text)
    if plain.isdigit():
        return int(plain)
    try:
        return yaml.safe_load(normalize_text(text))
    except yaml.YAMLError:
        raise InvalidInput(
            "policy.value",
            "مقدار خوانده نشد: یک عدد، یک واژه یا یک جدول به شکل YAML بنویسید.",
            "The value could not be read: write a number, a word or a YAML table.",
            field="value",
        ) from None


def _propose_view(page: Page, form: Form, status: int = 200) -> HTMLResponse:
    return render(
        page.request,
        "policy_admin/propose.html",
        {
            "form": form,
            "paths": [(p.path, p.path) for p in page.container.policy],
            "statuses": [(k, page.fmt.t(*v)) for k, v in VALUE_STATUS.items()],
        },
        status=status,
    )


def _may_propose(page: Page) -> None:
    if not page.can("policy.propose"):
        raise Forbidden(
            "web.policy_editors_only",
            "تنها کارشناسان سیاست‌ها تغییر پیشنهاد می‌کنند.",
            "Only policy editors propose changes.",
        )


@router.get("/propose", response_class=HTMLResponse)
def propose_form(page: PolicyPage) -> HTMLResponse:
    _may_propose(page)
    return _propose_view(page, Form(values={"status": "assumed"}, fields=PROPOSE_FIELDS))


@router.post("/propose", response_class=HTMLResponse)
def propose(page: PolicyPage, data: CheckedForm) -> Response:
    """One dated value of one figure, proposed with its status, source and reason."""
    actor = page.actor
    assert actor is not None
    _may_propose(page)
    form = Form(values=data, fields=PROPOSE_FIELDS)
    since = form.parse("since", jalali_field("since"))
    value = form.parse("value", _typed_value)
    if not form.ok or since is None:
        return _propose_view(page, form, status=422)
    entry: dict[str, Any] = {"since": format_jalali(since), "value": value}
    for key in ("status", "source", "note", "note_fa"):
        if form.get(key):
            entry[key] = form.get(key)[:2000]
    doc = {"name": form.get("path"), "parameters": {form.get("path"): {"values": [entry]}}}
    try:
        view = proposals.propose(
            page.uow(),
            actor,
            page.container.policies,
            change_set=doc,
            reason=form.get("reason")[:2000],
            request_id=request_id_of(data),
        )
    except TashilatError as exc:
        form.add(exc, default_field="value")
        audit_refusal(page.request, exc)
        return _propose_view(page, form, status=getattr(exc, "status", 422))
    return redirect(f"/policy-admin/proposals/{view.id}")


@router.get("/history", response_class=HTMLResponse)
def history_page(page: PolicyPage, path: str = "") -> HTMLResponse:
    actor = page.actor
    assert actor is not None
    policy = page.container.policy
    path = path.strip()[:200]
    param = policy.parameter(path) if path and path in policy else None
    rows = policy_store.history(page.reader(), actor, path) if param else []
    return render(
        page.request,
        "policy_admin/history.html",
        {
            "path": path,
            "param": param,
            "rows": rows,
            "paths": [p.path for p in policy],
            **_labels(page),
        },
        status=200 if param or not path else 404,
    )
