"""Forecasts as background runs: asked for, queued, run one at a time, polled for progress.

A forecast over a large population takes longer than an HTTP request should, so the API and
the analysts' page submit it here and poll. Runs live in this process (one registry per
server process; a restart forgets them) and execute on one worker thread, one at a time:
each exports the database at its as-of date into a temporary run directory, projects every
partition under every scenario (``jobs.forecast``) and keeps the JSON answer. Starting a
run is audited; only the analyst who started it (or an administrator) may read it.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tashilat.domain.errors import InvalidInput, TashilatError
from tashilat.domain.jalali import format_jalali
from tashilat.jobs import Target
from tashilat.jobs import forecast as job
from tashilat.services import auth
from tashilat.services.auth import Actor
from tashilat.services.errors import not_found

log = logging.getLogger(__name__)
PERMISSION = "forecast.run"
MAX_VARIANTS = 5


@dataclass
class ForecastRun:
    """One run's state; ``result`` is ``jobs.forecast.as_json`` once it is done."""

    id: str
    user_id: int
    username: str
    as_of: date
    years: int
    variants: tuple[str, ...]
    created: datetime
    status: str = "queued"  # queued | running | done | failed
    phase: str = "queued"  # queued | export | partitions | done
    done: int = 0
    total: int = 0
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    finished: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "phase": self.phase,
            "progress": {"done": self.done, "total": self.total},
            "as_of": format_jalali(self.as_of),
            "years": self.years,
            "variants": list(self.variants),
            "created": self.created.isoformat(),
            "finished": None if self.finished is None else self.finished.isoformat(),
            "error": self.error,
            "result": self.result,
        }


@dataclass
class ForecastRuns:
    """The registry of one server process (keeps the latest ``keep`` runs)."""

    keep: int = 50
    partition_size: int = 16384
    _runs: OrderedDict[str, ForecastRun] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="forecast")
    )

    def submit(
        self,
        target: Target,
        actor: Actor,
        *,
        as_of: date,
        years: int,
        variants: Sequence[job.Scenario] = (),
        request_id: str = "",
    ) -> ForecastRun:
        """Queue a forecast (variants already validated) and audit that it was asked for."""
        auth.require(actor, PERMISSION)
        job.check_horizon(years)
        if len(variants) > MAX_VARIANTS:
            raise InvalidInput(
                "forecast.too_many_variants",
                f"حداکثر {MAX_VARIANTS} گزینه در هر پیش‌بینی.",
                f"At most {MAX_VARIANTS} variants per forecast.",
                field="variants",
            )
        run = ForecastRun(
            id=uuid.uuid4().hex,
            user_id=actor.user_id,
            username=actor.username,
            as_of=as_of,
            years=years,
            variants=tuple(v.name for v in variants),
            created=datetime.now(UTC),
        )
        uow = target.uow()
        with uow:
            uow.audit(
                user_id=actor.user_id or None,
                username=actor.username,
                action="forecast.start",
                target=f"forecast:{run.id}",
                request_id=request_id,
                outcome="ok",
                detail=f"as_of={format_jalali(as_of)} years={years} variants="
                + ",".join(run.variants)[:500],
            )
            uow.commit()
        with self._lock:
            self._runs[run.id] = run
            while len(self._runs) > self.keep:
                self._runs.popitem(last=False)
        self._pool.submit(self._execute, target, run, list(variants))
        return run

    def get(self, actor: Actor, run_id: str) -> ForecastRun:
        """A run its owner (or an administrator) may read; anyone else gets 404."""
        auth.require(actor, PERMISSION)
        with self._lock:
            run = self._runs.get(run_id)
        if run is None or (run.user_id != actor.user_id and actor.role != "admin"):
            raise not_found("forecast", "پیش‌بینی", run_id)
        return run

    def _execute(self, target: Target, run: ForecastRun, variants: list[job.Scenario]) -> None:
        work = Path(tempfile.mkdtemp(prefix="tashilat-forecast-"))
        try:
            run.status, run.phase = "running", "export"
            policy = target.policy
            manifest = job.prepare_run(
                as_of=run.as_of,
                run=work,
                policy=policy,
                container=target,
                partition_size=self.partition_size,
                province_of=job.province_of_city,
            )
            run.phase = "partitions"
            run.total = int(manifest.get("partitions") or 0)

            def progress(done: int, total: int) -> None:
                run.done, run.total = done, total

            forecast = job.run_forecast(
                as_of=run.as_of,
                years=run.years,
                run=work,
                manifest=manifest,
                scenarios=[job.Scenario("baseline", policy, "وضع موجود"), *variants],
                progress=progress,
            )
            run.result = job.as_json(forecast)
            run.status, run.phase = "done", "done"
        except TashilatError as exc:
            run.status = "failed"
            run.error = {
                "code": exc.code,
                "message_fa": exc.message_fa,
                "message_en": exc.message_en,
            }
        except Exception:  # a failed run is reported, never lost in the thread
            log.exception("forecast %s failed", run.id)
            run.status = "failed"
            run.error = {
                "code": "forecast.failed",
                "message_fa": "پیش‌بینی با خطای داخلی متوقف شد؛ دوباره تلاش کنید.",
                "message_en": "The forecast stopped on an internal error; try again.",
            }
        finally:
            run.finished = datetime.now(UTC)
            shutil.rmtree(work, ignore_errors=True)
