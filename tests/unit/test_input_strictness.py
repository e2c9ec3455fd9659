"""Input a person or a client sends is accepted only in the forms people really use."""

from __future__ import annotations

from datetime import date

import pytest

from tashilat.domain.errors import InvalidInput
from tashilat.domain.money import parse_percent, parse_rial
from tashilat.domain.people import check_birth_date
from tashilat.domain.text import has_control_chars
from tashilat.entrypoints.spreadsheet import safe_cell, safe_dict, safe_row


class TestAmounts:
    @pytest.mark.parametrize(
        "text", ["1_000_000", "１２３４５", "١٢٣_٤٥", "१२३४५", "12³"], ids=repr
    )
    def test_only_ascii_persian_and_arabic_digits(self, text: str) -> None:
        with pytest.raises(InvalidInput) as e:
            parse_rial(text)
        assert e.value.code == "amount.malformed" and e.value.field == "amount"

    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("1,000,000", 1_000_000),
            ("۱٬۰۰۰٬۰۰۰", 1_000_000),
            ("١٬٠٠٠٬٠٠٠", 1_000_000),
            ("1'000'000", 1_000_000),
            ("1 000 000", 1_000_000),
        ],
    )
    def test_the_usual_separators_still_work(self, text: str, value: int) -> None:
        assert parse_rial(text) == value

    def test_true_is_not_one_rial(self) -> None:
        with pytest.raises(InvalidInput) as e:
            parse_rial(True)  # type: ignore[arg-type]
        assert e.value.code == "amount.malformed"

    @pytest.mark.parametrize("digits", [21, 5_000, 100_000])
    def test_thousands_of_digits_are_too_large_not_a_crash(self, digits: int) -> None:
        with pytest.raises(InvalidInput) as e:
            parse_rial("9" * digits, field="opening_deposit")
        assert e.value.code == "amount.too_large" and e.value.field == "opening_deposit"
        assert len(e.value.message_en) < 200

    def test_leading_zeros_do_not_count_as_size(self) -> None:
        assert parse_rial("0" * 30 + "15") == 15

    def test_percent_refuses_full_width_and_huge(self) -> None:
        for text in ["１٫５", "1" * 5000]:
            with pytest.raises(InvalidInput):
                parse_percent(text)


class TestControlCharacters:
    @pytest.mark.parametrize("text", ["a\x00b", "\x1b[31m", "x\x7f", "\x85"], ids=repr)
    def test_found(self, text: str) -> None:
        assert has_control_chars(text)

    @pytest.mark.parametrize("text", ["سارا احمدی", "line\nbreak\ttab\r", "می\u200cبد"])
    def test_not_found_in_ordinary_text(self, text: str) -> None:
        assert not has_control_chars(text)


class TestBirthDates:
    ON = date(2024, 4, 3)

    @pytest.mark.parametrize(
        ("birth", "code"),
        [
            (date(2121, 3, 21), "birth_date.future"),  # 1500/01/01
            (date(2024, 4, 4), "birth_date.future"),
            (date(1904, 4, 2), "birth_date.too_old"),
            (date(1700, 1, 1), "birth_date.too_old"),
        ],
    )
    def test_impossible(self, birth: date, code: str) -> None:
        with pytest.raises(InvalidInput) as e:
            check_birth_date(birth, self.ON)
        assert e.value.code == code and e.value.field == "birth_date"

    @pytest.mark.parametrize("birth", [date(2024, 4, 3), date(1904, 4, 3), date(1996, 7, 1)])
    def test_possible(self, birth: date) -> None:
        assert check_birth_date(birth, self.ON) == birth


class TestSpreadsheetCells:
    @pytest.mark.parametrize(
        "text",
        ['=HYPERLINK("http://evil.example","x")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"],
        ids=repr,
    )
    def test_formulas_are_written_inert(self, text: str) -> None:
        assert safe_cell(text) == "'" + text

    def test_other_values_unchanged(self) -> None:
        assert safe_row(["سارا", -5, 0, None, "a=b"]) == ["سارا", -5, 0, None, "a=b"]
        assert safe_dict({"name": "=1", "amount": -7}) == {"name": "'=1", "amount": -7}
