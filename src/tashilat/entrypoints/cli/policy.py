"""``tashilat policy …``: validate a policy directory, show the figures in force on a date."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali, parse_jalali
from tashilat.entrypoints.cli.common import (
    DigitsOpt,
    JsonOpt,
    err,
    friendly_errors,
    out,
    print_json,
)
from tashilat.entrypoints.parse import moment
from tashilat.entrypoints.policy_json import version_json
from tashilat.entrypoints.serialize import jsonable
from tashilat.policy import check_policy, default_policy

if TYPE_CHECKING:
    from tashilat.services.policy_store import KnownPolicy

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url", help="Database URL: the stored policy (default: the shipped YAML)"
    ),
]

policy_app = typer.Typer(
    help="Policy parameters: validate and show. / پارامترهای سیاستی", no_args_is_help=True
)


# -- policy ---------------------------------------------------------------------------------


def known_policy(database_url: str | None, as_known_on: str | None) -> KnownPolicy:
    """The policy stored in the database at ``database_url`` as known at ``as_known_on``
    (now when not given), or the shipped YAML without a database."""
    from tashilat.services.policy_store import KnownPolicy

    when = moment(as_known_on, "as_known_on")
    if database_url is None:
        if when is not None:
            raise InvalidInput(
                "policy.as_known_needs_database",
                "برای --as-known-on نشانی پایگاه داده (--database-url) لازم است.",
                "--as-known-on reads the stored policy: give --database-url.",
                field="as_known_on",
            )
        return KnownPolicy(default_policy(), 0, None, stored=False)
    from tashilat.bootstrap import build
    from tashilat.settings import Settings

    c = build(Settings.from_env(database_url=database_url))
    try:
        return c.policies.as_known(c.reader(), when)
    finally:
        c.dispose()


def version_line(known: KnownPolicy) -> str:
    if not known.stored:
        return f"policy {known.snapshot.short_hash} (shipped YAML / پارامترهای همراه برنامه)"
    at = known.as_known_at.isoformat() if known.as_known_at else "—"
    return f"policy {known.snapshot.short_hash}, change {known.change_id} recorded {at}"


def _load(path: Path) -> Any:
    from tashilat.policy import load_policy

    return load_policy(path)


@policy_app.command("check")
@friendly_errors
def policy_check(
    path: Annotated[
        Path | None, typer.Argument(help="A parameters tree (default: the shipped one).")
    ] = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Validate a policy tree: exit 0 when clean, 1 with every finding listed."""
    findings = check_policy(path)
    if as_json:
        data: dict[str, Any] = {"valid": not findings, "findings": [str(f) for f in findings]}
        if not findings:
            snap = default_policy() if path is None else _load(path)
            data.update(parameters=len(snap), policy_hash=snap.hash)
        print_json(data)
        if findings:
            raise typer.Exit(1)
        return
    if findings:
        err.print(f"[red]{len(findings)} finding(s) / {len(findings)} مورد:[/red]")
        for f in findings:
            err.print(f"  - {f}", highlight=False)
        raise typer.Exit(1)
    snap = default_policy() if path is None else _load(path)
    out.print(
        f"[green]OK[/green] — {len(snap)} parameters, hash {snap.short_hash} / "
        f"{len(snap)} پارامتر معتبر است.",
        highlight=False,
    )


@policy_app.command("show")
@friendly_errors
def policy_show(
    path: Annotated[str, typer.Argument(help="Parameter path, e.g. youth_fund.caps")],
    on: Annotated[str | None, typer.Option("--on", help="Jalali date YYYY/MM/DD")] = None,
    as_known_on: Annotated[
        str | None,
        typer.Option(
            "--as-known-on",
            help="As the bank knew it then: 1403/05/11 [14:30] (Tehran) or ISO 8601; "
            "needs --database-url",
        ),
    ] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """A parameter's value, status and source (all dated values, or the one in force --on).

    With --database-url, the values stored in the database (as known --as-known-on, now by
    default); without it, the shipped YAML."""
    known = known_policy(database_url, as_known_on)
    snap = known.snapshot
    param = snap.parameter(path)
    entries = [param.entry_at(parse_jalali(on, field="on"))] if on else list(param.entries)
    values: list[dict[str, Any]] = [
        {
            "since": format_jalali(e.since),
            "value": jsonable(e.value),
            "status": e.provenance.status.value,
            "source": e.provenance.source,
            "quote": e.quote,
            "note": e.provenance.note,
            "cells": {
                k: {"status": c.status.value, "source": c.source, "note": c.note}
                for k, c in e.cells.items()
            },
        }
        for e in entries
    ]
    data: dict[str, Any] = {
        "path": param.path,
        "kind": param.kind,
        "keyed_by": param.keyed_by,
        "unit": param.unit,
        "description": param.description,
        "description_fa": param.description_fa,
        "open_question": param.open_question,
        "open_questions": [
            {"id": q.id, "question": q.question, "question_fa": q.question_fa}
            for q in snap.questions_for(param.path)
        ],
        "policy_hash": snap.hash,
        "policy_version": version_json(known),
        "values": values,
    }
    if as_json:
        print_json(data)
        return
    out.print(f"[bold]{param.path}[/bold]  ({param.kind}{', by cohort' if param.keyed_by else ''})")
    out.print(version_line(known), style="dim", highlight=False)
    if param.description:
        out.print(param.description, highlight=False)
    if param.description_fa:
        out.print(param.description_fa, highlight=False)
    table = Table("since / از", "value / مقدار", "status / وضعیت", "source / منبع")
    for v in values:
        value = v["value"]
        shown = f"{value:,}" if isinstance(value, int) else json.dumps(value, ensure_ascii=False)
        table.add_row(v["since"], shown, v["status"], v["source"] or "—")
        for cell, meta in v["cells"].items():
            table.add_row("", f"  {cell}", meta["status"], meta["source"] or "—")
    out.print(table)
    for v in values:
        if v["quote"]:
            out.print(f"quote ({v['since']}): «{v['quote']}»", highlight=False)
        if v["note"]:
            out.print(f"note ({v['since']}): {v['note']}", highlight=False)
        for cell, meta in v["cells"].items():
            if meta["note"]:
                out.print(f"note ({v['since']}, {cell}): {meta['note']}", highlight=False)
    if param.open_question:
        out.print(f"[yellow]open question:[/yellow] {param.open_question}", highlight=False)
    for q in data["open_questions"]:
        out.print(
            f"[yellow]open question {q['id']} / پرسش باز:[/yellow] {q['question']}\n"
            f"  {q['question_fa']}",
            highlight=False,
        )
