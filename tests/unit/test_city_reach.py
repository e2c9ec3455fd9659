"""Every city of the shipped list is reachable by its Persian and its English name, with its
province where the name repeats — in the domain, the CLI's options, the API and the web form."""

from __future__ import annotations

import pytest

from tashilat.data import load_city_index
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import parse_jalali
from tashilat.domain.programs.youth_fund.cities import City, tier_of
from tashilat.entrypoints.web.pages.citizen_common import city_value, find_city
from tashilat.policy import PolicySnapshot

INDEX = load_city_index()
CITIES = list(INDEX)


def test_the_list_has_every_row() -> None:
    assert len(CITIES) == 1320


def _reach(name: str, province: str, city: City) -> None:
    try:
        got = INDEX.lookup(name)
    except InvalidInput as exc:
        # a repeated name: the province tells the cities apart
        assert exc.code == "city.ambiguous", (name, exc.code)
        got = INDEX.lookup(name, province)
    if got is not city:  # the name also belongs to a provincial centre, which wins alone
        assert got.is_provincial_centre and not city.is_provincial_centre, (name, got, city)
        got = INDEX.lookup(name, province)
    assert got is city, (name, province)


@pytest.mark.parametrize("city", CITIES, ids=lambda c: f"{c.name_en}-{c.province_en}")
def test_every_city_by_persian_and_english_name(city: City) -> None:
    _reach(city.name_fa, city.province_fa, city)
    assert city.name_en, city
    _reach(city.name_en, city.province_en, city)
    # with its province, always, in either language and either spelling of the province
    assert INDEX.lookup(city.name_fa, city.province_fa) is city
    assert INDEX.lookup(city.name_en, city.province_en) is city
    assert INDEX.lookup(city.name_fa, f"استان {city.province_fa}") is city
    # the web form's suggestion value is read back as the same city
    assert find_city(city_value(city, fa=True)) is city
    assert find_city(city_value(city, fa=False)) is city


def test_khorramabad_by_name_is_lorestans_centre() -> None:
    city = INDEX.lookup("خرم آباد")
    assert (city.province_en, city.is_provincial_centre) == ("Lorestan", True)
    assert INDEX.lookup("Khorramabad") is city
    assert INDEX.lookup("خرم‌آباد") is city  # with a zero-width non-joiner
    other = INDEX.lookup("Khorramabad", "Mazandaran")
    assert other.province_fa == "مازندران" and other is not city
    assert INDEX.namesakes(city) == [other]


def test_a_name_shared_by_two_ordinary_cities_still_asks_for_the_province() -> None:
    names: dict[str, list[City]] = {}
    for c in CITIES:
        names.setdefault(c.name_fa, []).append(c)
    shared = [
        cs for cs in names.values() if len(cs) > 1 and not any(c.is_provincial_centre for c in cs)
    ]
    assert shared
    with pytest.raises(InvalidInput) as exc:
        INDEX.lookup(shared[0][0].name_fa)
    assert exc.value.code == "city.ambiguous"
    assert "province" in exc.value.message_en and "استان" in exc.value.message_fa


@pytest.mark.parametrize("name", ["ری", "Rey", "Shahr-e Rey", "تجریش", "Tajrish"])
def test_rey_and_tajrish_are_inside_tehran_and_take_its_tier(
    policy: PolicySnapshot, name: str
) -> None:
    from tashilat.domain.decision import Status

    t = tier_of(policy, INDEX.lookup(name), parse_jalali("1403/05/01"))
    assert t.tier == 1
    inside = [p for p in t.provenances if p.path == "youth_fund.part_of_tehran"]
    assert [p.status for p in inside] == [Status.ASSUMED]
    assert "District 20" in (inside[0].note or "")


def test_other_cities_of_tehran_province_keep_their_tier(policy: PolicySnapshot) -> None:
    t = tier_of(policy, INDEX.lookup("دماوند"), parse_jalali("1403/05/01"))
    assert t.tier == 3
    assert "youth_fund.part_of_tehran" not in {p.path for p in t.provenances}
