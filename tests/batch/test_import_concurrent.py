"""Two runs of the same import at the same time on PostgreSQL: every row is loaded exactly
once, the balances move once, and the run that loses the race gets a bilingual error or
finds the rows loaded — never a traceback."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tashilat.bootstrap import Container
from tashilat.domain.errors import TashilatError
from tests.batch.test_import import ACCOUNTS, MOVEMENTS, book, run, write
from tests.integration.helpers import world


def _race(c: Container, kind: str, path: Path) -> list[tuple[bool, int, int] | str]:
    out: list[tuple[bool, int, int] | str] = []
    start = threading.Barrier(2)

    def one() -> None:
        start.wait()
        try:
            r = run(c, kind, path)
            out.append((r.ok, r.loaded, r.already_loaded))
        except TashilatError as exc:
            out.append(exc.code)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(out, key=str)


@pytest.mark.postgres
def test_the_same_files_imported_twice_at_once_load_once(
    pg_container: Container, tmp_path: Path
) -> None:
    c = pg_container
    world(c)
    accounts = write(tmp_path, "accounts.csv", ACCOUNTS)
    movements = write(tmp_path, "movements.csv", MOVEMENTS)
    both = _race(c, "accounts", accounts)
    # the loser finds the rows loaded, or is refused by the unique keys and wrote nothing
    assert both in ([(True, 0, 3), (True, 3, 0)], [(True, 3, 0), "import.concurrent"])
    moved = _race(c, "movements", movements)
    # the accounts are locked by the first run: the second finds its rows posted
    assert moved == [(True, 0, 3), (True, 3, 0)]
    b = book(c)
    assert [(a[0], a[5]) for a in b["accounts"]] == [
        ("IMP-0001", 5_500_000),
        ("IMP-0002", 5_000_000),
        ("IMP-0003", 12_000_000),
    ]
    assert len(b["entries"]) == 6 and b["unbalanced"] == []
