"""The ``tashilat`` command line (Typer + Rich): the root command and its groups.

Each group lives in its own module (``policy``, ``youth_fund``, ``loan``, ``wages``,
``afford``, ``construction``, ``employment``, ``batch``, ``fund``, ``ops``); they share the output
helpers of ``common`` and ``format``. Command names and JSON fields are a contract: scripts
and the other entrypoints rely on them.
"""

from __future__ import annotations

import typer

from tashilat.entrypoints.cli import policy_admin  # noqa: F401  (adds its commands to policy)
from tashilat.entrypoints.cli.afford import afford_app
from tashilat.entrypoints.cli.batch import batch_app
from tashilat.entrypoints.cli.common import JsonErrorsGroup
from tashilat.entrypoints.cli.construction import construction_app
from tashilat.entrypoints.cli.employment import employment_app
from tashilat.entrypoints.cli.fund import fund_app
from tashilat.entrypoints.cli.imports import import_app
from tashilat.entrypoints.cli.loan import loan_app
from tashilat.entrypoints.cli.ops import date_app, db_app, serve, users_app, with_output_options
from tashilat.entrypoints.cli.policy import policy_app
from tashilat.entrypoints.cli.wages import wages_app
from tashilat.entrypoints.cli.youth_fund import youth_app

app = typer.Typer(
    name="tashilat",
    help="tashilat — Iran's worker and youth credit programs as code. / تسهیلات",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=JsonErrorsGroup,
)
app.add_typer(policy_app, name="policy")
app.add_typer(youth_app, name="youth-fund")
app.add_typer(loan_app, name="loan")
app.add_typer(wages_app, name="wages")
app.add_typer(afford_app, name="afford")
app.add_typer(construction_app, name="construction")
app.add_typer(employment_app, name="employment")
app.add_typer(batch_app, name="batch")
app.add_typer(import_app, name="import")
app.add_typer(fund_app, name="fund")
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(date_app, name="business-date")
app.command("serve")(with_output_options(serve))


def main() -> None:  # pragma: no cover - console entry
    app()
