"""Every outcome the month-end batch (and the single-account rule) can give has a Persian
label on the staff pages, so no raw code reaches a reader."""

from __future__ import annotations

from tashilat.adapters.batch.kernel import OUTCOMES
from tashilat.entrypoints.web.pages.staff_common import OUTCOMES as LABELS


def test_every_batch_outcome_has_a_staff_label() -> None:
    assert set(OUTCOMES) == {"not_yet_eligible", "no_entitlement", "eligible", "privilege_used"}
    assert LABELS["privilege_used"] == ("امتیاز استفاده شده", "privilege used")
    assert set(OUTCOMES) <= set(LABELS)
