"""No module in ``src/tashilat`` is longer than about 500 lines.

A long module is a sign that several things share one file, and a reader has to hold them all
to change one: split it by what it does (and re-export from the old module when callers use
it). Migrations are generated and exempt; there are no other exceptions.
"""

from __future__ import annotations

from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "tashilat"
LIMIT = 500
EXEMPT_DIRS = ("adapters/db/migrations",)


def _lines(path: Path) -> int:
    with path.open(encoding="utf-8") as f:
        return sum(1 for _ in f)


def _modules(root: Path = SRC) -> dict[str, int]:
    found = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if not rel.startswith(EXEMPT_DIRS):
            found[rel] = _lines(path)
    return found


def _too_long(root: Path = SRC) -> dict[str, int]:
    return {rel: n for rel, n in _modules(root).items() if n > LIMIT}


def test_no_module_is_over_the_limit() -> None:
    too_long = _too_long()
    assert not too_long, f"modules over {LIMIT} lines (split them by what they do): " + ", ".join(
        f"{rel} ({n})" for rel, n in sorted(too_long.items())
    )


def test_the_limit_is_counted_on_real_files(tmp_path: Path) -> None:
    """The line count is the file's, blank lines and comments included."""
    sample = tmp_path / "m.py"
    sample.write_text("a = 1\n\n# note\nb = 2\n", encoding="utf-8")
    assert _lines(sample) == 4
    assert "entrypoints/cli/main.py" in _modules()


def test_a_long_module_is_reported_and_a_migration_is_not(tmp_path: Path) -> None:
    """The check names a module of 501 lines, not one of 500, nor a long migration."""
    (tmp_path / "adapters" / "db" / "migrations").mkdir(parents=True)
    (tmp_path / "at_limit.py").write_text("x = 1\n" * 500, encoding="utf-8")
    (tmp_path / "over.py").write_text("x = 1\n" * 501, encoding="utf-8")
    (tmp_path / "adapters" / "db" / "migrations" / "0001.py").write_text(
        "x = 1\n" * 900, encoding="utf-8"
    )
    assert _too_long(tmp_path) == {"over.py": 501}
