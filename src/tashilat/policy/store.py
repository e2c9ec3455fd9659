"""The parameter tree as stored rows, and back (docs/adr/0009-policy-in-the-database.md).

A database keeps every dated value of every parameter as one row; the structure of the tree
(kinds, descriptions, open questions) stays in the shipped YAML. These pure functions turn
the shipped tree into rows for the first import, turn rows back into a validated snapshot
through the overlay path (a replacing overlay, then the same builder as ``policy check``),
and export the result as YAML for review.

Values are stored as JSON. JSON has only string keys, so a mapping key made of digits (the
account years of a cap table) is written as a string and read back as an integer: the
shipped tree has no string key made only of digits, and the round trip keeps the policy hash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import yaml

from tashilat.policy.loader import build
from tashilat.policy.model import PolicySnapshot
from tashilat.policy.overlay import Overlay, ParsedFile, apply_overlays, snapshot_with

_DIGITS = re.compile(r"^[0-9]+$")
OPEN_QUESTIONS = "open_questions"


def to_json(node: Any) -> Any:
    """A JSON-safe copy of a parsed YAML node (mapping keys become strings)."""
    if isinstance(node, Mapping):
        return {str(k): to_json(v) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [to_json(v) for v in node]
    return node


def from_json(node: Any) -> Any:
    """The inverse of :func:`to_json`: a key made only of digits is an integer again."""
    if isinstance(node, Mapping):
        return {
            (int(k) if isinstance(k, str) and _DIGITS.match(k) else k): from_json(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [from_json(v) for v in node]
    return node


def _parameters(node: Any, prefix: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if not isinstance(node, Mapping):
        return
    if "values" in node:
        yield prefix, node
        return
    for key, child in node.items():
        if key == OPEN_QUESTIONS and "." not in prefix:
            continue
        yield from _parameters(child, f"{prefix}.{key}" if prefix else str(key))


def parameter_nodes(files: Sequence[ParsedFile]) -> dict[str, Mapping[str, Any]]:
    """Every parameter of a parsed tree: dotted path → its node (with ``values``)."""
    out: dict[str, Mapping[str, Any]] = {}
    for _, prefix, data in files:
        for path, node in _parameters(data, prefix):
            out[path] = node
    return out


def tree_entries(files: Sequence[ParsedFile]) -> list[tuple[str, dict[str, Any]]]:
    """(parameter path, raw dated value) for every value of the tree, in file order."""
    return [
        (path, dict(raw))
        for path, node in parameter_nodes(files).items()
        for raw in node.get("values") or []
        if isinstance(raw, Mapping)
    ]


def stored_overlay(rows: Iterable[tuple[str, Mapping[str, Any]]], name: str) -> Overlay:
    """A replacing overlay: each stored parameter's values become exactly the given rows."""
    changes: dict[str, list[Mapping[str, Any]]] = {}
    for path, raw in rows:
        changes.setdefault(path, []).append(raw)
    return Overlay(name=name, changes={p: tuple(v) for p, v in changes.items()}, replace=True)


def rebuild(
    files: Sequence[ParsedFile],
    rows: Iterable[tuple[str, Mapping[str, Any]]],
    extra: Iterable[Overlay] = (),
) -> PolicySnapshot:
    """The snapshot of ``files`` whose values are the stored ``rows`` (then ``extra``
    overlays, e.g. a proposal), validated like the shipped tree; raises
    ``PolicyValidationError`` with every finding."""
    return snapshot_with([stored_overlay(rows, "<database>"), *extra], files=files)


def export_yaml(
    files: Sequence[ParsedFile], rows: Iterable[tuple[str, Mapping[str, Any]]]
) -> dict[str, str]:
    """Relative file name → YAML text of the tree with the stored values (for review)."""
    tree, _ = apply_overlays(files, [stored_overlay(rows, "<database>")])
    return {
        rel: yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        for rel, _, data in tree
    }


def hash_of(files: Sequence[ParsedFile]) -> str | None:
    """The hash the builder gives a parsed tree (None when it has findings)."""
    snap, _ = build(files)
    return None if snap is None else snap.hash
