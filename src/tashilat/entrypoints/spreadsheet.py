"""Cells for CSV files that people open in spreadsheets.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
by Excel, LibreOffice and Google Sheets as a formula, so a customer named
``=HYPERLINK("http://evil.example","x")`` would become a live link (or worse) in a staff
member's report. Such a cell is written with a leading apostrophe, as OWASP's "CSV Injection"
guidance recommends: spreadsheets show the text as typed and never evaluate it. Numbers are
written unchanged (``-5`` is a number, not a formula).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value``, with a leading apostrophe if it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in row]


def safe_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: safe_cell(v) for k, v in row.items()}
