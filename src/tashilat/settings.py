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

    @staticmethod
    def from_env(**overrides: object) -> Settings:
        url = os.environ.get("TASHILAT_DATABASE_URL", DEFAULT_SQLITE)
        values: dict[str, object] = {
            "database_url": url,
            "token_hours": int(os.environ.get("TASHILAT_TOKEN_HOURS", "12")),
            "demo": os.environ.get("TASHILAT_DEMO") == "1",
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
