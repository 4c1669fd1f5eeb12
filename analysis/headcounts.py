"""Headcounts: how many foreign fighters each side has, by origin, category and stage.

Rules, as an analyst should read them:

* **As of.** A view as of day D holds only claims known by D: a claim dated to the month or
  the year counts as known from the end of that period.
* **Series and the latest claim.** A series is one (side, origin, category, stage). Its figure
  is the latest claim known, ordered by the first day its date allows (so "March 2022" ranks
  before "7 March 2022"); on the same day the better credibility grade (lower number) wins.
  Claims marked ``part_of`` another claim in view are breakdowns of that total, not rivals.
* **Totals never swallow their parts.** A cell side × category × stage takes the claim covering
  every origin (``origin_scope`` all) when there is one, else a regional total, else the sum of
  the per-country series. The per-country sum is reported beside a total, never added to it.
* **Single source.** A series' figure is single-source when no claim from another source in the
  series overlaps it.
* **Contradictions.** Two claims in one series from different claimants, reported within
  :data:`CONTRADICTION_WINDOW_DAYS` of each other, whose intervals do not overlap; a part
  (``part_of`` a claim in view) is never a contradiction, neither of its total nor of anything else.
"""

from __future__ import annotations

import pandas as pd

from .intervals import Interval, format_claim, from_claim, interval_sum
from .loading import known_from

SERIES = ["side", "origin", "category", "stage"]
STAGES = ["applied", "signed_up", "arrived", "deployed", "killed", "left"]
CONTRADICTION_WINDOW_DAYS = 31
_SCOPE_RANK = {"all": 0, "region": 1, "country": 2}


def claims_as_of(claims: pd.DataFrame, as_of=None, *, sides=None, origins=None, rule=None) -> pd.DataFrame:
    """Claims known by ``as_of`` (all when None), optionally for some sides and origins.

    Adds ``known_from`` (Timestamp), ``people`` (Interval, people) and ``stated`` (the figure
    as its source put it, e.g. '40,000+'). Totals over all origins or a region are dropped when
    ``origins`` is given, since they are not about those origins alone.
    """
    frame = claims.copy()
    frame["known_from"] = known_from(frame)
    if as_of is not None:
        frame = frame[frame["known_from"] <= pd.Timestamp(as_of)]
    if sides:
        frame = frame[frame["side"].isin(list(sides))]
    if origins:
        frame = frame[frame["origin"].isin(list(origins)) & (frame["origin_scope"] == "country")]
    frame["people"] = [from_claim(q, lo, hi, rule) for q, lo, hi in
                       zip(frame["qualifier"], frame["people_low"], frame["people_high"])]
    frame["stated"] = [format_claim(q, lo, hi) for q, lo, hi in
                       zip(frame["qualifier"], frame["people_low"], frame["people_high"])]
    return frame


def latest_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per series: its latest claim, with ``n_claims``, ``n_sources`` and ``single_source``.

    ``claims`` comes from :func:`claims_as_of`. Claims that are ``part_of`` another claim in
    view are left out (they break a total down; :func:`parts_of` lists them).
    """
    in_view = set(claims["claim_id"])
    whole = claims[~claims["part_of"].isin(in_view)] if "part_of" in claims else claims
    ordered = whole.assign(_precise=whole["date_precision"].map({"year": 0, "month": 1, "day": 2})).sort_values(
        ["date_reported", "credibility", "_precise", "claim_id"], ascending=[True, False, True, False])
    rows = []
    for _, series in ordered.groupby(SERIES, sort=True):
        latest = series.iloc[-1]
        others = series[series["source_id"] != latest["source_id"]]
        corroborated = any(latest["people"].overlaps(p) for p in others["people"])
        rows.append({**latest.drop("_precise").to_dict(), "n_claims": len(series),
                     "n_sources": series["source_id"].nunique(), "single_source": not corroborated})
    columns = list(claims.columns) + ["n_claims", "n_sources", "single_source"]
    result = pd.DataFrame(rows, columns=columns, dtype=object)
    result["stage"] = pd.Categorical(result["stage"], STAGES, ordered=True)
    return result.sort_values(["side", "category", "stage", "origin"]).reset_index(drop=True)


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def parts_of(claims: pd.DataFrame, claim_id: str) -> pd.DataFrame:
    """The claims that break down claim ``claim_id`` (its ``part_of`` children)."""
    return claims[claims["part_of"] == claim_id]


def headcount_table(latest: pd.DataFrame) -> pd.DataFrame:
    """Totals by side × category × stage from :func:`latest_claims`, never adding a total to its parts.

    Returns one row per cell with ``figure`` (Interval, people), ``basis`` (how the figure was
    reached), ``claim_ids`` (the claims it rests on), ``named_origins`` (Interval: sum of the
    per-country series, shown beside a total), ``single_source`` (any claim it rests on is
    single-source) and ``parts_exceed_total`` (the per-country sum is above the total's bound).
    """
    rows = []
    for (side, category, stage), cell in latest.groupby(["side", "category", "stage"], observed=True, sort=True):
        countries = cell[cell["origin_scope"] == "country"]
        named = interval_sum(countries["people"])
        totals = cell[cell["origin_scope"] != "country"]
        if len(totals):
            best = totals.assign(rank=totals["origin_scope"].map(_SCOPE_RANK)).sort_values(
                ["rank", "known_from"], ascending=[True, False]).iloc[0]
            figure, used = best["people"], cell[cell["claim_id"] == best["claim_id"]]
            where = "all origins" if best["origin"] == "all" else best["origin"]
            basis = f"total claimed for {where}" + (f" ({best['origin_note']})" if _text(best["origin_note"]) else "")
        else:
            figure, used = named, countries
            basis = "sum of " + (f"{len(countries)} origins" if len(countries) > 1 else countries["origin"].iloc[0])
        rows.append({"side": side, "category": category, "stage": stage, "figure": figure, "basis": basis,
                     "claim_ids": list(used["claim_id"]),
                     "named_origins": named if len(totals) and len(countries) else None,
                     "single_source": bool(used["single_source"].any()),
                     "parts_exceed_total": bool(len(totals) and len(countries) and named.low > figure.upper)})
    return pd.DataFrame(rows, columns=["side", "category", "stage", "figure", "basis", "claim_ids",
                                       "named_origins", "single_source", "parts_exceed_total"])


def signup_arrival_gap(latest: pd.DataFrame) -> pd.DataFrame:
    """For each (side, origin, category) with a signed-up figure: how many have not arrived.

    Returns ``signed_up`` and ``arrived`` (Interval, people; arrived None when no arrival was
    reported), ``gap`` (Interval, people: signed up minus arrived, never below 0) and
    ``arrived_share`` (Interval, fraction of those signed up who arrived; None without an
    arrival figure), plus the claim ids and stated figures.
    """
    rows = []
    keys = ["side", "origin", "category"]
    for key, group in latest.groupby(keys, sort=True):
        signed = group[group["stage"] == "signed_up"]
        if signed.empty:
            continue
        signed = signed.iloc[0]
        arrived = group[group["stage"] == "arrived"]
        arrived = arrived.iloc[0] if len(arrived) else None
        s = signed["people"]
        if arrived is None:
            gap, share = s, None
        else:
            a = arrived["people"]
            gap = Interval(max(0.0, s.low - a.upper), max(0.0, s.high - a.low), s.open_above)
            # An open arrival figure ("more than 300") leaves the share open above too, up to 100%.
            share = None if s.low == 0 else Interval(min(1.0, a.low / s.upper), min(1.0, a.high / s.low),
                                                     a.open_above and a.high < s.low)
        rows.append({**dict(zip(keys, key)), "signed_up": s, "signed_up_stated": signed["stated"],
                     "signed_up_claim": signed["claim_id"],
                     "arrived": None if arrived is None else arrived["people"],
                     "arrived_stated": None if arrived is None else arrived["stated"],
                     "arrived_claim": None if arrived is None else arrived["claim_id"],
                     "gap": gap, "arrived_share": share})
    return pd.DataFrame(rows, dtype=object, columns=keys + ["signed_up", "signed_up_stated", "signed_up_claim", "arrived",
                                              "arrived_stated", "arrived_claim", "gap", "arrived_share"])


def contradictions(claims: pd.DataFrame, window_days: int = CONTRADICTION_WINDOW_DAYS) -> pd.DataFrame:
    """Pairs of claims in one series, by different claimants within ``window_days``, that cannot both hold.

    ``claims`` comes from :func:`claims_as_of`. Returns ``claim_a``, ``claim_b`` (a reported
    first), the series columns and both stated figures and claimants.
    """
    rows = []
    window = pd.Timedelta(days=window_days)
    # A part breaks a total down ("22,000 of the 40,000+ approved"): it is no rival to any claim.
    claims = claims[~claims["part_of"].isin(set(claims["claim_id"]))] if "part_of" in claims else claims
    for key, series in claims.groupby(SERIES, sort=True):
        series = series.sort_values(["known_from", "claim_id"])
        records = list(series.itertuples(index=False))
        for i, first in enumerate(records):
            for second in records[i + 1:]:
                if (first.claimant != second.claimant and second.known_from - first.known_from <= window
                        and not first.people.overlaps(second.people)
                        and second.part_of != first.claim_id and first.part_of != second.claim_id):
                    rows.append({**dict(zip(SERIES, key)), "claim_a": first.claim_id, "stated_a": first.stated,
                                 "claimant_a": first.claimant, "claim_b": second.claim_id,
                                 "stated_b": second.stated, "claimant_b": second.claimant})
    return pd.DataFrame(rows, columns=SERIES + ["claim_a", "stated_a", "claimant_a", "claim_b", "stated_b", "claimant_b"])
