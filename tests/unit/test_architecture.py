"""The dependency rule (docs/architecture.md), checked.

* The import-linter contracts of ``pyproject.toml`` hold (layers, independence, no cycles).
* Their lists of known exceptions only shrink: a new import from ``services`` into
  ``adapters``, from an entrypoint into ``adapters.db``, or a new cycle, cannot be waved
  through by adding a line to a list.
* ``domain`` imports nothing of ours but ``domain`` and no third-party package but
  ``jdatetime``, no I/O or clock module; ``policy`` imports only ``domain``, ``policy`` and
  ``yaml``; no ``float`` and no clock reading in ``domain``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "tashilat"

# The known exceptions. None remain: services reach storage through the ports only, and
# entrypoints reach adapters.db only through bootstrap. A list in pyproject.toml may never
# gain a line that is not here.
KNOWN_SERVICES_TO_ADAPTERS: frozenset[str] = frozenset()
KNOWN_ENTRYPOINTS_TO_DB: frozenset[str] = frozenset()
KNOWN_CYCLE_EDGES: frozenset[str] = frozenset()
# Not an exception but the design: adapters implement the ports. Allowed in the adapters
# contract because the port modules import nothing but the domain (checked below).
ADAPTERS_IMPLEMENT_PORTS = "tashilat.adapters.** -> tashilat.services.ports.**"
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


# -- import-linter contracts ------------------------------------------------------------------


def _contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("tashilat")


def _direct(graph: grimp.ImportGraph, importer: str, imported: str) -> set[str]:
    found = graph.find_matching_direct_imports(import_expression=f"{importer} -> {imported}")
    return {f"{i['importer']} -> {i['imported']}" for i in found}


def test_import_contracts_hold() -> None:
    # import-linter configures logging with every existing logger disabled; run it in its own
    # process so that the tests after this one still see the application's log records
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter import cli; "
            "sys.exit(cli.lint_imports(config_filename=sys.argv[1]))",
            str(ROOT / "pyproject.toml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("contract", "known"),
    [
        ("services-no-adapters", KNOWN_SERVICES_TO_ADAPTERS),
        ("entrypoints-db-via-bootstrap", KNOWN_ENTRYPOINTS_TO_DB),
        ("acyclic", KNOWN_CYCLE_EDGES),
    ],
)
def test_exception_lists_only_shrink(contract: str, known: frozenset[str]) -> None:
    listed = set(_contracts()[contract].get("ignore_imports", [])) - {ADAPTERS_IMPLEMENT_PORTS}
    grown = sorted(listed - known)
    assert not grown, f"new exceptions in [{contract}] (fix the import instead): {grown}"


def test_ports_import_only_the_domain_and_each_other() -> None:
    bad = [
        f"{f.relative_to(SRC)} imports {name}"
        for f in sorted((SRC / "services" / "ports").rglob("*.py"))
        for name in imports(f)
        if name.split(".")[0] == "tashilat"
        and not name.startswith(("tashilat.domain", "tashilat.services.ports"))
    ]
    assert not bad, "\n".join(bad)


def test_no_new_import_from_services_into_adapters(graph: grimp.ImportGraph) -> None:
    listed = set(_contracts()["services-no-adapters"].get("ignore_imports", []))
    new = sorted(_direct(graph, "tashilat.services.**", "tashilat.adapters.**") - listed)
    assert not new, f"services import adapters (go through a port instead): {new}"


def test_no_new_import_from_entrypoints_into_the_database(graph: grimp.ImportGraph) -> None:
    listed = set(_contracts()["entrypoints-db-via-bootstrap"].get("ignore_imports", []))
    new = sorted(_direct(graph, "tashilat.entrypoints.**", "tashilat.adapters.db.**") - listed)
    assert not new, f"entrypoints import adapters.db (use bootstrap or a service): {new}"


def test_no_import_cycle_between_modules(graph: grimp.ImportGraph) -> None:
    g = grimp.build_graph("tashilat")  # a fresh graph: edges are removed from it
    for line in KNOWN_CYCLE_EDGES:
        importer, imported = line.split(" -> ")
        g.remove_import(importer=importer, imported=imported)
    cycles = []
    for importer in sorted(g.modules):
        for imported in sorted(g.find_modules_directly_imported_by(importer)):
            back = g.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                cycles.append(" -> ".join((importer, *back)))
    assert not cycles, "import cycles:\n" + "\n".join(cycles)
