"""``tashilat employment check``: would an employment-generating loan be granted, with every
reason and its legal reference, and (given a national id) the person's record in the
registry when there is a database to look in."""

from __future__ import annotations

from typing import Annotated

import typer

from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import parse_jalali
from tashilat.domain.money import parse_rial
from tashilat.entrypoints.cli.common import DigitsOpt, JsonOpt, friendly_errors, out
from tashilat.entrypoints.cli.employment_common import Url, _emit, _registry


@friendly_errors
def check(
    amount: Annotated[str, typer.Option("--amount", help="Loan amount, rial")],
    on: Annotated[str, typer.Option("--on", help="Decision date, Jalali YYYY/MM/DD")],
    approved_category: Annotated[bool, typer.Option("--approved-category")] = False,
    grade: Annotated[str | None, typer.Option("--grade", help="Credit grade A-E")] = None,
    note: Annotated[bool, typer.Option("--promissory-note")] = False,
    guarantors: Annotated[int, typer.Option("--guarantors", min=0, max=10)] = 0,
    national_id: Annotated[
        str | None,
        typer.Option(
            "--national-id",
            help="The applicant's: the one-loan rule is then looked up in the configured "
            "database (SAMAT loans and loans in progress); without it, it is not checked",
        ),
    ] = None,
    url: Url = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """One verdict — eligible, eligible once the listed guarantees are brought, or not
    eligible and why — with the cap, the guarantee bundles and what is missing (no login)."""
    from sqlalchemy.exc import SQLAlchemyError

    from tashilat.domain.programs.employment import rules
    from tashilat.entrypoints.employment_check import check_json
    from tashilat.policy import default_policy
    from tashilat.services import employment

    policy = default_policy()
    day = parse_jalali(on, field="on")
    amt = parse_rial(amount, field="amount", allow_zero=False)
    if grade is not None and grade.strip().upper() not in rules.GRADES:
        raise InvalidInput(
            "guarantee.grade",
            "رتبه اعتباری باید یکی از A تا E باشد.",
            "The credit grade must be one of A to E.",
            field="grade",
        )
    offered = rules.Offered(
        grade.strip().upper() if grade else None, note, tuple(f"g{i}" for i in range(guarantors))
    )
    try:
        answer = employment.check(
            _registry(url) if national_id else None,
            policy,
            on=day,
            amount=amt,
            offered_=offered,
            approved_category=approved_category,
            national_id=national_id,
        )
    except SQLAlchemyError:
        raise InvalidInput(
            "registry.unavailable",
            "پایگاه داده برای بررسی سابقه وام در دسترس نیست یا آماده نشده است "
            "(tashilat db upgrade). بدون --national-id، سنجش بدون این بررسی انجام می‌شود.",
            "The database to look the loan history up in is unavailable or not set up "
            "(tashilat db upgrade). Without --national-id the check runs without it.",
            field="url",
        ) from None
    data = check_json(answer)
    if as_json:
        _emit(data, True)
        return
    e, g, v = answer.eligibility, answer.guarantees, answer.verdict
    mark = {"eligible": "✔", "eligible_with_guarantees": "…", "not_eligible": "✘"}[v.outcome]
    out.print(f"[bold]{mark} {v.value.message_fa}[/bold]", highlight=False)
    out.print(f"  {v.value.message_en}", highlight=False)
    out.print(f"سقف / cap: {e.value.cap_rial:,} rial ({e.value.cap_basis})", highlight=False)
    for r in (*e.reasons, *g.reasons):
        out.print(f"{'✔' if r.passed else '✘'} {r.message_fa}\n  {r.message_en}", highlight=False)
    for w in v.warnings:
        out.print(f"[yellow]⚠ {w.message_fa}\n  {w.message_en}[/yellow]", highlight=False)
