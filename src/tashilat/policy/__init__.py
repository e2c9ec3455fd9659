"""Effective-dated policy parameters: load, validate, hash, resolve as of a date."""

from tashilat.policy.loader import (
    PolicyValidationError,
    check_policy,
    default_policy,
    default_root,
    load_policy,
)
from tashilat.policy.model import Entry, Finding, OpenQuestion, Parameter, PolicySnapshot

__all__ = [
    "Entry",
    "Finding",
    "OpenQuestion",
    "Parameter",
    "PolicySnapshot",
    "PolicyValidationError",
    "check_policy",
    "default_policy",
    "default_root",
    "load_policy",
]
