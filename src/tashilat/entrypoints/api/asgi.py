"""ASGI factory for servers that import the app by name (``uvicorn --factory``, several
workers): settings come from the environment (TASHILAT_DATABASE_URL).

A worker started by ``tashilat serve --workers N`` must not outlive the supervising process:
if the supervisor is killed (``kill -9``, OOM), orphaned workers would go on serving and hold
the port, so a new server could not start. Each worker therefore asks the kernel to send it
SIGTERM when its parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``); elsewhere a daemon thread
watches the parent's pid and does the same.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

from fastapi import FastAPI

from tashilat.bootstrap import build
from tashilat.entrypoints.api.app import create_app

SUPERVISOR_PID_ENV = "TASHILAT_SUPERVISOR_PID"
_PR_SET_PDEATHSIG = 1


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)


def die_with_parent(parent: int | None) -> None:
    """Terminate this process (SIGTERM, a graceful shutdown) when ``parent`` dies. Does
    nothing when ``parent`` is None or is not this process's parent (not a serve worker)."""
    if parent is None or os.getppid() != parent:
        if parent is not None and os.getppid() in (0, 1):  # the parent died before we got here
            os.kill(os.getpid(), signal.SIGTERM)
        return
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0:
            if os.getppid() != parent:  # died between the check and the prctl
                os.kill(os.getpid(), signal.SIGTERM)
            return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def app_from_env() -> FastAPI:
    supervisor = os.environ.get(SUPERVISOR_PID_ENV, "")
    die_with_parent(int(supervisor) if supervisor.isdigit() else None)
    return create_app(build())
