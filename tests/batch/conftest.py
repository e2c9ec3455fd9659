"""Batch fixtures: the integration suite's SQLite/PostgreSQL databases, small generated runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tashilat.adapters.batch.generate import Spec, write_partitions
from tashilat.domain.jalali import parse_jalali
from tashilat.policy import PolicySnapshot
from tests.integration.conftest import container, pg_container  # noqa: F401

AS_OF = parse_jalali("1404/01/01")


def small_spec(**kw: object) -> Spec:
    values: dict[str, object] = {
        "accounts": 1500,
        "as_of": AS_OF,
        "seed": 11,
        "partition_size": 400,
        "loan_share": 0.2,
    }
    values.update(kw)
    return Spec(**values)  # type: ignore[arg-type]


@pytest.fixture
def generated(tmp_path: Path, policy: PolicySnapshot) -> Path:
    run = tmp_path / "run"
    write_partitions(small_spec(), policy, run)
    return run
