"""The import's row checks (pure domain) and the binary COPY parser, on literal input."""

from __future__ import annotations

import struct
from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tashilat.adapters.batch.pgcopy import NULL_DAY, CopyFormatError, date_array, parse_binary
from tashilat.data import load_city_index
from tashilat.domain.errors import InvalidInput
from tashilat.domain.programs.youth_fund import onboarding as ob
from tashilat.domain.programs.youth_fund.rules import Event
from tashilat.policy import default_policy

BUSINESS = date(2025, 3, 21)  # 1404/01/01
ROW = {
    "number": "OLD-0001",
    "national_id": "۰۴۹۹۳۷۰۸۹۹",
    "name": "سارا احمدی",
    "birth_date": "1380/02/10",
    "opened_on": "1402/05/10",
    "city": "تهران",
    "branch": "0101",
    "opening_deposit": "۵٬۰۰۰٬۰۰۰",
}


def account(**change: str) -> ob.AccountRow:
    policy = default_policy()
    return ob.account_row(
        policy, ob.Terms(policy), load_city_index(), 7, {**ROW, **change}, BUSINESS
    )


def test_an_account_row_is_typed_with_its_cohort_tier_and_floor() -> None:
    r = account()
    assert (r.line, r.number, r.national_id, r.opening_deposit) == (
        7,
        "OLD-0001",
        "0499370899",
        5_000_000,
    )
    assert (r.opened_on, r.cohort, r.tier, r.min_balance) == (date(2023, 8, 1), 1402, 1, 4_000_000)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"national_id": "0499370898"}, "national_id.invalid"),
        ({"opened_on": "1402/07/31"}, "date.malformed"),
        ({"opened_on": "1404/02/01"}, "import.future_date"),
        ({"opening_deposit": "3999999"}, "youth_fund.opening_deposit_too_low"),
        ({"opening_deposit": "12.5"}, "amount.malformed"),
        ({"city": "ناکجاآباد"}, "city.unknown"),
        ({"name": "  "}, "import.missing"),
        ({"number": "شماره"}, "import.bad_key"),
    ],
)
def test_a_bad_account_row_says_why(change: dict[str, str], code: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        account(**change)
    assert exc.value.code == code


def test_movements_signs_digits_and_duplicates() -> None:
    m = ob.movement_row(
        3,
        {"number": "A1", "reference": "T-1", "on": "۱۴۰۲/۰۶/۰۱", "amount": "-1,500,000"},
        BUSINESS,
    )
    assert (m.on, m.amount) == (date(2023, 8, 23), -1_500_000)
    lines, rejects = ob.duplicates([(2, ("A1", "T-1")), (3, ("A1", "T-2")), (4, ("A1", "T-1"))])
    assert lines == {4} and [(r.line, r.code) for r in rejects] == [(4, "import.duplicate")]
    with pytest.raises(InvalidInput) as exc:
        ob.movement_row(
            5, {"number": "A1", "reference": "T-3", "on": "1402/06/01", "amount": "0"}, BUSINESS
        )
    assert exc.value.code == "amount.not_positive"


def test_the_movement_that_breaks_the_floor_is_named_by_its_line() -> None:
    policy = default_policy()
    terms = ob.Terms(policy)(date(2023, 8, 1))  # 1402/05/10, floor 4,000,000
    history = [Event(date(2023, 8, 1), 5_000_000)]
    rows = [
        ob.MovementRow(2, "A1", "T-1", date(2023, 8, 23), 2_000_000),
        ob.MovementRow(3, "A1", "T-2", date(2023, 9, 23), -3_000_000),  # leaves 4,000,000
        ob.MovementRow(4, "A1", "T-3", date(2023, 10, 23), -1),  # below the floor
    ]
    assert ob.check_account_movements(policy, terms, history, rows[:2]) is None
    bad = ob.check_account_movements(policy, terms, history, rows)
    assert bad is not None and (bad.line, bad.code) == (4, "youth_fund.withdrawal_below_floor")
    early = [ob.MovementRow(9, "A1", "T-0", date(2023, 7, 1), 1_000)]
    bad = ob.check_account_movements(policy, terms, history, early)
    assert bad is not None and (bad.line, bad.code) == (9, "import.before_opening")


def _stream(rows: list[bytes]) -> bytes:
    return b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0) + b"".join(rows) + b"\xff\xff"


def test_binary_copy_rows_become_columns() -> None:
    row = lambda a, d: struct.pack(">hiqii", 2, 8, a, 4, d)  # noqa: E731
    cols = parse_binary(
        _stream([row(7, 19_000), row(-2, NULL_DAY)]), [("a", "int8"), ("d", "int4")]
    )
    assert cols["a"].tolist() == [7, -2] and cols["d"].tolist() == [19_000, NULL_DAY]
    assert date_array(cols["d"]).to_pylist() == [date(2022, 1, 8), None]
    assert parse_binary(_stream([]), [("a", "int8")])["a"].dtype == np.dtype("int64")


def test_a_null_or_another_width_is_refused() -> None:
    null = struct.pack(">hi", 1, -1)
    with pytest.raises(CopyFormatError):
        parse_binary(_stream([null, null]), [("a", "int4")])
    with pytest.raises(CopyFormatError):
        parse_binary(_stream([struct.pack(">hiq", 1, 8, 5)]), [("a", "int4")])


@given(
    st.lists(
        st.tuples(
            st.integers(-(2**63), 2**63 - 1),
            st.integers(-(2**31), 2**31 - 1),
            st.integers(-(2**15), 2**15 - 1),
        ),
        max_size=40,
    )
)
def test_any_fixed_width_rows_round_trip(rows: list[tuple[int, int, int]]) -> None:
    data = _stream([struct.pack(">hiqiiih", 3, 8, a, 4, b, 2, c) for a, b, c in rows])
    cols = parse_binary(data, [("a", "int8"), ("b", "int4"), ("c", "int2")])
    assert (
        list(zip(cols["a"].tolist(), cols["b"].tolist(), cols["c"].tolist(), strict=True)) == rows
    )


def test_a_history_reject_speaks_of_this_movement_not_its_number_in_the_history() -> None:
    policy = default_policy()
    terms = ob.Terms(policy)(date(2023, 8, 1))
    history = [Event(date(2023, 8, 1), 5_000_000)]
    bad = ob.check_account_movements(
        policy, terms, history, [ob.MovementRow(12, "A1", "T-9", date(2023, 9, 1), -2_000_000)]
    )
    assert bad is not None and bad.line == 12
    assert bad.reason_en.startswith("This movement (a withdrawal of 2,000,000 rial on 1402/06/10)")
    assert bad.reason_fa.startswith("این تراکنش (برداشت 2,000,000 ریال در 1402/06/10)")
