"""Charts for briefings whose titles state the finding, computed from the data they draw.

Four charts, each returning a :class:`Chart` (or None when there is nothing to draw):

* :func:`claims_over_time` -- each series's claims by the date they became known;
* :func:`headcount_ranges` -- the latest figure for side x origin x stage, "not reported" shown as such;
* :func:`pay_against_wages` -- monthly offers against the soldier's pay at home and the recruiting
  army's own pay in force on the offer's date, with the Art. 47 threshold we use;
* :func:`origins_ranked` -- origins ranked by the largest figure reported for them.

A chart's title is the finding, written from the numbers (never a fixed caption), and is shown
above the chart as HTML text, with the source and notes beneath: neither is drawn inside the SVG,
so both are searchable, selectable, translatable and escaped like every other text. The SVG is
embedded as an ``<img>`` whose ``alt`` text states the finding and what is drawn, so a screen
reader (and the tagged PDF) gets the finding too.

Ranges are drawn as ranges, on log axes: every figure in this field is a claim, often a range or a
bound. An open-above figure ("20,000+") ends in an arrow; an "up to N" figure is a dashed bar
ending at N labelled "up to N", never a bar from the axis edge (which a reader would take for a
lower bound); a reported zero is a marked zero; a figure nobody reported is "not reported" text.
"""

from __future__ import annotations

import base64
import io
import math
import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no screen on the build machines; notebooks get HTML through Chart
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter  # noqa: E402
import pandas as pd  # noqa: E402

from .words import CATEGORY_NOUNS, place  # noqa: E402

from analysis.headcounts import stage_is_read  # noqa: E402
from analysis.intervals import Interval, date_text, format_claim, format_ratio  # noqa: E402
from analysis.judgements import UNCONFIRMED_CREDIBILITY  # noqa: E402
from .tables import notebook_html, Html, escape, join, tag  # noqa: E402

CATEGORY_COLOURS = {"paid": "#b2182b", "contract": "#ef8a62", "volunteer": "#2166ac",
                    "conscript": "#762a83", "state_deployed": "#5aae61", "unknown": "#878787"}
#: One colour per series in the claims-over-time chart (Okabe-Ito: distinguishable with colour-blindness).
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999933")
# Text at 9.5 pt in a 7-inch drawing prints at 9.5 pt at the PDF's 7-inch text width (A4 less two
# 16-mm margins), 9.3 pt at the HTML print's 6.85 inches: no text in print is under 9 pt, charts included.
TEXT_PT = 9.5
STYLE = {"font.family": "DejaVu Sans", "font.size": TEXT_PT, "svg.fonttype": "none",
         "svg.hashsalt": "briefings",  # stable element ids, so unchanged inputs give identical SVG
         "text.parse_math": False,  # a '$' in data must stay a dollar sign, not start maths
         "axes.spines.top": False, "axes.spines.right": False,
         "xtick.labelsize": TEXT_PT, "ytick.labelsize": TEXT_PT, "legend.fontsize": TEXT_PT,
         "axes.titlesize": TEXT_PT, "axes.labelsize": TEXT_PT}
LABEL_LIMIT = 48
#: Characters a legend label of a two-column legend holds on one line (half of a 7-inch drawing at 9.5 pt).
LEGEND_WRAP = 40
WIDTH = 7.0  # inches: the text width of A4 with 2 cm margins is 6.7 in; the page scales it to fit
MAX_HEIGHT = 5.5
MAX_SERIES = 8
HOME = "#35978f"
ARMY = "#222222"
THRESHOLD = "#b2182b"
MUTED = "#666666"

SIDE_NAMES = {"russia": "Russia", "ukraine": "Ukraine"}
# Nouns and "the" before some names come from the judgements' own words, declared once there;
# in a legend, a group of unstated status is simply "foreign fighters".
NOUNS = {**CATEGORY_NOUNS, "unknown": "foreign fighters"}
STAGE_LABELS = {"applied": "applied", "signed_up": "signed up", "arrived": "arrived", "deployed": "deployed",
                "killed": "killed", "missing": "missing in action", "left": "left"}
#: stage -> words after a group of people: "40,000+ paid recruits from Syria <who had signed up for Russia>"
STAGE_PHRASES = {"applied": "who had applied to fight for {side}", "signed_up": "who had signed up for {side}",
                 "arrived": "who had arrived to fight for {side}", "deployed": "deployed with {side}'s forces",
                 "killed": "killed fighting for {side}", "missing": "missing in action fighting for {side}",
                 "left": "who had left {side}'s forces"}
PRESENCE = ("arrived", "deployed")


# ------------------------------------------------------------------------------------------ Chart


@dataclass(frozen=True)
class Chart:
    """A finished chart: its finding (``title``), the drawing (``svg``), ``alt`` text (the finding
    and what is drawn) and ``note`` (source and notes, shown under the chart).

    In a notebook and in the briefing it shows as HTML: a ``<figure class="chart">`` with the title
    as its caption, the SVG as an ``<img>`` (a data URL, so the page stays self-contained and
    nothing inside the drawing can run) and the note beneath. Every piece of text is escaped.
    """

    title: str
    svg: str
    alt: str
    note: str

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        image = Html(f'<img class="chart-image" src="data:image/svg+xml;base64,{data}" alt="{escape(self.alt)}">')
        return tag("figure", join([tag("figcaption", self.title, class_="chart-title"), image,
                                   tag("p", self.note, class_="chart-note")]), class_="chart").markup

    def _repr_mimebundle_(self, include=None, exclude=None):
        # Shown alone in a notebook: wrapped like every other output (MathJax off, the briefing's style).
        return {"text/html": notebook_html(self._repr_html_()), "text/plain": f"Chart: {self.title}"}

    def __html__(self) -> str:  # a section template inserts the figure as it is
        return self._repr_html_()


# ------------------------------------------------------------------------------------------ words


def _label(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


def _side(side) -> str:
    return SIDE_NAMES.get(side, str(side).title())


def _place(name: str) -> str:
    return place(str(name))


def _group(category, origin) -> str:
    """'paid recruits from Syria', 'foreign volunteers' (all origins)."""
    noun = NOUNS.get(category, "foreign fighters")
    if origin == "all":
        return noun if noun.startswith("foreign") else f"foreign {noun}"
    return f"{noun} from {_place(origin)}"


def _stage(stage, side, count_type="cumulative") -> str:
    """'signed up for Russia'; a count of those present on one day adds 'at the time'."""
    phrase = STAGE_PHRASES.get(str(stage), str(stage).replace("_", " ")).format(side=_side(side))
    return phrase + (" at the time" if count_type == "current" else "")


def _months(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """'in March 2022', 'between March and April 2022', 'between March 2022 and April 2024'."""
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    if (first.year, first.month) == (last.year, last.month):
        return f"in {first:%B %Y}"
    if first.year == last.year:
        return f"between {first:%B} and {last:%B %Y}"
    return f"between {first:%B %Y} and {last:%B %Y}"


def _stated(row) -> str:
    """The figure as its source put it ('about 50,000'), from ``stated`` when the frame has it."""
    stated = row.get("stated") if hasattr(row, "get") else None
    if isinstance(stated, str) and stated:
        return stated
    people = row["people"]
    return format_claim("range" if people.low != people.high else "exactly", people.low, people.high) + (
        "+" if people.open_above else "")


def _count(n: int, noun: str) -> str:
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}
    plural = noun if n == 1 or noun.endswith("series") else noun + "s"
    return f"{words.get(n, str(n))} {plural}"


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


# ------------------------------------------------------------------------------------------ drawing


def _mid(interval: Interval) -> float:
    return (interval.low + interval.high) / 2


def _up_to(row, interval: Interval) -> bool:
    """An 'up to N' claim: a ceiling only (low end zero by rule, high end above zero)."""
    return (row.get("qualifier") == "up_to" if hasattr(row, "get") else False) or (
        interval.low == 0 and interval.high > 0 and not interval.open_above)


_TICK_PT = 7.0  # a tick's length and its label's pad (3.5 pt each, matplotlib's defaults)
_LABEL_PAD_PT = 4.0
_EDGE_IN = 0.06  # clear space at the drawing's edges, inches


def _text_width_pt(text: str) -> float:
    """Width of ``text`` at TEXT_PT in DejaVu Sans, from the font's metrics (no drawing)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    width, _, _ = text_to_path.get_text_width_height_descent(text, FontProperties(family="DejaVu Sans", size=TEXT_PT),
                                                              ismath=False)
    return width


def _legend_rows(legend) -> tuple[int, int]:
    """A figure legend's rows, and its lines of text (a label may run to two lines): entries fill
    the first column first, as matplotlib lays them out."""
    heights = [t.get_text().count("\n") + 1 for t in legend.get_texts()]
    columns = max(1, legend._ncols)
    rows = math.ceil(len(heights) / columns)
    lines = sum(max(heights[r::rows] or [1]) for r in range(rows))
    return rows, lines


def _fixed_layout(fig) -> None:
    """Place the axes and the figure legend from the sizes of the texts around them, measured from
    the font, instead of a layout engine: one draw when the SVG is written, not three (constrained
    layout lays the figure out in a dry-run draw first, then draws it again)."""
    ax = fig.axes[0]
    width_in, height_in = fig.get_size_inches()
    line_pt = TEXT_PT * 1.2
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    left_pt = max((_text_width_pt(t) for t in labels), default=0.0) + _TICK_PT
    if ax.get_ylabel():
        left_pt += line_pt + _LABEL_PAD_PT
    bottom_pt = line_pt + _TICK_PT + (line_pt + _LABEL_PAD_PT if ax.get_xlabel() else 0.0)
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    right_pt = max(_text_width_pt(ticks[-1]) / 2 if ticks else 0.0, 6.0)
    top_pt = line_pt / 2
    for legend in fig.legends:
        rows, lines = _legend_rows(legend)
        legend_pt = (lines - rows) * line_pt * 1.15 + rows * TEXT_PT * (1 + legend.labelspacing) \
            + 2 * legend.borderpad * TEXT_PT
        upper = legend._loc in (2, 9, 1)  # upper left, upper center, upper right
        legend.set_bbox_to_anchor((0.5, 1 - _EDGE_IN / height_in if upper else _EDGE_IN / height_in),
                                  transform=fig.transFigure)
        if upper:
            top_pt += legend_pt
        else:
            bottom_pt += legend_pt
    fig.subplots_adjust(left=_EDGE_IN / width_in + left_pt / 72 / width_in,
                        right=1 - _EDGE_IN / width_in - right_pt / 72 / width_in,
                        bottom=_EDGE_IN / height_in + bottom_pt / 72 / height_in,
                        top=1 - _EDGE_IN / height_in - top_pt / 72 / height_in)


def _finish(fig, title: str, description: str, note: str) -> Chart:
    buffer = io.StringIO()
    _fixed_layout(fig)
    fig.savefig(buffer, format="svg", metadata={"Date": None})  # no date: reproducible output
    plt.close(fig)
    return Chart(title, buffer.getvalue(), f"{_sentence(title)} {_sentence(description)}", note)


def _log_axis(axis, label: str) -> None:
    """Plain numbers on a log axis: the default labels are maths text, which parse_math=False prints raw."""
    # At most six labelled decades: an axis widened to hold its bars' labels (_place_labels) spans
    # many, and a label at every decade runs the numbers into each other.
    axis.set_major_locator(LogLocator(base=10, numticks=6))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}" if value >= 1 else f"{value:g}"))
    axis.set_minor_formatter(NullFormatter())
    axis.set_label_text(label)


def _height(rows: int, per_row: float = 0.19, extra: float = 1.1) -> float:
    # Row heights were set for 7-pt text; at TEXT_PT a row needs proportionally more room.
    scale = TEXT_PT / 8.5
    return min(MAX_HEIGHT, max(1.8, per_row * scale * rows + extra * scale))


def _draw_range(ax, y: float, interval: Interval, colour: str, *, left: float, up_to: bool, gid: str | None = None,
                width: float = 6) -> float:
    """One horizontal range at height ``y``; returns the x where a label may start."""
    if interval.high == 0:  # a reported zero: a marked zero at the axis's left edge, never a bar
        ax.plot([left], [y], marker="o", markerfacecolor="white", color=colour, markersize=5, clip_on=False, gid=gid)
        return left * 1.5
    if up_to:  # a ceiling: dashed bar ending at N with a cap, so the axis edge is not read as a bound
        ax.plot([interval.high / 4, interval.high], [y, y], color=colour, linewidth=2, linestyle=(0, (2, 1.5)),
                solid_capstyle="butt", gid=gid)
        ax.plot([interval.high], [y], marker="|", color=colour, markersize=10, markeredgewidth=2)
        return interval.high * 1.3
    low = max(interval.low, left)
    if interval.high > low:
        ax.plot([low, interval.high], [y, y], color=colour, linewidth=width, solid_capstyle="butt", gid=gid)
        ax.plot([low, interval.high], [y, y], linestyle="none", marker="|", color=colour, markersize=10)
    else:
        ax.plot([low], [y], marker="o", color=colour, markersize=5, gid=gid)
    if interval.open_above:
        ax.annotate("", xy=(interval.high * 2.2, y), xytext=(interval.high, y),
                    arrowprops={"arrowstyle": "->", "color": colour, "linewidth": 1.2})
        return interval.high * 2.6
    return interval.high * 1.3


def _unconfirmed(row) -> bool:
    """A figure of credibility 4–6 (method rule 16): drawn, never ranked, and labelled so."""
    grade = row.get("credibility")
    return grade is not None and not pd.isna(grade) and int(grade) >= 4


def _bar_start(interval: Interval, left: float, up_to: bool) -> float:
    """Where :func:`_draw_range` starts drawing ``interval``: the x left of which a label may end."""
    if interval.high == 0:
        return left
    if up_to:
        return interval.high / 4
    return max(interval.low, left)


def _place_labels(ax, labels, left: float, right: float, *, left_of_bar: bool = True) -> None:
    """Write each bar's label beside it, all inside the drawing, and set the x range of the axes.

    ``labels`` holds (y, text, x after the bar, x where the bar starts) on a log axis whose data
    reach ``right``. A label goes right of its bar where it fits before the axes' right edge, else
    left of the bar where the room there holds it; a label that fits on neither side widens the axis
    to the right until it fits. The axes' width is measured as :func:`_fixed_layout` will lay it
    out, from the font's metrics, so no label is cut at the edge of the chart. With
    ``left_of_bar=False`` (rows that draw more than their bar: the pay chart's wages) labels go right
    only."""
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    inner = (WIDTH - 2 * _EDGE_IN) * 72 - (max((_text_width_pt(t) for t in ticks), default=0.0) + _TICK_PT) \
        - (TEXT_PT * 1.2 + _LABEL_PAD_PT if ax.get_ylabel() else 0.0)
    span = math.log(right * 2 / left)

    def axes_width(whole: float) -> float:
        """The axes' width in points on an axis spanning ``whole``: _fixed_layout leaves half the
        last decade's label (or 6 pt) on the right."""
        decade = 10 ** math.floor(math.log10(left * math.exp(whole)))
        return inner - max(_text_width_pt(f"{decade:,.0f}") / 2, 6.0) - 2.0

    def fraction(x: float, whole: float) -> float:
        return math.log(max(x, left) / left) / whole

    def layout(whole: float):
        """Each label's place on an axis spanning ``whole`` (log units), or None where one fits nowhere."""
        out, width = [], axes_width(whole)
        for y, text, at, start in labels:
            need = (_text_width_pt(text) + _LABEL_PAD_PT) / width
            if fraction(at, whole) + need <= 1:
                out.append((y, text, at, "left"))
            elif left_of_bar and fraction(start, whole) - need >= 0.0:
                out.append((y, text, start / 1.08, "right"))
            else:
                return None
        return out

    # The narrowest axis, from the data's own reach, on which every label fits beside its bar.
    placed, tries = layout(span), 0
    while placed is None and tries < 120:  # 1.04 ** 120: a hundredfold span; a label wider than the axes stops it
        span, tries = span * 1.04, tries + 1
        placed = layout(span)
    if placed is None:
        placed = [(y, text, at, "left") for y, text, at, _ in labels]
    for y, text, x, align in placed:
        ax.text(x, y, text, va="center", ha=align, fontsize=TEXT_PT)
    ax.set_xlim(left, left * math.exp(span))


def _people_axis(fig, ax, label: str, categories) -> None:
    """A log axis of people with its caption and grid, and a legend of the categories drawn."""
    _log_axis(ax.xaxis, label)
    ax.grid(axis="x", color="#dddddd", linewidth=0.5)
    ax.set_axisbelow(True)
    shown = [c for c in CATEGORY_COLOURS if c in set(categories)]
    handles = [plt.Line2D([], [], color=CATEGORY_COLOURS[c], linewidth=6, label=NOUNS[c]) for c in shown]
    fig.legend(handles=handles, loc="upper center", ncol=min(len(handles), 4), frameon=False)


def _x_limits(values) -> tuple[float, float]:
    finite = [v for v in values if v and v > 0 and math.isfinite(v)]
    if not finite:
        return 1.0, 10.0
    return min(finite) / 3, max(finite) * 6


# ------------------------------------------------------------------------------------------ 1. claims over time


def _series_key(frame: pd.DataFrame) -> list[str]:
    count = "count_key" if "count_key" in frame.columns else "count_type"
    return ["side", "origin", "category", "stage", count]


def _series_label(key) -> str:
    side, origin, category, stage, count = key
    where = "all origins" if origin == "all" else origin
    extra = " (at the time)" if count == "current" else (" (over a period)" if str(count).startswith("flow") else "")
    # In words, whole: the category as the glossary names it ("state-sent troops", not a code).
    return " ".join(f"{_side(side)} · {where}: {NOUNS.get(str(category), str(category))}, "
                    f"{STAGE_LABELS.get(str(stage), stage)}{extra}".split())


def claims_over_time(all_claims: pd.DataFrame, as_of, *, title: str, highlight=None,
                     source: str = "Source: the claims listed in the appendix.") -> Chart | None:
    """Each series's claims by the date it became known (people, log scale); None when there are none.

    ``all_claims`` comes from :func:`analysis.headcounts.claims_as_of` (columns ``known_from``,
    ``people``, ``stated``, ``adversary``, ``side``, ``origin``, ``category``, ``stage``,
    ``count_type`` or ``count_key``, ``claim_id``; ``part_of`` and ``qualifier`` when present). A
    series is side x origin x category x stage x count (flows of different periods are different
    series). At most :data:`MAX_SERIES` series are drawn, those with most claims, then the largest;
    the note says how many are left out. Parts of a reported total are not drawn (the total is).

    ``title`` is the finding, written by the caller from the one notion of a change over time
    (:func:`analysis.headcounts.trends`); ``highlight`` is the series key it names, always drawn.
    Adversary claims are drawn with hollow markers ("claim by the other side").
    """
    if all_claims is None or all_claims.empty:
        return None
    claims = all_claims
    parts = 0
    if "part_of" in claims.columns:
        is_part = claims["part_of"].notna() & claims["part_of"].isin(claims["claim_id"])
        parts, claims = int(is_part.sum()), claims[~is_part]
    key = _series_key(claims)
    groups = {k: g for k, g in claims.groupby(key, observed=True, sort=True)}
    ranked = sorted(groups, key=lambda k: (-len(groups[k]), -max(p.high for p in groups[k]["people"]),
                                           [str(v) for v in k]))
    drawn = ranked[:MAX_SERIES]
    highlight = None if highlight is None else tuple(highlight)
    if highlight is not None and highlight in groups and highlight not in drawn:
        drawn[-1] = highlight
    left_out = len(groups) - len(drawn)

    frame = claims[claims.set_index(key).index.isin(drawn)]
    dates = pd.to_datetime(frame["known_from"])
    span = max((dates.max() - dates.min()).days, 30)
    highs = [p.high for p in frame["people"]] + [p.low for p in frame["people"]]
    bottom, top = _x_limits(highs)
    bottom /= 2  # room below the smallest figure, so a zero drawn on the axis is not read as a tick's value
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH, 3.8))  # the legend below takes the rest
        ax.set_yscale("log")
        series_handles, zero_drawn = [], False
        for i, k in enumerate(drawn):
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            group = groups[k].sort_values(["known_from", "claim_id"])
            shift = pd.Timedelta(days=(i - (len(drawn) - 1) / 2) * span * 0.005)
            xs, ys = [], []
            for _, row in group.iterrows():
                x, people, other = pd.Timestamp(row["known_from"]) + shift, row["people"], bool(row["adversary"])
                face = "white" if other else colour
                up_to = _up_to(row, people)
                if people.high == 0:
                    y = bottom
                    # A cross, not a hollow circle: hollow marks a claim by the other side.
                    ax.plot([x], [y], marker="x", color=colour, markersize=6, clip_on=False)
                    zero_drawn = True
                    ax.annotate("0", (x, y), xytext=(4, 2), textcoords="offset points", fontsize=TEXT_PT, color=colour)
                elif up_to:
                    y = people.high
                    ax.plot([x, x], [people.high / 4, people.high], color=colour, linewidth=1.6,
                            linestyle=(0, (2, 1.5)))
                    ax.plot([x], [y], marker="_", color=colour, markersize=8, markeredgewidth=2)
                elif people.is_point or people.low == people.high:
                    y = people.low
                    ax.plot([x], [y], marker="o", markerfacecolor=face, color=colour, markersize=5)
                else:
                    y = math.sqrt(max(people.low, bottom) * people.high)
                    ax.plot([x, x], [max(people.low, bottom), people.high], color=colour, linewidth=3,
                            solid_capstyle="butt")
                    if other:
                        ax.plot([x], [y], marker="o", markerfacecolor="white", color=colour, markersize=5)
                if people.open_above:
                    ax.annotate("", xy=(x, people.high * 2.2), xytext=(x, people.high),
                                arrowprops={"arrowstyle": "->", "color": colour, "linewidth": 1.2})
                xs.append(x)
                ys.append(y)
            ax.plot(xs, ys, color=colour, linewidth=0.7, alpha=0.6)
            series_handles.append(plt.Line2D([], [], color=colour, marker="o", linewidth=0.7, markersize=4,
                                             label=_series_label(k)))
        key_handles = [
            plt.Line2D([], [], color=MUTED, linewidth=3, label="range a claim allows"),
            plt.Line2D([], [], color=MUTED, marker="o", linestyle="none", markersize=4, label="exact figure"),
            plt.Line2D([], [], color=MUTED, marker="^", linestyle="none", markersize=4,
                       label="open above (e.g. 20,000+)"),
            plt.Line2D([], [], color=MUTED, linewidth=1.6, linestyle=(0, (2, 1.5)), label="up to N (a ceiling)"),
            plt.Line2D([], [], color=MUTED, marker="o", markerfacecolor="white", linestyle="none", markersize=5,
                       label="claim by the other side"),
        ] + ([plt.Line2D([], [], color=MUTED, marker="x", linestyle="none", markersize=5,
                         label="a reported 0 (at the axis foot)")] if zero_drawn else [])
        # Below the plot, so the time axis keeps the full width: series first, then the marker key.
        # Two columns; a label too long for half the width runs to a second line, never cut short.
        for handle in series_handles:
            handle.set_label(textwrap.fill(handle.get_label(), LEGEND_WRAP))
        legend = fig.legend(handles=series_handles + key_handles, loc="lower center", ncol=2,
                            frameon=False, handlelength=1.6, columnspacing=1.2)
        legend.set_gid("legend")
        rows, lines = _legend_rows(legend)
        # Half the room the second lines take is added; the plot gives up the rest.
        fig.set_size_inches(WIDTH, 3.8 + (lines - rows) * TEXT_PT * 0.6 / 72)
        ax.set_ylim(bottom, top)
        _log_axis(ax.yaxis, "people (log scale)")
        # Ticks counted from the first claim's month (not from a round year), so the first tick is at
        # the start of the period drawn and the title's months are labelled.
        if span < 120:
            ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=7))
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %Y"))
        else:
            first = dates.min().to_period("M").to_timestamp()
            step = max(1, math.ceil((span / 30.4) / 6))  # about six ticks, whole months apart
            ax.set_xticks(list(pd.date_range(first, dates.max(), freq=f"{step}MS")))
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        ax.set_xlim(dates.min() - pd.Timedelta(days=span * 0.04), dates.max() + pd.Timedelta(days=span * 0.04))
        ax.set_xlabel("date the claim became known")
        ax.grid(axis="y", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
        description = (f"Each claim in {_count(len(drawn), 'series')} of headcounts is drawn at the date it "
                       "became known, on a logarithmic scale of people: ranges as vertical bars, exact figures "
                       "as points, open-ended figures with an arrow, claims by the other side as hollow points")
        notes = [source, f"As known by {date_text(as_of)}; a claim dated to a month is placed at the month's end; "
                 "points of one date are set slightly apart."]
        if left_out:
            notes.append(f"{_count(left_out, 'further series').capitalize()} with fewer claims not drawn.")
        if parts:
            notes.append(f"{_count(parts, 'claim').capitalize()} that {'is' if parts == 1 else 'are'} part of a "
                         "reported total not drawn.")
        return _finish(fig, title, description, " ".join(notes))


# ------------------------------------------------------------------------------------------ 2. headcount ranges


def _own_stocks(latest: pd.DataFrame) -> pd.DataFrame:
    """Claims that may carry a headline figure: not a party's about its adversary, not a flow."""
    keep = ~latest["adversary"].astype(bool) if "adversary" in latest.columns else pd.Series(True, latest.index)
    if "count_type" in latest.columns:
        keep &= latest["count_type"] != "flow"
    return latest[keep]


def _headcount_rows(latest: pd.DataFrame, stages):
    """What :func:`headcount_ranges` draws: (the stocks of ``stages``, the groups drawn, the groups
    left out, one (group, stage, claim or None) per row), or None when nothing is left to draw."""
    if latest is None or latest.empty:
        return None
    stages = [str(s) for s in stages]
    frame = _own_stocks(latest)
    frame = frame[frame["stage"].astype(str).isin(stages)]
    if frame.empty:
        return None
    ordered = frame.assign(_current=(frame["count_type"] == "current") if "count_type" in frame.columns else False,
                           _stage=frame["stage"].astype(str))
    ordered = ordered.sort_values(["_current", "known_from", "claim_id"], ascending=[True, False, True])
    best = ordered.drop_duplicates(["side", "origin", "_stage"], keep="first").set_index(["side", "origin", "_stage"])
    groups = sorted({(s, o) for s, o, _ in best.index},
                    key=lambda g: (-max(_mid(best.loc[g + (st,), "people"]) for st in stages if g + (st,) in best.index),
                                   str(g[0]), str(g[1])))
    # Many origins make a chart nobody can read: the largest MAX_SERIES groups are drawn, the rest are
    # counted in the note (every figure is in the appendix's stage grid).
    omitted, groups = groups[MAX_SERIES:], groups[:MAX_SERIES]
    rows = [(g, st, best.loc[g + (st,)] if g + (st,) in best.index else None) for g in groups for st in stages]

    return frame, groups, omitted, rows


def _part_at(parts: pd.DataFrame | None, side, origin, stage):
    """The latest-known part (``part_of`` another claim) for one side, origin and stage, or None."""
    if parts is None or parts.empty:
        return None
    here = parts[(parts["side"] == side) & (parts["origin"] == origin) & (parts["stage"].astype(str) == stage)]
    return None if here.empty else here.sort_values(["known_from", "claim_id"]).iloc[-1]


def drawn_headcounts(latest: pd.DataFrame, stages=("signed_up", "arrived", "deployed")) -> pd.DataFrame:
    """The claims :func:`headcount_ranges` draws a bar for, so that its title can describe the
    same set (an unconfirmed bar, a count at one time)."""
    picked = _headcount_rows(latest, stages)
    if picked is None:
        return latest.iloc[0:0] if latest is not None else pd.DataFrame()
    return pd.DataFrame([claim for _, _, claim in picked[3] if claim is not None])


def headcount_ranges(latest: pd.DataFrame, stages=("signed_up", "arrived", "deployed"), *, title: str,
                     source: str = "Source: the latest claim in each series, listed in the appendix.",
                     parts: pd.DataFrame | None = None) -> Chart | None:
    """The latest figure for each side x origin x stage in ``stages``, as horizontal ranges (log scale).

    ``latest`` comes from :func:`analysis.headcounts.latest_claims`; claims by a party about its
    adversary and counts over a period are left out here. Where a series has both a count to date and
    a count of those present at one time, the count to date is drawn. Every side x origin with a
    figure for at least one of ``stages`` gets one row per stage, for the :data:`MAX_SERIES` groups
    with the largest figures (the note names the others); a stage with no figure is shown as "not
    reported" text (unknown is not zero), a reported zero as a marked zero, "up to N" as a dashed bar
    ending at N. None when no figure is left.

    ``title`` is the finding, written by the caller from the claims it rests on (the one notion
    of "largest" in :mod:`analysis.headcounts`); a figure whose stage is our reading of its source
    is labelled so. ``parts`` are claims that break down another claim (``part_of``): never drawn
    beside their total, but a stage whose only figure is such a part says so instead of "not
    reported" (North Korea's "at least 10,000" in Kursk, part of the 11,000–12,000 in Russia).
    """
    picked = _headcount_rows(latest, stages)
    if picked is None:
        return None
    frame, groups, omitted, rows = picked
    stages = [str(s) for s in stages]
    lefts, rights = _x_limits([v for _, _, c in rows if c is not None for v in (c["people"].low, c["people"].high)])
    positions = list(range(len(rows)))[::-1]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH, _height(len(rows), 0.17, 1.0)))
        ax.set_xscale("log")
        labels, texts = [], []
        for y, ((side, origin), stage, claim) in zip(positions, rows):
            first = stage == stages[0]
            where = "all origins" if origin == "all" else origin
            labels.append(_label(f"{_side(side)} · {where} · {STAGE_LABELS.get(stage, stage)}") if first
                          else STAGE_LABELS.get(stage, stage))
            if first and y != positions[0]:
                ax.axhline(y + 0.5, color="#cccccc", linewidth=0.6)
            if claim is None:
                part = _part_at(parts, side, origin, stage)
                text = ("not reported" if part is None else
                        f"{part['stated']}: part of {part.get('total_stated') or 'a larger count'}, not drawn")
                ax.text(lefts * 1.15, y, text, va="center", fontsize=TEXT_PT, color=MUTED, style="italic",
                        gid=f"not-reported-{y}")
                continue
            people = claim["people"]
            colour = CATEGORY_COLOURS.get(claim["category"], "#444444")
            up_to = _up_to(claim, people)
            at = _draw_range(ax, y, people, colour, left=lefts, up_to=up_to,
                             gid=f"up-to-{y}" if up_to else f"figure-{y}")
            text = _stated(claim)
            if people.high == 0:
                text = "0 (reported zero)"
            elif up_to and not text.startswith("up to"):
                text = f"up to {text}"
            if claim.get("count_type") == "current":
                text += " (at the time)"
            marks = (["our reading"] if stage_is_read(claim.get("stage_detail")) else []) + \
                (["unconfirmed"] if _unconfirmed(claim) else [])
            if marks:
                text += f" ({'; '.join(marks)})"
            texts.append((y, _label(text), min(at, rights), _bar_start(people, lefts, up_to)))
        ax.set_yticks(positions, labels)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        _place_labels(ax, texts, lefts, rights)
        _people_axis(fig, ax, "people (log scale); arrow = open above; dashed = up to N", frame["category"])
        description = (f"Horizontal ranges on a logarithmic scale give the latest figure for each of "
                       f"{_count(len(groups), 'group')} (side and origin) at each stage, with 'not reported' "
                       f"where no figure exists")
        note = (f"{source} Claims by a party about its adversary and counts over a period are not drawn; where a "
                "series has a count to date and a count of those present at one time, the count to date is drawn. "
                "'Not reported' means no figure, not zero.")
        if omitted:
            note += (f" Only the {len(groups)} largest groups are drawn; {_count(len(omitted), 'smaller group')} "
                     f"({', '.join(f'{_side(s)} · {o}' for s, o in omitted)}) are in the appendix.")
        return _finish(fig, title, description, note)


# ------------------------------------------------------------------------------------------ 3. pay against wages


def pay_against_wages(army: pd.DataFrame, multiples: pd.DataFrame, monthly_offers: pd.DataFrame, threshold: float,
                      *, title: str, source: str = "Source: offers and wages in the Pay tables.") -> Chart | None:
    """Each monthly offer (USD range, log scale) against the pay in force on its date; None when none.

    ``monthly_offers`` comes from :func:`analysis.pay.comparable_offers` (``offer_id``, ``origin``,
    ``category``, ``monthly_usd``, ``date_reported``, ``date_precision``); ``multiples`` from
    :func:`analysis.pay.home_wage_multiples` (rows with measure ``soldier_pay`` give the soldier's
    pay at home, ``wage_usd``, and ``multiple``); ``army`` from
    :func:`analysis.pay.army_pay_comparison` (``army_pay_usd`` and ``ratio``, None where no army pay
    was in force). A comparator is drawn only on the rows where it was in force (SVG ids
    ``home-pay-N``, ``army-pay-N`` and ``threshold-N`` for row N), and ``threshold`` x the army's
    pay beside the army's pay.

    ``title`` is the finding, written by the caller from the claims it rests on (the offers'
    multiples and the threshold reading computed once in :mod:`analysis.pay`).
    """
    if monthly_offers is None or monthly_offers.empty:
        return None
    offers = monthly_offers.sort_values(["origin", "date_reported", "offer_id"])
    soldier = multiples[multiples["measure"] == "soldier_pay"].drop_duplicates("offer_id").set_index("offer_id")
    army_rows = army.drop_duplicates("offer_id").set_index("offer_id")

    labels = [f"{'All origins' if o.origin == 'all' else o.origin} · "
              f"{date_text(o.date_reported, getattr(o, 'date_precision', 'day') or 'day')}" for o in offers.itertuples()]
    extra = []
    for offer_id in offers["offer_id"]:
        if offer_id in soldier.index:
            extra += [soldier.loc[offer_id, "wage_usd"].low, soldier.loc[offer_id, "wage_usd"].high]
        if offer_id in army_rows.index and army_rows.loc[offer_id, "army_pay_usd"] is not None:
            pay = army_rows.loc[offer_id, "army_pay_usd"]
            extra += [pay.low, pay.high * threshold]
    values = [v for m in offers["monthly_usd"] for v in (m.low, m.high)] + extra
    left, right = _x_limits(values)
    positions = list(range(len(offers)))[::-1]
    texts = []
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH, _height(len(offers), 0.24, 1.1)))
        ax.set_xscale("log")
        for y, (_, offer) in zip(positions, offers.iterrows()):
            offer_id = offer["offer_id"]
            if offer_id in soldier.index:
                home = soldier.loc[offer_id, "wage_usd"]
                ax.plot([home.low, max(home.high, home.low * 1.08)], [y, y], color=HOME, linewidth=10, alpha=0.35,
                        solid_capstyle="butt", gid=f"home-pay-{y}")
            pay = army_rows.loc[offer_id, "army_pay_usd"] if offer_id in army_rows.index else None
            if pay is not None and not (isinstance(pay, float) and math.isnan(pay)):
                ax.plot([pay.low, pay.low], [y - 0.38, y + 0.38], color=ARMY, linewidth=1.6, gid=f"army-pay-{y}")
                ax.plot([pay.high * threshold] * 2, [y - 0.38, y + 0.38], color=THRESHOLD, linewidth=1.2,
                        linestyle=(0, (2, 1.5)), gid=f"threshold-{y}")
            interval = offer["monthly_usd"]
            up_to = interval.low == 0 < interval.high  # "up to $N": a ceiling, dashed as the legend says
            at = _draw_range(ax, y, interval, CATEGORY_COLOURS.get(offer["category"], "#444444"), left=left,
                             up_to=up_to, width=5, gid=f"up-to-{y}" if up_to else f"offer-{y}")
            text = (f"up to {format_claim('exactly', interval.high, None, '$')}" if up_to
                    else format_claim("range", interval.low, interval.high, "$") + ("+" if interval.open_above else ""))
            if _unconfirmed(offer):
                text += " (unconfirmed)"
            texts.append((y, text, min(at, right), _bar_start(interval, left, up_to)))
        ax.set_yticks(positions, [_label(t) for t in labels])
        ax.set_ylim(-0.7, len(offers) - 0.3)
        _place_labels(ax, texts, left, right, left_of_bar=False)  # wages share the rows: labels go right
        _log_axis(ax.xaxis, "US dollars a month (log scale); dashed = up to N")
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
        shown = [c for c in CATEGORY_COLOURS if c in set(offers["category"])]
        handles = [plt.Line2D([], [], color=CATEGORY_COLOURS[c], linewidth=5, label=f"offer: {NOUNS[c]}")
                   for c in shown]
        handles += [plt.Line2D([], [], color=HOME, linewidth=8, alpha=0.35, label="soldier's pay at home"),
                    plt.Line2D([], [], color=ARMY, linewidth=1.6, label="recruiting army's own pay"),
                    plt.Line2D([], [], color=THRESHOLD, linewidth=1.2, linestyle=(0, (2, 1.5)),
                               label=f"{threshold:g}× army pay (our convention, not law)")]
        fig.legend(handles=handles, loc="upper center", ncol=2, frameon=False, handlelength=1.5,
                   columnspacing=1.0)
        description = (f"Each of {_count(len(offers), 'monthly offer')} is drawn as a range of US dollars on a "
                       "logarithmic scale, with the soldier's pay at home and the recruiting army's own pay marked "
                       "on the rows where one was in force on the offer's date")
        note = (f"{source} Comparators are those in force on each offer's date; where sources disagree, every "
                "figure in force is used. A row without one says why: not on record (which does not mean there "
                "was none), on record but not in force on its date, or no exchange rate of the day. "
                f"The {threshold:g}× line is our reading of 'substantially in excess' in Art. 47(2)(c), an "
                "analytic convention, not a legal rule.")
        return _finish(fig, title, description, note)


# ------------------------------------------------------------------------------------------ 4. origins ranked


def origins_ranked(ranked: pd.DataFrame, *, title: str, regions: int = 0,
                   source: str = "Source: the latest claim in each series, listed in the appendix.") -> Chart | None:
    """Origins in the order the caller ranked them, one range each; None when there is none.

    ``ranked`` holds one row per origin and kind of count (a claim of
    :func:`analysis.headcounts.latest_claims`), already ordered by
    :func:`analysis.headcounts.ranked_origins`: counts to date first, then counts of those present
    at one time, each block largest first, never ranked against each other (method rule 4). Each
    bar is labelled with the figure as stated, its stage, its kind and the side. ``title`` is the
    finding, written by the caller from the ranking claims; ``regions`` counts regions left out.
    """
    if ranked is None or ranked.empty:
        return None
    best = ranked.reset_index(drop=True)
    left, right = _x_limits([v for p in best["people"] for v in (p.low, p.high)])
    positions = list(range(len(best)))[::-1]
    texts = []
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH, _height(len(best), 0.22, 1.0)))
        ax.set_xscale("log")
        for y, (_, row) in zip(positions, best.iterrows()):
            people = row["people"]
            up_to = _up_to(row, people)
            at = _draw_range(ax, y, people, CATEGORY_COLOURS.get(row["category"], "#444444"), left=left, up_to=up_to,
                             gid=f"origin-{y}")
            text = _stated(row)
            if people.high == 0:
                text = "0 (reported zero)"
            elif up_to and not text.startswith("up to"):
                text = f"up to {text}"
            stage = STAGE_LABELS.get(str(row["stage"]), str(row["stage"]))
            kind = "at one time" if row.get("count_type") == "current" else "to date"
            disputed = ", contradicted" if row.get("contradicted", False) in (True, 1) else ""
            texts.append((y, _label(f"{text} {stage}, {kind}{disputed} ({_side(row['side'])})"), min(at, right),
                          _bar_start(people, left, up_to)))
            above = best.iloc[len(best) - 2 - y] if y + 1 in positions else None
            if above is not None and (above["count_type"], above.get("rank_group")) != (row["count_type"],
                                                                                        row.get("rank_group")):
                ax.axhline(y + 0.5, color="#999999", linewidth=0.8)  # counts of another kind or stage start above
        ax.set_yticks(positions, [_label(o) for o in best["origin"]])
        ax.set_ylim(-0.6, len(best) - 0.4)
        _place_labels(ax, texts, left, right)
        _people_axis(fig, ax, "people (log scale): the largest figure of those reported arrived, deployed, killed "
                              "or left",
                     best["category"])
        description = (f"{_count(len(best), 'origin')} are ranked by the largest figure reported for each, drawn as "
                       "a horizontal range on a logarithmic scale and labelled with the figure, its stage and the "
                       "side")
        note = (f"{source} Ranked by the middle of each range, counting only figures graded 1–3 (possibly true or "
                "better) for people whose source says they arrived, were deployed, were killed or left (not those "
                "missing in action, nor conscripts); those who went to the war (arrived or deployed), the dead "
                "and those who left are ranked apart, as are counts to date and counts of those present at one "
                "time, never against each other; origins whose ranges overlap are not ranked against each other, "
                "and a floor (\"at least\") is placed at the figure it states. Applications and sign-ups are in the chart "
                "above. Counts over all origins, claims by a party about its adversary and counts over a period "
                "are not drawn")
        note += (f"; nor {_count(regions, 'region')}, which may contain the countries ranked." if regions else ".")
        return _finish(fig, title, description, note)
