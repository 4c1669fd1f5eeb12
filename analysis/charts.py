"""Charts for briefings: ranges drawn as ranges, in vector SVG so they stay sharp in print."""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no screen on the build machines; notebooks get SVG through Chart
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, NullFormatter  # noqa: E402
import pandas as pd  # noqa: E402

from .intervals import Interval  # noqa: E402

CATEGORY_COLOURS = {"paid": "#b2182b", "contract": "#ef8a62", "volunteer": "#2166ac",
                    "conscript": "#762a83", "state_deployed": "#5aae61", "unknown": "#878787"}
STYLE = {"font.family": "DejaVu Sans", "font.size": 8, "svg.fonttype": "none",
         "svg.hashsalt": "briefings",  # stable element ids, so unchanged inputs give identical SVG
         "text.parse_math": False,  # a '$' in data must stay a dollar sign, not start maths
         "axes.spines.top": False, "axes.spines.right": False}
LABEL_LIMIT = 48


@dataclass(frozen=True)
class Chart:
    """A finished chart as SVG text; notebooks display it as a vector image."""

    title: str
    svg: str

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"image/svg+xml": self.svg, "text/plain": f"<chart: {self.title}>"}


def _label(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


def _finish(fig, title: str) -> Chart:
    buffer = io.StringIO()
    # One draw: "constrained" layout fits labels without bbox_inches="tight", which draws twice.
    fig.savefig(buffer, format="svg", metadata={"Date": None})  # no date: reproducible output
    plt.close(fig)
    return Chart(title, buffer.getvalue())


def _source_note(ax, text: str) -> None:
    """The source line under the chart, below the axis label (offset in points, so it never overlaps)."""
    text = text if len(text) <= 160 else text[:159] + "…"
    ax.annotate(text, xy=(0, 0), xycoords="axes fraction", xytext=(0, -34), textcoords="offset points",
                va="top", ha="left", fontsize=6.5, color="#555555", annotation_clip=False)


def _range_rows(ax, labels, intervals, colours, unit_label: str, stated=None, also_show=()):
    """Draw one horizontal range per row: a bar from low to high, an arrow when open above.

    ``also_show`` holds further values (e.g. reference wages) the x-axis must include.
    """
    positions = range(len(labels))[::-1]
    finite = [v for iv in intervals for v in (iv.low, iv.high) if v > 0] + [v for v in also_show if v > 0]
    right = max(finite) * 4 if finite else 10
    left = min(finite) / 2 if finite else 1
    for y, interval, colour in zip(positions, intervals, colours):
        low = max(interval.low, left)
        if interval.high > low:
            ax.plot([low, interval.high], [y, y], color=colour, linewidth=6, solid_capstyle="butt")
        ax.plot([interval.high], [y], marker="|", color=colour, markersize=10)
        ax.plot([low], [y], marker="|", color=colour, markersize=10)
        if interval.open_above:
            ax.annotate("", xy=(interval.high * 2.2, y), xytext=(interval.high, y),
                        arrowprops={"arrowstyle": "->", "color": colour, "linewidth": 1.2})
    if stated is not None:
        for y, interval, text in zip(positions, intervals, stated):
            ax.text(min(interval.high * (2.6 if interval.open_above else 1.25), right), y, _label(text),
                    va="center", fontsize=7)
    ax.set_yticks(list(positions), [_label(t) for t in labels])
    ax.set_xscale("log")
    ax.set_xlim(left, right * 3)
    # Plain numbers: the default log labels are maths text, which parse_math=False would print raw.
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}" if value >= 1 else f"{value:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(unit_label)
    ax.grid(axis="x", color="#dddddd", linewidth=0.5)
    ax.set_axisbelow(True)


def headcount_chart(latest: pd.DataFrame, source_note: str) -> Chart | None:
    """Latest figure of every headcount series as a range (people, log scale); None when empty.

    ``latest`` comes from :func:`analysis.headcounts.latest_claims`.
    """
    if latest.empty:
        return None
    rows = latest.sort_values(["side", "origin", "stage"])
    labels = [f"{r.side.title()} · {r.origin} · {str(r.stage).replace('_', ' ')}" for r in rows.itertuples()]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.0, 0.22 * len(rows) + 1.5), layout="constrained")
        _range_rows(ax, labels, list(rows["people"]), [CATEGORY_COLOURS[c] for c in rows["category"]],
                    "people (log scale); bar = range a claim allows, arrow = open above",
                    stated=list(rows["stated"]))
        handles = [plt.Line2D([], [], color=CATEGORY_COLOURS[c], linewidth=6, label=c.replace("_", " "))
                   for c in CATEGORY_COLOURS if c in set(rows["category"])]
        ax.legend(handles=handles, loc="lower right", fontsize=7, frameon=False)
        ax.set_title("Foreign fighters: latest claim in each series", loc="left", fontsize=9)
        _source_note(ax, source_note)
        return _finish(fig, "headcounts")


def pay_chart(offers: pd.DataFrame, references: list[tuple[str, Interval]], source_note: str) -> Chart | None:
    """Monthly offers as USD ranges (log scale) with reference wages as shaded bands; None when empty.

    ``offers`` needs ``label``, ``monthly_usd`` (Interval) and ``category`` columns;
    ``references`` is a list of (label, monthly USD interval) drawn as vertical bands.
    """
    if offers.empty:
        return None
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.0, 0.24 * len(offers) + 2.0), layout="constrained")
        _range_rows(ax, list(offers["label"]), list(offers["monthly_usd"]),
                    [CATEGORY_COLOURS.get(c, "#444444") for c in offers["category"]],
                    "US dollars per month (log scale)",
                    also_show=[v for _, band in references for v in (band.low, band.high)])
        palette = ["#e08214", "#8073ac", "#35978f", "#bf812d"]
        for i, (label, band) in enumerate(references):
            colour = palette[i % len(palette)]
            if band.high > band.low * 1.02:  # a range: shade it
                ax.axvspan(band.low, band.high, color=colour, alpha=0.25, linewidth=0, label=_label(label))
            else:  # a single figure: a line
                ax.axvline(band.low, color=colour, linewidth=1.2, linestyle="--", label=_label(label))
        if references:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=6.5, frameon=False)
        ax.set_title("Monthly pay offered, against reference wages", loc="left", fontsize=9)
        _source_note(ax, source_note)
        return _finish(fig, "pay")
