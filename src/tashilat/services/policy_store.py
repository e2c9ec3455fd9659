"""The policy as stored in the database, read as known at any time (bitemporal reads).

Every dated value is a row with the time it was recorded. The policy *as known at* T is the
shipped tree's structure with, for each parameter, the values recorded by T — rebuilt through
the overlay path and validated by the same builder as ``tashilat policy check``. A snapshot is
cached by the last change recorded by T, so asking again costs one small query.
``resolve(path, on=DATE, as_known_on=T)`` answers "what was this figure on DATE, as the bank
knew it at T" (docs/adr/0009-policy-in-the-database.md).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from tashilat.domain.decision import Resolved
from tashilat.domain.errors import PolicyError
from tashilat.domain.jalali import format_jalali, parse_jalali
from tashilat.policy import PolicySnapshot, default_policy, default_root
from tashilat.policy.loader import read_tree
from tashilat.policy.overlay import Overlay, ParsedFile
from tashilat.policy.store import export_yaml, from_json, rebuild, to_json, tree_entries
from tashilat.services.auth import Actor, require
from tashilat.services.ports import UnitOfWork
from tashilat.services.ports.policy import NewPolicyValue, PolicyValueRecord

CACHE_SIZE = 16


@dataclass(frozen=True)
class KnownPolicy:
    """A snapshot and the change it stands for: the last value id recorded by the time asked
    (0 and ``None`` for the shipped YAML when nothing is stored)."""

    snapshot: PolicySnapshot
    change_id: int
    as_known_at: datetime | None
    stored: bool = True

    @property
    def hash(self) -> str:
        return self.snapshot.hash


def not_known(as_known_on: datetime) -> PolicyError:
    return PolicyError(
        "policy.not_known",
        f"در زمان {as_known_on.isoformat()} هنوز هیچ مقداری از سیاست‌ها ثبت نشده بود.",
        f"No policy value had been recorded by {as_known_on.isoformat()}.",
        details={"as_known_on": as_known_on.isoformat()},
    )


def entry_rows(rows: Sequence[PolicyValueRecord]) -> list[tuple[str, dict[str, Any]]]:
    """The stored values as (path, YAML value): for each path and start date the one
    recorded last (a correction recorded later replaces the earlier row)."""
    latest: dict[tuple[str, date], PolicyValueRecord] = {}
    for r in rows:
        latest[(r.path, r.valid_from)] = r
    ordered = sorted(latest.values(), key=lambda r: (r.path, r.valid_from))
    return [(r.path, from_json(r.entry)) for r in ordered]


def new_value(
    path: str,
    raw: dict[str, Any],
    *,
    origin: str,
    retroactive: bool = False,
    proposed_by: str | None = None,
    approved_by: str | None = None,
    proposal_id: int | None = None,
) -> NewPolicyValue:
    since = parse_jalali(str(raw.get("since")), field="since")

    def text(key: str) -> str | None:
        v = raw.get(key)
        return None if v is None else str(v)

    return NewPolicyValue(
        path=path,
        valid_from=since,
        valid_from_jalali=format_jalali(since),
        entry=to_json(raw),
        status=str(raw.get("status")),
        source=text("source"),
        note=text("note"),
        quote=text("quote"),
        origin=origin,
        retroactive=retroactive,
        proposed_by=proposed_by,
        approved_by=approved_by,
        proposal_id=proposal_id,
    )


class PolicyStore:
    """Builds and caches snapshots from the stored rows. One per process (the container
    holds it); safe to share between threads."""

    def __init__(
        self,
        files: Sequence[ParsedFile] | None = None,
        refresh_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._files = list(files) if files is not None else None
        self._cache: OrderedDict[tuple[int, int], PolicySnapshot] = OrderedDict()
        self._lock = threading.Lock()
        self.refresh_seconds = refresh_seconds
        self._clock = clock
        self._current: tuple[float, KnownPolicy] | None = None

    @property
    def files(self) -> list[ParsedFile]:
        if self._files is None:
            self._files = read_tree(default_root())
        return self._files

    def invalidate(self) -> None:
        """Forget the current policy (after an approval in this process)."""
        with self._lock:
            self._current = None

    def _snapshot(
        self, uow: UnitOfWork, key: tuple[int, int], as_known_on: datetime | None
    ) -> PolicySnapshot:
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        rows = uow.policy.values(as_known_on)
        snap = rebuild(self.files, entry_rows(rows))
        with self._lock:
            self._cache[key] = snap
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return snap

    def as_known(
        self, uow: UnitOfWork, as_known_on: datetime | None = None, extra: Sequence[Overlay] = ()
    ) -> KnownPolicy:
        """The policy as known at ``as_known_on`` (now when None). With nothing stored at
        all, the shipped YAML; with values stored but none by then, ``policy.not_known``."""
        with uow:
            latest = uow.policy.latest_change(as_known_on)
            if latest is None:
                if as_known_on is not None and uow.policy.latest_change(None) is not None:
                    raise not_known(as_known_on)
                return KnownPolicy(default_policy(), 0, None, stored=False)
            snap = self._snapshot(uow, (latest.change_id, latest.count), as_known_on)
        return KnownPolicy(snap, latest.change_id, latest.recorded_at)

    def current(self, uow_factory: Callable[[], UnitOfWork]) -> KnownPolicy:
        """The policy in force now, re-read at most every ``refresh_seconds``."""
        now = self._clock()
        with self._lock:
            cur = self._current
        if cur is not None and now - cur[0] < self.refresh_seconds:
            return cur[1]
        known = self.as_known(uow_factory())
        with self._lock:
            self._current = (now, known)
        return known

    def known_for(self, uow: UnitOfWork, policy_hash: str) -> KnownPolicy:
        """The policy a record names by its hash (a decision, an application, a month-end
        run), rebuilt as known when that version was recorded: the way to recompute a past
        result "as known then"."""
        with uow:
            version = uow.policy.version(policy_hash)
        if version is None:
            shipped = default_policy()
            if shipped.hash == policy_hash:
                return KnownPolicy(shipped, 0, None, stored=False)
            raise PolicyError(
                "policy.unknown_version",
                f"نسخه‌ای از سیاست‌ها با شناسه {policy_hash[:12]} ثبت نشده است.",
                f"No policy version {policy_hash[:12]} was recorded.",
                details={"policy_hash": policy_hash},
            )
        known = self.as_known(uow, version.as_known_at)
        assert known.hash == policy_hash, "a version is recorded with the rows it stands for"
        return known

    def use_shipped(self) -> KnownPolicy:
        """Use the shipped YAML as the current policy (storage has no policy tables)."""
        known = KnownPolicy(default_policy(), 0, None, stored=False)
        with self._lock:
            self._current = (self._clock(), known)
        return known

    def resolve(
        self, uow: UnitOfWork, path: str, on: date, as_known_on: datetime | None = None
    ) -> tuple[Resolved[Any], KnownPolicy]:
        known = self.as_known(uow, as_known_on)
        return known.snapshot.resolve(path, on), known


def export(
    uow: UnitOfWork, store: PolicyStore, as_known_on: datetime | None = None
) -> dict[str, str]:
    """The stored policy as known at ``as_known_on`` as YAML texts by relative file name
    (the shipped tree when nothing is stored)."""
    with uow:
        if (
            as_known_on is not None
            and uow.policy.latest_change(as_known_on) is None
            and uow.policy.latest_change(None) is not None
        ):
            raise not_known(as_known_on)
        rows = entry_rows(uow.policy.values(as_known_on))
    return export_yaml(store.files, rows)


def history(uow: UnitOfWork, actor: Actor, path: str) -> list[PolicyValueRecord]:
    """Every value ever recorded for ``path`` with who proposed and approved it, in the
    order recorded (staff who may read the policy administration)."""
    require(actor, "policy.read")
    with uow:
        return uow.policy.history(path)


def import_shipped(
    uow: UnitOfWork, files: Sequence[ParsedFile] | None = None, now: datetime | None = None
) -> int:
    """Record every shipped value the database does not hold yet (a path and start date it
    has no row for); values already stored are left alone — the database is the record once
    initialised, and changes go through proposals. Returns the number of rows added."""
    files = list(files) if files is not None else read_tree(default_root())
    at = now or datetime.now(UTC)
    with uow:
        have = {(r.path, r.valid_from) for r in uow.policy.values(None)}
        new = [new_value(path, raw, origin="shipped") for path, raw in tree_entries(files)]
        new = [v for v in new if (v.path, v.valid_from) not in have]
        if not new:
            return 0
        uow.policy.add_values(new, at)
        latest = uow.policy.latest_change(None)
        assert latest is not None
        snap = rebuild(files, entry_rows(uow.policy.values(None)))
        uow.policy.record_version(snap.hash, latest.change_id, at)
        uow.audit(
            user_id=None,
            username="system",
            action="policy.import",
            target="policy",
            request_id="",
            outcome="ok",
            detail=f"{len(new)} values, policy {snap.short_hash}",
        )
        uow.commit()
    return len(new)
