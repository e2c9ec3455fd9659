"""Change sets over the parameter tree: what-if variants and proposed policy changes.

An overlay names parameters by their dotted path and gives dated values in the same form as
the YAML files (docs/adr/0002-policy-format.md). Applying it adds each value to the
parameter's list, replacing a value with the same start date; the result is validated by the
same builder as the shipped tree, so an overlay that breaks tier order, monotone caps or the
status rules is refused with the same findings as ``tashilat policy check``.

Overlay document::

    name: caps up 25%
    name_fa: سقف‌ها ۲۵٪ بیشتر
    description: optional free text
    parameters:
      youth_fund.min_wait_years:
        values:
          - since: 1403/01/01
            value: 4
            status: illustrative
            note: a fourth waiting year
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import parse_jalali
from tashilat.policy.loader import PolicyValidationError, build, default_root, read_tree
from tashilat.policy.model import Finding, PolicySnapshot

OVERLAY_KEYS = frozenset({"name", "name_fa", "description", "parameters"})

ParsedFile = tuple[str, str, Any]


@dataclass(frozen=True)
class Overlay:
    """A named change set: parameter path → the dated values it adds or replaces."""

    name: str
    changes: Mapping[str, tuple[Mapping[str, Any], ...]]
    name_fa: str | None = None
    description: str | None = None
    # False: each value is added (replacing one with its start date); True: the given values
    # are the parameter's whole list (a policy rebuilt from stored rows).
    replace: bool = False

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(sorted(self.changes))


def _finding(where: str, code: str, en: str, fa: str) -> Finding:
    return Finding(where, code, en, fa, "<overlay>")


def parse_overlay(doc: Any, where: str = "<overlay>") -> Overlay:
    """Check an overlay document's shape; raise :class:`PolicyValidationError` if malformed.

    Only the shape is checked here; the values themselves are checked when the overlay is
    applied, by the same builder as the shipped tree.
    """
    findings: list[Finding] = []
    if not isinstance(doc, Mapping):
        raise PolicyValidationError(
            [_finding(where, "overlay.not_mapping", "expected a mapping", "انتظار نگاشت بود")]
        )
    unknown = set(doc) - OVERLAY_KEYS
    if unknown:
        findings.append(
            _finding(
                where,
                "format.unknown_key",
                f"unknown keys {sorted(unknown)}",
                f"کلیدهای ناشناخته {sorted(unknown)}",
            )
        )
    params = doc.get("parameters")
    if not isinstance(params, Mapping) or not params:
        findings.append(
            _finding(
                where,
                "overlay.no_parameters",
                "'parameters' must map parameter paths to their values",
                "«parameters» باید مسیر پارامترها را به مقدارهایشان نگاشت کند",
            )
        )
        raise PolicyValidationError(findings)
    changes: dict[str, tuple[Mapping[str, Any], ...]] = {}
    for path, node in params.items():
        values = node.get("values") if isinstance(node, Mapping) else None
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, Mapping) for v in values)
        ):
            findings.append(
                _finding(
                    str(path),
                    "overlay.values",
                    "each parameter needs a non-empty list of dated values",
                    "هر پارامتر باید فهرستی ناتهی از مقدارهای تاریخ‌دار داشته باشد",
                )
            )
            continue
        changes[str(path)] = tuple(dict(v) for v in values)
    if findings:
        raise PolicyValidationError(findings)
    name = doc.get("name")
    return Overlay(
        name=str(name) if name else where,
        changes=changes,
        name_fa=str(doc["name_fa"]) if doc.get("name_fa") else None,
        description=str(doc["description"]) if doc.get("description") else None,
    )


def load_overlay(path: Path | str) -> Overlay:
    """Read and shape-check an overlay YAML file."""
    p = Path(path)
    try:
        with p.open(encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
    except OSError as exc:
        raise PolicyValidationError(
            [_finding(str(p), "format.no_file", f"cannot read: {exc}", "فایل خوانده نشد")]
        ) from exc
    except yaml.YAMLError as exc:
        raise PolicyValidationError(
            [_finding(str(p), "format.yaml", f"YAML error: {exc}", "خطای YAML")]
        ) from exc
    return parse_overlay(doc, str(p))


def _since(raw: Mapping[str, Any]) -> date | None:
    try:
        return parse_jalali(str(raw.get("since")))
    except InvalidInput:
        return None


def _locate(files: Sequence[ParsedFile], path: str) -> tuple[int, list[str]] | None:
    """The file index and the keys inside it that hold parameter ``path``, if it exists."""
    best: tuple[int, list[str]] | None = None
    for i, (_, prefix, _data) in enumerate(files):
        if path == prefix or path.startswith(prefix + "."):
            keys = path[len(prefix) + 1 :].split(".") if path != prefix else []
            if best is None or len(keys) < len(best[1]):
                best = (i, keys)
    return best


def _merge(existing: list[Any], added: Iterable[Mapping[str, Any]]) -> list[Any]:
    """Existing values plus the added ones; an added value replaces one with its start date."""
    out = list(existing)
    for raw in added:
        when = _since(raw)
        if when is not None:
            out = [v for v in out if not (isinstance(v, Mapping) and _since(v) == when)]
        out.append(dict(raw))
    dated = [(v, _since(v) if isinstance(v, Mapping) else None) for v in out]
    if all(d is not None for _, d in dated):
        out = [v for v, d in sorted(dated, key=lambda vd: vd[1] or date.min)]
    return out


def apply_overlays(
    files: Sequence[ParsedFile], overlays: Iterable[Overlay]
) -> tuple[list[ParsedFile], list[Finding]]:
    """A deep copy of the parsed tree with the overlays applied in order, and any findings
    (a path that names no parameter of the tree)."""
    tree: list[ParsedFile] = [(rel, prefix, copy.deepcopy(data)) for rel, prefix, data in files]
    findings: list[Finding] = []
    for overlay in overlays:
        for path, values in overlay.changes.items():
            located = _locate(tree, path)
            node: Any = None
            if located is not None:
                node = tree[located[0]][2]
                for key in located[1]:
                    node = node.get(key) if isinstance(node, Mapping) else None
            if not isinstance(node, dict) or "values" not in node:
                findings.append(
                    _finding(
                        path,
                        "overlay.unknown_parameter",
                        f"{overlay.name}: no parameter {path!r} in the policy",
                        f"{overlay.name_fa or overlay.name}: پارامتر {path!r} در سیاست نیست",
                    )
                )
                continue
            node["values"] = _merge([] if overlay.replace else node["values"], values)
    return tree, findings


def snapshot_with(
    overlays: Iterable[Overlay],
    root: Path | str | None = None,
    files: Sequence[ParsedFile] | None = None,
) -> PolicySnapshot:
    """The policy at ``root`` (the shipped one by default), or the given parsed ``files``,
    with the overlays applied and validated; raise :class:`PolicyValidationError` listing
    every finding."""
    base = list(files) if files is not None else read_tree(Path(root or default_root()))
    tree, findings = apply_overlays(base, list(overlays))
    if findings:
        raise PolicyValidationError(findings)
    snap, found = build(tree, "<overlay>")
    if snap is None:
        raise PolicyValidationError(found)
    return snap


def scale_caps(
    percent: int,
    *,
    path: str = "youth_fund.caps",
    root: Path | str | None = None,
    files: Sequence[ParsedFile] | None = None,
) -> Overlay:
    """An overlay that scales every dated entry of a cap table by ``percent`` (125: caps up
    25%), each cell floored to the rial and marked ``illustrative``: the what-if an analyst
    asks most often, without writing the table out by hand."""
    if isinstance(percent, bool) or not isinstance(percent, int) or not 1 <= percent <= 1000:
        raise InvalidInput(
            "overlay.scale_percent",
            "درصد مقیاس سقف‌ها باید عددی صحیح بین ۱ و ۱۰۰۰ باشد.",
            "The cap scale must be a whole percentage from 1 to 1000.",
            field="scale_caps",
        )
    tree = list(files) if files is not None else read_tree(Path(root or default_root()))
    located = _locate(tree, path)
    node: Any = None
    if located is not None:
        node = tree[located[0]][2]
        for key in located[1]:
            node = node.get(key) if isinstance(node, Mapping) else None
    if not isinstance(node, Mapping) or not isinstance(node.get("values"), list):
        raise PolicyValidationError(
            [
                _finding(
                    path,
                    "overlay.unknown_parameter",
                    f"no parameter {path!r} in the policy",
                    f"پارامتر {path!r} در سیاست نیست",
                )
            ]
        )

    def cell(v: Any) -> Any:
        amount = v.get("value") if isinstance(v, Mapping) else v
        return None if amount is None else int(amount) * percent // 100

    values = []
    for entry in node["values"]:
        table = entry.get("value") or {}
        values.append(
            {
                "since": entry.get("since"),
                "value": {
                    year: {tier: cell(v) for tier, v in (tiers or {}).items()}
                    for year, tiers in table.items()
                },
                "status": "illustrative",
                "note": f"What-if: the published caps × {percent}%, floored to the rial.",
                "note_fa": f"فرضی برای مقایسه: سقف‌های اعلام‌شده × {percent}٪.",
            }
        )
    return Overlay(
        name=f"caps {percent}%",
        changes={path: tuple(values)},
        name_fa=f"سقف‌ها {percent}٪",
    )
