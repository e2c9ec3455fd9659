"""Small inline SVG charts drawn on the server (no JavaScript, no image files).

The browser draws the labels with the page's font, so Persian digits and text render
correctly (matplotlib cannot shape Persian). Colours come from the style sheet through
class names (``series-<key>``); every series carries ``id="series-<key>"`` and every bar or
point a ``<title>`` with its value, so that a chart can be read without seeing it; the page
always shows the same figures in a table too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    values: Sequence[int | float | None]
    kind: str = "bar"  # bar (stacked with the other bars) | line | step
    dashed: bool = False


def _nice_step(top: float, ticks: int = 5) -> float:
    raw = top / ticks
    if raw <= 0:
        return 1.0
    mag = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * mag >= raw:
            return m * mag
    return 10 * mag  # pragma: no cover


def chart(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    y_label: str = "",
    x_label: str = "",
    y_format: Callable[[float], str] = lambda v: f"{v:g}",
    value_format: Callable[[float], str] | None = None,
    width: int = 760,
    height: int = 320,
    max_x_labels: int = 12,
    chart_id: str = "chart",
) -> Markup:
    """A chart of bars (stacked) and lines over categories. Returns inline SVG markup."""
    n = len(categories)
    value_format = value_format or y_format
    left, right, top, bottom = 78, 16, 36, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    bars = [s for s in series if s.kind == "bar"]
    lines = [s for s in series if s.kind != "bar"]
    peaks = [0.0]
    for i in range(n):
        peaks.append(sum(float(s.values[i] or 0) for s in bars))
        peaks.extend(float(s.values[i] or 0) for s in lines)
    peak = max(peaks) or 1.0
    step = _nice_step(peak)
    y_max = step * math.ceil(peak / step)

    def y(v: float) -> float:
        return top + plot_h - (v / y_max) * plot_h

    slot = plot_w / max(n, 1)

    def x_mid(i: int) -> float:
        return left + slot * i + slot / 2

    out: list[str] = []
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {width} {height}" role="img" direction="ltr" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'preserveAspectRatio="xMidYMid meet">'
    )
    out.append(f'<title id="{escape(chart_id)}-title">{escape(title)}</title>')
    out.append(f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>')
    # grid and y axis
    out.append('<g class="axis axis-y">')
    k = 0
    while k * step <= y_max + 1e-9:
        v = k * step
        yy = y(v)
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" class="grid"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">{escape(y_format(v))}</text>'
        )
        k += 1
    if y_label:
        out.append(
            f'<text class="axis-label" x="{left}" y="{top - 16}" text-anchor="start">'
            f"{escape(y_label)}</text>"
        )
    out.append("</g>")
    # x axis labels (thinned)
    every = max(1, math.ceil(n / max_x_labels))
    out.append('<g class="axis axis-x">')
    out.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        'class="baseline"/>'
    )
    for i, label in enumerate(categories):
        if i % every == 0 or i == n - 1:
            out.append(
                f'<text x="{x_mid(i):.1f}" y="{top + plot_h + 20}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    if x_label:
        out.append(
            f'<text class="axis-label" x="{left + plot_w / 2:.1f}" y="{height - 6}" '
            f'text-anchor="middle">{escape(x_label)}</text>'
        )
    out.append("</g>")
    # stacked bars
    bar_w = max(1.0, min(slot * 0.7, 48.0))
    base = [0.0] * n
    for s in bars:
        out.append(f'<g id="series-{escape(s.key)}" class="series series-{escape(s.key)}">')
        for i in range(n):
            val = s.values[i]
            if val is None or val == 0:
                continue
            y0, y1 = y(base[i]), y(base[i] + float(val))
            out.append(
                f'<rect x="{x_mid(i) - bar_w / 2:.1f}" y="{y1:.1f}" width="{bar_w:.1f}" '
                f'height="{max(0.0, y0 - y1):.1f}"><title>{escape(categories[i])}: '
                f"{escape(s.label)} {escape(value_format(float(val)))}</title></rect>"
            )
            base[i] += float(val)
        out.append("</g>")
    # lines
    for s in lines:
        pts: list[tuple[float, float]] = []
        for i in range(n):
            val = s.values[i]
            if val is None:
                continue
            if s.kind == "step" and pts:
                pts.append((x_mid(i) - slot / 2, pts[-1][1]))
                pts.append((x_mid(i) - slot / 2, y(float(val))))
            pts.append((x_mid(i), y(float(val))))
        if not pts:
            continue
        cls = f"series series-{escape(s.key)}" + (" dashed" if s.dashed else "")
        out.append(f'<g id="series-{escape(s.key)}" class="{cls}">')
        d = " ".join(f"{'M' if j == 0 else 'L'}{px:.1f},{py:.1f}" for j, (px, py) in enumerate(pts))
        out.append(f'<path d="{d}" fill="none"/>')
        if n <= 40:
            for i in range(n):
                val = s.values[i]
                if val is None:
                    continue
                out.append(
                    f'<circle cx="{x_mid(i):.1f}" cy="{y(float(val)):.1f}" r="3.5">'
                    f"<title>{escape(categories[i])}: {escape(s.label)} "
                    f"{escape(value_format(float(val)))}</title></circle>"
                )
        out.append("</g>")
    out.append("</svg>")
    return Markup("".join(out))


def scale(values: Sequence[int | None], fa: bool) -> tuple[int, str]:
    """A unit for an axis of rial amounts: (divisor, its name)."""
    top = max((abs(v) for v in values if v is not None), default=0)
    for factor, name_fa, name_en in (
        (10**12, "هزار میلیارد ریال", "trillion rial"),
        (10**9, "میلیارد ریال", "billion rial"),
        (10**6, "میلیون ریال", "million rial"),
    ):
        if top >= factor:
            return factor, name_fa if fa else name_en
    return 1, "ریال" if fa else "rial"
