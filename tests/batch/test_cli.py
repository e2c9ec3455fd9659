"""``tashilat batch generate`` and ``tashilat batch month-end`` end to end."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tashilat.bootstrap import build, init_database
from tashilat.domain.jalali import parse_jalali
from tashilat.entrypoints.cli.main import app
from tashilat.settings import Settings

runner = CliRunner()


def outputs(run: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((run / "output").glob("*.parquet"))}


def test_generate_then_month_end_local_and_dask(tmp_path: Path) -> None:
    gen = [
        "batch",
        "generate",
        "--accounts",
        "900",
        "--as-of",
        "1404/01/01",
        "--seed",
        "5",
        "--partition-size",
        "300",
    ]
    r = runner.invoke(app, [*gen, "--out", str(tmp_path / "local")])
    assert r.exit_code == 0, r.output
    assert "generated" in r.output and "900" in r.output
    runner.invoke(app, [*gen, "--out", str(tmp_path / "dask")])
    r = runner.invoke(
        app, ["batch", "month-end", "--as-of", "1404/01/01", "--out", str(tmp_path / "local")]
    )
    assert r.exit_code == 0, r.output
    assert "accounts" in r.output and "900" in r.output and "eligible accounts" in r.output
    r = runner.invoke(
        app,
        [
            "batch",
            "month-end",
            "--as-of",
            "1404/01/01",
            "--out",
            str(tmp_path / "dask"),
            "--engine",
            "dask",
            "--workers",
            "2",
        ],
    )
    assert r.exit_code == 0, r.output
    assert outputs(tmp_path / "local") == outputs(tmp_path / "dask")
    assert len(outputs(tmp_path / "local")) == 15


def test_month_end_on_a_database_and_bad_input(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    c = build(Settings(database_url=url))
    init_database(c, business_date=parse_jalali("1404/01/01"))
    c.dispose()
    r = runner.invoke(
        app,
        ["batch", "generate", "--accounts", "60", "--as-of", "1404/01/01", "--database-url", url],
    )
    assert r.exit_code == 0, r.output
    args = [
        "batch",
        "month-end",
        "--as-of",
        "1404/01/01",
        "--database-url",
        url,
        "--out",
        str(tmp_path / "run"),
    ]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "written back" in r.output and "60 accounts" in r.output
    r = runner.invoke(app, args)  # resumed: nothing to do, same answer
    assert r.exit_code == 0 and "(1)" in r.output
    r = runner.invoke(app, [*args[:-2], "--out", str(tmp_path / "run"), "--engine", "spark"])
    assert r.exit_code == 2 and "engine" in r.output
    r = runner.invoke(app, ["batch", "month-end", "--as-of", "1404/13/01", "--database-url", url])
    assert r.exit_code == 2
    r = runner.invoke(
        app,
        [
            "batch",
            "month-end",
            "--as-of",
            "1404/02/01",
            "--database-url",
            url,
            "--out",
            str(tmp_path / "run"),
        ],
    )
    assert r.exit_code == 2 and "another run" in r.output
