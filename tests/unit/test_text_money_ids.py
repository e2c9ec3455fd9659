from decimal import Decimal

import pytest

from tashilat.domain.errors import InvalidInput
from tashilat.domain.ids import iban_is_valid, national_id_is_valid, parse_iban, parse_national_id
from tashilat.domain.money import (
    Rounding,
    format_rial,
    parse_percent,
    parse_rial,
    round_down,
    round_to,
)
from tashilat.domain.text import normalize_name, normalize_text, strip_number, to_latin_digits


class TestNormalisation:
    def test_persian_and_arabic_digits_become_latin(self) -> None:
        assert to_latin_digits("۱۴۰۳/۰۲/۱۵") == "1403/02/15"
        assert to_latin_digits("١٤٠٣/٠٢/١٥") == "1403/02/15"

    def test_arabic_yeh_and_kaf_become_persian(self) -> None:
        assert normalize_text("كرمانشاه") == "کرمانشاه"
        assert normalize_text("علي") == "علی"

    def test_zwnj_and_spacing_do_not_break_name_comparison(self) -> None:
        assert normalize_name("بندر عباس") == normalize_name("بندرعباس")
        assert normalize_name("می\u200cبد") == normalize_name("میبد")
        assert normalize_name("Bandar-Abbas") == normalize_name("bandar abbas")

    def test_thousands_separators_are_dropped(self) -> None:
        assert strip_number("۱۰٬۰۰۰٬۰۰۰") == "10000000"
        assert strip_number("10,000,000") == "10000000"
        assert strip_number("۱۷٫۵") == "17.5"


class TestMoney:
    def test_parse_rial_accepts_persian_digits_and_separators(self) -> None:
        assert parse_rial("۶۰۰٬۰۰۰٬۰۰۰") == 600_000_000
        assert parse_rial("600,000,000") == 600_000_000

    @pytest.mark.parametrize("bad", ["-5", "12.5", "ten", "", "1e6"])
    def test_parse_rial_rejects_bad_amounts_in_both_languages(self, bad: str) -> None:
        with pytest.raises(InvalidInput) as exc:
            parse_rial(bad)
        assert exc.value.message_fa and exc.value.message_en

    def test_zero_can_be_refused(self) -> None:
        with pytest.raises(InvalidInput):
            parse_rial("0", allow_zero=False)

    def test_parse_percent(self) -> None:
        assert parse_percent("۱۷٫۵") == Decimal("17.5")
        assert parse_percent("9%") == Decimal(9)
        with pytest.raises(InvalidInput):
            parse_percent("-1")

    def test_rounding_at_named_units(self) -> None:
        assert round_down(13_242_330_230, 1_000_000) == 13_242_000_000
        assert round_to(Decimal("9992321.5"), 1, Rounding.HALF_UP) == 9_992_322
        assert round_to(1_550, 100, Rounding.HALF_UP) == 1_600
        assert round_to(1_550, 100, Rounding.DOWN) == 1_500

    def test_format_rial(self) -> None:
        assert format_rial(9_992_322) == "9,992,322"
        assert format_rial(9_992_322, digits="fa") == "۹٬۹۹۲٬۳۲۲"


class TestNationalId:
    @pytest.mark.parametrize("code", ["0499370899", "0790419904", "0084575948", "0067749828"])
    def test_valid_codes(self, code: str) -> None:
        assert national_id_is_valid(code)

    @pytest.mark.parametrize("code", ["0499370898", "1111111111", "123", "04993708990"])
    def test_invalid_codes(self, code: str) -> None:
        assert not national_id_is_valid(code)

    def test_persian_digits_and_dashes(self) -> None:
        assert parse_national_id("۰۴۹-۹۳۷۰۸۹-۹") == "0499370899"

    def test_short_codes_are_zero_padded(self) -> None:
        assert parse_national_id("84575948") == "0084575948"

    def test_bad_code_is_a_bilingual_error(self) -> None:
        with pytest.raises(InvalidInput) as exc:
            parse_national_id("0499370898")
        assert exc.value.code == "national_id.invalid"
        assert "کد ملی" in exc.value.message_fa


class TestIban:
    def test_valid_iranian_iban(self) -> None:
        assert iban_is_valid("IR820540102680020817909002")
        assert parse_iban("ir82 0540 1026 8002 0817 9090 02") == "IR820540102680020817909002"

    def test_persian_digits(self) -> None:
        assert parse_iban("IR۸۲۰۵۴۰۱۰۲۶۸۰۰۲۰۸۱۷۹۰۹۰۰۲") == "IR820540102680020817909002"

    def test_wrong_check_digits(self) -> None:
        assert not iban_is_valid("IR830540102680020817909002")
        with pytest.raises(InvalidInput):
            parse_iban("IR830540102680020817909002")

    def test_wrong_length(self) -> None:
        assert not iban_is_valid("IR82054010268002081790900")


def test_absurd_amounts_are_refused_before_they_reach_a_database() -> None:
    from tashilat.domain.money import MAX_RIAL

    assert parse_rial(str(MAX_RIAL)) == MAX_RIAL
    with pytest.raises(InvalidInput) as exc:
        parse_rial(str(MAX_RIAL + 1))
    assert exc.value.code == "amount.too_large"
