"""The attack suite's harness: a real ``tashilat serve --workers 2`` on a fresh PostgreSQL
database in a subprocess, clients that count every answer, and the invariants checked in
the database afterwards.

Everything runs on loopback. The counts end in one summary line,
``attack: requests=N 5xx=N lost=N invariant_violations=N``, printed by ``conftest.py``.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg

PW = "correct horse 1"


def national_id(seed: int) -> str:
    """A valid national ID (check digit computed) from a number."""
    body = f"{seed:09d}"
    r = sum(int(body[i]) * (10 - i) for i in range(9)) % 11
    return body + str(r if r < 2 else 11 - r)


@dataclass
class Stats:
    """What the attackers saw. ``acked`` holds every acknowledged deposit as the journal
    request id the server wrote it under."""

    requests: int = 0
    server_errors: int = 0
    # 503 with Retry-After: the documented answer while the database is unreachable (the
    # client is told to retry, and nothing was written); counted apart from server errors
    unavailable: int = 0
    dropped: int = 0  # connection refused or reset (the server was being killed)
    samples: list[str] = field(default_factory=list)
    by_route: Counter[str] = field(default_factory=Counter)
    acked: set[str] = field(default_factory=set)
    lost: int = 0
    invariant_violations: int = 0
    violations: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(
        self, method: str, url: str, status: int, body: str, retry_after: str | None = None
    ) -> None:
        with self.lock:
            self.requests += 1
            if status == 503 and retry_after is not None and retry_after.isdigit():
                self.unavailable += 1
            elif status >= 500:
                self.server_errors += 1
                route = re.sub(r"/\d+", "/{id}", url.split("?", 1)[0])
                self.by_route[f"{status} {method} {route}"] += 1
                if len(self.samples) < 20:
                    self.samples.append(f"{status} {method} {url}: {body[:200]}")

    def line(self) -> str:
        return (
            f"attack: requests={self.requests} 5xx={self.server_errors} "
            f"lost={self.lost} invariant_violations={self.invariant_violations} "
            f"unavailable_503={self.unavailable}"
        )


STATS = Stats()


class Client:
    """An HTTP client that reports every answer to ``STATS``; a request the server never
    answered (it was killed) returns None."""

    def __init__(self, base: str, token: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(base_url=base, headers=headers, timeout=60)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def request(self, method: str, url: str, **kw: Any) -> httpx.Response | None:
        for attempt in range(2):
            try:
                r = self.http.request(method, url, **kw)
            except httpx.TransportError:
                with STATS.lock:
                    STATS.dropped += 1
                return None
            retry_after = r.headers.get("retry-after")
            STATS.saw(method, url, r.status_code, r.text, retry_after)
            # a well-behaved client retries a 503 once, after the time it was told to wait
            if r.status_code != 503 or retry_after is None or not retry_after.isdigit():
                return r
            if attempt == 0:
                time.sleep(min(int(retry_after), 5))
        return r

    def post(self, url: str, **kw: Any) -> httpx.Response | None:
        return self.request("POST", url, **kw)

    def get(self, url: str, **kw: Any) -> httpx.Response | None:
        return self.request("GET", url, **kw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``tashilat serve --workers N`` in its own process group, so that kill -9 reaches the
    supervisor and every worker at once, as a crash or an OOM kill would."""

    def __init__(self, database_url: str, log: Path, workers: int = 2) -> None:
        self.database_url = database_url
        self.log = log
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, seconds: float = 90) -> None:
        env = {**os.environ, "TASHILAT_DATABASE_URL": self.database_url}
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tashilat",
                    "serve",
                    "--workers",
                    str(self.workers),
                    "--port",
                    str(self.port),
                ],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("serve did not answer /healthz")

    def _signal_group(self, sig: signal.Signals) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)

    def kill9(self) -> None:
        self._signal_group(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            self._signal_group(signal.SIGKILL)
            return
        self._signal_group(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=20)
        self._signal_group(signal.SIGKILL)


def login(base: str, username: str) -> str:
    r = httpx.post(
        base + "/api/v1/auth/login", json={"username": username, "password": PW}, timeout=60
    )
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def conninfo(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


# -- invariants ---------------------------------------------------------------------------------

INVARIANTS: dict[str, str] = {
    "every journal entry sums to zero": (
        "SELECT entry_id FROM postings GROUP BY entry_id HAVING SUM(amount) <> 0"
    ),
    "the whole ledger sums to zero": (
        "SELECT 1 FROM postings HAVING COALESCE(SUM(amount), 0) <> 0"
    ),
    "every youth account's balance equals its postings": (
        "SELECT a.id FROM youth_accounts a LEFT JOIN postings p "
        "ON p.ledger_account_id = a.ledger_account_id GROUP BY a.id, a.balance "
        "HAVING a.balance <> COALESCE(-SUM(p.amount), 0)"
    ),
    "no youth account below zero": "SELECT id FROM youth_accounts WHERE balance < 0",
    "one live housing loan per person": (
        "SELECT customer_id FROM loans WHERE status IN ('requested', 'approved', 'disbursed') "
        "GROUP BY customer_id HAVING COUNT(*) > 1"
    ),
    "no bank's monthly SAMAT limit exceeded": (
        "SELECT id FROM bank_monthly_limits WHERE used > amount OR used < 0"
    ),
    "one SAMAT loan per disbursed application": (
        "SELECT id FROM employment_applications WHERE state = 'disbursed' AND samat_loan_id IS NULL"
    ),
    "one national ID per customer": (
        "SELECT national_id FROM customers GROUP BY national_id HAVING COUNT(*) > 1"
    ),
}


def check_invariants(database_url: str, extra: dict[str, str] | None = None) -> list[str]:
    """The names of broken invariants with the offending keys; empty when all hold."""
    broken = []
    with psycopg.connect(conninfo(database_url)) as conn:
        for name, sql in {**INVARIANTS, **(extra or {})}.items():
            rows = conn.execute(sql).fetchall()  # type: ignore[arg-type]
            if rows:
                broken.append(f"{name}: {[r[0] for r in rows[:10]]}")
    return broken


def missing_acknowledged(database_url: str, acked: set[str]) -> list[str]:
    """Acknowledged writes (journal request ids) that are not in the database."""
    if not acked:
        return []
    with psycopg.connect(conninfo(database_url)) as conn:
        present = {
            r[0]
            for r in conn.execute(
                "SELECT request_id FROM journal_entries WHERE request_id = ANY(%s)",
                (list(acked),),
            ).fetchall()
        }
    return sorted(acked - present)
