"""Errors raised for bad *input* (not for refusals: a refusal is a Decision).

Every error carries a stable code and a message in Persian and in English, so that the
CLI, the API (RFC 9457 problem details) and the web UI can show both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class TashilatError(Exception):
    """Base of all errors with a bilingual message."""

    def __init__(
        self,
        code: str,
        message_fa: str,
        message_en: str,
        *,
        field: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_fa = message_fa
        self.message_en = message_en
        self.field = field
        self.details: dict[str, Any] = dict(details or {})

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "message_fa": self.message_fa,
            "message_en": self.message_en,
        }
        if self.field is not None:
            out["field"] = self.field
        if self.details:
            out["details"] = self.details
        return out


class InvalidInput(TashilatError):
    """A value a person typed (or a client sent) cannot be accepted."""


class PolicyError(TashilatError):
    """The policy data is missing a value or cannot answer the question asked."""
