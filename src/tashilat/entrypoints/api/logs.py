"""Keeping personal data out of the server's logs.

The access log names the method, the path and the status, never the query string: a search
or a calculator's form can carry a national ID, a name, an income or a birth date there. (SQL
parameters are kept out at the engine, ``hide_parameters=True``; unexpected exceptions are
logged by type and traceback, without their message, by the request guard.)
"""

from __future__ import annotations

import logging


class NoQueryString(logging.Filter):
    """Drops the query string from uvicorn's access-log records (the path stays)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path = args[2]
            if "?" in path:
                record.args = (*args[:2], path.split("?", 1)[0] + "?…", *args[3:])
        return True


_FILTER = NoQueryString()


def install() -> None:
    """Attach the filter to uvicorn's access logger (idempotent)."""
    logging.getLogger("uvicorn.access").addFilter(_FILTER)
