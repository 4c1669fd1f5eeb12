"""Charts for briefings: ranges drawn as ranges, in vector SVG so they stay sharp in print."""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no screen on the build machines; notebooks get SVG through Chart
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, NullFormatter  # noqa: E402
import pandas as pd  # noqa: E402


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
        if interval.high == 0:  # a reported zero has no place on a log axis: mark it at the left edge
            ax.plot([left], [y], marker="o", markerfacecolor="white", color=colour, markersize=5, clip_on=False)
            continue
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
            at = left * 1.4 if interval.high == 0 else min(interval.high * (2.6 if interval.open_above else 1.25), right)
            ax.text(at, y, _label(text) + (" (reported zero)" if interval.high == 0 else ""), va="center", fontsize=7)
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
    labels = [f"{r.side.title()} · {'all origins' if r.origin == 'all' else r.origin} · "
              f"{str(r.stage).replace('_', ' ')}{' (at the time)' if r.count_type == 'current' else ''}"
              f"{' (' + r.count_key[5:] + ')' if r.count_type == 'flow' else ''}" for r in rows.itertuples()]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.0, 0.22 * len(rows) + 1.5), layout="constrained")
        _range_rows(ax, labels, list(rows["people"]), [CATEGORY_COLOURS[c] for c in rows["category"]],
                    "people (log scale); bar = range a claim allows, arrow = open above",
                    stated=list(rows["stated"]))
        handles = [plt.Line2D([], [], color=CATEGORY_COLOURS[c], linewidth=6, label=c.replace("_", " "))
                   for c in CATEGORY_COLOURS if c in set(rows["category"])]
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(handles), fontsize=7, frameon=False)
        ax.set_title("Foreign fighters: latest claim in each series", loc="left", fontsize=9, pad=16)
        _source_note(ax, source_note)
        return _finish(fig, "headcounts")


def pay_chart(offers: pd.DataFrame, marks: list[dict], source_note: str, threshold: float) -> Chart | None:
    """Monthly offers as USD ranges (log scale), each with the pay in force for it; None when empty.

    ``offers`` needs ``label``, ``monthly_usd`` (Interval) and ``category`` columns. ``marks`` holds,
    per offer, the comparators in force on its date: ``home`` (a soldier's pay in the origin country)
    and ``army`` (the recruiting army's own pay), each an Interval or None. A comparator is drawn only
    on the rows where it was in force, with ``threshold`` × the army's pay beside it.
    """
    if offers.empty:
        return None
    extra = [v for m in marks for key in ("home", "army") if m.get(key) is not None
             for v in (m[key].low, m[key].high * threshold)]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.0, 0.3 * len(offers) + 1.9), layout="constrained")
        _range_rows(ax, list(offers["label"]), list(offers["monthly_usd"]),
                    [CATEGORY_COLOURS.get(c, "#444444") for c in offers["category"]],
                    "US dollars per month (log scale)", also_show=extra)
        positions = list(range(len(offers)))[::-1]
        for y, mark in zip(positions, marks):
            home, army = mark.get("home"), mark.get("army")
            if home is not None:
                ax.plot([home.low, max(home.high, home.low * 1.05)], [y, y], color="#35978f", linewidth=9,
                        alpha=0.35, solid_capstyle="butt")
            if army is not None:
                ax.plot([army.low, army.low], [y - 0.38, y + 0.38], color="#222222", linewidth=1.6)
                ax.plot([army.high * threshold] * 2, [y - 0.38, y + 0.38], color="#b2182b", linewidth=1.2,
                        linestyle=(0, (2, 1.5)))
        handles = [plt.Line2D([], [], color="#35978f", linewidth=8, alpha=0.35, label="soldier's pay at home"),
                   plt.Line2D([], [], color="#222222", linewidth=1.6, label="recruiting army's own pay"),
                   plt.Line2D([], [], color="#b2182b", linewidth=1.2, linestyle=(0, (2, 1.5)),
                              label=f"{threshold:g}× army pay (our convention)")]
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3, fontsize=6.5, frameon=False,
                  handlelength=1.5, columnspacing=1.0)
        ax.set_title("Monthly pay offered, against the pay in force at the time (a mark only where one was)",
                     loc="left", fontsize=9, pad=18)
        _source_note(ax, source_note)
        return _finish(fig, "pay")


# TEMPORARY until the charts rework lands.
Chart.__html__ = lambda self: f'<figure class="chart">{self.svg[self.svg.find("<svg"):]}</figure>'


def headcount_ranges(latest, stages):
    return headcount_chart(latest, "")


def claims_over_time(all_claims, as_of):
    return None


def origins_ranked(latest):
    return None


def pay_against_wages(army, multiples, monthly_offers, threshold):
    return None
