"""ASGI factory for servers that import the app by name (``uvicorn --factory``, several
workers): settings come from the environment (TASHILAT_DATABASE_URL)."""

from __future__ import annotations

from fastapi import FastAPI

from tashilat.bootstrap import build
from tashilat.entrypoints.api.app import create_app


def app_from_env() -> FastAPI:
    return create_app(build())
