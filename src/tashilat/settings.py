"""Settings from the environment. Nothing here connects to anything."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Without TASHILAT_DATABASE_URL every command uses this file (relative to the current folder),
# and `tashilat serve --demo` (scripts/run) fills this same file, so the CLI sees the demo.
DEFAULT_SQLITE = "sqlite:///var/tashilat.sqlite3"


@dataclass(frozen=True)
class Settings:
    database_url: str
    token_hours: int = 12
    demo: bool = False
    # Seconds a process may reuse a token it has already checked. 0 (the default) checks
    # every request against the database, so logout and deactivation take effect at once on
    # every worker; a positive value trades that for one lookup less per request.
    token_cache_seconds: int = 0
    # Failed logins allowed per username and per client address (``limits`` notation), and
    # where the counters live: ``memory://`` counts per server process; a shared storage
    # (e.g. ``redis://host``) makes the limit hold across workers and hosts.
    login_limit_per_user: str = "5/minute"
    login_limit_per_address: str = "30/minute"
    rate_limit_storage: str = "memory://"
    # Seconds a process may keep using the policy it last read from the database before
    # asking again (one small query); an approval in the same process takes effect at once.
    policy_refresh_seconds: float = 5.0

    @staticmethod
    def from_env(**overrides: object) -> Settings:
        url = os.environ.get("TASHILAT_DATABASE_URL", DEFAULT_SQLITE)
        values: dict[str, object] = {
            "database_url": url,
            "token_hours": int(os.environ.get("TASHILAT_TOKEN_HOURS", "12")),
            "demo": os.environ.get("TASHILAT_DEMO") == "1",
            "token_cache_seconds": int(os.environ.get("TASHILAT_TOKEN_CACHE_SECONDS", "0")),
            "login_limit_per_user": os.environ.get("TASHILAT_LOGIN_LIMIT_PER_USER", "5/minute"),
            "login_limit_per_address": os.environ.get(
                "TASHILAT_LOGIN_LIMIT_PER_ADDRESS", "30/minute"
            ),
            "rate_limit_storage": os.environ.get("TASHILAT_RATE_LIMIT_STORAGE", "memory://"),
            "policy_refresh_seconds": float(os.environ.get("TASHILAT_POLICY_REFRESH_SECONDS", "5")),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        s = Settings(**values)  # type: ignore[arg-type]
        if s.database_url.startswith("sqlite:///") and not s.database_url.startswith(
            "sqlite:///:memory:"
        ):
            Path(s.database_url.removeprefix("sqlite:///")).parent.mkdir(
                parents=True, exist_ok=True
            )
        return s
