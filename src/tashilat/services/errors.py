"""Errors a use case raises; each maps to one HTTP status (RFC 9457 problem details)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tashilat.domain.decision import Reason
from tashilat.domain.errors import TashilatError


class NotFound(TashilatError):
    status = 404


class Unauthenticated(TashilatError):
    status = 401


class Forbidden(TashilatError):
    status = 403


class Conflict(TashilatError):
    status = 409


class TooManyAttempts(TashilatError):
    """Refused for now: too many recent attempts. ``retry_after`` is in seconds."""

    status = 429

    def __init__(self, code: str, message_fa: str, message_en: str, *, retry_after: int) -> None:
        super().__init__(code, message_fa, message_en, details={"retry_after": retry_after})
        self.retry_after = retry_after


class Refused(TashilatError):
    """A rule said no. Carries every reason (passed and failed) of the decision."""

    status = 422

    def __init__(
        self,
        code: str,
        message_fa: str,
        message_en: str,
        *,
        reasons: tuple[Reason, ...] = (),
        details: Mapping[str, Any] | None = None,
    ) -> None:
        merged = dict(details or {})
        merged["reasons"] = [r.as_dict() for r in reasons]
        super().__init__(code, message_fa, message_en, details=merged)
        self.reasons = reasons


def not_found(what: str, what_fa: str, key: object) -> NotFound:
    return NotFound(
        f"{what}.not_found",
        f"{what_fa} «{key}» پیدا نشد.",
        f"{what.capitalize()} '{key}' was not found.",
    )


def refused_from(decision: Any, code: str) -> Refused:
    failed = [r for r in decision.reasons if not r.passed]
    return Refused(
        code,
        " ".join(r.message_fa for r in failed) or "درخواست پذیرفته نشد.",
        " ".join(r.message_en for r in failed) or "The request was refused.",
        reasons=tuple(decision.reasons),
    )
