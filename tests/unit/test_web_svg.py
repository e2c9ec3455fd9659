"""The server-drawn charts: right to left for Persian readers, labels that never overlap."""

from __future__ import annotations

import re

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


def test_long_category_labels_do_not_overlap() -> None:
    svg = chart(
        title="t",
        description="d",
        categories=STATES,
        series=[Series("a", "a", [1] * len(STATES))],
        rtl=True,
    )
    boxes = []
    for m in re.finditer(r'<text class="x-label" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        x, y = float(m.group(1)), float(m.group(2))
        lines = re.findall(r"<tspan[^>]*>(.*?)</tspan>", m.group(3))
        w = max(len(t) for t in lines) * CHAR_WIDTH
        boxes.append((x - w / 2, x + w / 2, y, y + 14 * len(lines)))
    assert len(boxes) == len(STATES)  # none dropped
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2]
            assert apart, (a, b)
