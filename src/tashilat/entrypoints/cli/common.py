"""What every command shares: bilingual errors without tracebacks, consoles."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console

from tashilat.domain.errors import TashilatError

# Wide tables stay readable when piped (Rich would otherwise assume 80 columns).
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 200)

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(fn: F) -> F:
    """Show input and policy errors in Persian and English with a non-zero exit, never a
    traceback (exit 1 for an invalid policy tree, 2 for bad input or a refusal)."""
    from tashilat.policy import PolicyValidationError

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PolicyValidationError as exc:
            err.print(f"[red]خطا:[/red] {exc.message_fa}", markup=True, highlight=False)
            raise typer.Exit(1) from None
        except TashilatError as exc:
            err.print(f"[red]خطا:[/red] {exc.message_fa}", markup=True, highlight=False)
            err.print(f"[red]Error:[/red] {exc.message_en}", markup=True, highlight=False)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]
