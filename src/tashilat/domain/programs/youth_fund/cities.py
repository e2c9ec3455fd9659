"""Cities and their tier for the Youth Housing Savings Fund (صندوق پس‌انداز مسکن جوانان).

docs/rules.md §1.1 "Tier of a city": Tehran (the city) is tier 1; the 31 provincial centres and
every city of over 200,000 people in the 1395 (2016) census are tier 2; every other city is
tier 3. "Over 200,000" is read strictly: ``population_1395 > 200_000``.

This module is pure: the city list is data (``tashilat/data/cities.csv``, loaded by
``tashilat.data.load_city_index``); here are the record, the tier rule and a name index that
is tolerant of the ways people type a city's name.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from tashilat.domain.decision import PolicyReader, Provenance
from tashilat.domain.errors import InvalidInput
from tashilat.domain.text import normalize_name

__all__ = [
    "POPULATION_THRESHOLD",
    "TIER_1",
    "TIER_2",
    "TIER_3",
    "City",
    "CityIndex",
    "CityTier",
    "city_key",
    "city_tier",
    "is_tehran",
    "tier_of",
]

TIER_1 = 1
TIER_2 = 2
TIER_3 = 3
POPULATION_THRESHOLD = 200_000

_TEHRAN = "تهران"
_MAX_SUGGESTIONS = 5
# difflib's similarity cutoff (its default). Written as a ratio because the domain keeps float
# literals out (they belong to no amount of money here: this is only a spelling distance).
_CLOSE_CUTOFF = 3 / 5

# Extra folding on top of normalize_name: normalize_name strips the hamza of «ئ» and leaves an
# Arabic yeh (so «قائم» became «قايم» but «قایم» stays «قایم»); a lone hamza «ء» and brackets
# are dropped too, so that «بیکاء»/«بیکا» and «خداجو(خراجو)»/«خداجو خراجو» compare equal.
_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ء": None, "ٔ": None, "(": None, ")": None})
# Longest first: «استان تهران», "Ostan-e Tehran", "Province of Tehran", "Tehran Province".
_PROVINCE_PREFIXES = ("provinceof", "province", "ostane", "ostan", "استان")
_PROVINCE_SUFFIXES = ("province",)
_LATIN = re.compile(r"[a-z]")


def city_key(text: str) -> str:
    """The comparison key for a city or province name (see :func:`normalize_name`)."""
    return normalize_name(text).translate(_FOLD)


def _province_key(text: str) -> str:
    key = city_key(text)
    for prefix in _PROVINCE_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix) :]
            break
    for suffix in _PROVINCE_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)]
            break
    return key


@dataclass(frozen=True)
class City:
    """One city (شهر) of Iran, as shipped in ``cities.csv``."""

    name_fa: str
    name_en: str
    province_fa: str
    province_en: str
    population_1395: int | None
    is_provincial_centre: bool
    aliases: tuple[str, ...]
    source: str

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the city is known by: Persian, English, then the aliases."""
        return (self.name_fa, self.name_en, *self.aliases)

    def in_province(self, province: str) -> bool:
        """Whether ``province`` (Persian or English, with or without «استان») names this
        city's province."""
        key = _province_key(province)
        return bool(key) and key in (
            _province_key(self.province_fa),
            _province_key(self.province_en),
        )

    def label(self, latin: bool = False) -> str:
        """``name (province)`` for messages."""
        if latin:
            return f"{self.name_en or self.name_fa} ({self.province_en})"
        return f"{self.name_fa} ({self.province_fa})"


def is_tehran(city: City) -> bool:
    """Tehran the city (not another city of Tehran province)."""
    tehran = city_key(_TEHRAN)
    return city_key(city.name_fa) == tehran and city_key(city.province_fa) == tehran


def _inside_tehran(city: City, part_of_tehran: Collection[str]) -> bool:
    """A city of Tehran province named in ``part_of_tehran`` (it lies inside Tehran's
    municipal boundary, so it takes Tehran's tier)."""
    tehran = city_key(_TEHRAN)
    return city_key(city.province_fa) == tehran and city_key(city.name_fa) in {
        city_key(n) for n in part_of_tehran
    }


def city_tier(
    city: City,
    *,
    population_threshold: int = POPULATION_THRESHOLD,
    part_of_tehran: Collection[str] = (),
) -> int:
    """1 for Tehran (the city, and the listed cities inside its municipal boundary); 2 for a
    provincial centre or a city whose 1395 population is over ``population_threshold``
    (strictly greater); 3 otherwise (including an unknown population)."""
    if is_tehran(city) or _inside_tehran(city, part_of_tehran):
        return TIER_1
    if city.is_provincial_centre:
        return TIER_2
    if city.population_1395 is not None and city.population_1395 > population_threshold:
        return TIER_2
    return TIER_3


@dataclass(frozen=True)
class CityTier:
    """A city's tier under the policy in force for an account opened on a date, with the
    provenance of the figures that decided it."""

    city: City
    tier: int
    provenances: tuple[Provenance, ...]


def tier_of(policy: PolicyReader, city: City, opened_on: date) -> CityTier:
    """The city's tier for an account opened on ``opened_on`` (docs/rules.md §1.1), with the
    population threshold and, for a city inside Tehran's municipality, that decision."""
    threshold = policy.resolve("youth_fund.tier_population_threshold", opened_on)
    inside = policy.resolve("youth_fund.part_of_tehran", opened_on)
    names = tuple(str(n) for n in inside.value)
    provenances = [threshold.provenance]
    if _inside_tehran(city, names):
        provenances.append(inside.provenance)
    tier = city_tier(city, population_threshold=int(threshold.value), part_of_tehran=names)
    return CityTier(city, tier, tuple(provenances))


def _is_latin(text: str) -> bool:
    return bool(_LATIN.search(city_key(text)))


class CityIndex:
    """Cities by every name they are known by, for lookup and autocomplete."""

    def __init__(self, cities: Iterable[City]) -> None:
        self._cities: tuple[City, ...] = tuple(cities)
        # Primary names (name_fa, name_en) win over aliases: «فتح آباد» is a city of Isfahan
        # province and also an old name of Karzin; typing it finds the city of that name.
        self._primary: dict[str, list[City]] = {}
        self._alias: dict[str, list[City]] = {}
        for city in self._cities:
            for name in (city.name_fa, city.name_en):
                self._add(self._primary, name, city)
            for name in city.aliases:
                self._add(self._alias, name, city)
        # Every key -> the cities it names (primary first), for suggestions.
        self._all: dict[str, list[City]] = {}
        for table in (self._primary, self._alias):
            for key, found in table.items():
                bucket = self._all.setdefault(key, [])
                bucket.extend(c for c in found if c not in bucket)

    @staticmethod
    def _add(table: dict[str, list[City]], name: str, city: City) -> None:
        key = city_key(name)
        if not key:
            return
        bucket = table.setdefault(key, [])
        if city not in bucket:
            bucket.append(city)

    def __len__(self) -> int:
        return len(self._cities)

    def __iter__(self) -> Iterator[City]:
        return iter(self._cities)

    def lookup(self, name: str, province: str | None = None) -> City:
        """The one city called ``name`` (in ``province``, if given).

        Raises :class:`InvalidInput` with code ``city.unknown`` (with suggestions) when no
        city has that name, and ``city.ambiguous`` when several do and ``province`` does not
        tell them apart.
        """
        key = city_key(name)
        if province is not None and not _province_key(province):
            province = None
        for table in (self._primary, self._alias):
            found = table.get(key, [])
            if province is not None:
                found = [c for c in found if c.in_province(province)]
            if len(found) == 1:
                return found[0]
            centres = [c for c in found if c.is_provincial_centre]
            if province is None and len(centres) == 1:
                # a provincial centre's name means the centre («خرم آباد» is Lorestan's
                # centre); its namesakes are reached with their province
                return centres[0]
            if found:
                raise self._ambiguous(name, province, found)
        if province is not None:
            elsewhere = self._primary.get(key, []) or self._alias.get(key, [])
            if elsewhere:
                raise self._not_in_province(name, province, elsewhere)
        raise self._unknown(name)

    def namesakes(self, city: City) -> list[City]:
        """Other cities with the same Persian or English name (reach them with a province)."""
        out: list[City] = []
        for name in (city.name_fa, city.name_en):
            for other in self._primary.get(city_key(name), []):
                if other is not city and other not in out:
                    out.append(other)
        return out

    def suggest(self, prefix_or_name: str, limit: int = 10) -> list[City]:
        """Cities for autocomplete: those with a name starting with the text (exact names
        first, then larger cities), then close matches for a misspelt name."""
        key = city_key(prefix_or_name)
        if not key or limit <= 0:
            return []
        exact: list[City] = []
        prefixed: list[City] = []
        for candidate_key, found in self._all.items():
            if candidate_key == key:
                exact.extend(found)
            elif candidate_key.startswith(key):
                prefixed.extend(found)
        prefixed.sort(key=_importance)
        out: list[City] = []
        for city in (*exact, *prefixed, *self._close(key, limit)):
            if city not in out:
                out.append(city)
            if len(out) >= limit:
                break
        return out

    def _close(self, key: str, limit: int) -> list[City]:
        matches = difflib.get_close_matches(key, self._all.keys(), n=limit, cutoff=_CLOSE_CUTOFF)
        return [city for match in matches for city in self._all[match]]

    # --- errors -------------------------------------------------------------------------

    def _unknown(self, name: str) -> InvalidInput:
        latin = _is_latin(name)
        key = city_key(name)
        suggestions: list[str] = []
        if key:
            for match in difflib.get_close_matches(
                key, self._all.keys(), n=_MAX_SUGGESTIONS * 2, cutoff=_CLOSE_CUTOFF
            ):
                for city in self._all[match]:
                    shown = (city.name_en or city.name_fa) if latin else city.name_fa
                    if shown not in suggestions:
                        suggestions.append(shown)
        suggestions = suggestions[:_MAX_SUGGESTIONS]
        message_fa = f"شهر «{name}» در فهرست شهرها پیدا نشد."
        message_en = f"Unknown city {name!r}: it is not in the list of Iran's cities."
        if suggestions:
            message_fa += " شاید منظورتان یکی از این‌ها است: " + "، ".join(suggestions) + "."
            message_en += " Did you mean: " + ", ".join(suggestions) + "?"
        return InvalidInput(
            "city.unknown",
            message_fa,
            message_en,
            field="city",
            details={"name": name, "suggestions": suggestions},
        )

    def _ambiguous(self, name: str, province: str | None, found: list[City]) -> InvalidInput:
        provinces_fa = sorted({c.province_fa for c in found})
        provinces_en = sorted({c.province_en for c in found})
        message_fa = (
            f"چند شهر با نام «{name}» هست ("
            + "، ".join(c.label() for c in found)
            + "). استان را هم بنویسید."
        )
        message_en = (
            f"Several cities are called {name!r} ("
            + ", ".join(c.label(latin=True) for c in found)
            + "). Give the province too."
        )
        return InvalidInput(
            "city.ambiguous",
            message_fa,
            message_en,
            field="city",
            details={
                "name": name,
                "province": province,
                "provinces": provinces_fa,
                "provinces_en": provinces_en,
                "candidates": [
                    {"name_fa": c.name_fa, "name_en": c.name_en, "province_fa": c.province_fa}
                    for c in found
                ],
            },
        )

    def _not_in_province(self, name: str, province: str, found: list[City]) -> InvalidInput:
        suggestions = [c.label() for c in found][:_MAX_SUGGESTIONS]
        return InvalidInput(
            "city.unknown",
            f"شهری به نام «{name}» در استان «{province}» نیست؛ این نام در این استان‌ها هست: "
            + "، ".join(suggestions)
            + ".",
            f"No city called {name!r} in province {province!r}; that name is in: "
            + ", ".join(c.label(latin=True) for c in found[:_MAX_SUGGESTIONS])
            + ".",
            field="city",
            details={"name": name, "province": province, "suggestions": suggestions},
        )


def _importance(city: City) -> tuple[int, int, str]:
    """Sort key: Tehran, then tier-2 cities by population, then the rest by name."""
    return (city_tier(city), -(city.population_1395 or 0), city.name_fa)
