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
    rtl: bool = False,
) -> Markup:
    """A chart of bars (stacked) and lines over categories. Returns inline SVG markup.

    ``rtl``: the first category on the right and the value axis on the right, as a Persian
    reader reads. Category labels never overlap: long ones wrap onto two lines and, when
    they still do not fit their slot, are staggered over rows; many short ones (months)
    are thinned to the number that fits."""
    n = len(categories)
    value_format = value_format or y_format
    left, right, top, bottom = 78, 16, 36, 58
    plot_w = width - left - right
    slot = plot_w / max(n, 1)
    layout = _label_layout(categories, slot)
    bottom += layout.extra_height
    height += layout.extra_height
    plot_h = height - top - bottom
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

    def mx(x: float) -> float:
        """Mirror a horizontal position for a right-to-left chart."""
        return width - x if rtl else x

    def x_mid(i: int) -> float:
        return mx(left + slot * i + slot / 2)

    start, end = ("start", "end") if not rtl else ("end", "start")

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
            f'<line x1="{mx(left)}" x2="{mx(width - right)}" y1="{yy:.1f}" y2="{yy:.1f}" '
            'class="grid"/>'
        )
        out.append(
            f'<text x="{mx(left - 6)}" y="{yy + 4:.1f}" text-anchor="{end}">'
            f"{escape(y_format(v))}</text>"
        )
        k += 1
    if y_label:
        out.append(
            f'<text class="axis-label" x="{mx(left)}" y="{top - 16}" text-anchor="{start}">'
            f"{escape(y_label)}</text>"
        )
    out.append("</g>")
    # x axis labels (wrapped, staggered or thinned so that they never overlap)
    every = max(1, math.ceil(n / max_x_labels), layout.every)
    out.append('<g class="axis axis-x">')
    out.append(
        f'<line x1="{mx(left)}" x2="{mx(width - right)}" y1="{top + plot_h}" '
        f'y2="{top + plot_h}" class="baseline"/>'
    )
    shown = [i for i in range(n) if i % every == 0]
    if n and n - 1 not in shown:
        # the last label replaces the one before it when the two would collide
        if shown and (n - 1 - shown[-1]) * slot < layout.label_width + LABEL_GAP:
            shown[-1] = n - 1
        else:
            shown.append(n - 1)
    for k, i in enumerate(shown):
        label_lines = layout.lines[i]
        label_y = top + plot_h + 20
        first_dy = layout.row_offset_em(k)
        tspans = "".join(
            f'<tspan x="{x_mid(i):.1f}" dy="{(first_dy if j == 0 else LINE_EM):.2f}em">'
            f"{escape(t)}</tspan>"
            for j, t in enumerate(label_lines)
        )
        out.append(
            f'<text class="x-label" x="{x_mid(i):.1f}" y="{label_y}" text-anchor="middle">'
            f"{tspans}</text>"
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
                edge = x_mid(i) + (slot / 2 if rtl else -slot / 2)
                pts.append((edge, pts[-1][1]))
                pts.append((edge, y(float(val))))
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


# Label metrics for the largest size the style sheet gives chart text (22px on phones, where
# the chart is scaled down): what fits then fits at 12px on a desk. Vertical offsets are in
# em, so that they follow the size actually used.
LABEL_FONT = 22.0
CHAR_WIDTH = 0.62 * LABEL_FONT  # a generous average advance of a Vazirmatn glyph
LINE_EM = 1.35
ROW_GAP_EM = 0.5
LABEL_GAP = 10.0
MAX_ROWS = 4


@dataclass(frozen=True)
class _Layout:
    lines: list[list[str]]
    label_width: float
    every: int
    rows: int
    extra_height: int

    def row_offset_em(self, k: int) -> float:
        """How far below the first row the ``k``-th shown label sits, in em."""
        per_row = max(len(ls) for ls in self.lines) * LINE_EM + ROW_GAP_EM
        return (k % self.rows) * per_row


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _wrap(label: str, room: float) -> list[str]:
    """A label on one line, or on two split at the space nearest its middle."""
    if _text_width(label) <= room or " " not in label:
        return [label]
    words = label.split(" ")
    best = min(
        range(1, len(words)),
        key=lambda k: max(_text_width(" ".join(words[:k])), _text_width(" ".join(words[k:]))),
    )
    return [" ".join(words[:best]), " ".join(words[best:])]


def _label_layout(categories: Sequence[str], slot: float) -> _Layout:
    """How the category labels are placed so that no two overlap: on one row when they fit
    their slots; else staggered over as many rows as it takes for labels on the same row to
    be far enough apart (up to four); only beyond that are labels thinned."""
    room = slot - LABEL_GAP
    lines = [_wrap(c, room) for c in categories] or [[""]]
    widest = max((_text_width(t) for ls in lines for t in ls), default=0.0)
    tall = max(len(ls) for ls in lines)
    needed = max(1, math.ceil((widest + LABEL_GAP) / slot)) if slot > 0 else 1
    if len(categories) > 16:
        # many short labels (months, years): every few is shown, on one row
        rows, every = 1, needed
    else:
        rows = min(needed, MAX_ROWS)
        every = max(1, math.ceil(needed / MAX_ROWS))
    extra_em = (tall - 1) * LINE_EM + (rows - 1) * (tall * LINE_EM + ROW_GAP_EM)
    return _Layout(lines, widest, every, rows, math.ceil(extra_em * LABEL_FONT))


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
