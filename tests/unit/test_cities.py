"""City list (tashilat/data/cities.csv) and the city tier of the Youth Housing Savings Fund."""

from __future__ import annotations

import ast
import csv
import io
from collections import Counter
from importlib.resources import files
from pathlib import Path

import pytest

import tashilat.domain.programs.youth_fund.cities as cities_module
from tashilat.data import CITY_COLUMNS, load_city_index, parse_cities_csv
from tashilat.domain.errors import InvalidInput
from tashilat.domain.programs.youth_fund.cities import (
    TIER_1,
    TIER_2,
    TIER_3,
    City,
    CityIndex,
    city_key,
    city_tier,
)

# Rows shipped: every city of npm `iran-cities-json@2.0.0` (ahmadazizi/iran-cities v2.0, built
# from the Statistical Centre of Iran's country divisions): 1,324 rows less Tabriz's four
# municipal zones. See src/tashilat/data/CITIES.md.
SHIPPED_ROWS = 1320

PROVINCE_CENTRES = {
    "آذربایجان شرقی": "تبریز",
    "آذربایجان غربی": "ارومیه",
    "اردبیل": "اردبیل",
    "اصفهان": "اصفهان",
    "البرز": "کرج",
    "ایلام": "ایلام",
    "بوشهر": "بوشهر",
    "تهران": "تهران",
    "چهارمحال و بختیاری": "شهرکرد",
    "خراسان جنوبی": "بیرجند",
    "خراسان رضوی": "مشهد",
    "خراسان شمالی": "بجنورد",
    "خوزستان": "اهواز",
    "زنجان": "زنجان",
    "سمنان": "سمنان",
    "سیستان و بلوچستان": "زاهدان",
    "فارس": "شیراز",
    "قزوین": "قزوین",
    "قم": "قم",
    "کردستان": "سنندج",
    "کرمان": "کرمان",
    "کرمانشاه": "کرمانشاه",
    "کهگیلویه و بویراحمد": "یاسوج",
    "گلستان": "گرگان",
    "گیلان": "رشت",
    "لرستان": "خرم آباد",
    "مازندران": "ساری",
    "مرکزی": "اراک",
    "هرمزگان": "بندرعباس",
    "همدان": "همدان",
    "یزد": "یزد",
}

# Not provincial centres, over 200,000 people in the 1395 census (CITIES.md lists the figures).
NON_CENTRE_TIER_2 = {
    "اسلامشهر",
    "شهریار",
    "قدس",
    "کاشان",
    "ملارد",
    "دزفول",
    "نیشابور",
    "بابل",
    "خمینی شهر",
    "سبزوار",
    "گلستان",
    "آمل",
    "پاکدشت",
    "نجف آباد",
    "بروجرد",
    "آبادان",
    "قرچک",
    "ورامین",
    "ساوه",
    "قائم شهر",
    "نسیم شهر",
}


@pytest.fixture(scope="module")
def index() -> CityIndex:
    return load_city_index()


@pytest.fixture(scope="module")
def raw_rows() -> list[dict[str, str]]:
    text = files("tashilat.data").joinpath("cities.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def city(name: str, province: str = "تهران", **kw: object) -> City:
    fields: dict[str, object] = {
        "name_fa": name,
        "name_en": "",
        "province_fa": province,
        "province_en": "",
        "population_1395": None,
        "is_provincial_centre": False,
        "aliases": (),
        "source": "test",
    }
    fields.update(kw)
    return City(**fields)  # type: ignore[arg-type]


class TestDataSet:
    def test_header_and_row_count(self, raw_rows: list[dict[str, str]]) -> None:
        assert tuple(raw_rows[0].keys()) == CITY_COLUMNS
        assert len(raw_rows) == SHIPPED_ROWS
        assert len(raw_rows) >= 1000

    def test_index_holds_every_row(self, index: CityIndex) -> None:
        assert len(index) == SHIPPED_ROWS
        assert len(list(index)) == SHIPPED_ROWS

    def test_loader_is_cached(self) -> None:
        assert load_city_index() is load_city_index()

    def test_every_row_has_a_name_province_and_source(self, index: CityIndex) -> None:
        for c in index:
            assert c.name_fa.strip(), c
            assert c.name_en.strip(), c
            assert c.province_fa.strip() and c.province_en.strip(), c
            assert c.source.startswith("pkg:iran-cities-json@2.0.0"), c

    def test_31_provinces(self, index: CityIndex) -> None:
        assert {c.province_fa for c in index} == set(PROVINCE_CENTRES)
        assert len({c.province_en for c in index}) == 31

    def test_exactly_31_provincial_centres_one_per_province(self, index: CityIndex) -> None:
        centres = [c for c in index if c.is_provincial_centre]
        assert len(centres) >= 31
        assert len(centres) == 31
        assert Counter(c.province_fa for c in centres) == Counter(set(PROVINCE_CENTRES))
        assert {c.province_fa: c.name_fa for c in centres} == PROVINCE_CENTRES
        alborz = next(c for c in centres if c.province_en == "Alborz")
        assert alborz.name_en == "Karaj"

    def test_every_centre_and_tier2_city_has_a_census_population(self, index: CityIndex) -> None:
        for c in index:
            if c.is_provincial_centre or c.name_fa in NON_CENTRE_TIER_2:
                assert c.population_1395 is not None and c.population_1395 > 0, c
                assert "census1395" in c.source, c

    def test_no_duplicate_name_in_a_province(self, index: CityIndex) -> None:
        pairs = Counter((c.name_fa, c.province_fa) for c in index)
        assert [p for p, n in pairs.items() if n > 1] == []
        keys = Counter((city_key(c.name_fa), c.province_fa) for c in index)
        assert [p for p, n in keys.items() if n > 1] == []

    def test_no_municipal_zones_or_brackets_in_names(self, index: CityIndex) -> None:
        for c in index:
            assert not any(ch.isdigit() for ch in c.name_fa), c
            assert "(" not in c.name_fa, c

    def test_aliases_have_no_separator(self, raw_rows: list[dict[str, str]]) -> None:
        for row in raw_rows:
            for alias in row["aliases"].split("|") if row["aliases"] else []:
                assert alias.strip() == alias and alias, row

    def test_parse_rejects_bad_rows(self) -> None:
        header = ",".join(CITY_COLUMNS)
        with pytest.raises(ValueError, match="columns"):
            parse_cities_csv("name,province\nx,y\n")
        with pytest.raises(ValueError, match="is_provincial_centre"):
            parse_cities_csv(header + "\nالف,A,تهران,Tehran,,yes,,src\n")
        with pytest.raises(ValueError, match="source"):
            parse_cities_csv(header + "\nالف,A,تهران,Tehran,,false,,\n")
        parsed = parse_cities_csv(header + "\nالف,A,تهران,Tehran,123,true,ب|C,src\n")
        assert parsed == [city("الف", "تهران", name_en="A", province_en="Tehran",
                               population_1395=123, is_provincial_centre=True,
                               aliases=("ب", "C"), source="src")]  # fmt: skip


class TestTier:
    def test_tehran_is_tier_1(self, index: CityIndex) -> None:
        assert city_tier(index.lookup("تهران")) == TIER_1
        assert [c.name_en for c in index if city_tier(c) == TIER_1] == ["Tehran"]

    def test_other_cities_of_tehran_province_are_not_tier_1(self, index: CityIndex) -> None:
        assert city_tier(index.lookup("ورامین")) == TIER_2  # over 200,000
        assert city_tier(index.lookup("دماوند")) == TIER_3
        assert city_tier(index.lookup("فیروزکوه")) == TIER_3

    @pytest.mark.parametrize("name", ["Karaj", "Mashhad", "Isfahan", "Shiraz", "Tabriz"])
    def test_big_centres_are_tier_2(self, index: CityIndex, name: str) -> None:
        assert city_tier(index.lookup(name)) == TIER_2

    def test_small_provincial_centre_is_tier_2(self, index: CityIndex) -> None:
        yasuj = index.lookup("یاسوج")
        assert yasuj.population_1395 is not None and yasuj.population_1395 < 200_000
        assert city_tier(yasuj) == TIER_2

    @pytest.mark.parametrize("name", ["اسلامشهر", "کاشان", "Dezful", "Qaem Shahr", "نسیم شهر"])
    def test_cities_over_200k_that_are_not_centres_are_tier_2(
        self, index: CityIndex, name: str
    ) -> None:
        c = index.lookup(name)
        assert not c.is_provincial_centre
        assert city_tier(c) == TIER_2

    def test_the_tier_2_set_is_the_centres_and_the_21_big_cities(self, index: CityIndex) -> None:
        tier2 = {c.name_fa for c in index if city_tier(c) == TIER_2}
        assert tier2 == (set(PROVINCE_CENTRES.values()) - {"تهران"}) | NON_CENTRE_TIER_2
        assert len(tier2) == 30 + 21

    @pytest.mark.parametrize("name", ["ماسوله", "آب بر", "Abyek", "Sirjan", "Khoy", "Bukan"])
    def test_small_and_just_under_threshold_cities_are_tier_3(
        self, index: CityIndex, name: str
    ) -> None:
        assert city_tier(index.lookup(name)) == TIER_3

    def test_threshold_is_strictly_over(self) -> None:
        assert city_tier(city("x", population_1395=200_000)) == TIER_3
        assert city_tier(city("x", population_1395=200_001)) == TIER_2
        assert city_tier(city("x", population_1395=None)) == TIER_3
        assert city_tier(city("x", population_1395=150_000), population_threshold=100_000) == 2

    def test_sirjan_moves_with_the_threshold(self, index: CityIndex) -> None:
        sirjan = index.lookup("سیرجان")
        assert city_tier(sirjan) == TIER_3
        assert city_tier(sirjan, population_threshold=150_000) == TIER_2

    def test_tehran_means_the_city_of_tehran_province(self) -> None:
        assert city_tier(city("تهران", "تهران")) == TIER_1
        assert city_tier(city("تهران", "اصفهان")) == TIER_3
        assert city_tier(city("تهران", "تهران", name_en="x")) == TIER_1


class TestLookup:
    def test_arabic_letters(self, index: CityIndex) -> None:
        assert index.lookup("كرمانشاه").name_en == "Kermanshah"  # Arabic kaf
        assert index.lookup("شيراز").name_en == "Shiraz"  # Arabic yeh
        assert index.lookup("ياسوج").name_en == "Yasuj"
        assert index.lookup("اصفهان").name_en == "Isfahan"
        assert index.lookup("ارومية").name_en == "Urmia"  # Arabic yeh and teh marbuta
        assert index.lookup("شهركرد").name_en == "Shahrekord"
        assert index.lookup("كرج").name_en == "Karaj"

    def test_zwnj_and_spacing(self, index: CityIndex) -> None:
        expected = index.lookup("بندرعباس")
        assert index.lookup("بندر عباس") is expected
        assert index.lookup("بندر\u200cعباس") is expected
        assert index.lookup("  بندر   عباس ") is expected
        assert index.lookup("خمینی\u200cشهر") is index.lookup("خمینی شهر")

    def test_hamza_and_madda_variants(self, index: CityIndex) -> None:
        qaem = index.lookup("قائم شهر")
        assert qaem is index.lookup("قایم‌شهر")
        assert qaem is index.lookup("قائمشهر")
        assert index.lookup("نجف‌آباد") is index.lookup("نجف اباد")

    def test_english_names_and_aliases(self, index: CityIndex) -> None:
        bandar_abbas = index.lookup("بندرعباس")
        assert index.lookup("Bandar Abbas") is bandar_abbas
        assert index.lookup("bandar-abbas") is bandar_abbas
        assert index.lookup("Bandar-e Abbas") is bandar_abbas
        assert index.lookup("tehran").name_fa == "تهران"
        assert index.lookup("TEHRAN").name_fa == "تهران"
        assert index.lookup("Urmia") is index.lookup("Orumiyeh") is index.lookup("اورمیه")
        assert index.lookup("Talesh").name_fa == "هشتپر"

    def test_a_name_shared_by_two_provinces_is_ambiguous(self, index: CityIndex) -> None:
        with pytest.raises(InvalidInput) as err:
            index.lookup("اردکان")
        assert err.value.code == "city.ambiguous"
        assert len(err.value.details["provinces"]) >= 2
        assert "استان" in err.value.message_fa and "province" in err.value.message_en

    def test_a_provincial_centres_name_means_the_centre(self, index: CityIndex) -> None:
        found = index.lookup("خرم آباد")
        assert (found.province_fa, found.is_provincial_centre) == ("لرستان", True)

    def test_province_disambiguates(self, index: CityIndex) -> None:
        lorestan = index.lookup("خرم آباد", province="لرستان")
        assert lorestan.is_provincial_centre and city_tier(lorestan) == TIER_2
        assert index.lookup("Khorramabad", province="Lorestan") is lorestan
        assert index.lookup("خرم‌آباد", province="استان لرستان") is lorestan
        assert index.lookup("khorramabad", "Lorestan Province") is lorestan
        mazandaran = index.lookup("خرم آباد", province="مازندران")
        assert city_tier(mazandaran) == TIER_3
        assert index.lookup("اردکان", province="یزد").province_en == "Yazd"

    def test_primary_name_wins_over_alias(self, index: CityIndex) -> None:
        # «فتح آباد» is a city of Isfahan and also an alias of Karzin (Fars).
        assert index.lookup("فتح آباد").province_en == "Isfahan"
        assert index.lookup("فتح آباد", province="فارس").name_fa == "کارزین"

    def test_unknown_name_gives_suggestions(self, index: CityIndex) -> None:
        with pytest.raises(InvalidInput) as err:
            index.lookup("تهرانن")
        assert err.value.code == "city.unknown"
        assert err.value.field == "city"
        suggestions = err.value.details["suggestions"]
        assert suggestions[0] == "تهران"
        assert 1 <= len(suggestions) <= 5
        assert "تهران" in err.value.message_fa and "تهران" in err.value.message_en

    def test_unknown_latin_name_gives_latin_suggestions(self, index: CityIndex) -> None:
        with pytest.raises(InvalidInput) as err:
            index.lookup("Mashad City")
        assert err.value.code == "city.unknown"
        assert "Mashhad" in err.value.details["suggestions"]
        with pytest.raises(InvalidInput) as err:
            index.lookup("Esfahn")
        assert "Isfahan" in err.value.details["suggestions"]

    def test_nonsense_has_no_suggestions(self, index: CityIndex) -> None:
        for text in ("qqqqzzzz", "", "   "):
            with pytest.raises(InvalidInput) as err:
                index.lookup(text)
            assert err.value.code == "city.unknown"
            assert err.value.details["suggestions"] == []

    def test_name_in_the_wrong_province(self, index: CityIndex) -> None:
        with pytest.raises(InvalidInput) as err:
            index.lookup("کاشان", province="فارس")
        assert err.value.code == "city.unknown"
        assert err.value.details["suggestions"] == ["کاشان (اصفهان)"]

    def test_every_city_resolves_by_its_own_names(self, index: CityIndex) -> None:
        for c in index:
            assert index.lookup(c.name_fa, province=c.province_fa) is c
            assert index.lookup(c.name_en, province=c.province_en) is c


class TestSuggest:
    def test_prefix_matches_come_first_biggest_first(self, index: CityIndex) -> None:
        found = index.suggest("بندر")
        assert found[0].name_fa == "بندرعباس"
        assert all(city_key(c.name_fa).startswith(city_key("بندر")) for c in found)

    def test_exact_name_first(self, index: CityIndex) -> None:
        assert index.suggest("قم")[0].name_fa == "قم"
        assert index.suggest("mash")[0].name_en == "Mashhad"

    def test_close_matches_after_prefixes(self, index: CityIndex) -> None:
        assert index.suggest("Esfahn")[0].name_en == "Isfahan"

    def test_limit_and_empty(self, index: CityIndex) -> None:
        assert len(index.suggest("ک", limit=3)) == 3
        assert index.suggest("") == []
        assert index.suggest("Tehran", limit=0) == []


def test_cities_module_is_pure() -> None:
    source = Path(cities_module.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            assert name.startswith("tashilat.domain") or top in {
                "__future__",
                "collections",
                "dataclasses",
                "datetime",
                "difflib",
                "re",
            }, name
    assert "open(" not in source and "read_text" not in source
