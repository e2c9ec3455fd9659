"""Load the ``parameters/`` YAML tree, validate it, and freeze it into a snapshot.

Format (ADR 0002): every ``*.yaml`` file under the root holds a nested mapping; a node with a
``values`` list is a parameter whose path is the chain of keys (``youth_fund.caps``). Each
value has ``since`` (Jalali ``YYYY/MM/DD``), ``value``, ``status``, ``source`` and an optional
``note``/``note_fa``. Inside a table value, a cell written as ``{value:, status:, ...}``
carries its own provenance (the 1403 year-10 tier-2 cap is ``corrected``).

A ``seed`` value is one the source article prints: it must say where
(``source: source article §0.N (docs/rules.md)``) and quote the article's own words
(``quote:``), so that anyone can check the figure against the page. A file may also hold a
top-level ``open_questions`` list: what the sources leave open, each naming the parameters it
affects.

The schema and its checks live in :mod:`.schema`; this module reads the files, builds and
fingerprints the snapshot, and re-exports the schema's names for callers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from tashilat.domain.errors import TashilatError
from tashilat.policy.model import Finding, PolicySnapshot
from tashilat.policy.schema import (
    CELL_KEYS,
    ENTRY_KEYS,
    KINDS,
    NEEDS_SOURCE,
    OPEN_QUESTIONS,
    PARAM_KEYS,
    QUESTION_KEYS,
    SEED_SOURCE,
    TIERS,
    _Builder,
)

__all__ = [
    "CELL_KEYS",
    "ENTRY_KEYS",
    "KINDS",
    "NEEDS_SOURCE",
    "OPEN_QUESTIONS",
    "PARAM_KEYS",
    "QUESTION_KEYS",
    "SEED_SOURCE",
    "TIERS",
    "PolicyValidationError",
    "build",
    "check_policy",
    "default_policy",
    "default_root",
    "load_policy",
    "read_tree",
]


class PolicyValidationError(TashilatError):
    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        lines = "\n".join(f"  - {f}" for f in findings)
        super().__init__(
            "policy.invalid",
            f"داده‌های سیاست معتبر نیستند ({len(findings)} مورد):\n{lines}",
            f"The policy data is not valid ({len(findings)} findings):\n{lines}",
        )


def default_root() -> Path:
    return Path(str(resources.files("tashilat") / "parameters"))


def _yaml_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.yaml") if p.is_file())


def _canonical(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(obj.items(), key=lambda kv: str(kv[0]))}
    if isinstance(obj, list | tuple):
        return [_canonical(v) for v in obj]
    if isinstance(obj, date):
        return obj.isoformat()
    return obj


def read_tree(root: Path) -> list[tuple[str, str, Any]]:
    """(relative file, dotted prefix, parsed YAML) for every file under ``root``."""
    out: list[tuple[str, str, Any]] = []
    for f in _yaml_files(root):
        rel = f.relative_to(root)
        prefix = ".".join(rel.with_suffix("").parts)
        with f.open(encoding="utf-8") as fh:
            out.append((str(rel), prefix, yaml.safe_load(fh)))
    return out


def build(
    files: Iterable[tuple[str, str, Any]], root: str = "<memory>"
) -> tuple[PolicySnapshot | None, list[Finding]]:
    """Validate parsed files; a snapshot only when there are no findings."""
    files = list(files)
    b = _Builder()
    for rel, prefix, data in files:
        b.file = rel
        if data is None:
            b.find(prefix, "format.empty", "empty file", "فایل خالی")
            continue
        b.walk(data, prefix)
    b.check_question_parameters()
    if b.findings:
        return None, b.findings
    digest = hashlib.sha256(
        json.dumps(
            _canonical({prefix: data for _, prefix, data in files}),
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        ).encode("utf-8")
    ).hexdigest()
    return PolicySnapshot(b.parameters, digest, root, tuple(b.questions)), []


def _load(root: Path | str | None) -> tuple[PolicySnapshot | None, list[Finding]]:
    path = Path(root) if root is not None else default_root()
    if not path.is_dir():
        return None, [Finding(str(path), "format.no_root", "not a directory", "پوشه وجود ندارد")]
    try:
        files = read_tree(path)
    except yaml.YAMLError as exc:
        return None, [Finding(str(path), "format.yaml", f"YAML error: {exc}", "خطای YAML")]
    if not files:
        return None, [
            Finding(str(path), "format.no_files", "no *.yaml files", "هیچ فایل YAML نیست")
        ]
    return build(files, str(path))


def check_policy(root: Path | str | None = None) -> list[Finding]:
    """Every finding in the tree at ``root`` (the shipped one by default); empty when clean."""
    return _load(root)[1]


def load_policy(root: Path | str | None = None) -> PolicySnapshot:
    """Load and validate; raise :class:`PolicyValidationError` listing every finding."""
    snap, findings = _load(root)
    if snap is None:
        raise PolicyValidationError(findings)
    return snap


@lru_cache(maxsize=1)
def default_policy() -> PolicySnapshot:
    """The shipped parameters, loaded once per process."""
    return load_policy(None)
