"""Charts (issue 9): small frames built here. Each chart's title is its finding, written by its section
from typed claims computed once in analysis/ (tests/test_claims.py tests those notions); here the
charts draw what they are given, in the order they are given."""

from __future__ import annotations

import base64
import re

import pandas as pd
import pytest

from analysis.intervals import Interval, from_claim
from briefings import charts
from briefings.charts import Chart
from briefings.rendering import sanitize_html


def claim(claim_id, known_from, side, origin, category, stage, qualifier, low, high=None, stated=None, *,
          adversary=False, count_type="cumulative", part_of=None, origin_scope="country"):
    people = from_claim(qualifier, low, high)
    return {"claim_id": claim_id, "known_from": pd.Timestamp(known_from), "side": side, "origin": origin,
            "category": category, "stage": stage, "count_type": count_type, "count_key": count_type,
            "qualifier": qualifier, "people": people, "stated": stated or f"{low:,.0f}", "adversary": adversary,
            "claimant_name": "someone", "part_of": part_of, "origin_scope": origin_scope}


def ids(svg: str, prefix: str) -> list[str]:
    return re.findall(r'id="(%s-[^"]+)"' % re.escape(prefix), svg)


# ------------------------------------------------------------------------------------------ claims over time


@pytest.fixture
def over_time():
    return pd.DataFrame([
        # Syrians arrived: 300 (Mar 2022), then about 2,000 = [1,800, 2,200] (Apr 2022).
        claim("A1", "2022-03-15", "russia", "Syria", "paid", "arrived", "exactly", 300),
        claim("A2", "2022-04-30", "russia", "Syria", "paid", "arrived", "about", 2000, stated="about 2,000"),
        # The other side's claims change more (100 -> 10,000) but never make a headline.
        claim("C1", "2022-04-17", "ukraine", "all", "unknown", "arrived", "exactly", 100, adversary=True),
        claim("C2", "2023-07-31", "ukraine", "all", "unknown", "arrived", "exactly", 10000, adversary=True),
        # 1,000-3,000 then about 1,500 = [1,350, 1,650]: the ranges overlap, so no clear change.
        claim("B1", "2023-01-19", "ukraine", "all", "volunteer", "deployed", "range", 1000, 3000,
              stated="1,000–3,000", count_type="current"),
        claim("B2", "2023-03-25", "ukraine", "all", "volunteer", "deployed", "about", 1500, stated="about 1,500",
              count_type="current"),
        claim("D1", "2022-03-15", "ukraine", "Canada", "volunteer", "arrived", "up_to", 550, stated="up to 550"),
        # A part of a reported total is not a series point.
        claim("P1", "2022-03-15", "russia", "Syria", "paid", "arrived", "exactly", 200, part_of="A1"),
    ])


def test_claims_over_time_draws_the_title_it_is_given(over_time):
    # The title is written by the caller from the one notion of a change (analysis.headcounts.trends);
    # the chart draws it above the drawing and leads its alt text with it.
    chart = charts.claims_over_time(over_time, pd.Timestamp("2023-12-31"), title="A finding")
    assert chart.title == "A finding" and chart.alt.startswith("A finding. ")
    assert "claim by the other side" in chart.svg  # the legend names the hollow marker
    assert "One claim that is part of a reported total not drawn." in chart.note


def test_claims_over_time_draws_the_series_the_title_names(over_time):
    rows = [claim(f"S{i}", "2022-05-01", "russia", f"Country {i}", "paid", "signed_up", "exactly", 100 + i)
            for i in range(10)]
    frame = pd.concat([over_time, pd.DataFrame(rows)], ignore_index=True)
    # A single-claim series would not be drawn (8 of 14), unless the title names it.
    key = ("russia", "Country 0", "paid", "signed_up", "cumulative")
    assert "Country 0" not in charts.claims_over_time(frame, pd.Timestamp("2023-12-31"), title="t").svg
    assert "Country 0" in charts.claims_over_time(frame, pd.Timestamp("2023-12-31"), title="t", highlight=key).svg


def test_claims_over_time_draws_at_most_eight_series_and_says_how_many_not(over_time):
    rows = [claim(f"S{i}", "2022-05-01", "russia", f"Country {i}", "paid", "signed_up", "exactly", 100 + i)
            for i in range(10)]
    chart = charts.claims_over_time(pd.concat([over_time, pd.DataFrame(rows)], ignore_index=True),
                                    pd.Timestamp("2023-12-31"), title="t")
    # 4 series above + 10 single-claim series = 14; 8 drawn, 6 not.
    assert "Six further series with fewer claims not drawn." in chart.note


def test_claims_over_time_empty():
    assert charts.claims_over_time(pd.DataFrame(), pd.Timestamp("2022-03-31"), title="t") is None


# ------------------------------------------------------------------------------------------ headcount ranges


@pytest.fixture
def latest():
    return pd.DataFrame([
        claim("H1", "2022-11-30", "russia", "Syria", "paid", "signed_up", "about", 50000, stated="about 50,000"),
        claim("H2", "2022-04-30", "russia", "Syria", "paid", "arrived", "about", 2000, stated="about 2,000"),
        claim("H3", "2022-03-15", "ukraine", "Canada", "volunteer", "arrived", "up_to", 550, stated="up to 550"),
        claim("H4", "2022-03-15", "ukraine", "United States $x^2$", "volunteer", "signed_up", "nearly", 3000,
              stated="nearly 3,000"),
        claim("H5", "2022-03-15", "russia", "Cuba", "contract", "arrived", "exactly", 0, stated="0"),
        claim("H6", "2022-03-15", "ukraine", "all", "volunteer", "signed_up", "more_than", 20000, stated="20,000+"),
        # Left out: the other side's claim, a flow, and a region.
        claim("X1", "2025-09-22", "russia", "Cuba", "contract", "signed_up", "more_than", 90000, adversary=True),
        claim("X2", "2023-01-31", "russia", "Syria", "paid", "deployed", "nearly", 300, count_type="flow"),
        claim("X3", "2022-03-11", "russia", "Middle East", "volunteer", "applied", "more_than", 16000,
              origin_scope="region"),
    ])


def test_headcount_ranges_draws_the_title_it_is_given(latest):
    chart = charts.headcount_ranges(latest, ("signed_up", "arrived", "deployed"), title="The largest is X")
    assert chart.title == "The largest is X" and chart.alt.startswith("The largest is X. ")


def test_headcount_ranges_labels_a_stage_that_is_our_reading(latest):
    read = latest.assign(stage_detail=["Nepalis recruited; entered as arrived" if c == "H3" else "counted"
                                       for c in latest["claim_id"]])
    svg = charts.headcount_ranges(read, title="t").svg
    assert "up to 550 (our reading)" in svg and svg.count("(our reading)") == 1


def test_headcount_ranges_not_reported_up_to_and_zero(latest):
    svg = charts.headcount_ranges(latest, ("signed_up", "arrived", "deployed"), title="t").svg
    # Groups: Syria (deployed missing), all origins (arrived, deployed missing), US (arrived, deployed
    # missing), Canada (signed up, deployed missing), Cuba (signed up, deployed missing): 1 + 2 + 2 + 2 + 2 = 9.
    assert len(ids(svg, "not-reported")) == 9
    assert svg.count(">not reported<") == 9
    # "up to 550" is one dashed bar with its own label; not a solid bar from the axis edge.
    up_to = ids(svg, "up-to")
    assert len(up_to) == 1 and "up to 550" in svg
    group = svg[svg.index(f'id="{up_to[0]}"'):]
    assert "stroke-dasharray" in group[:group.index("</g>")]
    assert "0 (reported zero)" in svg
    assert "United States $x^2$" in svg  # a dollar sign stays a dollar sign, no maths
    assert "90,000" not in svg and "Middle East" not in svg  # the other side's claim and the region are left out


def test_headcount_ranges_draws_the_largest_groups_and_names_the_rest(latest):
    # Ten more groups, Russia's contract soldiers from O1 ... O10 with 10, 20, ... 100 arrived: with the five
    # groups of the fixture that makes 15. Drawn: the 8 largest by figure (Syria 50,000, all origins 20,000,
    # the US 3,000, Canada up to 550 [mid 275], O10 100, O9 90, O8 80, O7 70); left out: O6 ... O1 and
    # Cuba (a reported zero), 7 groups.
    extra = pd.DataFrame([claim(f"E{n}", "2022-03-15", "russia", f"O{n}", "contract", "arrived", "exactly", 10 * n)
                          for n in range(1, 11)])
    chart = charts.headcount_ranges(pd.concat([latest, extra], ignore_index=True), title="t")
    for shown in ("Syria", "Canada", "O10", "O7"):
        assert f"{shown} · signed up" in chart.svg
    for left_out in ("O6", "O1", "Cuba"):
        assert f"{left_out} · signed up" not in chart.svg
        assert f"Russia · {left_out}" in chart.note
    assert "Only the 8 largest groups are drawn; seven smaller groups" in chart.note
    # With the fixture alone (5 groups) nothing is left out, and the note says nothing of it.
    assert "largest groups are drawn" not in charts.headcount_ranges(latest, title="t").note


def test_headcount_ranges_none_without_figures(latest):
    assert charts.headcount_ranges(latest, ("killed",), title="t") is None


# ------------------------------------------------------------------------------------------ pay against wages


@pytest.fixture
def pay():
    def offer(offer_id, origin, category, day, low, high=None):
        return {"offer_id": offer_id, "side": "russia", "origin": origin, "category": category,
                "date_reported": pd.Timestamp(day), "date_precision": "day",
                "monthly_usd": Interval(low, low if high is None else high)}
    offers = pd.DataFrame([offer("P1", "Syria", "paid", "2022-03-15", 200, 300),
                           offer("P2", "Syria", "paid", "2022-03-30", 1000),
                           offer("P3", "Syria", "paid", "2022-11-01", 3000),
                           offer("P4", "Cuba", "contract", "2023-09-30", 2100)])
    home = Interval(15, 35)
    multiples = pd.DataFrame([
        {"offer_id": o, "origin": "Syria", "measure": "soldier_pay", "wage_usd": home, "multiple": pay / home}
        for o, pay in (("P1", Interval(200, 300)), ("P2", Interval(1000, 1000)))
    ] + [{"offer_id": "P1", "origin": "Syria", "measure": "minimum_wage", "wage_usd": Interval(25, 25),
          "multiple": Interval(8, 12)}])
    army = pd.DataFrame([
        {"offer_id": "P1", "side": "russia", "army_pay_usd": None, "ratio": None},
        {"offer_id": "P2", "side": "russia", "army_pay_usd": None, "ratio": None},
        {"offer_id": "P3", "side": "russia", "army_pay_usd": Interval(2700, 2700), "ratio": Interval(3000 / 2700, 3000 / 2700)},
        {"offer_id": "P4", "side": "russia", "army_pay_usd": Interval(1654, 1654), "ratio": Interval(2100 / 1654, 2100 / 1654)},
    ])
    return army, multiples, offers


def test_pay_draws_the_title_it_is_given(pay):
    chart = charts.pay_against_wages(*pay, 1.5, title="Neither reached 1.5×")
    assert chart.title == "Neither reached 1.5×" and chart.alt.startswith(chart.title + ". ")
    assert "1.5× army pay (our convention, not law)" in chart.svg
    # A row without a comparator says which of the three cases it is (rule 11), "not on record" never
    # meaning there was none (rule 22).
    assert "not on record (which does not mean there was none)" in chart.note and "had none" not in chart.note
    assert "not in force on its date" in chart.note and "no exchange rate of the day" in chart.note


def test_pay_comparators_only_where_in_force(pay):
    svg = charts.pay_against_wages(*pay, 1.5, title="t").svg
    # Rows from the top: Cuba P4 (y=3), Syria P1 (2), P2 (1), P3 (0).
    assert sorted(ids(svg, "home-pay")) == ["home-pay-1", "home-pay-2"]
    assert sorted(ids(svg, "army-pay")) == ["army-pay-0", "army-pay-3"]
    assert sorted(ids(svg, "threshold")) == ["threshold-0", "threshold-3"]
    assert "$200–300" in svg and "$3,000" in svg  # dollar signs drawn as typed


def test_pay_labels_an_offer_to_every_origin(pay):
    army, multiples, offers = pay
    every = offers.assign(origin=["all" if o == "P4" else x for o, x in zip(offers["offer_id"], offers["origin"])])
    assert "All origins · 30 Sep 2023" in charts.pay_against_wages(army, multiples, every, 1.5, title="t").svg


# ------------------------------------------------------------------------------------------ origins ranked


def ranked(latest):
    """Origins in the order analysis.headcounts.ranked_origins gives: counts to date, then at one time."""
    from analysis.headcounts import PRESENCE_STAGES, Scope, ranked_origins

    frame = latest.assign(credibility=3, stage_detail="counted", adversary=latest["adversary"].astype(bool))
    blocks = [ranked_origins(frame, Scope(kind, tuple(PRESENCE_STAGES), reached=True)) for kind in ("cumulative", "current")]
    return pd.concat(blocks, ignore_index=True)


def test_origins_ranked_draws_the_order_it_is_given(latest):
    order = ranked(latest)
    # Only people reported arrived or deployed count, and a reported 0 (Cuba) is no group: Syria about
    # 2,000 arrived (mid 2,000), Canada up to 550 (mid 275). Sign-ups, 'all', the other side and the region
    # are left out.
    assert list(order["origin"]) == ["Syria", "Canada"]
    chart = charts.origins_ranked(order, title="Syria leads")
    assert chart.title == "Syria leads" and chart.alt.startswith("Syria leads. ")
    assert "about 2,000 arrived, to date (Russia)" in chart.svg and "50,000" not in chart.svg
    assert "one region" in charts.origins_ranked(order, title="t", regions=1).note


def test_origins_ranked_never_ranks_kinds_against_each_other(latest):
    # North Korea 11,000-12,000 present at one time is ranked in a block of its own, after the counts to
    # date: never "ahead of" Syria's about 2,000 to date.
    extra = pd.DataFrame([claim("H7", "2024-11-04", "russia", "North Korea", "state_deployed", "deployed", "range",
                                11000, 12000, stated="11,000–12,000", count_type="current")])
    order = ranked(pd.concat([latest, extra], ignore_index=True))
    assert list(zip(order["origin"], order["count_type"])) == [("Syria", "cumulative"), ("Canada", "cumulative"),
                                                              ("North Korea", "current")]
    assert "11,000–12,000 deployed, at one time (Russia)" in charts.origins_ranked(order, title="t").svg


# ------------------------------------------------------------------------------------------ Chart as HTML and PDF


def test_repr_html_escapes_hostile_text():
    hostile = "<script>alert(1)</script>"
    chart = Chart(hostile, "<svg xmlns='http://www.w3.org/2000/svg'/>", f'alt" onerror="x {hostile}', hostile)
    page = chart._repr_html_()
    assert "<script" not in page and "onerror=\"" not in page
    assert page.startswith('<figure class="chart"><figcaption class="chart-title">&lt;script&gt;')
    assert '<p class="chart-note">&lt;script&gt;' in page
    bundle = chart._repr_mimebundle_()
    # Shown alone in a notebook, the figure sits in the notebook wrapper (MathJax off, scoped style).
    assert page in bundle["text/html"] and "mathjax_ignore" in bundle["text/html"]
    assert set(bundle) == {"text/html", "text/plain"}


def test_sanitiser_keeps_the_chart_image_and_alt(latest):
    chart = charts.origins_ranked(ranked(latest), title="Of foreign fighters reported to have reached the war, "
                                                       "the largest figure is for Syria")
    page = sanitize_html(chart._repr_html_())
    src = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert src and base64.b64decode(src.group(1)).decode("utf-8") == chart.svg
    assert 'alt="Of foreign fighters reported to have reached the war, the largest figure is for Syria' in page
    # Any other image, or a script in the alt text's place, is still removed.
    assert sanitize_html('<img src="x" onerror="alert(1)"><img src="data:text/html;base64,PHA+">') == ""


def test_same_inputs_give_identical_svg(over_time, latest, pay):
    as_of = pd.Timestamp("2023-12-31")
    assert charts.claims_over_time(over_time, as_of, title="t").svg == charts.claims_over_time(over_time, as_of,
                                                                                                title="t").svg
    assert charts.headcount_ranges(latest, title="t").svg == charts.headcount_ranges(latest, title="t").svg
    assert charts.pay_against_wages(*pay, 1.5, title="t").svg == charts.pay_against_wages(*pay, 1.5, title="t").svg
    assert charts.origins_ranked(ranked(latest), title="t").svg == charts.origins_ranked(ranked(latest), title="t").svg


def test_chart_alt_text_reaches_the_tagged_pdf(latest):
    from pypdf import PdfReader
    import io

    from briefings.pdf import compile_pdf, prepare
    from briefings.viewmodel import to_json

    chart = charts.origins_ranked(ranked(latest), title="Syria leads")
    # The chart as the origins section carries it to the PDF (its view-model, as JSON).
    pdf = PdfReader(io.BytesIO(compile_pdf({
        "lang": "en", "meta": {"title": "t", "subject": "", "author": "", "keywords": []},
        "header": {"title": "t", "subject": "", "marking": "", "as_of": "", "generated": "", "data_version": "",
                   "figures_href": "", "as_of_display": "", "generated_display": "",
                   "run": {"title": "", "marking": "", "as_of": "", "data_version": ""}},
        "blocks": [{"kind": "section", "name": "origins", "view": prepare(to_json({"chart": chart}))}]})))
    figures = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure":
                figures.append(str(node.get("/Alt")))
            if "/K" in node:
                walk(node["/K"])

    walk(pdf.trailer["/Root"]["/StructTreeRoot"])
    assert figures == [chart.alt]
    assert chart.title in " ".join(pdf.pages[0].extract_text().split())


# ------------------------------------------------------------------------------------------ labels fit


def _label_overflow(labels, left, right, ticks) -> list[str]:
    """Labels of bars that run past the axes once laid out as the charts lay them out."""
    import matplotlib.pyplot as plt

    with plt.rc_context(charts.STYLE):
        fig, ax = plt.subplots(figsize=(charts.WIDTH, 3))
        ax.set_xscale("log")
        ax.set_yticks(range(len(ticks)), ticks)
        ax.set_ylim(-0.6, len(ticks) - 0.4)
        charts._place_labels(ax, labels, left, right)
        charts._log_axis(ax.xaxis, "people")
        charts._fixed_layout(fig)
        fig.canvas.draw()
        box = ax.get_window_extent()
        out = [t.get_text() for t in ax.texts
               if t.get_window_extent().x1 > box.x1 + 0.5 or t.get_window_extent().x0 < box.x0 - 0.5]
        plt.close(fig)
    return out


def test_bar_labels_stay_inside_the_chart():
    # The overview's origins chart (Dec 2026) cut "about 15,000 arrived, to date (Russia)" and
    # "11,000–12,000 arrived, at one time (Russia)" at the right edge: bars near the top of the scale
    # with long labels. Each is (y, text, x after the bar, x where the bar starts); data reach 99,000.
    labels = [(3, "about 15,000 arrived, to date (Russia)", 21_450, 13_500),
              (2, "up to 7,000 deployed, to date (Ukraine)", 9_100, 1_750),
              (1, "11,000–12,000 arrived, at one time (Russia)", 15_600, 11_000),
              (0, "1,000–5,000 deployed, at one time (Russia)", 6_500, 1_000)]
    ticks = ["India", "Colombia", "North Korea", "Cuba"]
    assert _label_overflow(labels, 7.7, 99_000, ticks) == []


def test_a_label_that_fits_nowhere_widens_the_axis_instead_of_being_cut():
    # The overview's headcount chart: long group names leave a narrow axis, and Nepal's bar
    # (13,500–16,500, at 21,450 with its cap) has a label too long for either side of it at first.
    labels = [(1, "about 15,000 (our reading; unconfirmed)", 21_450, 13_500),
              (0, "16,000 (our reading; unconfirmed)", 20_800, 16_000)]
    ticks = ["Russia · Central Asia · signed up", "Russia · Nepal · arrived"]
    assert _label_overflow(labels, 40, 300_000, ticks) == []


def test_headcount_ranges_marks_unconfirmed_bars(latest):
    graded = latest.assign(credibility=[4 if c == "H1" else 2 for c in latest["claim_id"]])
    svg = charts.headcount_ranges(graded, title="t").svg
    # H1 (about 50,000, graded 4) is drawn, and marked; no other bar is.
    assert "about 50,000 (unconfirmed)" in svg and svg.count("(unconfirmed)") == 1
    assert charts.drawn_headcounts(graded)["claim_id"].tolist().count("H1") == 1


def test_pay_draws_an_up_to_offer_dashed(pay):
    army, multiples, offers = pay
    # P4 becomes "up to $2,713" (Kenya's P027 in dollars): [0, 2,713]; drawn as the legend says.
    capped = offers.assign(monthly_usd=[Interval(0, 2713) if o == "P4" else m
                                        for o, m in zip(offers["offer_id"], offers["monthly_usd"])])
    svg = charts.pay_against_wages(army, multiples, capped, 1.5, title="t").svg
    assert "up to $2,713" in svg and "dashed = up to N" in svg
    assert ids(svg, "up-to") == ["up-to-3"]  # the Cuba row, at the top
    group = svg[svg.index('id="up-to-3"'):]
    assert "stroke-dasharray" in group[:group.index("</g>")]


def test_headcount_ranges_says_a_stage_has_only_a_part_of_a_larger_count(latest):
    # Syria's deployed stage has no claim of its own in `latest` (see the test above); a part of
    # another count for it (as North Korea's "at least 10,000" in Kursk is of the 11,000-12,000 in
    # Russia) is named there, not drawn; the other eight empty stages still say "not reported".
    part = latest[latest["claim_id"] == "H1"].assign(claim_id="P1", stage="deployed", stated="at least 1,234",
                                                      part_of="H1")
    svg = charts.headcount_ranges(latest, title="t", parts=part).svg
    assert "at least 1,234: part of a larger count, not drawn" in svg
    assert svg.count(">not reported<") == 8
