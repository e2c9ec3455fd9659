"""Every command of the ``tashilat`` tree takes ``--json`` and ``--digits``, and with
``--json`` an error is a JSON problem with exit 2. The commands are found by walking the
Click command tree, so a new command is checked without editing this file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from tashilat.entrypoints.cli.common import persian_digits
from tashilat.entrypoints.cli.main import app

runner = CliRunner()


def _leaves(cmd: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if hasattr(cmd, "commands"):  # a group (Typer vendors its own Click)
        for name, sub in sorted(cmd.commands.items()):
            yield from _leaves(sub, (*path, name))
    else:
        yield path


COMMANDS = list(_leaves(typer.main.get_command(app)))


def test_the_walk_finds_the_whole_tree() -> None:
    assert len(COMMANDS) >= 40
    assert ("serve",) in COMMANDS and ("employment", "check") in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_offers_json_and_digits(path: tuple[str, ...]) -> None:
    r = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "--json" in r.output
    assert "--digits" in r.output


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_with_json_a_bad_digits_value_is_a_json_problem(path: tuple[str, ...]) -> None:
    """Whatever else the command needs, ``--digits xx`` or a missing option is bad input:
    one JSON problem on standard output, exit 2, no traceback."""
    r = runner.invoke(app, [*path, "--json", "--digits", "xx"])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    body = json.loads(r.stdout)
    assert set(body) == {"code", "message_fa", "message_en", "field"}
    assert body["code"] in {"cli.usage", "digits.invalid"}
    assert body["message_fa"] and body["message_en"]


def test_a_bad_date_with_json_is_a_json_problem_naming_the_field() -> None:
    r = runner.invoke(
        app, ["youth-fund", "plan", "--opened", "1403/13/01", "--tier", "1", "--json"]
    )
    assert r.exit_code == 2
    body = json.loads(r.stdout)
    assert body["field"] == "opened"
    assert body["code"].startswith("jalali.") or body["code"].startswith("date")
    assert "Traceback" not in r.output


def test_a_bad_date_without_json_is_two_plain_lines_on_stderr() -> None:
    r = runner.invoke(app, ["youth-fund", "plan", "--opened", "1403/13/01", "--tier", "1"])
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.startswith("خطا:")
    assert "Error:" in r.stderr


def test_a_usage_error_with_json_names_the_option() -> None:
    r = runner.invoke(app, ["employment", "check", "--on", "1403/09/01", "--json"])
    assert r.exit_code == 2
    body = json.loads(r.stdout)
    assert body["code"] == "cli.usage"
    assert body["field"] == "--amount"


def test_an_uninitialised_database_is_explained_not_a_traceback(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    r = runner.invoke(app, ["employment", "show", "1", "--as", "officer", "--url", url, "--json"])
    assert r.exit_code == 1
    body = json.loads(r.stdout)
    assert body["code"] == "db.not_initialised"
    assert "scripts/run" in body["message_en"] and "scripts/run" in body["message_fa"]
    r = runner.invoke(app, ["business-date", "show", "--url", url])
    assert r.exit_code == 1
    assert "پایگاه داده هنوز آماده نیست" in r.stderr
    assert "The database is not initialised" in r.stderr
    assert "Traceback" not in r.output


def test_digits_fa_turns_every_printed_number_persian() -> None:
    r = runner.invoke(
        app,
        ["employment", "check", "--amount", "2500000000", "--on", "1403/09/01", "--digits", "fa"],
    )
    assert r.exit_code == 0, r.output
    assert "۲٬۵۰۰٬۰۰۰٬۰۰۰" in r.stdout or "۳٬۰۰۰٬۰۰۰٬۰۰۰" in r.stdout
    assert not any(ch in "0123456789" for ch in r.stdout)


def test_json_output_keeps_latin_digits_whatever_digits_says() -> None:
    r = runner.invoke(
        app,
        [
            "loan",
            "schedule",
            "--principal",
            "1200",
            "--rate",
            "0",
            "--months",
            "2",
            "--method",
            "fee",
            "--json",
            "--digits",
            "fa",
        ],
    )
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout)
    assert body["instalments"][0]["amount_rial"] == 600


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,000 rial on 1403/09/01", "۱۲٬۰۰۰ rial on ۱۴۰۳/۰۹/۰۱"),
        ("docs http://127.0.0.1:8000/docs", "docs http://127.0.0.1:8000/docs"),
        ("\x1b[1;31m5\x1b[0m", "\x1b[1;31m۵\x1b[0m"),
    ],
)
def test_persian_digits_leave_addresses_and_colours_alone(text: str, expected: str) -> None:
    assert persian_digits(text) == expected


def test_the_demo_server_fills_the_database_every_command_uses(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tashilat.entrypoints.cli import ops
    from tashilat.settings import Settings

    monkeypatch.delenv("TASHILAT_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert Settings.from_env().database_url == "sqlite:///var/tashilat.sqlite3"
    assert ops.DEMO_URL == "sqlite:///var/tashilat.sqlite3"


@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")
def test_users_create_without_a_password_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TASHILAT_NEW_PASSWORD", raising=False)
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    r = runner.invoke(
        app,
        ["users", "create", "--username", "u1", "--role", "officer", "--url", url, "--json"],
        input="",
    )
    assert r.exit_code == 2
    assert json.loads(r.stdout)["code"] == "user.password_missing"


@pytest.mark.parametrize("url", ["foo", "nosuchdialect://x/y"])
def test_a_malformed_database_url_is_bad_input(url: str) -> None:
    r = runner.invoke(app, ["business-date", "show", "--url", url, "--json"])
    assert r.exit_code == 2
    body = json.loads(r.stdout)
    assert (body["code"], body["field"]) == ("db.url_invalid", "url")
