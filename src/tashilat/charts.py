"""Charts of the affordability and construction-fund answers, as SVG or PNG bytes.

Outside ``domain`` (this is presentation, and floats are fine here). Every function takes a
domain result and returns the image as ``bytes``; nothing is kept between calls: each chart
is its own ``matplotlib.figure.Figure`` drawn by the Agg (PNG) or SVG canvas, without
pyplot and without touching ``rcParams``, so the functions are safe to call from a server.

Each plotted series carries an SVG id ``series-<name>`` and is named in the image metadata
(SVG ``<dc:description>``, PNG ``Description`` text chunk), so that tests and the web UI
can find it. Labels are in English: matplotlib cannot shape Persian script.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from tashilat.domain.errors import InvalidInput
from tashilat.domain.programs.construction.projection import FundProjection
from tashilat.domain.programs.wages.affordability import AllowanceNeed, BurdenReport, RentBurden

FORMATS = ("svg", "png")
SOFTWARE = "tashilat"
COLOURS = {
    "burden": "#c0392b",
    "limit": "#7f8c8d",
    "rent": "#c0392b",
    "allowance": "#2980b9",
    "needed": "#27ae60",
    "affordable": "#7f8c8d",
    "resources": "#2980b9",
    "obligations": "#c0392b",
    "deficit": "#e67e22",
}


def check_format(fmt: str) -> str:
    """``svg`` or ``png`` (case-insensitive), else a bilingual input error."""
    f = fmt.lower().lstrip(".")
    if f not in FORMATS:
        raise InvalidInput(
            "chart.format",
            f"قالب نمودار باید svg یا png باشد، نه «{fmt}».",
            f"The chart format must be svg or png, not '{fmt}'.",
            field="chart",
        )
    return f


def _plain(text: str) -> str:
    """Titles are plain text: a ``$`` in a loan's label must not start matplotlib math."""
    return text.replace("$", r"\$")


def _render(fig: Figure, fmt: str, title: str, series: Sequence[str]) -> bytes:
    fmt = check_format(fmt)
    description = "series: " + ", ".join(series)
    buf = BytesIO()
    if fmt == "png":
        metadata: dict[str, str | None] = {
            "Title": title,
            "Description": description,
            "Software": SOFTWARE,
        }
    else:
        metadata = {"Title": title, "Description": description, "Creator": SOFTWARE, "Date": None}
    # Figure.savefig picks the Agg (PNG) or SVG canvas for the format; no pyplot involved.
    fig.savefig(buf, format=fmt, metadata=metadata)
    return buf.getvalue()


def _figure() -> Figure:
    return Figure(figsize=(9, 5), dpi=100, layout="constrained")


def _scale(values: Sequence[int]) -> tuple[float, str]:
    top = max((abs(v) for v in values), default=0)
    for factor, name in (
        (10**12, "trillion rial"),
        (10**9, "billion rial"),
        (10**6, "million rial"),
    ):
        if top >= factor:
            return float(factor), name
    return 1.0, "rial"


def burden_chart(report: BurdenReport, fmt: str = "svg") -> bytes:
    """Instalment burden (% of household income) for every month of the loan, with the
    limit as a line."""
    months = [m.number for m in report.months]
    burden = [float(m.burden_percent) for m in report.months]
    limit = float(report.limit_percent)
    fig = _figure()
    ax = fig.add_subplot()
    if len(months) == 1:
        (line,) = ax.plot(months, burden, "o", color=COLOURS["burden"], label="burden")
    else:
        (line,) = ax.plot(
            months, burden, drawstyle="steps-post", color=COLOURS["burden"], label="burden"
        )
    line.set_gid("series-burden")
    limit_line = ax.axhline(
        limit, color=COLOURS["limit"], linestyle="--", label=f"limit {limit:g}%"
    )
    limit_line.set_gid("series-limit")
    ax.set_xlabel("month of the loan")
    ax.set_ylabel("instalment, % of household income")
    ax.set_ylim(bottom=0, top=max([*burden, limit]) * 1.1)
    title = (
        f"Instalment burden: {report.loan.label}, {report.loan.months} months "
        f"(income rising {report.wage_rise_percent}% a year)"
    )
    ax.set_title(_plain(title))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}%"))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right")
    return _render(fig, fmt, title, ["burden", "limit"])


def rent_chart(report: RentBurden | AllowanceNeed, fmt: str = "svg") -> bytes:
    """Rent against the housing allowance: bars for the rent, the current allowance, the
    rent affordable at the limit and (for an :class:`AllowanceNeed`) the allowance that
    would bring the rent down to the target share."""
    if isinstance(report, RentBurden):
        current = report.housing_allowance_rial
        limit = report.limit_percent
        affordable = report.affordable_rent_rial
        bars = [
            ("rent", "rent", report.rent_rial),
            ("allowance", "housing allowance", current),
            ("affordable", f"affordable rent ({limit:g}% of income)", affordable),
        ]
    else:
        current = report.current_allowance_rial
        limit = report.target_percent
        affordable = report.affordable_rent_rial
        bars = [
            ("rent", "rent", report.rent_rial),
            ("allowance", "housing allowance", current),
            ("needed", f"allowance needed for {limit:g}%", report.needed_allowance_rial),
            ("affordable", f"affordable rent ({limit:g}% of income)", affordable),
        ]
    factor, unit = _scale([b[2] for b in bars])
    fig = _figure()
    ax = fig.add_subplot()
    for i, (key, label, value) in enumerate(bars):
        (bar,) = ax.bar(i, value / factor, color=COLOURS[key], label=label)
        bar.set_gid(f"series-{key}")
        ax.annotate(
            f"{value:,}",
            (i, value / factor),
            ha="center",
            va="bottom",
            fontsize=8,
            xytext=(0, 2),
            textcoords="offset points",
        )
    ax.set_xticks(range(len(bars)), [b[1] for b in bars], fontsize=8)
    ax.set_ylabel(f"{unit} a month")
    title = "Rent vs the housing allowance"
    ax.set_title(_plain(title))
    ax.grid(axis="y", alpha=0.3)
    return _render(fig, fmt, title, [b[0] for b in bars])


def fund_chart(projection: FundProjection, fmt: str = "svg") -> bytes:
    """The construction workers' fund: resources and obligations by year, with each year's
    deficit as a bar."""
    years = [y.year for y in projection.years]
    resources = [y.resources_rial for y in projection.years]
    obligations = [y.obligations_rial for y in projection.years]
    deficit = [y.deficit_rial for y in projection.years]
    factor, unit = _scale([*resources, *obligations])
    fig = _figure()
    ax = fig.add_subplot()
    bars = ax.bar(
        years,
        [d / factor for d in deficit],
        color=COLOURS["deficit"],
        alpha=0.5,
        label="deficit",
    )
    for year, patch in zip(years, bars, strict=True):
        patch.set_gid(f"series-deficit-{year}")
    (res,) = ax.plot(
        years, [r / factor for r in resources], "o-", color=COLOURS["resources"], label="resources"
    )
    res.set_gid("series-resources")
    (obl,) = ax.plot(
        years,
        [o / factor for o in obligations],
        "s-",
        color=COLOURS["obligations"],
        label="obligations",
    )
    obl.set_gid("series-obligations")
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlabel("Jalali year")
    ax.set_ylabel(unit)
    ax.set_ylim(bottom=0)
    title = "Construction workers' insurance fund: resources vs obligations"
    ax.set_title(_plain(title))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    return _render(fig, fmt, title, ["resources", "obligations", "deficit"])
