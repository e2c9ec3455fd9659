"""Serial numbers (account numbers, SAMAT tracking codes) that concurrent transactions never
share.

On PostgreSQL each comes from a database sequence: ``nextval`` never hands one value to two
transactions, even when both run at once (a number taken by a transaction that rolls back is
skipped, as banks' own numbering does). SQLite runs one writer at a time (every write
transaction begins with ``BEGIN IMMEDIATE``), so there the next number is the row count plus
one, read inside the writer's transaction.
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tashilat.adapters.db.models import SamatLoan, YouthAccount

YOUTH_ACCOUNT = "youth_account_number_seq"
SAMAT_TRACKING = "samat_tracking_code_seq"

_COUNTED = {YOUTH_ACCOUNT: YouthAccount, SAMAT_TRACKING: SamatLoan}


def next_number(session: Session, sequence: str) -> int:
    """The next serial number of ``sequence`` (one of the names above)."""
    model = _COUNTED[sequence]
    if session.get_bind().dialect.name == "postgresql":
        return int(session.execute(text(f"SELECT nextval('{sequence}')")).scalar_one())
    return int(session.scalar(select(func.count()).select_from(model)) or 0) + 1
