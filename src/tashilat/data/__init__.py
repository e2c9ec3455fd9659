"""Data files shipped with the package (see ``CITIES.md`` for the city list's sources)."""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib.resources import files

from tashilat.domain.programs.youth_fund.cities import City, CityIndex

__all__ = ["CITIES_CSV", "CITY_COLUMNS", "load_city_index", "parse_cities_csv"]

CITIES_CSV = "cities.csv"
CITY_COLUMNS = (
    "name_fa",
    "name_en",
    "province_fa",
    "province_en",
    "population_1395",
    "is_provincial_centre",
    "aliases",
    "source",
)
_BOOLEANS = {"true": True, "false": False}


def _city(row: dict[str, str], line: int) -> City:
    def required(column: str) -> str:
        value = (row.get(column) or "").strip()
        if not value:
            raise ValueError(f"{CITIES_CSV} line {line}: {column} is empty")
        return value

    population_text = (row.get("population_1395") or "").strip()
    centre_text = required("is_provincial_centre").lower()
    if centre_text not in _BOOLEANS:
        raise ValueError(f"{CITIES_CSV} line {line}: is_provincial_centre must be true/false")
    aliases_text = (row.get("aliases") or "").strip()
    return City(
        name_fa=required("name_fa"),
        name_en=(row.get("name_en") or "").strip(),
        province_fa=required("province_fa"),
        province_en=required("province_en"),
        population_1395=int(population_text) if population_text else None,
        is_provincial_centre=_BOOLEANS[centre_text],
        aliases=tuple(a.strip() for a in aliases_text.split("|") if a.strip()),
        source=required("source"),
    )


def parse_cities_csv(text: str) -> list[City]:
    """Parse the text of ``cities.csv`` (header row first); raise ValueError on a bad row."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != CITY_COLUMNS:
        raise ValueError(f"{CITIES_CSV}: columns must be {', '.join(CITY_COLUMNS)}")
    return [_city(row, number) for number, row in enumerate(reader, start=2)]


@lru_cache(maxsize=1)
def load_city_index() -> CityIndex:
    """Every city of Iran shipped in ``cities.csv``, indexed by name (read once, cached)."""
    text = files("tashilat.data").joinpath(CITIES_CSV).read_text(encoding="utf-8")
    return CityIndex(parse_cities_csv(text))
