"""The employment-loan check as JSON, one shape for the CLI (``--json``) and the API:
the verdict first, then the application rules, the guarantee rules and every warning in
Persian and English."""

from __future__ import annotations

from typing import Any

from tashilat.domain.jalali import format_jalali
from tashilat.entrypoints.serialize import jsonable
from tashilat.services.employment import CheckAnswer


def check_json(answer: CheckAnswer) -> dict[str, Any]:
    e, g, v = answer.eligibility, answer.guarantees, answer.verdict
    return {
        "date": format_jalali(v.as_of),
        "verdict": {
            "outcome": v.outcome,
            "message_fa": v.value.message_fa,
            "message_en": v.value.message_en,
            "because": [r.as_dict() for r in v.value.because],
            "to_bring": [list(m) for m in v.value.to_bring],
            "one_loan_rule": v.value.one_loan_rule,
        },
        "eligibility": {
            **jsonable(e.value),
            "outcome": e.outcome,
            "reasons": [r.as_dict() for r in e.reasons],
        },
        "guarantees": {
            **jsonable(g.value),
            "outcome": g.outcome,
            "reasons": [r.as_dict() for r in g.reasons],
        },
        "warnings": [w.as_dict() for w in v.warnings],
        "policy_hash": v.policy_hash,
    }
