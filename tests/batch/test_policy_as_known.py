"""A month-end recomputed "as known then" reproduces what was recorded, after a retroactive
policy change (SQLite and PostgreSQL; docs/adr/0009-policy-in-the-database.md)."""

from __future__ import annotations

from pathlib import Path

from tashilat.adapters.db.batch_models import MonthEndRun
from tashilat.bootstrap import Container
from tashilat.jobs import month_end as job
from tashilat.services import auth, policy_impact
from tashilat.services import policy_proposals as proposals
from tashilat.services.auth import SYSTEM
from tests.batch.test_database import AS_OF, seed
from tests.integration.helpers import actor_of

ACCOUNT_TOTALS = ("accounts", "eligible", "entitlement_rial")


def coarser_rounding(c: Container) -> None:
    """A retroactive change: entitlements rounded down to 100 million rial, from 1397."""
    for name, role in [("editor", "policy_editor"), ("approver", "policy_approver")]:
        auth.create_user(c.uow(), SYSTEM, username=name, password="correct horse 1", role=role)
    change = {
        "parameters": {
            "youth_fund.entitlement_rounding_unit": {
                "values": [
                    {
                        "since": "1397/01/01",
                        "value": 100_000_000,
                        "status": "assumed",
                        "note": "a what-if circular",
                    }
                ]
            }
        }
    }
    p = proposals.propose(
        c.uow(), actor_of(c, "editor"), c.policies, change_set=change, reason="circular"
    )
    proposals.approve(c.uow(), actor_of(c, "approver"), c.policies, p.id)


def test_a_month_end_rerun_as_known_then_reproduces_the_recorded_run(
    container: Container, tmp_path: Path
) -> None:
    c = container
    seed(c)
    first = job.month_end(
        as_of=AS_OF, run=tmp_path / "first", policy=c.policy, container=c, partition_size=50
    )
    assert first.written is not None
    uow = c.uow()
    with uow:
        recorded = uow.session.get(MonthEndRun, AS_OF)
        assert recorded is not None
        recorded_hash, recorded_eligible = recorded.policy_hash, recorded.eligible
        recorded_entitlement = recorded.entitlement_rial
    coarser_rounding(c)
    assert c.policy.hash != recorded_hash
    now = job.month_end(
        as_of=AS_OF,
        run=tmp_path / "now",
        policy=c.policy,
        container=c,
        partition_size=50,
        write_back=False,
    )
    # the retroactive change lowers today's entitlements
    assert now.result.totals["entitlement_rial"] < recorded_entitlement
    assert now.written is None
    # the policy the run recorded, rebuilt as known then, gives the recorded results again
    then = c.policies.known_for(c.reader(), recorded_hash)
    assert then.hash == recorded_hash and then.change_id == 111
    rerun = job.month_end(
        as_of=AS_OF,
        run=tmp_path / "rerun",
        policy=then.snapshot,
        container=c,
        partition_size=50,
        write_back=False,
    )
    assert rerun.manifest["policy_hash"] == recorded_hash
    assert (rerun.result.totals["eligible"], rerun.result.totals["entitlement_rial"]) == (
        recorded_eligible,
        recorded_entitlement,
    )
    assert {k: rerun.result.totals[k] for k in ACCOUNT_TOTALS} == {
        k: first.result.totals[k] for k in ACCOUNT_TOTALS
    }
    # and nothing was written over the recorded run
    uow = c.uow()
    with uow:
        kept = uow.session.get(MonthEndRun, AS_OF)
        assert kept is not None and kept.policy_hash == recorded_hash


def test_the_impact_preview_counts_accounts_and_money_and_flags_broken_answers(
    container: Container,
) -> None:
    c = container
    seed(c)
    for name, role in [("editor", "policy_editor"), ("approver", "policy_approver")]:
        auth.create_user(c.uow(), SYSTEM, username=name, password="correct horse 1", role=role)
    editor, approver = actor_of(c, "editor"), actor_of(c, "approver")

    def propose(path: str, value: object) -> int:
        change = {
            "parameters": {
                path: {
                    "values": [
                        {"since": "1397/01/01", "value": value, "status": "assumed", "note": "n"}
                    ]
                }
            }
        }
        return proposals.propose(
            c.uow(), editor, c.policies, change_set=change, reason="what if"
        ).id

    coarse = propose("youth_fund.entitlement_rounding_unit", 100_000_000)
    _, impact = policy_impact.preview(c.reader(), approver, c.policies, coarse)
    assert impact.accounts == 123 and impact.on == AS_OF
    assert 0 < impact.accounts_changed <= impact.accounts
    assert impact.entitlement_after_rial < impact.entitlement_before_rial
    assert (impact.became_eligible, impact.no_longer_eligible, impact.unanswerable) == (0, 0, 0)
    # every listed change is a drop to a whole multiple of 100 million rial
    assert all(ch.after_rial % 100_000_000 == 0 for ch in impact.largest)
    assert all(ch.after_rial < ch.before_rial for ch in impact.largest)
    # a two-year wait passes the tree validator, but no cap exists for year 2 of the
    # 1397 cohort: the preview shows which answers approving it would break
    short = propose("youth_fund.min_wait_years", 2)
    _, broken = policy_impact.preview(c.reader(), approver, c.policies, short)
    assert broken.unanswerable > 0
    assert broken.unanswerable_codes == ("youth_fund.cap_unknown",)
    # nothing was approved by previewing
    assert c.known_policy().change_id == 111


def test_batch_month_end_as_known_on_from_the_cli(container: Container, tmp_path: Path) -> None:
    import json
    from datetime import UTC, datetime

    from typer.testing import CliRunner

    from tashilat.entrypoints.cli.main import app
    from tashilat.policy import default_policy

    c = container
    seed(c)
    before = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    coarser_rounding(c)
    url = c.settings.database_url
    args = ["batch", "month-end", "--as-of", "1404/01/01", "--database-url", url, "--json"]
    r = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "then"), "--as-known-on", before])
    assert r.exit_code == 0, r.output
    then = json.loads(r.output[r.output.index("{") :])  # after the progress bars
    assert then["policy_hash"] == default_policy().hash and then["written"] is None
    r = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "now")])
    assert r.exit_code == 0, r.output
    now = json.loads(r.output[r.output.index("{") :])
    assert now["policy_hash"] == c.policy.hash and now["written"] is not None
    assert now["totals"]["entitlement_rial"] < then["totals"]["entitlement_rial"]
    assert now["totals"]["accounts"] == then["totals"]["accounts"] == 123
