"""p50 and p99 latency of the entitlement endpoint under a steady 200 requests a second,
sent from this process to a server in another process on loopback.

The server is ``tashilat serve`` on a fresh PostgreSQL database filled with the demo data;
requests go out on a fixed schedule (open loop: a slow answer does not slow the sender), so
queueing shows up in the tail. The same load against ``/healthz`` in the same run is the
baseline: what the server and the loopback cost without any of tashilat's work.

    .venv/bin/python -m bench.entitlement_latency [--rate 200] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.common import fresh_pg_database, machine
from tashilat.bootstrap import build
from tashilat.demo import DEMO_PASSWORD, seed
from tashilat.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def load(
    url: str, headers: dict[str, str], rate: int, seconds: float
) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:

        async def one() -> None:
            nonlocal errors
            t0 = time.perf_counter()
            try:
                r = await client.get(url, headers=headers)
                if r.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            latencies.append((time.perf_counter() - t0) * 1000)

        tasks = []
        start = time.perf_counter()
        n = int(rate * seconds)
        for i in range(n):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one()))
        await asyncio.gather(*tasks)
    return latencies, errors


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument(
        "--workers", type=int, default=2, help="server processes (this machine has 2 cores)"
    )
    args = ap.parse_args()
    with fresh_pg_database() as db:
        c = build(Settings(database_url=db))
        seed(c)
        c.dispose()
        port = free_port()
        env = {**os.environ, "TASHILAT_DATABASE_URL": db}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tashilat",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    httpx.get(base + "/healthz", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            token = httpx.post(
                base + "/api/v1/auth/login", json={"username": "officer", "password": DEMO_PASSWORD}
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            url = base + "/api/v1/accounts/1/entitlement"
            check = httpx.get(url, headers=headers).json()
            asyncio.run(load(url, headers, args.rate, 3))  # warm-up
            results = {}
            for name, target in (("healthz (baseline)", base + "/healthz"), ("entitlement", url)):
                lat, errors = asyncio.run(load(target, headers, args.rate, args.seconds))
                results[name] = (statistics.median(lat), pct(lat, 99), max(lat), len(lat), errors)
        finally:
            server.terminate()
            server.wait(timeout=20)
    base_p99 = results["healthz (baseline)"][1]
    lines = [
        "## Entitlement endpoint latency under load",
        "",
        f"Machine: {machine()}.",
        "",
        f"Command: `.venv/bin/python -m bench.entitlement_latency --rate {args.rate} --seconds {args.seconds:.0f} "
        f"--workers {args.workers}`",
        "",
        f"{args.rate} requests a second for {args.seconds:.0f} s per endpoint, open loop (a slow answer does not",
        "slow the sender), from a second process over loopback, against `tashilat serve --workers "
        f"{args.workers}` on PostgreSQL with the demo data. Account 1: "
        f"{check['entitlement_rial']:,} rial ({check['outcome']}) from {check['completed_years']} complete years "
        "of history. `/healthz` under the same load is the baseline (server and loopback only).",
        "",
        "| endpoint | p50 ms | p99 ms | max ms | requests | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, (p50, p99, mx, n, errors) in results.items():
        lines.append(f"| {name} | {p50:.1f} | {p99:.1f} | {mx:.1f} | {n} | {errors} |")
    lines += [
        "",
        f"Entitlement p99 is **{results['entitlement'][1]:.1f} ms** (target ≤ 20 ms), "
        f"{results['entitlement'][1] / base_p99:.1f}× the baseline's p99.",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    out = Path(__file__).parent / "results" / "entitlement_latency.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
