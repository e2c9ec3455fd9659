"""The charts are real images: valid SVG (XML) and PNG, with the series they promise."""

from __future__ import annotations

import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from decimal import Decimal

import matplotlib
import pytest

from tashilat import charts
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import parse_jalali
from tashilat.domain.programs.construction.projection import FundInputs, project_fund
from tashilat.domain.programs.wages.affordability import (
    Repayment,
    allowance_needed,
    instalment_burden,
    rent_burden,
)
from tashilat.domain.programs.wages.income import WorkerProfile
from tashilat.policy import PolicySnapshot

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"
FAMILY = WorkerProfile(married=True, children=2)


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, payload) of every chunk, checking each CRC."""
    assert data[:8] == PNG_MAGIC
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        payload = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + payload) == crc, f"bad CRC in {kind!r}"
        chunks.append((kind, payload))
        pos += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    return chunks


def svg_ids(data: bytes) -> set[str]:
    assert data.lstrip().startswith(b"<?xml")
    root = ET.fromstring(data)
    assert root.tag == f"{SVG_NS}svg"
    return {el.get("id", "") for el in root.iter()}


@pytest.fixture(scope="module")
def burden(policy: PolicySnapshot) -> object:
    r = Repayment.fixed_instalment(9_600_000_000, Decimal(18), 200_000_000, "960m toman loan")
    return instalment_burden(
        policy, FAMILY, r, on=parse_jalali("1403/07/01"), wage_rise_percent=Decimal(20)
    ).value


@pytest.fixture(scope="module")
def fund(policy: PolicySnapshot) -> object:
    inputs = FundInputs(
        start_year=1404,
        years=4,
        per_capita_cost=2_000_000_000,
        permit_revenue=300_000_000_000_000,
        permit_trend_percent=Decimal(-10),
    )
    return project_fund(policy, inputs).value


def test_burden_chart_svg(burden: object) -> None:
    data = charts.burden_chart(burden, "svg")  # type: ignore[arg-type]
    ids = svg_ids(data)
    assert {"series-burden", "series-limit"} <= ids
    assert b"series: burden, limit" in data
    assert b"960m toman loan" in data  # the title, in the SVG metadata


def test_burden_chart_png(burden: object) -> None:
    data = charts.burden_chart(burden, "png")  # type: ignore[arg-type]
    chunks = png_chunks(data)
    width, height = struct.unpack(">II", chunks[0][1][:8])
    assert (width, height) == (900, 500)
    text = b"".join(p for k, p in chunks if k in (b"tEXt", b"iTXt"))
    assert b"series: burden, limit" in text
    assert any(k == b"IDAT" for k, _ in chunks)


def test_rent_chart_for_rent_and_allowance(policy: PolicySnapshot) -> None:
    on = parse_jalali("1403/10/12")
    rent = charts.rent_chart(rent_burden(policy, FAMILY, on=on).value, "svg")
    assert {"series-rent", "series-allowance", "series-affordable"} <= svg_ids(rent)
    assert "series-needed" not in svg_ids(rent)
    need = charts.rent_chart(allowance_needed(policy, FAMILY, on=on).value, "svg")
    assert "series-needed" in svg_ids(need)
    png = charts.rent_chart(allowance_needed(policy, FAMILY, on=on).value, "png")
    assert b"needed" in b"".join(p for k, p in png_chunks(png) if k == b"tEXt")


def test_fund_chart(fund: object) -> None:
    ids = svg_ids(charts.fund_chart(fund, "svg"))  # type: ignore[arg-type]
    assert {"series-resources", "series-obligations", "series-deficit-1404"} <= ids
    png_chunks(charts.fund_chart(fund, "PNG"))  # type: ignore[arg-type]


def test_unknown_format(burden: object) -> None:
    with pytest.raises(InvalidInput) as exc:
        charts.burden_chart(burden, "gif")  # type: ignore[arg-type]
    assert exc.value.code == "chart.format" and exc.value.message_fa


def test_no_state_is_kept_between_calls(burden: object, fund: object) -> None:
    before = dict(matplotlib.rcParams)
    first = charts.burden_chart(burden, "png")  # type: ignore[arg-type]
    charts.fund_chart(fund, "svg")  # type: ignore[arg-type]  # another chart in between
    second = charts.burden_chart(burden, "png")  # type: ignore[arg-type]
    assert first == second
    assert dict(matplotlib.rcParams) == before


def test_charts_do_not_use_pyplot() -> None:
    code = (
        "import sys\n"
        "from tashilat import charts\n"
        "from tashilat.policy import default_policy\n"
        "from tashilat.domain.jalali import parse_jalali\n"
        "from tashilat.domain.programs.wages.income import WorkerProfile\n"
        "from tashilat.domain.programs.wages.affordability import rent_burden\n"
        "d = rent_burden(default_policy(), WorkerProfile(), on=parse_jalali('1404/01/01'))\n"
        "charts.rent_chart(d.value, 'png'); charts.rent_chart(d.value, 'svg')\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "False"
