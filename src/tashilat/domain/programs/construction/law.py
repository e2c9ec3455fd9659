"""The construction contribution law in force and the permits it applies to
(docs/rules.md §4): the law's versions from policy, fee types and a building permit's inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from tashilat.domain.decision import PolicyReader, Provenance
from tashilat.domain.errors import InvalidInput, PolicyError

P = "construction"
LAW = f"{P}.law"
REF = (
    "Construction workers' insurance law, article 5 as in force on the permit date "
    "(docs/rules.md §4)"
)
MAX_AREA_M2 = Decimal(10_000_000)


class FeeType(StrEnum):
    PERMIT = "permit"
    DENSITY = "density"
    DEMOLITION_RENOVATION = "demolition_renovation"
    MAJOR_REPAIR = "major_repair"


FEE_LABELS: dict[str, tuple[str, str]] = {
    FeeType.PERMIT: ("عوارض صدور پروانه", "permit fees"),
    FeeType.DENSITY: ("عوارض تراکم", "density fees"),
    FeeType.DEMOLITION_RENOVATION: ("عوارض تخریب و نوسازی", "demolition/renovation fees"),
    FeeType.MAJOR_REPAIR: ("عوارض تعمیرات اساسی", "major-repair fees"),
}


def _amount(value: object, field: str, fa: str, en: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(
            f"construction.{field}",
            f"{fa} باید عدد صحیح ریالی باشد: {value!r}",
            f"The {en} must be a whole number of rials: {value!r}",
            field=field,
        )
    if value < 0:
        raise InvalidInput(
            "amount.negative",
            f"{fa} نمی‌تواند منفی باشد: {value:,}",
            f"The {en} cannot be negative: {value:,}",
            field=field,
        )
    return value


@dataclass(frozen=True)
class Permit:
    """A building permit: its date, its fees by type (rial), its floor area (m², needed
    only under the 1379 text) and, optionally, the minimum daily wage to use when the
    policy has none for that date."""

    dated: date
    permit_fees: int = 0
    density_fees: int = 0
    demolition_renovation_fees: int = 0
    major_repair_fees: int = 0
    area_m2: Decimal | None = None
    daily_wage: int | None = None
    reference: str = ""

    def __post_init__(self) -> None:
        for t in FeeType:
            fa, en = FEE_LABELS[t]
            _amount(self.fee(t), f"{t.value}_fees", fa, en)
        if self.daily_wage is not None:
            _amount(self.daily_wage, "daily_wage", "حداقل مزد روزانه", "minimum daily wage")
        a = self.area_m2
        if a is not None and (
            not isinstance(a, Decimal) or not a.is_finite() or not 0 < a <= MAX_AREA_M2
        ):
            raise InvalidInput(
                "construction.area",
                f"زیربنا باید عددی مثبت (متر مربع) باشد: {a}",
                f"The floor area must be a positive number of m²: {a}",
                field="area_m2",
            )

    def fee(self, fee_type: str) -> int:
        value: int = {
            FeeType.PERMIT: self.permit_fees,
            FeeType.DENSITY: self.density_fees,
            FeeType.DEMOLITION_RENOVATION: self.demolition_renovation_fees,
            FeeType.MAJOR_REPAIR: self.major_repair_fees,
        }[FeeType(fee_type)]
        return value

    @property
    def total_fees(self) -> int:
        return sum(self.fee(t) for t in FeeType)


@dataclass(frozen=True)
class LawVersion:
    version: str
    since: date
    name_en: str
    name_fa: str
    owner_method: str  # per_square_metre | permit_fees | not_modelled
    fee_percent: Decimal | None
    fee_types: tuple[str, ...]
    small_area_max_m2: int | None
    small_area_percent: Decimal | None
    large_area_percent: Decimal | None
    worker_percent: Decimal | None
    provenance: Provenance

    @property
    def modelled(self) -> bool:
        return self.owner_method != "not_modelled"


def _dec(v: Any) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def law_in_force(policy: PolicyReader, on: date) -> LawVersion:
    """The version of article 5 in force on ``on``."""
    r = policy.resolve(LAW, on)
    v = r.value
    return LawVersion(
        version=str(v["version"]),
        since=r.provenance.since,
        name_en=str(v["name_en"]),
        name_fa=str(v["name_fa"]),
        owner_method=str(v["owner_method"]),
        fee_percent=_dec(v["fee_percent"]),
        fee_types=tuple(str(t) for t in v["fee_types"]),
        small_area_max_m2=None if v["small_area_max_m2"] is None else int(v["small_area_max_m2"]),
        small_area_percent=_dec(v["small_area_percent"]),
        large_area_percent=_dec(v["large_area_percent"]),
        worker_percent=_dec(v["worker_percent"]),
        provenance=r.provenance,
    )


def previous_modelled(policy: PolicyReader, law: LawVersion) -> LawVersion | None:
    """The last modelled version in force before ``law`` took effect (or ``None``)."""
    current = law
    while True:
        try:
            current = law_in_force(policy, current.since - timedelta(days=1))
        except PolicyError:
            return None
        if current.modelled:
            return current
