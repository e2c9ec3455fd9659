"""The README's examples run as written after ``scripts/run``.

In a scratch folder the test does what ``scripts/run`` does: ``tashilat serve --demo``, which
fills the default database (``var/tashilat.sqlite3`` under the current folder) and answers on
a port. Then it runs every ``bash`` block of README.md except the
set-up block, command by command, with ``tashilat`` on the PATH and no
``TASHILAT_DATABASE_URL``, so the CLI finds the demo database by its default alone."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def bash_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def commands(block: str) -> list[str]:
    """The block's commands: continuation lines joined, comments and blank lines left out."""
    joined = re.sub(r"\\\n\s*", " ", block)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            found.append(line)
    return found


BLOCKS = [b for b in bash_blocks((REPO / "README.md").read_text()) if "scripts/run" not in b]


def test_the_readme_has_the_blocks_this_test_runs() -> None:
    joined = "\n".join(BLOCKS)
    assert "TOKEN=$(" in joined and "Idempotency-Key: readme-deposit-0001" in joined
    assert "tashilat employment submit" in joined and "tashilat youth-fund plan" in joined
    assert all(c.isascii() for c in re.findall(r"Idempotency-Key: [^']*", joined)[0])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str], int]]:
    here = tmp_path_factory.mktemp("readme")
    (here / "src").symlink_to(REPO / "src")  # the README's `policy check src/tashilat/parameters`
    env = {k: v for k, v in os.environ.items() if k != "TASHILAT_DATABASE_URL"}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "200"
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tashilat", "serve", "--demo", "--port", str(port)],
        cwd=here,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(1500):  # wait for the demo data and the server to listen (or die)
            if server.poll() is not None:
                pytest.fail(f"tashilat serve exited with {server.returncode}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield here, env, port
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("n", range(len(BLOCKS)))
def test_every_command_of_the_readme_runs(demo: tuple[Path, dict[str, str], int], n: int) -> None:
    here, env, port = demo
    script = ["set -euo pipefail"]
    for cmd in commands(BLOCKS[n]):
        if cmd == "PORT=8000":
            cmd = f"PORT={port}"  # the README's "pick the port"
        # curl exits 0 on a 4xx answer unless asked to fail; the README's calls must succeed
        cmd = cmd.replace("curl -s ", "curl -s --fail-with-body ")
        script.append(f"echo '>>> {cmd.replace(chr(39), '')[:100]}' >&2")
        script.append(cmd)
    r = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=here,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, f"{r.stderr[-3000:]}\n{r.stdout[-2000:]}"
    assert "Traceback" not in r.stdout + r.stderr
    if "TOKEN=$(" in BLOCKS[n]:
        assert '"balance' in r.stdout or "balance" in r.stdout, r.stdout[-2000:]


def test_docs_rules_keeps_the_section_numbers_that_answers_cite() -> None:
    """``docs/rules.md §X.Y`` is cited by answers and the policy data: its numbering is fixed."""
    text = (REPO / "docs" / "rules.md").read_text()
    numbers = re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", text, flags=re.M)
    assert numbers == [
        "0", "0.1", "0.2", "0.3", "0.4",
        "1", "1.1", "1.2", "1.3", "1.4", "1.5",
        "2", "2.1", "2.2", "2.3", "2.4",
        "3", "3.1", "3.2", "3.3",
        "4", "5", "6",
    ]  # fmt: skip
    assert len(re.findall(r"^\d\. ", text.split("## 6.")[1], flags=re.M)) == 7
