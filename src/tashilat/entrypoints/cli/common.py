"""What every command shares: the ``--json`` and ``--digits`` options, bilingual errors
without tracebacks (as JSON problems under ``--json``), and the consoles.

Every command takes ``--json`` and ``--digits latin|fa``. ``--digits fa`` turns the digits of
everything a command prints for people into Persian digits (JSON stays Latin: it is for
programs). With ``--json`` the standard output holds exactly one JSON document, the answer
or, on an error, a problem ``{"code", "message_fa", "message_en", "field"}``; the exit status
tells them apart: 0 answer, 2 bad input or refusal, 1 an environment problem (an invalid
policy tree, a database that is not initialised or cannot be reached).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from functools import wraps
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from typer.core import TyperGroup

from tashilat.domain.errors import InvalidInput, TashilatError

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Machine-readable JSON output (stable field names).")
]
DigitsOpt = Annotated[
    str, typer.Option("--digits", help="latin | fa (Persian digits in the printed answer)")
]

# The digit style of the command being run; the consoles below apply it to what they print.
_DIGITS: ContextVar[str] = ContextVar("tashilat_cli_digits", default="latin")

# Kept as they are in Persian-digit mode: terminal colour codes and web addresses.
_KEEP = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|https?://\S+")
_NUMBER = re.compile(r"\d+(?:,\d+)*")
_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def persian_digits(text: str) -> str:
    """Persian digits (and the Persian thousands separator) in every number of ``text``,
    leaving colour codes and web addresses untouched."""

    def numbers(part: str) -> str:
        return _NUMBER.sub(lambda m: m.group(0).translate(_FA_DIGITS).replace(",", "٬"), part)

    pieces: list[str] = []
    last = 0
    for m in _KEEP.finditer(text):
        pieces.append(numbers(text[last : m.start()]))
        pieces.append(m.group(0))
        last = m.end()
    pieces.append(numbers(text[last:]))
    return "".join(pieces)


class _Stream:
    """A standard stream looked up when written to (so captured output is honoured), with
    Persian digits when the running command asked for them."""

    def __init__(self, name: str) -> None:
        self._name = name

    @property
    def _target(self) -> Any:
        return getattr(sys, self._name)

    def write(self, text: str) -> int:
        if _DIGITS.get() == "fa":
            text = persian_digits(text)
        written: int = self._target.write(text)
        return written

    def flush(self) -> None:
        self._target.flush()

    def isatty(self) -> bool:
        return bool(self._target.isatty())

    def fileno(self) -> int:
        fileno: int = self._target.fileno()
        return fileno

    @property
    def encoding(self) -> str:
        return getattr(self._target, "encoding", None) or "utf-8"


# Wide tables stay readable when piped (Rich would otherwise assume 80 columns).
out = Console(
    file=_Stream("stdout"),  # type: ignore[arg-type]
    soft_wrap=True,
    width=None if sys.stdout.isatty() else 200,
)
err = Console(
    file=_Stream("stderr"),  # type: ignore[arg-type]
    stderr=True,
    soft_wrap=True,
    width=None if sys.stderr.isatty() else 200,
)

F = TypeVar("F", bound=Callable[..., Any])


def print_json(data: Any) -> None:
    """One JSON document on standard output (Latin digits whatever ``--digits`` says)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def problem(
    code: str, message_fa: str, message_en: str, field: str | None = None
) -> dict[str, Any]:
    """The JSON shape of an error: the same four fields for every command."""
    return {"code": code, "message_fa": message_fa, "message_en": message_en, "field": field}


def check_digits(digits: str) -> None:
    if digits not in ("latin", "fa"):
        raise InvalidInput(
            "digits.invalid",
            "--digits باید latin یا fa باشد.",
            "--digits must be latin or fa.",
            field="digits",
        )


def _database_problem(exc: Exception) -> tuple[str, str, str]:
    text = str(getattr(exc, "orig", exc)).lower()
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        return (
            "db.not_initialised",
            "پایگاه داده هنوز آماده نیست (جدول‌ها ساخته نشده‌اند). نخست scripts/run را اجرا "
            "کنید (پایگاه دادهٔ نمونه) یا tashilat db upgrade و tashilat db init را؛ "
            "یا با TASHILAT_DATABASE_URL یا --url پایگاه دادهٔ درست را نشان دهید.",
            "The database is not initialised (its tables do not exist). Run scripts/run first "
            "(the demo database), or tashilat db upgrade and tashilat db init; or point "
            "TASHILAT_DATABASE_URL or --url at the right database.",
        )
    return (
        "db.unavailable",
        "به پایگاه داده نمی‌توان وصل شد. نشانی آن را (TASHILAT_DATABASE_URL یا --url) "
        "و روشن بودن کارگزار پایگاه داده را بررسی کنید.",
        f"Cannot use the database: {str(getattr(exc, 'orig', exc)).strip().splitlines()[0]}. "
        "Check its address (TASHILAT_DATABASE_URL or --url) and that its server is running.",
    )


def _fail(
    as_json: bool, status: int, code: str, fa: str, en: str, field: str | None = None
) -> NoReturn:
    if as_json:
        print_json(problem(code, fa, en, field))
    else:
        err.print(f"[red]خطا:[/red] {fa}", markup=True, highlight=False)
        err.print(f"[red]Error:[/red] {en}", markup=True, highlight=False)
    raise typer.Exit(status)


def guarded(call: Callable[[], Any], *, as_json: bool = False, digits: Any = "latin") -> Any:
    """Run ``call`` with the ``--digits`` style, and show input, policy and database errors
    in Persian and English (a JSON problem under ``--json``) with a non-zero exit, never a
    traceback: 2 for bad input or a refusal, 1 for an invalid policy tree or a database that
    is not ready."""
    from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError

    from tashilat.policy import PolicyValidationError

    token = _DIGITS.set("latin")
    try:
        if isinstance(digits, str):
            check_digits(digits)
            _DIGITS.set(digits)
        return call()
    except PolicyValidationError as exc:
        _fail(as_json, 1, exc.code, exc.message_fa, exc.message_en, exc.field)
    except TashilatError as exc:
        _fail(as_json, 2, exc.code, exc.message_fa, exc.message_en, exc.field)
    except (OperationalError, ProgrammingError) as exc:
        _fail(as_json, 1, *_database_problem(exc))
    except ArgumentError:
        _fail(
            as_json,
            2,
            "db.url_invalid",
            "نشانی پایگاه داده (TASHILAT_DATABASE_URL یا --url) درست نیست؛ نمونه: "
            "sqlite:///var/tashilat.sqlite3 یا postgresql://user@host/db",
            "The database URL (TASHILAT_DATABASE_URL or --url) is not valid; e.g. "
            "sqlite:///var/tashilat.sqlite3 or postgresql://user@host/db",
            "url",
        )
    finally:
        _DIGITS.reset(token)


def friendly_errors(fn: F) -> F:
    """``guarded`` for a whole command, reading its ``as_json`` and ``digits`` arguments."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return guarded(
            lambda: fn(*args, **kwargs),
            as_json=bool(kwargs.get("as_json", False)),
            digits=kwargs.get("digits", "latin"),
        )

    return wrapper  # type: ignore[return-value]


class JsonErrorsGroup(TyperGroup):
    """The top-level command group: with ``--json`` on the command line, a usage error (a
    missing option, a value of the wrong type, an unknown command) is printed as a JSON
    problem like every other error, exit 2."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        if "--json" not in argv or not standalone_mode:
            return super().main(
                argv, prog_name, complete_var, standalone_mode, windows_expand_args, **extra
            )
        try:
            rv = super().main(argv, prog_name, complete_var, False, windows_expand_args, **extra)
        except typer.TyperException as exc:  # Typer's (vendored Click) usage errors
            param = getattr(exc, "param", None)
            field = param.opts[0] if param is not None and param.opts else None
            print_json(
                problem(
                    "cli.usage",
                    "فرمان درست نوشته نشده است: گزینه‌ای کم است، نادرست است یا ناشناخته است "
                    "(راهنما: --help).",
                    f"{getattr(exc, 'format_message', exc.__str__)()} (see --help)",
                    field,
                )
            )
            sys.exit(2)
        except typer.Abort:
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)
