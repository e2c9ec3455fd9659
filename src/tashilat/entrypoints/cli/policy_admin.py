"""``tashilat policy propose|proposals|approve|reject|history|export``: the policy stored in
the database, changed by proposal with four eyes (docs/adr/0009-policy-in-the-database.md).

An operator at the command line acts as a named user (``--as``): the proposer and the
approver must still be different people with the right roles, and every step is audited.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import yaml
from rich.table import Table

from tashilat.domain.errors import InvalidInput
from tashilat.entrypoints.cli.common import DigitsOpt, JsonOpt, friendly_errors, out, print_json
from tashilat.entrypoints.cli.policy import DatabaseUrl, policy_app
from tashilat.entrypoints.policy_json import history_json, impact_json, proposal_json

if TYPE_CHECKING:
    from tashilat.bootstrap import Container

As = Annotated[str, typer.Option("--as", help="Your username (a policy editor or approver)")]
Note = Annotated[str, typer.Option("--note", help="Why (kept with the decision)")]


def _container(url: str | None) -> Container:
    from tashilat.bootstrap import build
    from tashilat.settings import Settings

    return build(Settings.from_env(database_url=url))


def _show(p: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(p)
        return
    flag = " [yellow]retroactive / عطف به ماسبق[/yellow]" if p["retroactive"] else ""
    out.print(
        f"proposal {p['id']}: {p['status']} — by {p['proposed_by']}, from "
        f"{p['earliest_valid_from']}{flag}",
        highlight=False,
    )
    if p["reason"]:
        out.print(f"reason / دلیل: {p['reason']}", highlight=False)
    for ch in p["changes"]:
        for v in ch["values"]:
            out.print(
                f"  {ch['path']} since {v.get('since')}: {v.get('value')!r} ({v.get('status')})",
                highlight=False,
            )
    if p["decided_by"]:
        out.print(f"decided by {p['decided_by']} at {p['decided_at']}", highlight=False)


@policy_app.command("propose")
@friendly_errors
def propose(
    change_set: Annotated[
        Path, typer.Argument(help="An overlay YAML file: parameters → dated values")
    ],
    username: As,
    reason: Annotated[str, typer.Option("--reason", help="Why; required if retroactive")] = "",
    database_url: DatabaseUrl = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Propose a change set; it is validated like `policy check` and waits for approval."""
    from tashilat.services import auth
    from tashilat.services import policy_proposals as proposals

    try:
        doc = yaml.safe_load(change_set.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidInput(
            "policy.change_set_unreadable",
            f"فایل تغییرات خوانده نشد: {exc}",
            f"Cannot read the change set: {exc}",
            field="change_set",
        ) from None
    if not isinstance(doc, dict):
        raise InvalidInput(
            "policy.change_set_unreadable",
            "فایل تغییرات باید نگاشت YAML باشد.",
            "The change set must be a YAML mapping.",
            field="change_set",
        )
    c = _container(database_url)
    try:
        actor = auth.actor_named(c.uow(), username)
        p = proposals.propose(
            c.uow(), actor, c.policies, change_set=doc, reason=reason, request_id="cli"
        )
    finally:
        c.dispose()
    _show(proposal_json(p), as_json)


@policy_app.command("proposals")
@friendly_errors
def list_proposals(
    username: As,
    status: Annotated[
        str | None, typer.Option("--status", help="pending, approved or rejected")
    ] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Proposals, newest first."""
    from tashilat.services import auth
    from tashilat.services import policy_proposals as proposals

    c = _container(database_url)
    try:
        actor = auth.actor_named(c.uow(), username)
        items = [proposal_json(p) for p in proposals.list_proposals(c.uow(), actor, status)]
    finally:
        c.dispose()
    if as_json:
        print_json({"items": items})
        return
    table = Table("id", "status / وضعیت", "by / پیشنهاددهنده", "from / از", "retroactive", "reason")
    for p in items:
        table.add_row(
            str(p["id"]),
            p["status"],
            p["proposed_by"],
            p["earliest_valid_from"],
            "yes" if p["retroactive"] else "",
            p["reason"],
        )
    out.print(table)


def _decide(kind: str, proposal_id: int, username: str, note: str, url: str | None) -> Any:
    from tashilat.services import auth
    from tashilat.services import policy_proposals as proposals

    c = _container(url)
    try:
        actor = auth.actor_named(c.uow(), username)
        if kind == "approve":
            p = proposals.approve(
                c.uow(), actor, c.policies, proposal_id, note=note, request_id="cli"
            )
        else:
            p = proposals.reject(c.uow(), actor, proposal_id, note=note, request_id="cli")
    finally:
        c.dispose()
    return proposal_json(p)


@policy_app.command("approve")
@friendly_errors
def approve(
    proposal_id: Annotated[int, typer.Argument(min=1, help="The proposal's id")],
    username: As,
    note: Note = "",
    database_url: DatabaseUrl = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Approve someone else's proposal: its values take effect now."""
    _show(_decide("approve", proposal_id, username, note, database_url), as_json)


@policy_app.command("reject")
@friendly_errors
def reject(
    proposal_id: Annotated[int, typer.Argument(min=1, help="The proposal's id")],
    username: As,
    note: Note = "",
    database_url: DatabaseUrl = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Reject someone else's proposal; nothing changes."""
    _show(_decide("reject", proposal_id, username, note, database_url), as_json)


@policy_app.command("impact")
@friendly_errors
def impact(
    proposal_id: Annotated[int, typer.Argument(min=1, help="The proposal's id")],
    username: As,
    database_url: DatabaseUrl = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """What approving a proposal now would change: accounts, eligibility and money."""
    from tashilat.services import auth, policy_impact

    c = _container(database_url)
    try:
        actor = auth.actor_named(c.uow(), username)
        data = impact_json(policy_impact.preview(c.uow(), actor, c.policies, proposal_id)[1])
    finally:
        c.dispose()
    if as_json:
        print_json(data)
        return
    out.print(
        f"proposal {proposal_id} at {data['on']}: {data['accounts_changed']} of "
        f"{data['accounts']} accounts change; entitlements {data['entitlement_before_rial']:,} → "
        f"{data['entitlement_after_rial']:,} rial ({data['entitlement_change_rial']:+,}); "
        f"{data['became_eligible']} become eligible, {data['no_longer_eligible']} no longer",
        highlight=False,
    )
    if data["unanswerable"]:
        out.print(
            f"[red]{data['unanswerable']} accounts cannot be answered under the proposal "
            f"({', '.join(data['unanswerable_codes'])})[/red]",
            highlight=False,
        )
    out.print(
        f"open employment applications: {data['applications_changed']} of "
        f"{data['applications']} change verdict ({data['applications_changed_rial']:,} rial "
        f"asked); {data['applications_unanswerable']} cannot be answered",
        highlight=False,
    )


@policy_app.command("history")
@friendly_errors
def history(
    path: Annotated[str, typer.Argument(help="Parameter path, e.g. youth_fund.caps")],
    username: As,
    database_url: DatabaseUrl = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Every value ever recorded for a parameter: when, from when, by whom."""
    from tashilat.services import auth, policy_store

    c = _container(database_url)
    try:
        c.policy.parameter(path)
        actor = auth.actor_named(c.uow(), username)
        rows = history_json(policy_store.history(c.uow(), actor, path))
    finally:
        c.dispose()
    if as_json:
        print_json({"path": path, "items": rows})
        return
    table = Table("change", "since / از", "recorded / ثبت", "status", "origin", "by", "approved")
    for r in rows:
        table.add_row(
            str(r["change_id"]),
            r["since"],
            r["recorded_at"][:19],
            r["status"] + (" ⟲" if r["retroactive"] else ""),
            r["origin"],
            r["proposed_by"] or "",
            r["approved_by"] or "",
        )
    out.print(table)


@policy_app.command("export")
@friendly_errors
def export(
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for the YAML files")],
    as_known_on: Annotated[
        str | None, typer.Option("--as-known-on", help="As known then (default: now)")
    ] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonOpt = False,
    digits: DigitsOpt = "latin",
) -> None:
    """Write the stored policy as a YAML tree (for review; `policy check DIR` validates it)."""
    from tashilat.entrypoints.parse import moment
    from tashilat.services import policy_store

    c = _container(database_url)
    try:
        files = policy_store.export(c.reader(), c.policies, moment(as_known_on))
    finally:
        c.dispose()
    out_dir.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if as_json:
        print_json({"out": str(out_dir), "files": sorted(files)})
        return
    out.print(f"wrote {len(files)} files to {out_dir}", highlight=False)
