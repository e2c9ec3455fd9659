"""The server-drawn charts: right to left for Persian readers, labels that never overlap."""

from __future__ import annotations

import re
from itertools import pairwise

from tashilat.entrypoints.web.svg import CHAR_WIDTH, Series, chart

STATES = [
    "ثبت‌شده",
    "در بررسی دستگاه",
    "معرفی‌شده به بانک",
    "در بررسی بانک",
    "تأییدشده، در انتظار پرداخت",
    "پرداخت‌شده",
    "در حال بازپرداخت",
    "تسویه‌شده",
    "ردشده",
    "انصراف",
]


def bars(svg: str) -> list[float]:
    return [float(x) for x in re.findall(r'<rect x="([\d.]+)"', svg)]


def test_year_one_is_on_the_right_in_persian() -> None:
    years = ["۱", "۲", "۳"]
    rtl = chart(
        title="t", description="d", categories=years, series=[Series("a", "a", [1, 2, 3])], rtl=True
    )
    ltr = chart(title="t", description="d", categories=years, series=[Series("a", "a", [1, 2, 3])])
    assert bars(rtl) == sorted(bars(rtl), reverse=True)  # year 1 rightmost
    assert bars(ltr) == sorted(bars(ltr))
    # the value axis sits on the right too
    first_tick = re.search(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="start">', rtl)
    assert first_tick and float(first_tick.group(1)) > 760 - 78  # right of the plot area


def test_long_category_labels_are_all_shown_and_apart_on_each_row() -> None:
    svg = chart(
        title="t",
        description="d",
        categories=STATES,
        series=[Series("a", "a", [1] * len(STATES))],
        rtl=True,
    )
    labels = re.findall(r'<text class="x-label" x="([\d.]+)"[^>]*>(.*?)</text>', svg)
    assert len(labels) == len(STATES)  # none dropped
    by_row: dict[str, list[tuple[float, float]]] = {}
    for x, body in labels:
        row = re.search(r'dy="([\d.]+)em"', body)
        assert row
        lines = re.findall(r"<tspan[^>]*>(.*?)</tspan>", body)
        assert len(lines) <= 2
        half = max(len(t) for t in lines) * CHAR_WIDTH / 2
        by_row.setdefault(row.group(1), []).append((float(x) - half, float(x) + half))
    assert len(by_row) > 1  # staggered
    for boxes in by_row.values():
        boxes.sort()
        for (_, right), (left, _) in pairwise(boxes):
            assert right <= left


def test_many_months_are_thinned_on_one_row() -> None:
    months = [str(m) for m in range(1, 241)]
    svg = chart(title="t", description="d", categories=months, series=[Series("a", "a", [1] * 240)])
    labels = re.findall(r'<text class="x-label" x="([\d.]+)"[^>]*>(.*?)</text>', svg)
    assert 5 <= len(labels) <= 13  # twelve at most, and the last month
    assert {re.search(r'dy="([\d.]+)em"', b).group(1) for _, b in labels} == {"0.00"}  # type: ignore[union-attr]
