"""PostgreSQL COPY straight into and out of columnar buffers (docs/adr/0008-copy-speed-batch-io.md).

* ``copy_out``: ``COPY (query) TO STDOUT (FORMAT binary)`` read into one buffer and parsed
  with a single numpy structured view. Every selected column must be a non-null integer
  (``int2``/``int4``/``int8``): then every row has the same width and the whole stream is
  one array, without a Python object per row. Dates are selected as days since 1970-01-01
  (``d - DATE '1970-01-01'``), nullable ones with ``NULL_DAY`` in place of null
  (``day_or_null``).
* ``copy_in``: an Arrow table written as CSV by Arrow's C++ writer and sent with
  ``COPY table (columns) FROM STDIN (FORMAT csv)``; nulls are empty unquoted fields.

Both work on psycopg's own connection (``driver_connection`` of a SQLAlchemy raw
connection), so they share the application's engine and URL.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]
from sqlalchemy import Engine

NULL_DAY = -(2**31)  # a nullable date's null, as days since 1970-01-01
SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
WIDTH = {"int2": 2, "int4": 4, "int8": 8}


class CopyFormatError(RuntimeError):
    """The COPY stream is not the fixed-width integer rows the caller declared."""


def day(expr: str) -> str:
    """A non-null date column as ``int4`` days since 1970-01-01."""
    return f"({expr} - DATE '1970-01-01')::int4"


def day_or_null(expr: str) -> str:
    """A nullable date column as ``int4`` days since 1970-01-01, ``NULL_DAY`` for null."""
    return f"COALESCE(({expr} - DATE '1970-01-01')::int4, {NULL_DAY})"


@contextmanager
def driver_connection(engine: Engine) -> Iterator[Any]:
    """psycopg's connection behind one of ``engine``'s pooled connections."""
    raw = engine.raw_connection()
    try:
        yield raw.driver_connection
    finally:
        raw.close()


def parse_binary(data: bytes, columns: Sequence[tuple[str, str]]) -> dict[str, np.ndarray]:
    """Columns of a binary COPY stream whose rows are ``columns`` (name, ``int2|int4|int8``),
    none null, as native-endian numpy arrays."""
    if not data.startswith(SIGNATURE):
        raise CopyFormatError("not a binary COPY stream")
    ext = int.from_bytes(data[15:19], "big")
    start = 19 + ext
    end = len(data) - 2
    if data[end:] != b"\xff\xff":
        raise CopyFormatError("binary COPY stream without its trailer")
    fields: list[tuple[str, str]] = [("_n", ">i2")]
    for k, (_, kind) in enumerate(columns):
        fields += [(f"_l{k}", ">i4"), (f"_v{k}", f">i{WIDTH[kind]}")]
    dtype = np.dtype(fields)
    body = memoryview(data)[start:end]
    if len(body) % dtype.itemsize:
        raise CopyFormatError("rows of another width than declared (a null or another type)")
    rows = np.frombuffer(body, dtype=dtype)
    if len(rows) and (
        np.any(rows["_n"] != len(columns))
        or any(np.any(rows[f"_l{k}"] != WIDTH[kind]) for k, (_, kind) in enumerate(columns))
    ):
        raise CopyFormatError("rows of another shape than declared (a null or another type)")
    return {
        name: rows[f"_v{k}"].astype(f"=i{WIDTH[kind]}") for k, (name, kind) in enumerate(columns)
    }


def copy_out(conn: Any, query: str, columns: Sequence[tuple[str, str]]) -> dict[str, np.ndarray]:
    """Run ``query`` (whose columns are ``columns``) through binary COPY on psycopg
    connection ``conn``; returns one numpy array per column."""
    buf = bytearray()
    with conn.cursor() as cur, cur.copy(f"COPY ({query}) TO STDOUT (FORMAT binary)") as copy:
        for block in copy:
            buf += block
    return parse_binary(bytes(buf), columns)


def copy_in(conn: Any, table: str, data: pa.Table) -> int:
    """Append ``data``'s rows to ``table`` (its columns by name) through CSV COPY on psycopg
    connection ``conn``; returns how many rows."""
    if data.num_rows == 0:
        return 0
    sink = io.BytesIO()
    pacsv.write_csv(
        data,
        sink,
        write_options=pacsv.WriteOptions(include_header=False, quoting_style="needed"),
    )
    names = ", ".join(f'"{n}"' for n in data.column_names)
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy:
        view = sink.getbuffer()
        step = 1 << 20
        for i in range(0, len(view), step):
            copy.write(view[i : i + step])
    return int(data.num_rows)


def date_array(days: np.ndarray) -> pa.Array:
    """Days since 1970-01-01 as an Arrow ``date32`` array, ``NULL_DAY`` as null."""
    days = days.astype(np.int32, copy=False)
    nulls = days == NULL_DAY
    if nulls.any():
        return pa.array(np.where(nulls, 0, days), type=pa.int32(), mask=nulls).cast(pa.date32())
    return pa.array(days, type=pa.int32()).cast(pa.date32())
