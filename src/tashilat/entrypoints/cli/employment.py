"""``tashilat employment …`` — employment-generating loans from the command line.

Staff steps run as a named user (``--as``), exactly as through the API: the same services,
permissions, audit log and database-enforced limits."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import parse_jalali
from tashilat.domain.money import parse_rial
from tashilat.entrypoints.cli.common import DigitsOpt, JsonOpt, friendly_errors, out, print_json
from tashilat.entrypoints.cli.employment_check import check
from tashilat.entrypoints.cli.employment_common import Url, _emit, _view
from tashilat.entrypoints.spreadsheet import safe_dict

employment_app = typer.Typer(
    help="Employment-generating qard al-hasan loans. / تسهیلات اشتغال‌زایی", no_args_is_help=True
)
employment_app.command("check")(check)
As = Annotated[str, typer.Option("--as", help="The username doing this step")]


def _ctx(url: str | None, username: str) -> tuple[Any, Any]:
    from tashilat.bootstrap import build
    from tashilat.services.actors import actor_named
    from tashilat.settings import Settings

    c = build(Settings.from_env(database_url=url))
    actor = actor_named(c.reader(), username.strip().lower())
    if actor is None:
        raise InvalidInput(
            "user.unknown", f"کاربر «{username}» نیست.", f"No active user '{username}'."
        )
    return c, actor


@employment_app.command("agency")
@friendly_errors
def agency(
    code: Annotated[str, typer.Option("--code")],
    name_fa: Annotated[str, typer.Option("--name-fa")],
    name_en: Annotated[str, typer.Option("--name-en")],
    user: As,
    url: Url = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Add a supporting agency (admin)."""
    from tashilat.services import employment

    c, actor = _ctx(url, user)
    a = employment.create_agency(c.uow(), actor, code=code, name_fa=name_fa, name_en=name_en)
    if as_json:
        print_json({"code": a.code, "name_fa": a.name_fa, "name_en": a.name_en})
        return
    out.print(f"agency {a.code} created")


@employment_app.command("bank")
@friendly_errors
def bank(
    code: Annotated[str, typer.Option("--code")],
    name_fa: Annotated[str, typer.Option("--name-fa")],
    name_en: Annotated[str, typer.Option("--name-en")],
    user: As,
    url: Url = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Add an agent bank (admin)."""
    from tashilat.services import employment

    c, actor = _ctx(url, user)
    b = employment.create_bank(c.uow(), actor, code=code, name_fa=name_fa, name_en=name_en)
    if as_json:
        print_json({"code": b.code, "name_fa": b.name_fa, "name_en": b.name_en})
        return
    out.print(f"bank {b.code} created")


@employment_app.command("allocate")
@friendly_errors
def allocate(
    agency_code: Annotated[str, typer.Option("--agency")],
    province: Annotated[str, typer.Option("--province")],
    year: Annotated[int, typer.Option("--year", min=1403, max=1500)],
    amount: Annotated[str, typer.Option("--amount")],
    user: As,
    url: Url = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Set an agency's allocation for a province and year (admin)."""
    from tashilat.services import employment

    c, actor = _ctx(url, user)
    a = employment.set_allocation(
        c.uow(),
        actor,
        c.policy,
        agency_code=agency_code,
        province=province,
        year=year,
        amount=parse_rial(amount, field="amount", allow_zero=False),
    )
    if as_json:
        print_json(
            {
                "agency": agency_code,
                "province": province,
                "year": year,
                "amount_rial": a.amount,
                "category_cap_rial": a.category_cap,
            }
        )
        return
    out.print(f"allocation {a.amount:,} rial; approved categories up to {a.category_cap:,}")


@employment_app.command("category")
@friendly_errors
def category(
    agency_code: Annotated[str, typer.Option("--agency")],
    year: Annotated[int, typer.Option("--year")],
    code: Annotated[str, typer.Option("--code")],
    name_fa: Annotated[str, typer.Option("--name-fa")],
    user: As,
    url: Url = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Approve a job category for an agency and year (admin)."""
    from tashilat.services import employment

    c, actor = _ctx(url, user)
    employment.add_category(
        c.uow(), actor, agency_code=agency_code, year=year, code=code, name_fa=name_fa
    )
    if as_json:
        print_json({"agency": agency_code, "year": year, "code": code, "name_fa": name_fa})
        return
    out.print(f"category {code} approved for {agency_code} in {year}")


@employment_app.command("limit")
@friendly_errors
def limit(
    bank_code: Annotated[str, typer.Option("--bank")],
    year: Annotated[int, typer.Option("--year")],
    month: Annotated[int, typer.Option("--month", min=1, max=12)],
    amount: Annotated[str, typer.Option("--amount")],
    user: As,
    url: Url = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Set a bank's monthly SAMAT limit (admin)."""
    from tashilat.services import employment

    limit_rial = parse_rial(amount, field="amount")
    c, actor = _ctx(url, user)
    employment.set_monthly_limit(
        c.uow(),
        actor,
        bank_code=bank_code,
        year=year,
        month=month,
        amount=limit_rial,
    )
    if as_json:
        print_json({"bank": bank_code, "year": year, "month": month, "amount_rial": limit_rial})
        return
    out.print(f"limit for {bank_code} {year}/{month:02d} set")


@employment_app.command("import-samat")
@friendly_errors
def import_samat(
    national_id: Annotated[str, typer.Option("--national-id")],
    bank_code: Annotated[str, typer.Option("--bank")],
    agency_code: Annotated[str, typer.Option("--agency")],
    amount: Annotated[str, typer.Option("--amount")],
    on: Annotated[str, typer.Option("--on")],
    user: As,
    url: Url = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Record a historical employment loan in the local SAMAT registry (admin)."""
    from tashilat.services import employment

    c, actor = _ctx(url, user)
    loan = employment.import_samat_loan(
        c.uow(),
        actor,
        national_id=national_id,
        bank_code=bank_code,
        agency_code=agency_code,
        amount=parse_rial(amount, field="amount"),
        disbursed_on=parse_jalali(on, field="on"),
    )
    if as_json:
        print_json({"tracking_code": loan.tracking_code, "national_id": national_id})
        return
    out.print(f"registered {loan.tracking_code}")


@employment_app.command("submit")
@friendly_errors
def submit(
    national_id: Annotated[str, typer.Option("--national-id")],
    name: Annotated[str, typer.Option("--name")],
    province: Annotated[str, typer.Option("--province")],
    agency_code: Annotated[str, typer.Option("--agency")],
    amount: Annotated[str, typer.Option("--amount")],
    jobs: Annotated[int, typer.Option("--jobs", min=1)],
    user: As,
    category_code: Annotated[str | None, typer.Option("--category")] = None,
    not_mandated: Annotated[bool, typer.Option("--not-mandated")] = False,
    url: Url = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Submit a business plan (agency officer, or the applicant as a customer)."""
    from tashilat.services import employment

    c, actor = _ctx(url, user)
    app, d = employment.submit(
        c.uow(),
        actor,
        c.policy,
        national_id=national_id,
        name=name,
        province=province,
        agency_code=agency_code,
        amount=parse_rial(amount, field="amount", allow_zero=False),
        jobs=jobs,
        category_code=category_code,
        mandated=not not_mandated,
    )
    g = (
        employment.guarantee_status(c.reader(), actor, c.policy, app.id)
        if actor.role != "customer"
        else None
    )
    data = {**_view(app), "warnings": [w.as_dict() for w in d.warnings]}
    if g is not None:
        data["guarantee_bundles"] = [
            {"bundle": list(b.bundle), "missing": list(b.missing)} for b in g.value.bundles
        ]
    _emit(data, as_json)


def _step(name: str, doc: str) -> None:
    @employment_app.command(name)
    @friendly_errors
    def command(
        app_id: Annotated[int, typer.Argument(help="Application id")],
        user: As,
        bank_code: Annotated[str | None, typer.Option("--bank", help="introduce: the bank")] = None,
        reason: Annotated[str | None, typer.Option("--reason", help="reject/withdraw: why")] = None,
        url: Url = None,
        as_json: JsonOpt = False,
        digits: DigitsOpt = "latin",
    ) -> None:
        from tashilat.services import employment

        c, actor = _ctx(url, user)
        code = None
        if name == "review":
            app = employment.start_review(c.uow(), actor, app_id=app_id)
        elif name == "introduce":
            if not bank_code:
                raise InvalidInput("cli.bank", "--bank لازم است.", "--bank is required.")
            app = employment.introduce(c.uow(), actor, c.policy, app_id=app_id, bank_code=bank_code)
        elif name == "approve":
            app = employment.approve(c.uow(), actor, c.policy, app_id=app_id)
        elif name == "disburse":
            d = employment.disburse(c.uow(), actor, c.policy, app_id=app_id)
            app, code = d.application, d.samat_code
        else:
            if not reason:
                raise InvalidInput("cli.reason", "--reason لازم است.", "--reason is required.")
            app = employment.reject(
                c.uow(), actor, app_id=app_id, reason=reason, withdraw=name == "withdraw"
            )
        _emit(_view(app, code), as_json)

    command.__doc__ = doc


for _name, _doc in [
    ("review", "The agency starts its review."),
    ("introduce", "Introduce to a bank: reserves the allocation (--bank)."),
    ("approve", "The bank approves (guarantees, credit, SAMAT)."),
    ("disburse", "A second person pays: monthly limit, SAMAT code, fee schedule, ledger."),
    ("reject", "Reject with a reason; releases every reservation (--reason)."),
    ("withdraw", "Withdraw with a reason; releases every reservation (--reason)."),
]:
    _step(_name, _doc)


@employment_app.command("guarantee")
@friendly_errors
def guarantee(
    app_id: Annotated[int, typer.Argument()],
    kind: Annotated[str, typer.Option("--kind")],
    user: As,
    national_id: Annotated[str | None, typer.Option("--national-id")] = None,
    grade: Annotated[str | None, typer.Option("--grade")] = None,
    url: Url = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Record a guarantee (bank officer) and show which bundle is met or what is missing."""
    from tashilat.entrypoints.serialize import jsonable
    from tashilat.services import employment

    c, actor = _ctx(url, user)
    employment.add_guarantee(
        c.uow(), actor, app_id=app_id, kind=kind, national_id=national_id, grade=grade
    )
    d = employment.guarantee_status(c.reader(), actor, c.policy, app_id)
    _emit({**jsonable(d.value), "outcome": d.outcome}, as_json)


@employment_app.command("repay")
@friendly_errors
def repay(
    app_id: Annotated[int, typer.Argument()],
    amount: Annotated[str, typer.Option("--amount")],
    user: As,
    key: Annotated[str, typer.Option("--key", help="Idempotency key: a retry posts nothing")],
    url: Url = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Record a repayment: late charge, then fee, then principal."""
    from tashilat.services import employment

    c, actor = _ctx(url, user)
    r = employment.repay(
        c.uow(),
        actor,
        c.policy,
        app_id=app_id,
        amount=parse_rial(amount, field="amount"),
        request_id=f"emp-repay:{app_id}:{key}",
    )
    _emit(
        {
            "application_id": r.application_id,
            "amount_rial": r.amount,
            "penalty_rial": r.penalty,
            "fee_rial": r.fee,
            "principal_rial": r.principal,
            "state": r.state,
            "replayed": r.replayed,
        },
        as_json,
    )


@employment_app.command("show")
@friendly_errors
def show(
    app_id: Annotated[int, typer.Argument()],
    user: As,
    url: Url = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """One application with its SAMAT code."""
    from tashilat.services import employment

    c, actor = _ctx(url, user)
    uow = c.reader()
    app, applicant, _ = employment.get(uow, actor, app_id)
    with uow:
        code = employment.samat_code(uow, app)
    _emit(
        {**_view(app, code), "national_id": applicant.national_id, "name": applicant.name}, as_json
    )


@employment_app.command("report")
@friendly_errors
def report(
    kind: Annotated[str, typer.Argument(help="allocations | categories | pipeline | speed")],
    user: As,
    csv_out: Annotated[bool, typer.Option("--csv", help="CSV on standard output")] = False,
    url: Url = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Allocation use, categories, the pipeline by state, or median days to disbursement."""
    import csv

    from tashilat.services import employment

    c, actor = _ctx(url, user)
    fns = {
        "allocations": employment.allocation_report,
        "categories": employment.category_report,
        "pipeline": employment.pipeline_report,
        "speed": employment.speed_report,
    }
    if kind not in fns:
        raise InvalidInput(
            "cli.report", f"گزارش «{kind}» نیست.", f"No report '{kind}' ({', '.join(fns)})."
        )
    rows = fns[kind](c.reader(), actor)
    if as_json:
        print_json(rows)
        return
    if csv_out:
        if rows:
            w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(safe_dict(r) for r in rows)
        return
    if not rows:
        out.print("—")
        return
    table = Table(*rows[0].keys())
    for r in rows:
        table.add_row(
            *(
                f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)
                for v in r.values()
            )
        )
    out.print(table)
