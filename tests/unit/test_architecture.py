"""The dependency rule of ARCHITECTURE.md, checked: ``domain`` imports nothing of ours but
``domain`` (and no I/O or clock); ``policy`` imports only ``domain`` and ``policy``; no
``float`` in ``domain``."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "tashilat"
THIRD_PARTY_ALLOWED = {"domain": {"jdatetime"}, "policy": {"yaml"}}
FORBIDDEN_STDLIB_IN_DOMAIN = {
    "os",
    "pathlib",
    "io",
    "socket",
    "sqlite3",
    "time",
    "random",
    "subprocess",
}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def files(layer: str) -> list[Path]:
    return sorted((SRC / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", ["domain", "policy"])
def test_layers_import_only_what_they_may(layer: str) -> None:
    allowed_ours = {
        "domain": ("tashilat.domain",),
        "policy": ("tashilat.domain", "tashilat.policy"),
    }[layer]
    bad: list[str] = []
    for f in files(layer):
        for name in imports(f):
            top = name.split(".")[0]
            if top == "tashilat":
                if not name.startswith(allowed_ours):
                    bad.append(f"{f.relative_to(SRC)} imports {name}")
            elif top not in sys.stdlib_module_names and top not in THIRD_PARTY_ALLOWED[layer]:
                bad.append(f"{f.relative_to(SRC)} imports third-party {name}")
            elif layer == "domain" and top in FORBIDDEN_STDLIB_IN_DOMAIN:
                bad.append(f"{f.relative_to(SRC)} imports {name} (I/O or clock in domain)")
    assert not bad, "\n".join(bad)


def test_no_float_and_no_clock_in_domain() -> None:
    bad: list[str] = []
    for f in files("domain"):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == "float":
                bad.append(f"{f.relative_to(SRC)}:{node.lineno} uses float")
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                bad.append(f"{f.relative_to(SRC)}:{node.lineno} has a float literal")
            if isinstance(node, ast.Attribute) and node.attr in {"today", "now", "utcnow"}:
                bad.append(f"{f.relative_to(SRC)}:{node.lineno} reads the clock")
    assert not bad, "\n".join(bad)
